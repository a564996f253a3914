import type { TenantCorrection } from './api/list-corrections';
import { correctionFieldLabel } from './labels';

type StateInfo = { label: string; color: string; description: string };

/** What a correction's state means to the organization that filed it. */
export function correctionState(correction: TenantCorrection): StateInfo {
  switch (correction.status) {
    case 'pending':
      return {
        label: 'Pending review',
        color: 'yellow',
        description: 'Your organization sees it now; our staff review it for everyone.',
      };
    case 'accepted':
      if (!correction.applied_at_once) {
        return { label: 'Accepted', color: 'green', description: 'Now in the shared record: everyone sees it.' };
      }
      // An undo goes back to the shared value, so it replaces the value with itself.
      return correction.new_value === correction.old_value
        ? { label: 'Undone', color: 'gray', description: 'Back to the shared value.' }
        : { label: 'Applied', color: 'green', description: 'Applied at once: a contact of your organization’s own.' };
    case 'rejected':
      return {
        label: 'Rejected',
        color: 'red',
        description: 'The shared record keeps its value; your organization still sees yours.',
      };
    case 'withdrawn':
      return { label: 'Withdrawn', color: 'gray', description: 'Replaced by a later correction of the field, or undone.' };
  }
}

/** "the title correction of Zoë Müller" */
export function correctionName(correction: TenantCorrection, contactName?: string): string {
  const who = contactName || correction.contact_name || 'the contact';
  return `the ${correctionFieldLabel(correction.field).toLowerCase()} correction of ${who}`;
}
