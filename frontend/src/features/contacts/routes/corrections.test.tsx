import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { contact, correction, me, memberPermissions, signIn, viewerPermissions } from '../testing/fixtures';
import { jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { CorrectionsRoute } from './corrections';

describe('CorrectionsRoute', () => {
  it('lists the organization’s corrections with who filed them and each state', async () => {
    signIn('member');
    stubApi({
      'GET /me': () => jsonResponse(me(memberPermissions, 'member')),
      'GET /corrections': () =>
        jsonResponse({
          items: [
            correction(),
            correction({ id: 'corr-2', field: 'city', old_value: 'Porto', new_value: 'Lisbon', status: 'accepted', applied_at_once: true, submitted_by: null, submitted_by_name: undefined }),
            correction({ id: 'corr-3', status: 'rejected', reviewed_at: '2026-11-28T10:00:00Z' }),
            correction({ id: 'corr-4', submitted_by: null, submitted_by_name: undefined, submitted_by_key: 'key-1', submitted_by_key_name: 'Zapier sync' }),
          ],
          next_cursor: '',
        }),
    });
    renderWithProviders(<CorrectionsRoute />, { route: '/corrections' });

    const found = await screen.findAllByTestId('tenant-correction');
    expect(found).toHaveLength(4);
    const items = found as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];
    expect(items[0]).toHaveTextContent('Zoë Müller');
    expect(items[0]).toHaveTextContent('Head of Engineering');
    expect(items[0]).toHaveTextContent('VP Engineering');
    expect(items[0]).toHaveTextContent('Filed by Ada Lovelace');
    // A person's name in a sentence is isolated, so a right-to-left one keeps to its own direction.
    expect(items[0].querySelector('bdi')).toHaveTextContent('Ada Lovelace');
    expect(within(items[0]).getByTestId('correction-state')).toHaveTextContent('Pending review');
    expect(within(items[0]).getByRole('button', { name: 'Undo the title correction of Zoë Müller' })).toBeEnabled();
    expect(within(items[1]).getByTestId('correction-state')).toHaveTextContent('Applied');
    expect(items[1]).toHaveTextContent('Filed by a removed user');
    expect(items[3]).toHaveTextContent('Filed by the API key “Zapier sync”');
    expect(within(items[1]).queryByRole('button', { name: /Undo/ })).not.toBeInTheDocument();
    expect(within(items[2]).getByTestId('correction-state')).toHaveTextContent('Rejected');
  });

  it('filters by status in the address and pages as the API pages', async () => {
    signIn('member');
    const queries: URLSearchParams[] = [];
    stubApi({
      'GET /me': () => jsonResponse(me(memberPermissions, 'member')),
      'GET /corrections': (request) => {
        const query = new URL(request.url).searchParams;
        queries.push(query);
        if (query.get('cursor') === 'next-1') {
          return jsonResponse({ items: [correction({ id: 'corr-9', contact_name: 'Second Page' })], next_cursor: '' });
        }
        return jsonResponse({ items: [correction()], next_cursor: query.get('status') ? '' : 'next-1' });
      },
    });
    renderWithProviders(<CorrectionsRoute />, { route: '/corrections' });

    await screen.findByTestId('tenant-correction');
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Second Page')).toBeInTheDocument();
    expect(queries[1]?.get('cursor')).toBe('next-1');

    await userEvent.click(screen.getByRole('combobox', { name: 'Status' }));
    await userEvent.click(screen.getByRole('option', { name: 'Rejected' }));
    await screen.findByTestId('tenant-correction');
    expect(queries.at(-1)?.get('status')).toBe('rejected');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('says when the shared value changed since, and undoes to the shared value', async () => {
    signIn('member');
    const bodies: unknown[] = [];
    let items = [correction({ current_value: 'CTO', stale: true })];
    stubApi({
      'GET /me': () => jsonResponse(me(memberPermissions, 'member')),
      'GET /corrections': () => jsonResponse({ items, next_cursor: '' }),
      'GET /contacts/:id': () => jsonResponse(contact({ id: 'contact-1', title: 'CTO' })),
      'POST /contacts/:id/corrections': async (request) => {
        bodies.push(await request.json());
        items = [correction({ id: 'corr-2', old_value: 'CTO', new_value: 'CTO', status: 'accepted', applied_at_once: true }), { ...items[0]!, status: 'withdrawn', stale: false }];
        return jsonResponse(items[0], { status: 201 });
      },
    });
    renderWithProviders(<CorrectionsRoute />, { route: '/corrections' });

    const item = await screen.findByTestId('tenant-correction');
    const note = within(item).getByTestId('changed-since-title');
    expect(note).toHaveTextContent('Changed since');
    expect(note).toHaveTextContent('it is now “CTO”');
    await userEvent.click(within(note).getByRole('button', { name: 'Undo the title correction of Zoë Müller' }));

    expect(bodies).toEqual([{ field: 'title', value: 'CTO' }]);
    await waitFor(() => expect(screen.getAllByTestId('tenant-correction')).toHaveLength(2));
    const [undo, withdrawn] = screen.getAllByTestId('tenant-correction');
    expect(await within(undo!).findByText('Undone')).toBeInTheDocument();
    expect(within(withdrawn!).getByTestId('correction-state')).toHaveTextContent('Withdrawn');
  });

  it('leads a member with no corrections to Search and Saved, where contacts open', async () => {
    signIn('member');
    stubApi({
      'GET /me': () => jsonResponse(me(memberPermissions, 'member')),
      'GET /corrections': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    renderWithProviders(<CorrectionsRoute />, { route: '/corrections' });

    const empty = await screen.findByTestId('corrections-empty');
    expect(empty).toHaveTextContent('No corrections yet. Open a contact from Search or Saved and suggest one where a value is wrong.');
    expect(within(empty).getByRole('link', { name: 'Search' })).toHaveAttribute('href', '/search');
    expect(within(empty).getByRole('link', { name: 'Saved' })).toHaveAttribute('href', '/saved');
  });

  it('lets viewers read without undo, and says when there are none', async () => {
    signIn('viewer');
    stubApi({
      'GET /me': () => jsonResponse(me(viewerPermissions, 'viewer')),
      'GET /corrections': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    renderWithProviders(<CorrectionsRoute />, { route: '/corrections' });

    // A viewer cannot suggest one: the page does not send them looking for the form.
    expect(await screen.findByTestId('corrections-empty')).toHaveTextContent(
      'No corrections yet. Members and org admins suggest them from a contact’s details.',
    );
  });

  it('opens the contact in the drawer', async () => {
    signIn('viewer');
    stubApi({
      'GET /me': () => jsonResponse(me(viewerPermissions, 'viewer')),
      'GET /corrections': () => jsonResponse({ items: [correction()], next_cursor: '' }),
      'GET /contacts/:id': () =>
        jsonResponse(contact({ id: 'contact-1', first_name: 'Zoë', last_name: 'Müller', title: 'VP Engineering' })),
    });
    renderWithProviders(<CorrectionsRoute />, { route: '/corrections' });

    const item = await screen.findByTestId('tenant-correction');
    expect(within(item).queryByRole('button', { name: /Undo/ })).not.toBeInTheDocument();
    await userEvent.click(within(item).getByRole('button', { name: 'Zoë Müller' }));
    expect(await screen.findByTestId('contact-details')).toHaveTextContent('VP Engineering');
  });
});
