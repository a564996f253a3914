import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { ConfirmModal } from './confirm-modal';

describe('ConfirmModal', () => {
  it('opens on Cancel, so that a second Enter from the button that opened it does not destroy anything', async () => {
    const onConfirm = vi.fn();
    const onClose = vi.fn();
    renderWithProviders(
      <ConfirmModal opened title="Revoke key CI" confirmLabel="Revoke key" onConfirm={onConfirm} onClose={onClose}>
        Scripts using this key stop working at once.
      </ConfirmModal>,
    );

    const cancel = await screen.findByRole('button', { name: 'Cancel' });
    await waitFor(() => expect(cancel).toHaveFocus());
    await userEvent.keyboard('{Enter}');
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();

    // The red button is one Tab away.
    await userEvent.tab();
    expect(screen.getByRole('button', { name: 'Revoke key' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});
