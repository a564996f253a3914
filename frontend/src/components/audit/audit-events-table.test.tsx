import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { AuditEventsTable, type AuditEvent } from './audit-events-table';

function event(data: Record<string, unknown>): AuditEvent {
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
  };
}

/** A value's whole text: its parts (before and after, a list's items) are each a <bdi>. */
const value = (text: string) => (_: string, element: Element | null) => element?.tagName === 'DD' && element.textContent === text;

describe('AuditEventsTable', () => {
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
