import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { ListNameModal } from './list-name-modal';

describe('ListNameModal', () => {
  it('shows a taken name next to the field', async () => {
    stubApi({
      'POST /lists': () =>
        problemResponse({
          status: 409,
          type: 'conflict',
          title: 'Conflict',
          code: 'conflict',
          detail: 'A list named "Campaign" already exists.',
          errors: [{ field: 'name', message: 'is already used by another list' }],
        }),
    });
    renderWithProviders(<ListNameModal target="new" onClose={() => {}} />);

    await userEvent.type(await screen.findByRole('textbox', { name: 'List name' }), 'Campaign');
    await userEvent.click(screen.getByRole('button', { name: 'Create list' }));

    expect(await screen.findByText('is already used by another list')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says so when the organization has as many lists as it may, not that the name is taken', async () => {
    stubApi({
      'POST /lists': () =>
        problemResponse({
          status: 409,
          type: 'conflict',
          title: 'Conflict',
          code: 'conflict',
          detail: 'This organization has 500 lists, the most it can have. Delete one it no longer uses first.',
        }),
    });
    renderWithProviders(<ListNameModal target="new" onClose={() => {}} />);

    await userEvent.type(await screen.findByRole('textbox', { name: 'List name' }), 'One more');
    await userEvent.click(screen.getByRole('button', { name: 'Create list' }));

    expect(await screen.findByText(/has 500 lists, the most it can have/)).toBeInTheDocument();
    expect(screen.queryByText(/exists already/)).not.toBeInTheDocument();
  });

  it('counts characters as the server does: 100 emoji fit, the 101st is cut', async () => {
    const bodies: { name: string }[] = [];
    stubApi({
      'POST /lists': async (request) => {
        const body = (await request.json()) as { name: string };
        bodies.push(body);
        return jsonResponse(
          { id: 'l1', name: body.name, member_count: 0, created_at: '2026-11-29T00:00:00Z', updated_at: '2026-11-29T00:00:00Z' },
          { status: 201 },
        );
      },
    });
    renderWithProviders(<ListNameModal target="new" onClose={() => {}} />);

    // 100 emoji are 200 UTF-16 units (what maxLength counts) but 100 of the server's characters;
    // the spaces around a name do not count.
    const input = await screen.findByRole('textbox', { name: 'List name' });
    await userEvent.click(input);
    await userEvent.paste(` ${'👍'.repeat(100)} `);
    expect(input).toHaveValue(` ${'👍'.repeat(100)} `);
    await userEvent.type(input, '👍x');
    expect(input).toHaveValue(` ${'👍'.repeat(100)}`);
    await userEvent.click(screen.getByRole('button', { name: 'Create list' }));

    await screen.findByText(/created/);
    expect(bodies).toEqual([{ name: '👍'.repeat(100) }]);
  });
});
