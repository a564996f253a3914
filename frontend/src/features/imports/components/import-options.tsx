import { ActionIcon, Checkbox, Group, Select, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { IconArrowDown, IconArrowUp } from '@tabler/icons-react';

import type { ImportMappingRequest, MatchKey } from '../api/set-import-mapping';
import { defaultSource, matchKeys, modes, sources } from '../labels';
import { keyMapped } from '../mapping';
import { importScopes, useImportScope } from '../scope';

type ImportOptionsProps = {
  mapping: ImportMappingRequest;
  /** The tenant's lists, for the target list (tenant imports only). */
  lists: { value: string; label: string }[];
  onChange: (patch: Partial<ImportMappingRequest>) => void;
  disabled?: boolean;
  errors?: Partial<Record<'match_keys' | 'mode' | 'list_id' | 'source', string>>;
};

/** The keys in use first (in their order), then the others, unchecked. */
function orderedKeys(selected: MatchKey[]) {
  const rest = matchKeys.filter((k) => !selected.includes(k.value)).map((k) => k.value);
  return [...selected, ...rest];
}

const unmappedHint: Record<MatchKey, string> = {
  email: 'Map a column to Email first.',
  linkedin_url: 'Map a column to LinkedIn URL first.',
  name_company: 'Map full name (or first and last name) and company name first.',
};

const keyLabel = (value: string) => matchKeys.find((k) => k.value === value)?.label ?? value;

/** Match key order, mode, overwrite, and the target list (tenant) or the source (platform). */
export function ImportOptions({ mapping, lists, onChange, disabled = false, errors = {} }: ImportOptionsProps) {
  const settings = importScopes[useImportScope()];
  // Empty match_keys means every mapped key, in the default order.
  const selected =
    mapping.match_keys.length > 0
      ? mapping.match_keys
      : matchKeys.map((k) => k.value).filter((key) => keyMapped(mapping.columns, key));
  const keys = orderedKeys(selected);

  const move = (key: MatchKey, by: -1 | 1) => {
    const next = [...selected];
    const at = next.indexOf(key);
    const to = at + by;
    if (at < 0 || to < 0 || to >= next.length) return;
    [next[at], next[to]] = [next[to] as MatchKey, next[at] as MatchKey];
    onChange({ match_keys: next });
  };
  const toggle = (key: MatchKey, on: boolean) => {
    const next = on ? [...selected, key] : selected.filter((k) => k !== key);
    if (next.length > 0) onChange({ match_keys: next });
  };

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          Match existing contacts by
        </Text>
        <Text size="xs" c="dimmed">
          Tried in this order; the first key that finds a contact wins.
        </Text>
        {keys.map((key) => {
          const index = selected.indexOf(key);
          const on = index >= 0;
          // A key needs its columns: the server refuses one that nothing maps.
          const mapped = keyMapped(mapping.columns, key);
          return (
            // One line: the arrows stay beside the label on a phone, and a long hint wraps under
            // the label instead of pushing the arrows onto a line of their own.
            <Group key={key} gap="xs" wrap="nowrap" align="flex-start" data-testid={`match-key-${key}`}>
              <Checkbox
                miw={0}
                label={on ? `${index + 1}. ${keyLabel(key)}` : keyLabel(key)}
                aria-label={`Match by ${keyLabel(key)}`}
                checked={on}
                disabled={disabled || (on && selected.length === 1) || (!on && !mapped)}
                description={!on && !mapped ? unmappedHint[key] : undefined}
                onChange={(event) => toggle(key, event.currentTarget.checked)}
              />
              <ActionIcon
                variant="subtle"
                size="sm"
                aria-label={`Move ${keyLabel(key)} up`}
                disabled={disabled || !on || index === 0}
                onClick={() => move(key, -1)}
              >
                <IconArrowUp size={14} />
              </ActionIcon>
              <ActionIcon
                variant="subtle"
                size="sm"
                aria-label={`Move ${keyLabel(key)} down`}
                disabled={disabled || !on || index === selected.length - 1}
                onClick={() => move(key, 1)}
              >
                <IconArrowDown size={14} />
              </ActionIcon>
            </Group>
          );
        })}
        {errors.match_keys && (
          <Text size="xs" c="red">
            {errors.match_keys}
          </Text>
        )}
      </Stack>
      <Stack gap="sm">
        <Select
          label="Mode"
          data={modes}
          value={mapping.mode}
          allowDeselect={false}
          disabled={disabled}
          error={errors.mode}
          onChange={(value) => value && onChange({ mode: value })}
        />
        <Switch
          label="Overwrite non-empty fields of matched contacts"
          description="Otherwise only empty fields are filled."
          checked={mapping.overwrite}
          disabled={disabled}
          onChange={(event) => onChange({ overwrite: event.currentTarget.checked })}
        />
        <Switch
          label="First row is a header"
          checked={mapping.has_header}
          disabled={disabled}
          onChange={(event) => onChange({ has_header: event.currentTarget.checked })}
        />
        {settings.targetList && (
          <Select
            label="Add every imported contact to list"
            placeholder="No list"
            data={lists}
            value={mapping.list_id ?? null}
            clearable
            disabled={disabled}
            error={errors.list_id}
            onChange={(value) => onChange({ list_id: value ?? undefined })}
          />
        )}
        {settings.source && (
          <Select
            label="Source"
            description="Written on the contacts this file creates or overwrites. With overwrite on, a field is replaced only by a source that ranks at least as high as its own (vendor < platform import < verified)."
            data={sources}
            value={mapping.source ?? defaultSource}
            allowDeselect={false}
            disabled={disabled}
            error={errors.source}
            onChange={(value) => {
              const source = sources.find((s) => s.value === value)?.value;
              if (source) onChange({ source });
            }}
          />
        )}
      </Stack>
    </SimpleGrid>
  );
}
