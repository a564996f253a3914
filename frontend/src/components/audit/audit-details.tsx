import { Box } from '@mantine/core';

import { Joined } from '@/components/text/joined';

type Scalar = null | boolean | number | string;
/** What an audit event's `data` holds: JSON, as the API answers it. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A nested value longer than this folds away behind a summary that names its first fields. */
const inlineEntries = 3;

const label = (key: string) => key.replaceAll('_', ' ');

const isScalar = (value: unknown): value is Scalar => value === null || typeof value !== 'object';

function scalar(value: Scalar): string {
  if (value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === '') return '(empty)';
  return String(value);
}

/** A `changes` entry as the API writes it: [before, after]. */
const isChange = (value: Json): value is [Scalar, Scalar] =>
  Array.isArray(value) && value.length === 2 && value.every(isScalar);

/**
 * An audit event's details as a short key/value list ("max users: 10 → 20") instead of JSON; every
 * value stays in it. A `changes` object shows each field as before → after; a nested value of more
 * than three entries folds away behind a summary ("5 changes: name, max users, price cents, …") that
 * opens in place. Values are set apart in their own direction: a list renamed from "Leads 2" to an
 * Arabic name read as one right-to-left run with the arrow, before and after swapped.
 */
export function AuditDetails({ data }: { data: Record<string, unknown> }) {
  return <DetailsList entries={Object.entries(data as Record<string, Json>)} changes={false} nested={false} />;
}

function DetailsList({ entries, changes, nested }: { entries: [string, Json][]; changes: boolean; nested: boolean }) {
  return (
    <Box
      component="dl"
      m={0}
      pl={nested ? 'sm' : 0}
      fz="xs"
      style={{ overflowWrap: 'anywhere' }}
      data-testid={nested ? undefined : 'audit-details'}
    >
      {entries.map(([key, value]) => (
        <div key={key}>
          <Box component="dt" c="dimmed" display="inline">
            {label(key)}:
          </Box>{' '}
          <Box component="dd" display="inline" m={0}>
            {changes && isChange(value) ? <Joined parts={[scalar(value[0]), scalar(value[1])]} separator=" → " /> : <Value name={key} value={value} />}
          </Box>
        </div>
      ))}
    </Box>
  );
}

function Value({ name, value }: { name: string; value: Json }) {
  if (isScalar(value)) return scalar(value);
  if (Array.isArray(value) && value.every(isScalar)) return value.length === 0 ? 'none' : <Joined parts={value.map(scalar)} separator=", " />;

  const entries: [string, Json][] = Array.isArray(value)
    ? value.map((item, index) => [String(index + 1), item])
    : Object.entries(value);
  const changes = name === 'changes';
  const list = <DetailsList entries={entries} changes={changes} nested />;
  if (entries.length <= inlineEntries) return list;
  const kind = changes ? 'changes' : Array.isArray(value) ? 'items' : 'fields';
  const first = entries.slice(0, inlineEntries).map(([key]) => label(key));
  return (
    <details>
      <Box component="summary" style={{ cursor: 'pointer' }}>
        {`${entries.length} ${kind}: ${first.join(', ')}, …`}
      </Box>
      {list}
    </details>
  );
}
