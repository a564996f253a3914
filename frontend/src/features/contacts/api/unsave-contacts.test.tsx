import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { describe, expect, it } from 'vitest';

import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { contact } from '../testing/fixtures';
import { getContactQueryOptions } from './get-contact';
import type { Contact } from './search-contacts';
import { useUnsaveContacts } from './unsave-contacts';

let queryClient: QueryClient | undefined;

function UnsaveButton({ ids }: { ids: string[] }) {
  const client = useQueryClient();
  useEffect(() => {
    queryClient = client;
  }, [client]);
  const unsave = useUnsaveContacts();
  return (
    <button type="button" onClick={() => unsave.mutate(ids)}>
      Unsave
    </button>
  );
}

describe('useUnsaveContacts', () => {
  it('drops the note, the review status and the lists from every cached copy, as the server does', async () => {
    const person = contact({
      saved: true,
      saved_status: 'approved',
      saved_at: '2026-11-28T10:00:00Z',
      saved_notes: 'Call on Monday.',
      lists: [{ id: 'list-1', name: 'Berlin engineers' }],
    });
    stubApi({
      'DELETE /saved-contacts': () => jsonResponse({ count: 1 }),
      'GET /lists': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    renderWithProviders(<UnsaveButton ids={[person.id]} />);
    const key = getContactQueryOptions(person.id).queryKey;
    queryClient!.setQueryData(key, person);

    await userEvent.click(screen.getByRole('button', { name: 'Unsave' }));

    await waitFor(() => expect(queryClient!.getQueryData<Contact>(key)?.saved).toBe(false));
    const cached = queryClient!.getQueryData<Contact>(key);
    expect(cached?.saved_notes).toBeUndefined();
    expect(cached?.saved_status).toBeUndefined();
    expect(cached?.lists).toEqual([]);
  });
});
