import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { signInStaff } from '@/testing/staff';
import { jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { TenantStatusModal } from './tenant-status-modal';

describe('TenantStatusModal', () => {
  it('moves focus to the reason when a suspension has none, without asking the server', async () => {
    const me = signInStaff('system_admin');
    const fetchMock = stubApi({ 'GET /me': () => jsonResponse(me) });
    renderWithProviders(<TenantStatusModal opened tenantId="t-acme" tenantName="Acme" target="suspended" onClose={() => {}} />);

    const dialog = within(await screen.findByRole('dialog', { name: 'Suspend Acme' }));
    await userEvent.click(dialog.getByRole('button', { name: 'Suspend tenant' }));

    const reason = dialog.getByRole('textbox', { name: 'Reason' });
    expect(reason).toHaveAccessibleDescription(/Say why the tenant is suspended/);
    expect(reason).toHaveFocus();
    expect(fetchMock.mock.calls.some(([r]) => r.method === 'PATCH')).toBe(false);
  });

  it("moves focus to the reason the server's answer names", async () => {
    const me = signInStaff('system_admin');
    stubApi({
      'GET /me': () => jsonResponse(me),
      'PATCH /admin/tenants/:id': () =>
        problemResponse({
          status: 422,
          title: 'Unprocessable Entity',
          type: 'validation-error',
          code: 'invalid',
          detail: 'The request has invalid fields.',
          errors: [{ field: 'reason', message: 'holds control characters' }],
        }),
    });
    renderWithProviders(<TenantStatusModal opened tenantId="t-acme" tenantName="Acme" target="suspended" onClose={() => {}} />);

    const dialog = within(await screen.findByRole('dialog', { name: 'Suspend Acme' }));
    await userEvent.type(dialog.getByRole('textbox', { name: 'Reason' }), 'Unpaid invoices');
    await userEvent.click(dialog.getByRole('button', { name: 'Suspend tenant' }));

    const reason = dialog.getByRole('textbox', { name: 'Reason' });
    expect(await dialog.findByText('holds control characters')).toBeInTheDocument();
    expect(reason).toHaveFocus();
  });

  it('says before a suspension that billing goes on and that the tenant sees the reason', async () => {
    const me = signInStaff('system_admin');
    stubApi({ 'GET /me': () => jsonResponse(me) });
    renderWithProviders(<TenantStatusModal opened tenantId="t-acme" tenantName="Acme" target="suspended" onClose={() => {}} />);

    const dialog = within(await screen.findByRole('dialog', { name: 'Suspend Acme' }));
    expect(dialog.getByText(/Billing goes on: a Stripe subscription keeps renewing/)).toBeInTheDocument();
    expect(dialog.getByRole('textbox', { name: 'Reason' })).toHaveAccessibleDescription(
      "Required; recorded in the audit log, where the tenant's admins see it",
    );
  });
});
