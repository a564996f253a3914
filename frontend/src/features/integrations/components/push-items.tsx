import { Badge, Code, Group, Paper, Spoiler, Stack, Table, Text } from '@mantine/core';

import { actionLabel, pushItemStatusLabels, reasonLabel } from '@/components/crm/labels';
import { type Column, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import type { CrmPushAttempt, CrmPushItem } from '@/lib/crm/get-crm-push';
import { formatDateTime, formatNumber } from '@/lib/format';
import { usePhone } from '@/lib/use-phone';

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
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
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

/** An attempt's outcome, coloured by whether the CRM took the contact, and the record it named. */
function Outcome({ attempt }: { attempt: CrmPushAttempt }) {
  return (
    <>
      <Text size="xs" fw={500} c={attempt.outcome === 'created' || attempt.outcome === 'updated' ? 'green' : attempt.outcome === 'read' ? 'dimmed' : 'red'}>
        {attempt.outcome.replace(/_/g, ' ')}
      </Text>
      {attempt.crm_record_id && (
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {attempt.crm_record_id}
        </Text>
      )}
    </>
  );
}

/** The CRM's error and answer to an attempt, and the request it answered. */
function Answer({ attempt }: { attempt: CrmPushAttempt }) {
  return (
    <>
      {(attempt.error_code || attempt.error_message) && (
        <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
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
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          Request {attempt.request_id}
        </Text>
      )}
    </>
  );
}

/** How long the CRM took to answer. */
function duration(attempt: CrmPushAttempt): string {
  return `${attempt.duration_ms === 0 && attempt.http_status > 0 ? '<1' : formatNumber(attempt.duration_ms)} ms`;
}

/** The columns after the attempt's number, in order: the table's cells and each phone card's list. */
const attemptColumns: Column<CrmPushAttempt>[] = [
  { label: 'Time', nowrap: true, value: (attempt) => <time dateTime={attempt.at}>{formatDateTime(attempt.at)}</time> },
  { label: 'HTTP', value: (attempt) => attempt.http_status || '—' },
  { label: 'Outcome', value: (attempt) => <Outcome attempt={attempt} /> },
  { label: 'CRM answer', value: (attempt) => <Answer attempt={attempt} /> },
  { label: 'Duration', nowrap: true, numeric: true, value: duration },
];

/**
 * The attempts at a contact: a table, or on a phone a card per attempt, so that the CRM's answer is
 * on the screen (the table is 760px wide).
 */
function AttemptsTable({ attempts }: { attempts: CrmPushAttempt[] }) {
  const phone = usePhone();
  if (phone) {
    return (
      <Stack gap="xs" data-testid="push-attempts">
        {attempts.map((attempt) => (
          <RowCard
            key={`${attempt.attempt}-${attempt.request_id}`}
            label={`Attempt ${attempt.attempt}`}
            padding="xs"
            data-testid="push-attempt"
            data-outcome={attempt.outcome}
          >
            <Text size="xs" fw={600}>
              Attempt {attempt.attempt}
            </Text>
            <ColumnList columns={attemptColumns} item={attempt} labelWidth="30%" mt={4} />
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing={4} fz="xs" withTableBorder data-testid="push-attempts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <ColumnHeaders columns={attemptColumns} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {attempts.map((attempt) => (
            <Table.Tr key={`${attempt.attempt}-${attempt.request_id}`} data-testid="push-attempt" data-outcome={attempt.outcome}>
              <Table.Td>{attempt.attempt}</Table.Td>
              <ColumnCells columns={attemptColumns} item={attempt} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
