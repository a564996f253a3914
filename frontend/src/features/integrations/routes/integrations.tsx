import { Alert, Button, Card, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconHistory } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';

import { PushToCrmButton } from '@/components/crm/push-to-crm-button';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { usePermissions } from '@/lib/auth/permissions';
import { useCrmConnection, type CrmConnection } from '@/lib/crm/get-crm-connection';
import { formatNumber } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useCrmSettings } from '../api/get-crm-settings';
import { ConnectButton } from '../components/connect-button';
import { ConnectResult } from '../components/connect-result';
import { ConnectionCard } from '../components/connection-card';
import { DisconnectModal } from '../components/disconnect-modal';
import { FieldOwnershipForm } from '../components/field-ownership-form';

/**
 * /integrations (crm:read): the 1CloudAI CRM connection. Org admins (crm:manage) connect through
 * the CRM's consent page, reconnect after the CRM refused our tokens, disconnect, and set which
 * fields a push may change; users with crm:push push every approved contact not pushed yet.
 */
export function IntegrationsRoute() {
  useDocumentTitle('Integrations');
  const permissions = usePermissions();
  const canManage = permissions.has('crm:manage');
  const connection = useCrmConnection();
  const settings = useCrmSettings();
  const [connectError, setConnectError] = useState<unknown>(null);
  const [disconnecting, setDisconnecting] = useState(false);
  const connected = connection.data?.status === 'connected';

  return (
    <Stack gap="lg" maw={1100}>
      <PageHeader
        title="Integrations"
        description="Send approved contacts to your 1CloudAI CRM. Contacts are matched by their id, so pushing again never creates duplicates."
        actions={
          <Group gap="xs">
            <Button component={Link} to="/integrations/pushes" variant="default" leftSection={<IconHistory size={16} aria-hidden />}>
              Push history
            </Button>
            {connected && <PushToCrmButton />}
          </Group>
        }
      />

      <ConnectResult />
      {connectError !== null && <ApiErrorAlert error={connectError} />}

      {connection.isPending ? (
        <Skeleton height={140} aria-label="Loading the CRM connection" />
      ) : connection.isError ? (
        <ApiErrorAlert error={connection.error} onRetry={() => void connection.refetch()} />
      ) : (
        <>
          {connection.data.status === 'needs_reauth' && (
            <ReauthWarning connection={connection.data} canManage={canManage} onConnectError={setConnectError} />
          )}
          <ConnectionCard
            connection={connection.data}
            canManage={canManage}
            onDisconnect={() => setDisconnecting(true)}
            onConnectError={setConnectError}
          />
          {canManage && (
            <DisconnectModal opened={disconnecting} connection={connection.data} onClose={() => setDisconnecting(false)} />
          )}
        </>
      )}

      <Card withBorder padding="md">
        <Stack gap="sm">
          <Stack gap={2}>
            <Title order={2} size="h4">
              Field ownership
            </Title>
            <Text size="sm" c="dimmed">
              What a push may change in the CRM, field by field. It applies to the contacts sent from now on.
            </Text>
          </Stack>
          {settings.isPending ? (
            <Skeleton height={200} aria-label="Loading field ownership" />
          ) : settings.isError ? (
            <ApiErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />
          ) : (
            <FieldOwnershipForm
              key={JSON.stringify(settings.data.field_ownership)}
              settings={settings.data}
              canManage={canManage}
            />
          )}
        </Stack>
      </Card>
    </Stack>
  );
}

function ReauthWarning({
  connection,
  canManage,
  onConnectError,
}: {
  connection: CrmConnection;
  canManage: boolean;
  onConnectError: (error: unknown) => void;
}) {
  const waiting = connection.queued + connection.paused;
  return (
    <Alert
      color="orange"
      variant="light"
      title="The CRM connection needs re-authorization"
      icon={<IconAlertTriangle size={18} />}
      data-testid="crm-needs-reauth"
    >
      <Stack gap="sm">
        <Text size="sm">
          {connection.status_reason || 'The 1CloudAI CRM no longer accepts our access.'} Pushes are paused
          {waiting > 0 ? ` (${formatNumber(waiting)} contact${waiting === 1 ? '' : 's'} waiting)` : ''} and resume
          after the connection is renewed.
        </Text>
        {canManage ? (
          <Group>
            <ConnectButton label="Reconnect" color="orange" onError={onConnectError} />
          </Group>
        ) : (
          <Text size="sm">Ask an organization admin to reconnect the CRM.</Text>
        )}
      </Stack>
    </Alert>
  );
}
