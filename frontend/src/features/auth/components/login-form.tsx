import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { PasswordInput } from '@/components/forms/password-input';
import { fieldError } from '@/lib/form-errors';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useLogin } from '../api/login';

const fields = ['email', 'password'] as const;

type LoginFormProps = {
  /** Shown above the form, e.g. "your session has ended". */
  notice?: string;
};

/** Email and password. On success the session starts; the page decides where to go. */
export function LoginForm({ notice }: LoginFormProps) {
  const login = useLogin();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(login.error);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email: email.trim(), password });
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Sign in">
      <Stack gap="sm">
        {notice && !login.error && (
          <Alert color="blue" variant="light">
            {notice}
          </Alert>
        )}
        <FormErrorAlert error={login.error} fields={fields} />
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fieldError(login.error, 'email')}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fieldError(login.error, 'password')}
        />
        <Button type="submit" loading={login.isPending}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
