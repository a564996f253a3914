import { Button, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { PasswordInput } from '@/components/forms/password-input';
import { fieldError } from '@/lib/form-errors';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useSignup } from '../api/signup';
import { passwordHint } from './password-hint';

const fields = ['email', 'password', 'name', 'tenant_name'] as const;

/** A new account and its organization. On success the session starts. */
export function SignupForm() {
  const signup = useSignup();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(signup.error);
  const [values, setValues] = useState({ email: '', password: '', name: '', tenant_name: '' });
  const set = (key: keyof typeof values) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setValues((v) => ({ ...v, [key]: value }));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate({
      email: values.email.trim(),
      password: values.password,
      name: values.name.trim() || undefined,
      tenant_name: values.tenant_name.trim(),
    });
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Create an account">
      <Stack gap="sm">
        <FormErrorAlert error={signup.error} fields={fields} />
        <TextInput
          label="Your name"
          autoComplete="name"
          value={values.name}
          onChange={set('name')}
          error={fieldError(signup.error, 'name')}
        />
        <TextInput
          label="Work email"
          type="email"
          autoComplete="username"
          required
          value={values.email}
          onChange={set('email')}
          error={fieldError(signup.error, 'email')}
        />
        <PasswordInput
          label="Password"
          autoComplete="new-password"
          required
          description={passwordHint}
          value={values.password}
          onChange={set('password')}
          error={fieldError(signup.error, 'password')}
        />
        <TextInput
          label="Organization name"
          autoComplete="organization"
          required
          value={values.tenant_name}
          onChange={set('tenant_name')}
          error={fieldError(signup.error, 'tenant_name')}
        />
        <Button type="submit" loading={signup.isPending}>
          Create account
        </Button>
      </Stack>
    </form>
  );
}
