/**
 * The scopes a key may carry (DESIGN.md §2), in the order the create form lists them, with what
 * each one lets an integration do.
 */
export const apiKeyScopes = [
  { value: 'contacts:read', description: 'Search contacts and read contact and company details.' },
  { value: 'saved:read', description: 'List and export saved contacts and lists; see saved status, notes and lists on contacts.' },
  { value: 'saved:write', description: 'Save and unsave contacts and manage lists.' },
  { value: 'corrections:write', description: 'Submit corrections to contact data.' },
  { value: 'imports:read', description: 'Monitor imports and their results.' },
  { value: 'imports:write', description: 'Start new imports.' },
  { value: 'crm:read', description: 'View the CRM push history and each contact’s CRM status.' },
  { value: 'crm:push', description: 'Push approved contacts to the connected CRM.' },
  { value: 'usage:read', description: 'Read the package, its limits and this month’s usage.' },
] as const;

export type ApiKeyScope = (typeof apiKeyScopes)[number]['value'];

/** Rotation overlaps the rotate dialog offers, in hours (the API accepts 0 to 168). */
export const rotationOverlaps = [
  { hours: 0, label: 'None', explanation: 'The old secret stops working now. Use this when it may have leaked.' },
  { hours: 1, label: '1 hour', explanation: 'The old secret keeps working for 1 hour: enough to redeploy one integration.' },
  { hours: 24, label: '24 hours', explanation: 'The old secret keeps working for 24 hours, so integrations can switch during the day.' },
  { hours: 168, label: '7 days', explanation: 'The old secret keeps working for 7 days, for integrations that are updated weekly.' },
] as const;
