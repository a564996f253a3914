import { Anchor, Card, Stack, Text, Title } from '@mantine/core';
import { Link, Navigate, useSearchParams } from 'react-router-dom';

import { safeNextPath } from '@/lib/auth/redirect';
import { useSession } from '@/lib/auth/session';
import { useDocumentTitle } from '@/lib/use-document-title';

import { LoginForm } from '../components/login-form';

/** /login?next=/team: signs in, then goes to `next` (a same-origin path) or the overview. */
export function LoginRoute() {
  useDocumentTitle('Sign in');
  const session = useSession();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));

  if (session.status === 'signed-in') return <Navigate to={next} replace />;

  const notice =
    params.get('reset') === 'done'
      ? 'Your password was changed and every session ended. Sign in with the new password.'
      : session.status === 'signed-out' && session.reason === 'expired'
        ? 'Your session has ended. Sign in again to continue.'
        : undefined;

  return (
    <Stack maw={420} mx="auto" py="xl" gap="md">
      <Title order={1} size="h3">
        Sign in
      </Title>
      <Card withBorder padding="lg">
        <LoginForm notice={notice} />
      </Card>
      <Text size="sm" c="dimmed">
        <Anchor component={Link} to="/forgot-password">
          Forgot your password?
        </Anchor>
      </Text>
      <Text size="sm" c="dimmed">
        New here?{' '}
        <Anchor component={Link} to="/signup">
          Create an account
        </Anchor>
      </Text>
    </Stack>
  );
}
