import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { SaveToListModal } from './save-to-list-modal';

const taken = {
  status: 409,
  type: 'conflict',
  title: 'Conflict',
  code: 'conflict',
  detail: 'A list named "Campaign" already exists.',
  errors: [{ field: 'name', message: 'is already used by another list' }],
};
const capped = {
  status: 409,
  type: 'conflict',
  title: 'Conflict',
  code: 'conflict',
  detail: 'This organization has 500 lists, the most it can have. Delete one it no longer uses first.',
};

describe('SaveToListModal', () => {
  it.each([
    { refusal: 'a taken name', problem: taken, shown: 'is already used by another list' },
    { refusal: 'the cap on lists', problem: capped, shown: /has 500 lists, the most it can have/ },
  ])('shows the server’s reason for $refusal when creating the list', async ({ problem, shown }) => {
    stubApi({
      'GET /lists': () => jsonResponse({ items: [], next_cursor: '' }),
      'POST /lists': () => problemResponse(problem),
    });
    renderWithProviders(<SaveToListModal opened contactIds={['c1']} onClose={() => {}} />);

    await userEvent.type(await screen.findByRole('textbox', { name: 'New list name' }), 'Campaign');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText(shown)).toBeInTheDocument();
    expect(screen.queryByText(/exists already/)).not.toBeInTheDocument();
  });
});

describe('SaveToListModal with lists named in any script', () => {
  it('isolates each list name from its count, so a right-to-left name does not take the count along', async () => {
    stubApi({
      'GET /lists': () =>
        jsonResponse({
          items: [{ id: 'list-ar', name: 'قائمة العملاء 1', member_count: 30, created_at: '2026-11-28T10:00:00Z', updated_at: '2026-11-28T10:00:00Z' }],
          next_cursor: '',
        }),
    });
    renderWithProviders(<SaveToListModal opened contactIds={['c1']} onClose={() => {}} />);

    const picker = await screen.findByRole('combobox', { name: 'List' });
    await waitFor(() => expect(picker).toBeEnabled());
    await userEvent.click(picker);
    const option = await screen.findByRole('option', { name: /قائمة العملاء 1/ });
    expect(option).toHaveTextContent('\u2068قائمة العملاء 1\u2069 (30)', { normalizeWhitespace: false });
  });
});
