import type { CrmConnectionStatus } from '@/lib/crm/get-crm-connection';
import type { CrmPushItemStatus, CrmPushStatus } from '@/lib/crm/get-crm-push';

type Label = { label: string; color: string };

export const connectionStatusLabels: Record<CrmConnectionStatus, Label> = {
  connected: { label: 'Connected', color: 'green' },
  needs_reauth: { label: 'Needs re-authorization', color: 'orange' },
  disconnected: { label: 'Disconnected', color: 'gray' },
  not_connected: { label: 'Not connected', color: 'gray' },
};

export const pushStatusLabels: Record<CrmPushStatus, Label> = {
  queued: { label: 'Queued', color: 'blue' },
  running: { label: 'Running', color: 'blue' },
  paused: { label: 'Paused', color: 'orange' },
  completed: { label: 'Completed', color: 'green' },
  completed_with_errors: { label: 'Completed with errors', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'gray' },
};

export const pushStatusOptions = (Object.keys(pushStatusLabels) as CrmPushStatus[]).map((value) => ({
  value,
  label: pushStatusLabels[value].label,
}));

export const pushItemStatusLabels: Record<CrmPushItemStatus, Label> = {
  queued: { label: 'Queued', color: 'blue' },
  paused: { label: 'Paused', color: 'orange' },
  pushed: { label: 'Pushed', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  deleted_in_crm: { label: 'Deleted in CRM', color: 'red' },
  cancelled: { label: 'Cancelled', color: 'gray' },
  skipped: { label: 'Skipped', color: 'gray' },
  rejected: { label: 'Rejected', color: 'yellow' },
};

export const pushItemStatusOptions = (Object.keys(pushItemStatusLabels) as CrmPushItemStatus[]).map((value) => ({
  value,
  label: pushItemStatusLabels[value].label,
}));

/** Why a push skips or rejects a contact (CRMPlanItem.reason). */
const reasonLabels: Record<string, string> = {
  not_found: 'Not found',
  not_saved: 'Not saved',
  not_approved: 'Not approved yet',
  rejected: 'Rejected in review',
  deleted_in_crm: 'Deleted in the CRM (never pushed again)',
  already_queued: 'Already waiting in another push',
  // Not a duplicate in the CRM (a push never makes one): the contact is there already, as it is here.
  skipped_duplicate: 'Unchanged since the last push',
};

export function reasonLabel(reason: string): string {
  return reasonLabels[reason] ?? reason.replace(/_/g, ' ');
}

const actionLabels: Record<string, string> = { create: 'Create', update: 'Update', skip: 'Skip', reject: 'Reject' };

export function actionLabel(action: string): string {
  return actionLabels[action] ?? action;
}

/** "all_approved_not_pushed" → "All approved not yet pushed". */
export function selectionLabel(selection: string): string {
  return selection === 'all_approved_not_pushed' ? 'All approved not yet pushed' : 'Selected contacts';
}
