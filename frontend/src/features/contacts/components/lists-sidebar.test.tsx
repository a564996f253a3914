import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { ListsSidebar } from './lists-sidebar';

function list(name: string, memberCount: number) {
  return { id: `list-${memberCount}`, name, member_count: memberCount, created_at: '2026-11-28T10:00:00Z', updated_at: '2026-11-28T10:00:00Z' };
}

describe('ListsSidebar', () => {
  it.each([
    { members: 0, size: 'an empty list', text: 'Delete “Campaign”? It has no contacts; only the list goes.', deleted: 'List “\u2068Campaign\u2069” deleted.' },
    { members: 1, size: 'a list of one contact', text: 'Delete “Campaign”? Its contact stays saved; only the list goes.', deleted: 'List “\u2068Campaign\u2069” deleted; its contact stays saved.' },
    { members: 2, size: 'a list of 2 contacts', text: 'Delete “Campaign”? Its 2 contacts stay saved; only the list goes.', deleted: 'List “\u2068Campaign\u2069” deleted; its contacts stay saved.' },
  ])('words the delete confirmation for $size', async ({ members, text, deleted }) => {
    stubApi({
      'GET /lists': () => jsonResponse({ items: [list('Campaign', members)], next_cursor: '' }),
      'DELETE /lists/:id': () => new Response(null, { status: 204 }),
    });
    renderWithProviders(<ListsSidebar current={null} onSelect={() => {}} canWrite />);

    await userEvent.click(await screen.findByRole('button', { name: 'Actions for list Campaign' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete list' });
    expect(dialog).toHaveTextContent(text);
    // The name sits in a sentence: isolated (a <bdi>, and FSI … PDI in the notification), so a
    // right-to-left one keeps to its own direction.
    expect(dialog.querySelector('bdi')).toHaveTextContent('Campaign');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete list' }));
    expect(await screen.findByText(deleted)).toBeInTheDocument();
  });
});

describe('ListsSidebar focus after a list dialog', () => {
  it('returns focus to the list’s actions button after renaming it', async () => {
    let name = 'Campaign';
    stubApi({
      'GET /lists': () => jsonResponse({ items: [list(name, 2)], next_cursor: '' }),
      'PATCH /lists/:id': async (request) => {
        name = ((await request.json()) as { name: string }).name;
        return jsonResponse(list(name, 2));
      },
    });
    renderWithProviders(<ListsSidebar current={null} onSelect={() => {}} canWrite />);

    await userEvent.click(await screen.findByRole('button', { name: 'Actions for list Campaign' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Rename' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rename list' });
    const input = within(dialog).getByRole('textbox', { name: 'List name' });
    await userEvent.clear(input);
    await userEvent.type(input, 'Spring campaign{Enter}');
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Actions for list Spring campaign' })).toHaveFocus());
  });

  it('returns focus to the list’s actions button when the delete is cancelled', async () => {
    stubApi({ 'GET /lists': () => jsonResponse({ items: [list('Campaign', 2)], next_cursor: '' }) });
    renderWithProviders(<ListsSidebar current={null} onSelect={() => {}} canWrite />);

    await userEvent.click(await screen.findByRole('button', { name: 'Actions for list Campaign' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete list' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Actions for list Campaign' })).toHaveFocus());
  });

  it('moves focus to All saved contacts once the list is deleted', async () => {
    let items = [list('Campaign', 2)];
    stubApi({
      'GET /lists': () => jsonResponse({ items, next_cursor: '' }),
      'DELETE /lists/:id': () => {
        items = [];
        return new Response(null, { status: 204 });
      },
    });
    renderWithProviders(<ListsSidebar current="list-2" onSelect={() => {}} canWrite />);

    await userEvent.click(await screen.findByRole('button', { name: 'Actions for list Campaign' }));
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete list' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete list' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await screen.findByText('No lists yet. Lists group saved contacts, e.g. for a campaign.');
    expect(screen.getByRole('button', { name: 'All saved contacts' })).toHaveFocus();
  });
});

describe('ListsSidebar with many lists', () => {
  // An organization may have up to 500 lists, with names up to 100 characters, in any script.
  const long = `Enterprise accounts in the DACH region for the spring campaign, second wave, ${'x'.repeat(20)}`;
  const many = [
    ...Array.from({ length: 10 }, (_, i) => ({ ...list(`Campaign ${i + 1}`, i + 1), id: `list-c${i + 1}` })),
    { ...list('قائمة العملاء', 40), id: 'list-ar' },
    { ...list(long, 50), id: 'list-long' },
  ];

  it('filters the lists by name, keeps the one on view, and says when none matches', async () => {
    stubApi({ 'GET /lists': () => jsonResponse({ items: many, next_cursor: '' }) });
    renderWithProviders(<ListsSidebar current="list-long" onSelect={() => {}} canWrite />);

    const filter = await screen.findByRole('textbox', { name: 'Filter lists' });
    expect(screen.getAllByTestId('list-item')).toHaveLength(12);
    await userEvent.type(filter, 'CAMPAIGN 1');
    // "Campaign 1" and "Campaign 10" hold it; the list on view (the long one) stays.
    const shown = screen.getAllByTestId('list-item').map((item) => within(item).getByRole('button', { name: /^Actions for list/ }).getAttribute('aria-label'));
    expect(shown).toEqual(['Actions for list Campaign 1', 'Actions for list Campaign 10', `Actions for list ${long}`]);
    expect(screen.queryByTestId('lists-no-match')).not.toBeInTheDocument();

    await userEvent.clear(filter);
    await userEvent.type(filter, 'العملاء');
    expect(screen.getAllByTestId('list-item')).toHaveLength(2);

    await userEvent.clear(filter);
    await userEvent.type(filter, 'nothing like it');
    expect(screen.getByTestId('lists-no-match')).toHaveTextContent('No list name holds “nothing like it”.');
    await userEvent.click(screen.getByRole('button', { name: 'Clear the list filter' }));
    expect(screen.getAllByTestId('list-item')).toHaveLength(12);
  });

  it('shows a cut name whole on hover and sets it in its own direction', async () => {
    stubApi({ 'GET /lists': () => jsonResponse({ items: many, next_cursor: '' }) });
    renderWithProviders(<ListsSidebar current={null} onSelect={() => {}} canWrite={false} />);

    const name = await screen.findByText(long);
    expect(name).toHaveAttribute('title', long);
    expect(name).toHaveAttribute('dir', 'auto');
    expect(screen.getByText('قائمة العملاء')).toHaveAttribute('dir', 'auto');
  });

  it('offers no filter for a few lists', async () => {
    stubApi({ 'GET /lists': () => jsonResponse({ items: many.slice(0, 9), next_cursor: '' }) });
    renderWithProviders(<ListsSidebar current={null} onSelect={() => {}} canWrite />);

    expect(await screen.findAllByTestId('list-item')).toHaveLength(9);
    expect(screen.queryByRole('textbox', { name: 'Filter lists' })).not.toBeInTheDocument();
  });
});
