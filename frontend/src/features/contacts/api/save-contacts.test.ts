import { describe, expect, it } from 'vitest';

import { jsonResponse, stubApi } from '@/testing/test-utils';

import { saveContacts } from './save-contacts';

describe('saveContacts', () => {
  it('saves a selection over 1,000 contacts in calls the server takes and adds up what they did', async () => {
    const calls: { ids: number; listId: unknown }[] = [];
    stubApi({
      'POST /saved-contacts': async (request) => {
        const body = (await request.json()) as { contact_ids: string[]; list_id?: string };
        calls.push({ ids: body.contact_ids.length, listId: body.list_id });
        return jsonResponse({ saved: body.contact_ids.length - 1, already_saved: 1, added_to_list: body.contact_ids.length });
      },
    });
    const ids = Array.from({ length: 1500 }, (_, i) => `c${i}`);

    const result = await saveContacts({ contactIds: ids, list: { id: 'list-1', name: 'Berlin engineers' } });

    expect(calls).toEqual([
      { ids: 1000, listId: 'list-1' },
      { ids: 500, listId: 'list-1' },
    ]);
    expect(result).toEqual({ saved: 1498, already_saved: 2, added_to_list: 1500 });
  });
});
