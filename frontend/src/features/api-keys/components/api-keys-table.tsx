import { Badge, Button, Code, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';

import { ApiKeyStatusBadge } from '@/components/api-keys/api-key-status-badge';
import { ApiKeyUsageSummary } from '@/components/api-keys/api-key-usage-summary';
import type { ApiKey } from '@/lib/api-keys/list-api-keys';
import { formatDate, formatDateTime, formatNumber } from '@/lib/format';

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

/** The tenant's keys, newest first, with their scopes, dates, status and last 30 days of use. */
export function ApiKeysTable({ keys, onRotate, onRevoke }: ApiKeysTableProps) {
  const [shown, setShown] = useState(apiKeysPageSize);
  // The keys rotated from each key: the old secret works until the overlap ends. Once every
  // successor is revoked, the old secret is the only one left, and the server rotates it again.
  const successors = new Map<string, ApiKey[]>();
  for (const k of keys) {
    if (k.rotated_from_id) successors.set(k.rotated_from_id, [...(successors.get(k.rotated_from_id) ?? []), k]);
  }
  return (
    // Expiry sits with the status and the last use with the usage, so that the actions fit beside
    // the navigation at 1280px instead of behind a horizontal scroll.
    <>
      <Table.ScrollContainer minWidth={820}>
        <Table verticalSpacing="sm" fz="sm" data-testid="api-keys-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Prefix</Table.Th>
              <Table.Th>Scopes</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Use, last 30 days</Table.Th>
              <Table.Th><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.slice(0, shown).map((key) => {
              const label = `${key.name} (${key.prefix})`;
              const next = key.status === 'active' ? (successors.get(key.id) ?? []) : [];
              const isReplaced = next.some((k) => k.status !== 'revoked');
              // The newest first, as listed.
              const revokedSuccessor = !isReplaced ? next[0] : undefined;
              return (
                <Table.Tr key={key.id} data-testid="api-key-row" data-key-id={key.id} data-prefix={key.prefix}>
                  <Table.Td>
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
                          Rotated, but its successor {revokedSuccessor.prefix}… was revoked: works until{' '}
                          {formatDateTime(key.expires_at)}
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Code data-testid="api-key-prefix">{key.prefix}</Code>
                  </Table.Td>
                  <Table.Td>
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
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={0}>
                      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                        {formatDate(key.created_at)}
                      </Text>
                      <Text size="xs" c="dimmed" data-testid="api-key-creator">
                        by {key.created_by || 'a former member'}
                      </Text>
                    </Stack>
                  </Table.Td>
                  <Table.Td>
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
                  </Table.Td>
                  <Table.Td>
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
                  </Table.Td>
                  <Table.Td>
                    {key.status === 'active' && (
                      <Stack gap={4} align="flex-start">
                        {/* A key is rotated once (the server answers 409 again): rotate its successor, unless revoked. */}
                        {!isReplaced && (
                          <Button size="xs" variant="subtle" onClick={() => onRotate(key)} aria-label={`Rotate ${label}`}>
                            Rotate
                          </Button>
                        )}
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => onRevoke(key)}
                          aria-label={`Revoke ${label}`}
                        >
                          Revoke
                        </Button>
                      </Stack>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
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
