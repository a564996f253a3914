import { ActionIcon, Anchor, Badge, Card, Code, CopyButton, Group, Skeleton, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { formatDateTime } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useOutbox, type OutboxMessage } from '../api/list-outbox';

const urlPattern = /https?:\/\/[^\s<>"]+/g;

/**
 * /admin/outbox (system admins): development mail (no SMTP_URL), with its links ready to copy; with
 * SMTP the server withholds the bodies.
 */
export function AdminOutboxRoute() {
  useDocumentTitle('Outbox · Admin');
  const outbox = useOutbox();

  return (
    <Stack gap="md">
      <PageHeader
        title="Outbox"
        description="The newest 100 outgoing mails. Without SMTP configured, this is where mail goes: copy invitation links from here."
      />
      {outbox.isPending ? (
        <Skeleton height={200} aria-label="Loading outbox" />
      ) : outbox.isError ? (
        <ApiErrorAlert error={outbox.error} onRetry={() => void outbox.refetch()} />
      ) : outbox.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No mail yet.
        </Text>
      ) : (
        outbox.data.items.map((message) => <OutboxCard key={message.id} message={message} />)
      )}
    </Stack>
  );
}

/**
 * Sent, not delivered (its delivery gave up), queued for SMTP, or kept here: without SMTP (the
 * server then sends the bodies, body_withheld false) no delivery will ever send an unsent mail.
 */
function outboxStatus(message: OutboxMessage): { label: string; color: string } {
  if (message.sent_at) return { label: 'Sent', color: 'green' };
  if (message.failed_at) return { label: 'Not delivered', color: 'red' };
  if (!message.body_withheld) return { label: 'Kept here (no SMTP)', color: 'blue' };
  return { label: 'Queued', color: 'gray' };
}

function OutboxCard({ message }: { message: OutboxMessage }) {
  const links = message.body_withheld ? [] : (message.body.match(urlPattern) ?? []);
  const status = outboxStatus(message);
  return (
    <Card withBorder padding="sm" data-testid="outbox-message">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" fw={600}>
            {message.subject}
          </Text>
          <Badge variant="light" color={status.color} data-testid="outbox-status">
            {status.label}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          To {message.to} · {formatDateTime(message.created_at)}
        </Text>
        {!message.sent_at && message.error && (
          <Text size="xs" c={message.failed_at ? 'red' : 'dimmed'} data-testid="outbox-error">
            {message.failed_at
              ? `Delivery gave up ${formatDateTime(message.failed_at)}: ${message.error}`
              : `Last attempt failed, retrying: ${message.error}`}
          </Text>
        )}
        {message.body_withheld ? (
          <Text size="xs" c="dimmed" data-testid="outbox-body-withheld">
            Mail goes out by SMTP: the body is not shown here, since its links are for the recipient only.
          </Text>
        ) : (
          // A link is one long word: it wraps anywhere rather than make the block scroll sideways on a
          // phone (a scrollable region keyboard users cannot reach).
          <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {message.body}
          </Code>
        )}
        {links.map((link) => (
          <Group key={link} gap="xs" wrap="nowrap">
            <Anchor href={link} size="xs" style={{ wordBreak: 'break-all' }} target="_blank" rel="noreferrer">
              {link}
            </Anchor>
            <CopyButton value={link}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy link'}>
                  <ActionIcon variant="subtle" size="sm" onClick={copy} aria-label="Copy link">
                    {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
