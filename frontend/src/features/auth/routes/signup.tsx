import { Anchor, Card, Stack, Text, Title } from '@mantine/core';
import { Link, Navigate } from 'react-router-dom';

import { useSession } from '@/lib/auth/session';
import { useDocumentTitle } from '@/lib/use-document-title';

import { SignupForm } from '../components/signup-form';

/** /signup: a new account and organization on the Free package; the user is its org admin. */
export function SignupRoute() {
  useDocumentTitle('Create an account');
  const session = useSession();
  if (session.status === 'signed-in') return <Navigate to="/" replace />;

  return (
    <Stack maw={460} mx="auto" py="xl" gap="md">
      <div>
        <Title order={1} size="h3">
          Create an account
        </Title>
        <Text size="sm" c="dimmed">
          Your organization starts on the Free package; you can invite your team afterwards.
        </Text>
      </div>
      <Card withBorder padding="lg">
        <SignupForm />
      </Card>
      <Text size="sm" c="dimmed">
        Already have an account?{' '}
        <Anchor component={Link} to="/login">
          Sign in
        </Anchor>
      </Text>
    </Stack>
  );
}
