import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';

import { connectionStatusLabels } from '@/components/crm/labels';
import { Fact } from '@/components/text/fact';
import type { CrmConnection } from '@/lib/crm/get-crm-connection';
import { formatDateTime, formatNumber } from '@/lib/format';

import { ConnectButton } from './connect-button';

type ConnectionCardProps = {
  connection: CrmConnection;
  /** Org admins (crm:manage) connect, reconnect and disconnect. */
  canManage: boolean;
  onDisconnect: () => void;
  onConnectError: (error: unknown) => void;
};

/** The tenant's CRM connection: status, account, who connected it and when, the last push. */
export function ConnectionCard({ connection, canManage, onDisconnect, onConnectError }: ConnectionCardProps) {
  const { status } = connection;
  const badge = connectionStatusLabels[status] ?? { label: status, color: 'gray' };
  const linked = status === 'connected' || status === 'needs_reauth';
  const waiting = connection.queued + connection.paused;

  return (
    <Card withBorder padding="md" data-testid="crm-connection">
      <Stack gap="md">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Group gap="sm">
            <Title order={2} size="h4">
              1CloudAI CRM
            </Title>
            <Badge color={badge.color} variant="light" data-testid="crm-status" data-status={status}>
              {badge.label}
            </Badge>
          </Group>
          {canManage && (
            <Group gap="xs">
              {(status === 'not_connected' || status === 'disconnected') && (
                <ConnectButton label="Connect" onError={onConnectError} />
              )}
              {linked && (
                <Button
                  variant="default"
                  color="red"
                  leftSection={<IconPlugConnectedX size={16} aria-hidden />}
                  onClick={onDisconnect}
                >
                  Disconnect
                </Button>
              )}
            </Group>
          )}
        </Group>

        {status === 'not_connected' ? (
          <Text size="sm" c="dimmed" data-testid="crm-not-connected">
            Connect your 1CloudAI CRM account to push approved contacts into it. You sign in to the CRM and allow
            access on its own page; we never see your CRM password.
            {!canManage && ' Only organization admins can connect it.'}
          </Text>
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="md">
            <Fact label="Account" testId="crm-account">
              {connection.account_name || '—'}
              {connection.account_id && (
                <Text span size="xs" c="dimmed">
                  {' '}
                  ({connection.account_id})
                </Text>
              )}
            </Fact>
            <Fact label="Connected by" testId="crm-connected-by">
              {connection.connected_by_email || '—'}
              {connection.connected_at && (
                <Text span size="xs" c="dimmed" display="block">
                  {formatDateTime(connection.connected_at)}
                </Text>
              )}
            </Fact>
            <Fact label="Last successful push" testId="crm-last-push">
              {connection.last_push_at ? formatDateTime(connection.last_push_at) : 'None yet'}
            </Fact>
            <Fact label="Waiting to be sent" testId="crm-waiting">
              {waiting === 0
                ? 'Nothing'
                : `${formatNumber(connection.queued)} queued${connection.paused > 0 ? `, ${formatNumber(connection.paused)} paused` : ''}`}
            </Fact>
          </SimpleGrid>
        )}

        {status === 'disconnected' && (
          <Text size="sm" c="dimmed" data-testid="crm-disconnected">
            Disconnected{connection.status_changed_at ? ` on ${formatDateTime(connection.status_changed_at)}` : ''}
            {connection.status_reason ? `: ${connection.status_reason}` : '.'} Nothing is pushed until an org admin
            connects again.
          </Text>
        )}
      </Stack>
    </Card>
  );
}
