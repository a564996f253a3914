import { Button, PasswordInput, TextInput } from '@mantine/core';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { renderWithProviders } from '@/testing/test-utils';

import { useFocusFirstInvalid } from './use-focus-first-invalid';

function Form({ error, emailError, passwordError }: { error: unknown; emailError?: string; passwordError?: string }) {
  const ref = useFocusFirstInvalid<HTMLFormElement>(error);
  return (
    <form ref={ref} aria-label="Form">
      <TextInput label="Name" />
      <PasswordInput label="Password" error={passwordError} />
      <TextInput label="Email" error={emailError} />
      <Button type="submit">Save</Button>
    </form>
  );
}

describe('useFocusFirstInvalid', () => {
  it('focuses the first field marked invalid when a submit fails', () => {
    renderWithProviders(<Form error={new Error('refused')} emailError="is not an email address" />);

    expect(screen.getByRole('textbox', { name: 'Email' })).toHaveFocus();
  });

  it('focuses a refused password field', () => {
    renderWithProviders(<Form error={new Error('refused')} passwordError="is too common" emailError="is required" />);

    expect(screen.getByLabelText('Password')).toHaveFocus();
  });

  it('gives focus back to the submit button when the error names no field and focus was lost', () => {
    renderWithProviders(<Form error={new Error('The server is unavailable')} />);

    expect(screen.getByRole('button', { name: 'Save' })).toHaveFocus();
  });

  it('does nothing without an error', () => {
    renderWithProviders(<Form error={null} />);

    expect(document.body).toHaveFocus();
  });
});
