import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';
import { starterPackage } from '@/testing/packages';

import { PackageEditorModal } from './package-editor-modal';

const starter = starterPackage;

function dialog() {
  return within(screen.getByRole('dialog'));
}

async function replace(label: RegExp, value: string) {
  const input = dialog().getByLabelText(label);
  await userEvent.clear(input);
  if (value) await userEvent.type(input, value);
}

describe('PackageEditorModal', () => {
  it('shows every invalid field next to it and sends nothing', async () => {
    const fetchMock = stubApi({});
    renderWithProviders(<PackageEditorModal opened pkg={null} onClose={() => {}} />);

    await replace(/^Code/, 'X');
    await replace(/^Contacts per query/, '5000');
    await replace(/^Concurrent background jobs/, '0');
    await replace(/^Users/, '');
    await replace(/^Currency/, 'dollars');
    await userEvent.click(dialog().getByRole('button', { name: 'Create package' }));

    expect(dialog().getByLabelText(/^Code/)).toHaveAccessibleDescription(/must be 2 to 40 characters/);
    expect(dialog().getByLabelText(/^Name/)).toHaveAccessibleDescription('must be 1 to 100 characters');
    expect(dialog().getByLabelText(/^Contacts per query/)).toHaveAccessibleDescription('must be at most 1000');
    expect(dialog().getByLabelText(/^Concurrent background jobs/)).toHaveAccessibleDescription('must be at least 1');
    expect(dialog().getByLabelText(/^Users/)).toHaveAccessibleDescription('must be a whole number');
    expect(dialog().getByLabelText(/^Currency/)).toHaveAccessibleDescription(/must be a 3-letter currency code/);
    expect(dialog().getByText('Fix the highlighted fields.')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('creates a package with every limit', async () => {
    let sent: Record<string, unknown> | undefined;
    const onClose = vi.fn();
    stubApi({
      'POST /admin/packages': async (request) => {
        sent = (await request.json()) as Record<string, unknown>;
        return jsonResponse({ ...starter, ...sent, id: 'pkg-team' }, { status: 201 });
      },
    });
    renderWithProviders(<PackageEditorModal opened pkg={null} onClose={onClose} />);

    await replace(/^Code/, 'team');
    await replace(/^Name/, 'Team');
    await replace(/^Users/, '25');
    await userEvent.click(dialog().getByRole('button', { name: 'Create package' }));

    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(sent).toMatchObject({
      code: 'team',
      name: 'Team',
      max_users: 25,
      searches_per_month: 100,
      max_contacts_per_query: 25,
      api_access: false,
      api_requests_per_minute: 0,
      import_rows_per_month: 1000,
      max_concurrent_jobs: 1,
      crm_pushes_per_month: 100,
      max_import_file_bytes: 5242880,
      currency: 'usd',
      active: true,
    });
    expect(sent).not.toHaveProperty('stripe_price_id');
  });

  it('sends only the changed fields of an edit and shows server field errors', async () => {
    const bodies: unknown[] = [];
    stubApi({
      'PATCH /admin/packages/:id': async (request) => {
        bodies.push(await request.json());
        return problemResponse({
          status: 422,
          title: 'Unprocessable Entity',
          code: 'invalid',
          type: 'validation-error',
          errors: [{ field: 'stripe_price_id', message: 'is not a known Stripe price' }],
        });
      },
    });
    renderWithProviders(<PackageEditorModal opened pkg={starter} onClose={() => {}} />);

    expect(dialog().getByLabelText(/^Code/)).toBeDisabled();
    await replace(/^Searches per month/, '3000');
    await replace(/^Stripe price id/, 'price_123');
    await userEvent.click(dialog().getByRole('button', { name: 'Save changes' }));

    expect(await dialog().findByText('is not a known Stripe price')).toBeInTheDocument();
    expect(bodies).toEqual([{ searches_per_month: 3000, stripe_price_id: 'price_123' }]);
  });

  it('edits the price and the Stripe price id, and an empty Stripe price id removes it', async () => {
    const bodies: unknown[] = [];
    const onClose = vi.fn();
    stubApi({
      'PATCH /admin/packages/:id': async (request) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        return jsonResponse({ ...starter, ...body, stripe_price_id: body.stripe_price_id || null });
      },
    });
    const pro = { ...starter, id: 'pkg-pro', code: 'pro', name: 'Pro', price_cents: 14900, stripe_price_id: 'price_old' };
    renderWithProviders(<PackageEditorModal opened pkg={pro} onClose={onClose} />);

    expect(dialog().getByLabelText(/^Stripe price id/)).toHaveValue('price_old');
    await replace(/^Price per month/, '19900');
    expect(dialog().getByText('$199.00 per month')).toBeInTheDocument();
    await replace(/^Stripe price id/, '');
    await userEvent.click(dialog().getByRole('button', { name: 'Save changes' }));

    await vi.waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(bodies).toEqual([{ price_cents: 19900, stripe_price_id: '' }]);
  });
});
