import { Badge, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';

import { type Column, ActionsHeader, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { RowCard } from '@/components/layout/row-card';
import { ApiKeyStatusBadge } from '@/components/api-keys/api-key-status-badge';
import { ApiKeyUsageSummary } from '@/components/api-keys/api-key-usage-summary';
import type { ApiKey } from '@/lib/api-keys/list-api-keys';
import { formatDate, formatDateTime, formatNumber } from '@/lib/format';
import { usePhone } from '@/lib/use-phone';

type ApiKeysTableProps = {
  keys: ApiKey[];
  onRotate: (key: ApiKey) => void;
  onRevoke: (key: ApiKey) => void;
};

/**
 * Rows shown at first, and added by "Show more". Each row asks for its key's usage and draws its
 * chart: an organization at the cap of 500 keys sent 500 usage requests at once (six at a time
 * through the browser) and drew about 20,000 elements before the first key showed its use.
 */
export const apiKeysPageSize = 25;

/** What a row knows besides its key: whether a successor replaced it, or one was revoked. */
type KeyRow = {
  key: ApiKey;
  /** The key's name and prefix, as its buttons name it. */
  label: string;
  isReplaced: boolean;
  revokedSuccessor?: ApiKey;
};

/** The columns after the name, in order: the table's cells and each phone card's list. */
const columns: Column<KeyRow>[] = [
  { label: 'Prefix', value: ({ key }) => <Code data-testid="api-key-prefix">{key.prefix}</Code> },
  {
    label: 'Scopes',
    value: ({ key }) => (
      <Group gap={4} miw={140} maw={280}>
        {key.scopes.map((scope) => (
          <Badge
            key={scope}
            size="sm"
            variant="outline"
            tt="none"
            ff="monospace"
            styles={{ root: { flexShrink: 0, overflow: 'visible' }, label: { overflow: 'visible' } }}
            data-testid="api-key-scope"
          >
            {scope}
          </Badge>
        ))}
      </Group>
    ),
  },
  {
    label: 'Created',
    value: ({ key }) => (
      <Stack gap={0}>
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {formatDate(key.created_at)}
        </Text>
        <Text size="xs" c="dimmed" data-testid="api-key-creator">
          by {key.created_by || 'a former member'}
        </Text>
      </Stack>
    ),
  },
  {
    label: 'Status',
    value: ({ key }) => (
      <Stack gap={2} align="flex-start">
        <ApiKeyStatusBadge status={key.status} />
        {key.status === 'revoked' ? (
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {formatDate(key.revoked_at)}
          </Text>
        ) : (
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }} data-testid="api-key-expires">
            {key.expires_at ? `expires ${formatDate(key.expires_at)}` : 'no expiry'}
          </Text>
        )}
      </Stack>
    ),
  },
  {
    label: 'Use, last 30 days',
    value: ({ key }) => (
      <Stack gap={2}>
        <ApiKeyUsageSummary keyId={key.id} keyName={key.name} />
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {key.last_used_at ? (
            <>
              last used <span data-testid="api-key-last-used">{formatDateTime(key.last_used_at)}</span>
            </>
          ) : (
            <span data-testid="api-key-last-used">Never used</span>
          )}
        </Text>
      </Stack>
    ),
  },
];

/** The key's name, and under it whether it was rotated and until when it works. */
function KeyName({ row }: { row: KeyRow }) {
  const { key, isReplaced, revokedSuccessor } = row;
  return (
    <Stack gap={2}>
      <Text size="sm" fw={500}>
        {key.name}
      </Text>
      {isReplaced && (
        <Text size="xs" c="orange" data-testid="api-key-replaced">
          Rotated: works until {formatDateTime(key.expires_at)}
        </Text>
      )}
      {revokedSuccessor && (
        <Text size="xs" c="orange" data-testid="api-key-replaced">
          Rotated, but its successor {revokedSuccessor.prefix}… was revoked: works until {formatDateTime(key.expires_at)}
        </Text>
      )}
    </Stack>
  );
}

type KeyActionsProps = { row: KeyRow; onRotate: (key: ApiKey) => void; onRevoke: (key: ApiKey) => void };

/** Rotate and revoke, for an active key. */
function KeyActions({ row, onRotate, onRevoke }: KeyActionsProps) {
  const { key, label, isReplaced } = row;
  if (key.status !== 'active') return null;
  return (
    <>
      {/* A key is rotated once (the server answers 409 again): rotate its successor, unless revoked. */}
      {!isReplaced && (
        <Button size="xs" variant="subtle" onClick={() => onRotate(key)} aria-label={`Rotate ${label}`}>
          Rotate
        </Button>
      )}
      <Button size="xs" variant="subtle" color="red" onClick={() => onRevoke(key)} aria-label={`Revoke ${label}`}>
        Revoke
      </Button>
    </>
  );
}

/**
 * The tenant's keys, newest first, with their scopes, dates, status and last 30 days of use: in a
 * table, or on a phone a card per key, so that its status and its Rotate and Revoke buttons are on
 * the screen (the table is 820px wide and put them past the edge of 375 px).
 */
export function ApiKeysTable({ keys, onRotate, onRevoke }: ApiKeysTableProps) {
  const [shown, setShown] = useState(apiKeysPageSize);
  const phone = usePhone();
  // The keys rotated from each key: the old secret works until the overlap ends. Once every
  // successor is revoked, the old secret is the only one left, and the server rotates it again.
  const successors = new Map<string, ApiKey[]>();
  for (const k of keys) {
    if (k.rotated_from_id) successors.set(k.rotated_from_id, [...(successors.get(k.rotated_from_id) ?? []), k]);
  }
  const rows: KeyRow[] = keys.slice(0, shown).map((key) => {
    const next = key.status === 'active' ? (successors.get(key.id) ?? []) : [];
    const isReplaced = next.some((k) => k.status !== 'revoked');
    // The newest first, as listed.
    return { key, label: `${key.name} (${key.prefix})`, isReplaced, revokedSuccessor: !isReplaced ? next[0] : undefined };
  });
  return (
    <>
      {phone ? (
        <Stack gap="sm" data-testid="api-keys-cards">
          {rows.map((row) => (
            <RowCard
              key={row.key.id}
              label={row.label}
              data-testid="api-key-row"
              data-key-id={row.key.id}
              data-prefix={row.key.prefix}
            >
              <KeyName row={row} />
              <ColumnList columns={columns} item={row} mt="xs" />
              {row.key.status === 'active' && (
                <Group gap="xs" mt="xs">
                  <KeyActions row={row} onRotate={onRotate} onRevoke={onRevoke} />
                </Group>
              )}
            </RowCard>
          ))}
        </Stack>
      ) : (
        // Expiry sits with the status and the last use with the usage, so that the actions fit beside
        // the navigation at 1280px instead of behind a horizontal scroll.
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing="sm" fz="sm" data-testid="api-keys-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <ColumnHeaders columns={columns} />
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.key.id} data-testid="api-key-row" data-key-id={row.key.id} data-prefix={row.key.prefix}>
                  <Table.Td>
                    <KeyName row={row} />
                  </Table.Td>
                  <ColumnCells columns={columns} item={row} />
                  <Table.Td>
                    <Stack gap={4} align="flex-start">
                      <KeyActions row={row} onRotate={onRotate} onRevoke={onRevoke} />
                    </Stack>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {keys.length > shown && (
        <Group justify="center" mt="sm">
          <Button variant="default" size="xs" onClick={() => setShown((n) => n + apiKeysPageSize)} data-testid="api-keys-more">
            Show {formatNumber(Math.min(apiKeysPageSize, keys.length - shown))} more of {formatNumber(keys.length - shown)}
          </Button>
        </Group>
      )}
    </>
  );
}
