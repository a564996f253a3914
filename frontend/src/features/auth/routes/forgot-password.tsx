import { Alert, Anchor, Button, Card, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { fieldError } from '@/lib/form-errors';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useRequestPasswordReset } from '../api/password-reset';

const fields = ['email'] as const;

/** /forgot-password: asks for a reset link. The answer never says whether the account exists. */
export function ForgotPasswordRoute() {
  useDocumentTitle('Forgot password');
  const request = useRequestPasswordReset();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(request.error);
  const [email, setEmail] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate({ email: email.trim() });
  };

  return (
    <Stack maw={420} mx="auto" py="xl" gap="md">
      <Title order={1} size="h3">
        Reset your password
      </Title>
      <Card withBorder padding="lg">
        {request.isSuccess ? (
          <Alert color="green" variant="light" title="Check your mail" role="status" data-testid="reset-requested">
            If an account exists for {request.variables.email}, we sent it a link to choose a new password. The link
            works once, within an hour.
          </Alert>
        ) : (
          <form ref={formRef} onSubmit={submit} noValidate aria-label="Ask for a reset link">
            <Stack gap="sm">
              <Text size="sm" c="dimmed">
                Enter the email address you sign in with; we will mail you a link to choose a new password.
              </Text>
              <FormErrorAlert error={request.error} fields={fields} />
              <TextInput
                label="Email"
                type="email"
                autoComplete="email"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={fieldError(request.error, 'email')}
              />
              <Button type="submit" loading={request.isPending}>
                Send the link
              </Button>
            </Stack>
          </form>
        )}
      </Card>
      <Text size="sm" c="dimmed">
        Remembered it?{' '}
        <Anchor component={Link} to="/login">
          Sign in
        </Anchor>
      </Text>
    </Stack>
  );
}
