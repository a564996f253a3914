import { Badge, Code, Group, Paper, Spoiler, Stack, Table, Text } from '@mantine/core';

import { actionLabel, pushItemStatusLabels, reasonLabel } from '@/components/crm/labels';
import type { CrmPushAttempt, CrmPushItem } from '@/lib/crm/get-crm-push';
import { formatDateTime, formatNumber } from '@/lib/format';

/** The contacts of a push, each with every attempt and the CRM's answer to it. */
export function PushItems({ items }: { items: CrmPushItem[] }) {
  return (
    <Stack gap="sm" data-testid="push-items">
      {items.map((item) => (
        <PushItemCard key={item.contact_id} item={item} />
      ))}
    </Stack>
  );
}

function PushItemCard({ item }: { item: CrmPushItem }) {
  const status = pushItemStatusLabels[item.status] ?? { label: item.status, color: 'gray' };
  return (
    <Paper withBorder p="sm" radius="md" data-testid="push-item" data-contact-id={item.contact_id} data-status={item.status}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Stack gap={0}>
            <Text size="sm" fw={600}>
              {item.contact_name || item.contact_id}
            </Text>
            <Text size="xs" c="dimmed">
              {item.email || 'no email'} · {item.contact_id}
            </Text>
          </Stack>
          <Group gap="xs">
            <Badge variant="outline" color="gray" data-testid="push-item-action">
              {actionLabel(item.action)}
            </Badge>
            <Badge variant="light" color={status.color} data-testid="push-item-status">
              {status.label}
            </Badge>
          </Group>
        </Group>
        {(item.crm_record_id || item.crm_result) && (
          <Text size="xs" data-testid="push-item-crm">
            CRM record {item.crm_record_id ? <Code fz="xs">{item.crm_record_id}</Code> : '—'}
            {item.crm_result ? ` (${item.crm_result})` : ''}
          </Text>
        )}
        {item.reason && (
          <Text size="xs" c="dimmed" data-testid="push-item-reason">
            {reasonLabel(item.reason)}
          </Text>
        )}
        {(item.error_code || item.error_message) && (
          <Text size="xs" c="red" data-testid="push-item-error">
            {item.error_code && <Code fz="xs">{item.error_code}</Code>} {item.error_message}
          </Text>
        )}
        {item.attempts.length === 0 ? (
          <Text size="xs" c="dimmed">
            {item.status === 'queued' || item.status === 'paused' ? 'Not sent yet.' : 'Never sent to the CRM.'}
          </Text>
        ) : (
          <AttemptsTable attempts={item.attempts} />
        )}
      </Stack>
    </Paper>
  );
}

function AttemptsTable({ attempts }: { attempts: CrmPushAttempt[] }) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing={4} fz="xs" withTableBorder data-testid="push-attempts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>Time</Table.Th>
            <Table.Th>HTTP</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>CRM answer</Table.Th>
            <Table.Th ta="right">Duration</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {attempts.map((attempt) => (
            <Table.Tr key={`${attempt.attempt}-${attempt.request_id}`} data-testid="push-attempt" data-outcome={attempt.outcome}>
              <Table.Td>{attempt.attempt}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <time dateTime={attempt.at}>{formatDateTime(attempt.at)}</time>
              </Table.Td>
              <Table.Td>{attempt.http_status || '—'}</Table.Td>
              <Table.Td>
                <Text size="xs" fw={500} c={attempt.outcome === 'created' || attempt.outcome === 'updated' ? 'green' : attempt.outcome === 'read' ? 'dimmed' : 'red'}>
                  {attempt.outcome.replace(/_/g, ' ')}
                </Text>
                {attempt.crm_record_id && (
                  <Text size="xs" c="dimmed">
                    {attempt.crm_record_id}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {(attempt.error_code || attempt.error_message) && (
                  <Text size="xs">
                    {attempt.error_code && <Code fz="xs">{attempt.error_code}</Code>} {attempt.error_message}
                  </Text>
                )}
                {attempt.answer !== null && attempt.answer !== undefined ? (
                  <Spoiler maxHeight={48} showLabel={<Text size="xs">Show the whole answer</Text>} hideLabel={<Text size="xs">Hide</Text>}>
                    <Code block fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-testid="push-attempt-answer">
                      {JSON.stringify(attempt.answer, null, 1)}
                    </Code>
                  </Spoiler>
                ) : (
                  !attempt.error_code && !attempt.error_message && <Text size="xs" c="dimmed">No answer</Text>
                )}
                {attempt.request_id && (
                  <Text size="xs" c="dimmed">
                    Request {attempt.request_id}
                  </Text>
                )}
              </Table.Td>
              <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                {attempt.duration_ms === 0 && attempt.http_status > 0 ? '<1' : formatNumber(attempt.duration_ms)} ms
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
