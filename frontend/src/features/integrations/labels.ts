import type { CrmField, FieldOwnership } from './api/get-crm-settings';

export const fieldLabels: Record<CrmField, string> = {
  email: 'Email',
  first_name: 'First name',
  last_name: 'Last name',
  phone: 'Phone',
  job_title: 'Job title',
  company_name: 'Company',
};

export const ownershipOptions: { value: FieldOwnership; label: string; description: string }[] = [
  {
    value: 'fill_if_empty',
    label: 'Fill if empty',
    description: "written only where the CRM's value is empty or still the one we sent (default)",
  },
  { value: 'overwrite', label: 'Overwrite', description: 'our value always replaces the CRM’s' },
  { value: 'never', label: 'Never', description: 'never sent: the CRM owns this field' },
];

/** What went wrong, by the `reason` the OAuth callback adds to /integrations?crm=error. */
const connectErrors: Record<string, string> = {
  access_denied: 'Access was denied on the 1CloudAI CRM consent page, so nothing was connected.',
  invalid_state: 'The answer from the CRM did not match a connection attempt from this organization. Start again with Connect.',
  state_used: 'This connection attempt was already used. Start again with Connect.',
  state_expired: 'The connection attempt expired (it is valid for 10 minutes). Start again with Connect.',
  other_browser:
    'This connection was started in another browser, so nothing was connected. Whoever connects the CRM starts with Connect in their own browser.',
  crm_error: 'The 1CloudAI CRM refused the request. Try again in a moment.',
  not_allowed: 'Only organization admins can connect the CRM.',
  exchange_failed: 'The CRM’s authorization could not be confirmed. Try again.',
  missing_scopes: 'The CRM granted too few permissions: reading and writing contacts are both needed.',
  account_in_use:
    'This 1CloudAI CRM account is already connected to another organization, so nothing was connected. Disconnect it there first, or connect another CRM account.',
  internal_error: 'Something went wrong on our side while connecting. Try again.',
};

export function connectErrorMessage(reason: string | null): string {
  return (reason && connectErrors[reason]) || 'The CRM could not be connected. Try again.';
}
