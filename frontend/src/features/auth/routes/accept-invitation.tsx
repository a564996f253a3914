import { Alert, Button, Card, DataList, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { PasswordInput } from '@/components/forms/password-input';
import { isApiError } from '@/lib/api-error';
import { useSession } from '@/lib/auth/session';
import { formatDate, formatRole } from '@/lib/format';
import { fieldError } from '@/lib/form-errors';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useAcceptInvitation } from '../api/accept-invitation';
import { useAcceptInvitationSignedIn } from '../api/accept-invitation-signed-in';
import { useInvitationLookup, type InvitationPreview } from '../api/lookup-invitation';
import { passwordHint } from '../components/password-hint';
import { tokenFromHash } from '../fragment-token';

/** /invitations/accept#token=...: shows the invitation, then joins (signing up if needed). */
export function AcceptInvitationRoute() {
  useDocumentTitle('Accept invitation');
  const { hash } = useLocation();
  const token = tokenFromHash(hash);
  const lookup = useInvitationLookup(token);

  return (
    <Stack maw={480} mx="auto" py="xl" gap="md">
      <Title order={1} size="h3">
        Accept invitation
      </Title>
      {!token ? (
        <Alert color="red" title="This link is incomplete">
          The invitation link has no token. Open the full link from the invitation email, or ask your
          administrator for a new one.
        </Alert>
      ) : lookup.isPending ? (
        <Loader size="sm" aria-label="Loading invitation" />
      ) : lookup.isError ? (
        isApiError(lookup.error) && lookup.error.status === 404 ? (
          <Alert color="red" title="This invitation cannot be used" role="alert">
            {lookup.error.detail || 'The link is invalid, used, revoked or expired.'} Ask your administrator for a new
            invitation.
          </Alert>
        ) : (
          <ApiErrorAlert error={lookup.error} onRetry={() => void lookup.refetch()} />
        )
      ) : (
        <AcceptForm token={token} invitation={lookup.data} />
      )}
    </Stack>
  );
}

const fields = ['name', 'password'] as const;

function AcceptForm({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const accept = useAcceptInvitation();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(accept.error);
  const navigate = useNavigate();
  const session = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const signedInAsOther = session.status === 'signed-in' && !sameAddress(session.user.email, invitation.email);
  const signedInAsInvited = session.status === 'signed-in' && sameAddress(session.user.email, invitation.email);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    accept.mutate(
      { token, password, name: name.trim() || undefined },
      { onSuccess: () => void navigate('/', { replace: true }) },
    );
  };

  return (
    // The invited address is one long word, written in several sentences here: it wraps anywhere
    // (inherited), or a long one ran past the card's edge on a phone.
    <Card withBorder padding="lg" style={{ overflowWrap: 'anywhere' }} data-testid="invitation-card">
      <Stack gap="md">
        <Text size="sm">
          You are invited to join <b>{invitation.tenant_name}</b>.
        </Text>
        <DataList size="sm" gap="xs" labelWidth="110px">
          <DataList.Item>
            <DataList.ItemLabel>Organization</DataList.ItemLabel>
            <DataList.ItemValue data-testid="invitation-tenant">{invitation.tenant_name}</DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>Email</DataList.ItemLabel>
            <DataList.ItemValue data-testid="invitation-email">{invitation.email}</DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>Role</DataList.ItemLabel>
            <DataList.ItemValue data-testid="invitation-role">{formatRole(invitation.role)}</DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>Valid until</DataList.ItemLabel>
            <DataList.ItemValue>{formatDate(invitation.expires_at)}</DataList.ItemValue>
          </DataList.Item>
        </DataList>
        {signedInAsInvited ? (
          <JoinSignedIn token={token} invitation={invitation} email={session.user.email} />
        ) : (
          <>
            {signedInAsOther && (
              <Alert color="yellow" variant="light">
                You are signed in as {session.user.email}. Accepting signs you in as {invitation.email} instead.
              </Alert>
            )}
            <form ref={formRef} onSubmit={submit} noValidate aria-label="Accept invitation">
              <Stack gap="sm">
                <FormErrorAlert error={accept.error} fields={fields} />
                <Text size="sm" c="dimmed">
                  If {invitation.email} has an account with us, enter its password to join. If not, choose a password
                  to create the account.
                </Text>
                <TextInput
                  label="Your name"
                  description="For a new account; an existing one keeps its name."
                  autoComplete="name"
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                  error={fieldError(accept.error, 'name')}
                />
                <PasswordInput
                  label="Password"
                  autoComplete="current-password"
                  description={`For a new account: ${passwordHint}`}
                  required
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  error={fieldError(accept.error, 'password')}
                />
                <Button type="submit" loading={accept.isPending}>
                  Join {invitation.tenant_name}
                </Button>
                <Text size="xs" c="dimmed">
                  Forgot the password of your account? <Link to="/forgot-password">Reset it</Link>, then open this link
                  again.
                </Text>
                <Text size="xs" c="dimmed">
                  Not you? <Link to="/">Ignore this invitation</Link>.
                </Text>
              </Stack>
            </form>
          </>
        )}
      </Stack>
    </Card>
  );
}

/** The server compares addresses without regard to case. */
function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Signed in as the invited address already: the session proves the account, one click joins. */
function JoinSignedIn({ token, invitation, email }: { token: string; invitation: InvitationPreview; email: string }) {
  const accept = useAcceptInvitationSignedIn();
  const navigate = useNavigate();
  return (
    <Stack gap="sm">
      {accept.error ? <ApiErrorAlert error={accept.error} /> : null}
      <Text size="sm" c="dimmed">
        You are signed in as {email}, the invited address.
      </Text>
      <Button
        loading={accept.isPending}
        onClick={() => accept.mutate(token, { onSuccess: () => void navigate('/', { replace: true }) })}
      >
        Join {invitation.tenant_name}
      </Button>
      <Text size="xs" c="dimmed">
        Not now? <Link to="/">Ignore this invitation</Link>.
      </Text>
    </Stack>
  );
}
