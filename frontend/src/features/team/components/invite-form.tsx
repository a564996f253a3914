import { ActionIcon, Alert, Button, CopyButton, Group, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { ComparePackagesLink } from '@/components/usage/compare-packages-link';
import { isApiError } from '@/lib/api-error';
import { fieldError } from '@/lib/form-errors';
import { formatRole } from '@/lib/format';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useCreateInvitation } from '../api/create-invitation';
import { useInvitations, type Invitation } from '../api/list-invitations';
import type { Role } from '../api/list-members';
import { roleOptions } from '../roles';

const fields = ['email', 'role'] as const;

/** Org admins invite by email and role; the accept link is shown here once. */
export function InviteForm() {
  const create = useCreateInvitation();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(create.error);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [created, setCreated] = useState<Invitation | null>(null);
  // The link works while its invitation is pending: once the list shows it revoked, accepted or
  // expired, it is not offered for copying any more.
  const invitations = useInvitations();
  const createdNow = invitations.data?.items.find((invitation) => invitation.id === created?.id);
  const linkWorks = created !== null && (createdNow === undefined || createdNow.status === 'pending');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    create.mutate(
      { email: email.trim(), role },
      {
        onSuccess: (invitation) => {
          setCreated(invitation);
          setEmail('');
        },
      },
    );
  };

  return (
    <Stack gap="sm">
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Invite a member">
        <Stack gap="sm">
          {isApiError(create.error) && create.error.type === 'seat-limit-reached' ? (
            <Alert color="orange" variant="light" title="No seat left" role="alert" data-testid="seat-limit-error">
              {create.error.detail} Revoke a pending invitation, remove a member or move to a larger package.
              <ComparePackagesLink />
            </Alert>
          ) : (
            <FormErrorAlert error={create.error} fields={fields} />
          )}
          <Group align="flex-start" gap="sm" wrap="wrap">
            <TextInput
              label="Email"
              type="email"
              placeholder="new.hire@example.com"
              required
              w={300}
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={fieldError(create.error, 'email')}
            />
            <Select
              label="Role"
              w={160}
              data={roleOptions}
              value={role}
              allowDeselect={false}
              onChange={(value) => value && setRole(value)}
              error={fieldError(create.error, 'role')}
            />
            <Button type="submit" mt={25} loading={create.isPending}>
              Send invitation
            </Button>
          </Group>
        </Stack>
      </form>
      {linkWorks && created?.accept_url && (
        <InvitationLink invitation={created} acceptUrl={created.accept_url} onDismiss={() => setCreated(null)} />
      )}
    </Stack>
  );
}

function InvitationLink({
  invitation,
  acceptUrl,
  onDismiss,
}: {
  invitation: Invitation;
  acceptUrl: string;
  onDismiss: () => void;
}) {
  return (
    <Alert
      color="green"
      variant="light"
      title={`Invitation created for ${invitation.email} (${formatRole(invitation.role)})`}
      withCloseButton
      closeButtonLabel="Hide the link"
      onClose={onDismiss}
      data-testid="invitation-created"
    >
      <Stack gap="xs">
        <Text size="sm">
          We also emailed this link to {invitation.email}. Copy it now if you want to send it yourself: it is shown only
          once and works for 7 days.
        </Text>
        <Group gap="xs" wrap="nowrap">
          <TextInput
            aria-label="Invitation link"
            readOnly
            value={acceptUrl}
            style={{ flex: 1 }}
            onFocus={(e) => e.currentTarget.select()}
            data-testid="invite-accept-url"
          />
          <CopyButton value={acceptUrl}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy link'}>
                <ActionIcon
                  variant="light"
                  color={copied ? 'teal' : 'blue'}
                  size="lg"
                  onClick={copy}
                  aria-label="Copy invitation link"
                >
                  {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Alert>
  );
}
