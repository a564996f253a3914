import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { mediaQueryList } from '@/testing/media';
import { renderWithProviders } from '@/testing/test-utils';

import { AuditEventsTable, type AuditEvent } from './audit-events-table';

function event(data: Record<string, unknown>, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: 'ev-1',
    action: 'package.updated',
    actor_id: 'user-1',
    actor_label: 'staff@1cloudcrm.test',
    actor_type: 'user',
    created_at: '2026-11-28T10:00:00Z',
    data,
    ip: '203.0.113.7',
    request_id: 'req-1',
    target_id: 'pkg-1',
    target_type: 'package',
    tenant_id: null,
    ...overrides,
  };
}

/** A value's whole text: its parts (before and after, a list's items) are each a <bdi>. */
const value = (text: string) => (_: string, element: Element | null) => element?.tagName === 'DD' && element.textContent === text;

describe('AuditEventsTable', () => {
  it('above a phone, lists the events in a table: time, action, actor, target, tenant, IP and details', () => {
    renderWithProviders(<AuditEventsTable events={[event({ code: 'starter' })]} showTenant />);

    const table = screen.getByTestId('audit-events');
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'Time',
      'Action',
      'Actor',
      'Target',
      'Tenant',
      'IP',
      'Details',
    ]);
    const cells = within(screen.getByTestId('audit-event')).getAllByRole('cell').map((td) => td.textContent);
    expect(cells).toEqual([
      expect.stringMatching(/Nov 28, 2026/),
      'package.updated',
      'staff@1cloudcrm.test',
      'packagepkg-1',
      'platform',
      '203.0.113.7',
      'code: starter',
    ]);
    expect(screen.queryByTestId('audit-event-cards')).not.toBeInTheDocument();
  });

  it('on a phone, shows a card per event with its values labelled and its details behind a button', async () => {
    // Below Mantine's `sm` (375 px): the 800px table put the details at 717-754 px.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    renderWithProviders(
      <AuditEventsTable
        events={[
          event({ code: 'starter', changes: { max_users: [10, 20] } }, { tenant_id: 'tenant-1' }),
          event({}, { id: 'ev-2', action: 'auth.login', actor_type: 'api_key', actor_label: 'CRM sync', ip: '' }),
        ]}
        showTenant
      />,
    );

    expect(screen.queryByTestId('audit-events')).not.toBeInTheDocument();
    const [changed, login] = screen.getAllByTestId('audit-event') as [HTMLElement, HTMLElement];
    expect(changed).toHaveAccessibleName(expect.stringMatching(/^package\.updated, Nov 28, 2026/));
    expect(within(changed).getByTestId('audit-action')).toHaveTextContent('package.updated');
    expect(within(changed).getByRole('time')).toHaveAttribute('datetime', '2026-11-28T10:00:00Z');
    // The card's own labels, not the details' (a list of their own).
    const terms = (card: HTMLElement) =>
      [...card.querySelectorAll('dt')].filter((dt) => !dt.closest('[data-testid="audit-details"]')).map((dt) => dt.textContent);
    const valueOf = (card: HTMLElement, label: string) => within(card).getByText(label, { selector: 'dt' }).nextElementSibling;
    expect(terms(changed)).toEqual(['Actor', 'Target', 'Tenant', 'IP']);
    expect(valueOf(changed, 'Actor')).toHaveTextContent('staff@1cloudcrm.test');
    expect(valueOf(changed, 'Target')).toHaveTextContent('packagepkg-1');
    expect(valueOf(changed, 'Tenant')).toHaveTextContent('tenant-1');
    expect(valueOf(changed, 'IP')).toHaveTextContent('203.0.113.7');

    // The details are folded away until asked for, then shown whole.
    expect(within(changed).getByText(value('10 → 20'))).not.toBeVisible();
    const details = within(changed).getByRole('button', { name: 'Details' });
    expect(details).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(details);
    expect(within(changed).getByText(value('10 → 20'))).toBeVisible();
    expect(within(changed).getByText(value('starter'))).toBeVisible();
    await userEvent.click(within(changed).getByRole('button', { name: 'Hide details' }));
    expect(within(changed).getByText(value('10 → 20'))).not.toBeVisible();

    // An event without details has nothing to open; an API key's is marked as one.
    expect(within(login).queryByRole('button')).not.toBeInTheDocument();
    expect(valueOf(login, 'Actor')).toHaveTextContent('CRM syncAPI key');
    expect(valueOf(login, 'IP')).toHaveTextContent('—');
  });

  it('shows details as a short list of what changed, not as JSON', () => {
    renderWithProviders(
      <AuditEventsTable
        events={[event({ code: 'starter', changes: { max_users: [10, 20], stripe_price_id: [null, 'price_123'] }, dry_run: false })]}
      />,
    );

    const details = screen.getByTestId('audit-details');
    expect(details).not.toHaveTextContent('{');
    expect(details).not.toHaveTextContent('"');
    const items = [...details.querySelectorAll(':scope > div > dt')].map(
      (term) => `${term.textContent} ${term.nextElementSibling?.textContent}`,
    );
    expect(items).toEqual([
      'code: starter',
      'changes: max users: 10 → 20stripe price id: none → price_123',
      'dry run: no',
    ]);
    expect(within(details).getByText(value('10 → 20'))).toBeVisible();
  });

  it('folds a long nested value away behind a summary that names its fields, and opens it', async () => {
    const changes = {
      name: ['Starter', 'Starter plus'],
      max_users: [10, 20],
      searches_per_month: [2000, 4000],
      price_cents: [4900, 9900],
      active: [true, false],
    };
    renderWithProviders(<AuditEventsTable events={[event({ code: 'starter', changes })]} />);

    const details = screen.getByTestId('audit-details');
    const summary = within(details).getByText('5 changes: name, max users, searches per month, …');
    expect(within(details).getByText(value('4900 → 9900'))).not.toBeVisible();

    await userEvent.click(summary);
    expect(within(details).getByText(value('4900 → 9900'))).toBeVisible();
    expect(within(details).getByText(value('yes → no'))).toBeVisible();
    expect(within(details).getByText(value('Starter → Starter plus'))).toBeVisible();
  });

  it('keeps other nested values readable: lists and objects', () => {
    renderWithProviders(
      <AuditEventsTable events={[event({ fields: ['email', 'phone'], account: { id: 'acc-1', region: 'eu' }, note: '' })]} />,
    );

    const details = screen.getByTestId('audit-details');
    expect(within(details).getByText(value('email, phone'))).toBeVisible();
    expect(within(details).getByText('acc-1')).toBeVisible();
    expect(within(details).getByText('eu')).toBeVisible();
    expect(within(details).getByText('(empty)')).toBeVisible();
  });

  it('sets each value apart in its own direction: a rename to an Arabic name keeps before and after in place', () => {
    // As one run, "Leads 2 → قائمة 3" read right to left from the arrow: the Arabic name took the
    // arrow and the 2 along, and before and after looked swapped.
    renderWithProviders(
      <AuditEventsTable events={[event({ changes: { name: ['Leads 2', 'قائمة 3'] }, lists: ['Leads 2', 'עמית 1'] })]} />,
    );

    const details = screen.getByTestId('audit-details');
    const rename = within(details).getByText(value('Leads 2 → قائمة 3'));
    expect([...rename.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual(['Leads 2', 'قائمة 3']);
    const lists = within(details).getByText(value('Leads 2, עמית 1'));
    expect([...lists.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual(['Leads 2', 'עמית 1']);
  });
});
