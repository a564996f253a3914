import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

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
});
