import { PasswordInput as MantinePasswordInput, type PasswordInputProps } from '@mantine/core';

/**
 * Mantine's PasswordInput marks a refused field with data-invalid only, so screen readers did not
 * say that a password was refused; this one also sets aria-invalid, as TextInput does.
 */
export function PasswordInput(props: PasswordInputProps) {
  return <MantinePasswordInput aria-invalid={props.error ? true : undefined} {...props} />;
}
