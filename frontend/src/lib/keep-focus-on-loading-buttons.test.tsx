import { Button, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

type Settle = { resolve: () => void; reject: (error: Error) => void };

function Form({ pending }: { pending: Settle[] }) {
  const save = useMutation({
    mutationFn: () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
  });
  return (
    <form
      aria-label="Invite"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <TextInput label="Email" />
      <Button type="submit" loading={save.isPending}>
        Send invitation
      </Button>
    </form>
  );
}

/**
 * What Chromium does when the focused element becomes disabled: focus moves to the document, with
 * a focusout that names no next element. jsdom keeps focus on a disabled button and will not blur
 * it unless it has a tabindex, so the tabindex is there only for the moment of the blur.
 */
async function browserDropsFocusWhenDisabled(button: HTMLElement) {
  await waitFor(() => expect(button).toBeDisabled());
  expect(button).toHaveAttribute('data-loading');
  expect(button).toHaveFocus();
  button.setAttribute('tabindex', '-1');
  button.blur();
  button.removeAttribute('tabindex');
  expect(document.body).toHaveFocus();
}

describe('a button that shows a loading state', () => {
  it('gets focus back when it stops loading (Chromium dropped it to the page top)', async () => {
    const pending: Settle[] = [];
    renderWithProviders(<Form pending={pending} />);
    const button = screen.getByRole('button', { name: 'Send invitation' });

    await userEvent.click(button);
    await browserDropsFocusWhenDisabled(button);
    pending[0]?.resolve();

    await waitFor(() => expect(button).toBeEnabled());
    expect(button).toHaveFocus();
  });

  it('gets focus back after a failure too', async () => {
    const pending: Settle[] = [];
    renderWithProviders(<Form pending={pending} />);
    const button = screen.getByRole('button', { name: 'Send invitation' });

    button.focus();
    await userEvent.keyboard('{Enter}');
    await browserDropsFocusWhenDisabled(button);
    pending[0]?.reject(new Error('refused'));

    await waitFor(() => expect(button).toBeEnabled());
    expect(button).toHaveFocus();
  });

  it('leaves focus where the person moved it while the button was loading', async () => {
    const pending: Settle[] = [];
    renderWithProviders(<Form pending={pending} />);
    const button = screen.getByRole('button', { name: 'Send invitation' });

    await userEvent.click(button);
    await browserDropsFocusWhenDisabled(button);
    const email = screen.getByRole('textbox', { name: 'Email' });
    email.focus();
    pending[0]?.resolve();

    await waitFor(() => expect(button).toBeEnabled());
    expect(email).toHaveFocus();
  });
});
