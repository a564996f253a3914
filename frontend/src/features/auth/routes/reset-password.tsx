import { Alert, Anchor, Button, Card, Stack, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { PasswordInput } from '@/components/forms/password-input';
import { isApiError } from '@/lib/api-error';
import { fieldError } from '@/lib/form-errors';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useResetPassword } from '../api/password-reset';
import { passwordHint } from '../components/password-hint';
import { tokenFromHash } from '../fragment-token';

const fields = ['password'] as const;

/** /reset-password#token=...: chooses a new password with a mailed link, then signs in again. */
export function ResetPasswordRoute() {
  useDocumentTitle('Choose a new password');
  const { hash } = useLocation();
  const token = tokenFromHash(hash);
  const reset = useResetPassword();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(reset.error);
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const mismatch = repeat !== '' && repeat !== password;
  const linkDead = isApiError(reset.error) && reset.error.type === 'invalid-reset-link';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== repeat) return;
    reset.mutate({ token, password }, { onSuccess: () => void navigate('/login?reset=done', { replace: true }) });
  };

  const askAgain = (
    <Anchor component={Link} to="/forgot-password">
      Ask for a new link
    </Anchor>
  );

  return (
    <Stack maw={420} mx="auto" py="xl" gap="md">
      <Title order={1} size="h3">
        Choose a new password
      </Title>
      {!token ? (
        <Alert color="red" title="This link is incomplete">
          The reset link has no token. Open the full link from the email. {askAgain}.
        </Alert>
      ) : linkDead ? (
        <Alert color="red" title="This link cannot be used" role="alert" data-testid="reset-link-dead">
          It has expired or was used already. {askAgain}.
        </Alert>
      ) : (
        <Card withBorder padding="lg">
          <form ref={formRef} onSubmit={submit} noValidate aria-label="Choose a new password">
            <Stack gap="sm">
              <FormErrorAlert error={reset.error} fields={fields} />
              <PasswordInput
                label="New password"
                autoComplete="new-password"
                description={passwordHint}
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={fieldError(reset.error, 'password')}
              />
              <PasswordInput
                label="Repeat the new password"
                autoComplete="new-password"
                required
                value={repeat}
                onChange={(e) => setRepeat(e.currentTarget.value)}
                error={mismatch ? 'The passwords differ.' : undefined}
              />
              <Button type="submit" loading={reset.isPending} disabled={password === '' || password !== repeat}>
                Set the new password
              </Button>
            </Stack>
          </form>
        </Card>
      )}
    </Stack>
  );
}
