import { Button, Checkbox, Divider, Group, Stack, Switch, TagsInput, Text, Title, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useId, useState } from 'react';

import { formatNumber } from '@/lib/format';

import type { FacetCount, Facets, SearchFilters as Filters } from '../api/search-contacts';
import { countryName, departmentOptions, employeeRangeOptions, seniorityOptions } from '../labels';
import { activeFilterCount, type FlagFilter, type ListFilter } from '../search-state';

type SearchFiltersProps = {
  filters: Filters;
  /** Facet counts of the current search (first page); undefined before the first search. */
  facets: Facets | undefined;
  onChange: (filters: Filters) => void;
  /** Whether "Exclude saved" makes sense (the user may read saved contacts). */
  canExcludeSaved: boolean;
};

/**
 * The filter sidebar: facet checkboxes with counts (seniority, department, country, company size),
 * tag inputs for titles, companies, domains and cities, and switches. Every change is a new search.
 */
export function SearchFilters({ filters, facets, onChange, canExcludeSaved }: SearchFiltersProps) {
  const setList = (key: ListFilter, values: string[]) => {
    const next = { ...filters };
    if (values.length > 0) next[key] = values;
    else delete next[key];
    onChange(next);
  };
  const setFlag = (key: FlagFilter, on: boolean) => {
    const next = { ...filters };
    if (on) next[key] = true;
    else delete next[key];
    onChange(next);
  };
  const countries = useCountryOptions(facets, filters.countries ?? []);
  const count = activeFilterCount(filters);

  return (
    <Stack gap="md" component="section" aria-label="Filters">
      <Group justify="space-between" align="center">
        <Title order={2} size="h5">
          Filters
        </Title>
        {count > 0 && (
          <Button size="compact-xs" variant="subtle" onClick={() => onChange({})}>
            Clear all ({count})
          </Button>
        )}
      </Group>
      {facets?.is_capped && (
        <Text size="xs" c="dimmed">
          Counts are estimated from a sample of the matches; – marks values too rare in it to estimate.
        </Text>
      )}

      <FacetGroup
        title="Seniority"
        options={seniorityOptions}
        counts={facets?.seniority}
        sampled={facets?.is_capped ?? false}
        selected={filters.seniorities ?? []}
        onChange={(values) => setList('seniorities', values)}
      />
      <FacetGroup
        title="Department"
        options={departmentOptions}
        counts={facets?.department}
        sampled={facets?.is_capped ?? false}
        selected={filters.departments ?? []}
        onChange={(values) => setList('departments', values)}
        collapsedCount={6}
      />
      <FacetGroup
        title="Country"
        options={countries}
        counts={facets?.country}
        sampled={facets?.is_capped ?? false}
        selected={filters.countries ?? []}
        onChange={(values) => setList('countries', values)}
        collapsedCount={6}
        emptyHint="Countries of the matches appear after a search."
      />
      <FacetGroup
        title="Company size"
        options={employeeRangeOptions}
        counts={facets?.employee_range}
        sampled={facets?.is_capped ?? false}
        selected={filters.employee_ranges ?? []}
        onChange={(values) => setList('employee_ranges', values)}
      />

      <Divider />
      <TagsInput
        label="Job titles"
        placeholder="e.g. software engineer"
        size="xs"
        value={filters.titles ?? []}
        onChange={(values) => setList('titles', values)}
        splitChars={[',']}
        clearable
      />
      <TagsInput
        label="Companies"
        placeholder="Company name"
        size="xs"
        value={filters.company_names ?? []}
        onChange={(values) => setList('company_names', values)}
        splitChars={[',']}
        clearable
      />
      <TagsInput
        label="Company domains"
        placeholder="e.g. acme.com"
        size="xs"
        value={filters.company_domains ?? []}
        onChange={(values) => setList('company_domains', values)}
        splitChars={[',', ' ']}
        clearable
      />
      <TagsInput
        label="Cities"
        placeholder="e.g. Berlin"
        size="xs"
        value={filters.cities ?? []}
        onChange={(values) => setList('cities', values)}
        splitChars={[',']}
        clearable
      />

      <Divider />
      <Stack gap="xs">
        <Switch
          size="sm"
          label="Has email"
          checked={filters.has_email ?? false}
          onChange={(e) => setFlag('has_email', e.currentTarget.checked)}
        />
        <Switch
          size="sm"
          label="Has phone"
          checked={filters.has_phone ?? false}
          onChange={(e) => setFlag('has_phone', e.currentTarget.checked)}
        />
        {canExcludeSaved && (
          <Switch
            size="sm"
            label="Exclude saved"
            checked={filters.exclude_saved ?? false}
            onChange={(e) => setFlag('exclude_saved', e.currentTarget.checked)}
          />
        )}
      </Stack>
    </Stack>
  );
}

type Option = { value: string; label: string };

type FacetGroupProps = {
  title: string;
  options: readonly Option[];
  counts: FacetCount[] | undefined;
  /**
   * The counts were made over a sample of the matches and scaled up (`facets.is_capped`): a value
   * the sample missed is not known to be absent, only too rare to estimate, so it shows no "0".
   */
  sampled?: boolean;
  selected: string[];
  onChange: (values: string[]) => void;
  /** Show this many at first, with a toggle for the rest (selected ones always show). */
  collapsedCount?: number;
  emptyHint?: string;
};

/**
 * One facet as a checkbox list. Facets count the matches of the current search, this filter
 * included: once a value of the group is picked, the other values' counts would read 0, so they
 * show none (picking one widens the search, OR within a group).
 */
function FacetGroup({ title, options, counts, sampled = false, selected, onChange, collapsedCount, emptyHint }: FacetGroupProps) {
  const [expanded, setExpanded] = useState(false);
  const headingId = useId();
  const countOf = new Map((counts ?? []).map((c) => [c.value, c.count]));
  const narrowed = selected.length > 0;
  const limit = collapsedCount && !expanded ? collapsedCount : options.length;
  const shown = options.filter((o, i) => i < limit || selected.includes(o.value));
  const toggle = (value: string, checked: boolean) =>
    onChange(checked ? [...selected, value] : selected.filter((v) => v !== value));

  return (
    <Stack gap={6} role="group" aria-labelledby={headingId}>
      <Text id={headingId} size="xs" fw={700} tt="uppercase" c="dimmed">
        {title}
      </Text>
      {options.length === 0 && emptyHint && (
        <Text size="xs" c="dimmed">
          {emptyHint}
        </Text>
      )}
      {shown.map((option) => {
        const checked = selected.includes(option.value);
        const count = countOf.get(option.value);
        const showCount = counts !== undefined && (checked || !narrowed);
        // Only an exact count of 0 dims a value: one a sample missed may still match.
        const unknown = sampled && !count;
        return (
          <Group key={option.value} justify="space-between" wrap="nowrap" gap="xs">
            <Checkbox
              size="xs"
              label={option.label}
              checked={checked}
              onChange={(e) => toggle(option.value, e.currentTarget.checked)}
              styles={{ label: { opacity: showCount && !count && !unknown && !checked ? 0.55 : 1 } }}
            />
            {showCount &&
              (unknown ? (
                <Text size="xs" c="dimmed" ff="monospace" data-testid="facet-count" title="Too few in the sample to estimate">
                  <span aria-hidden="true">–</span>
                  <VisuallyHidden>too few to estimate</VisuallyHidden>
                </Text>
              ) : (
                <Text size="xs" c="dimmed" ff="monospace" data-testid="facet-count">
                  {formatNumber(count ?? 0)}
                </Text>
              ))}
          </Group>
        );
      })}
      {collapsedCount !== undefined && options.length > collapsedCount && (
        <UnstyledButton onClick={() => setExpanded((e) => !e)} fz="xs" c="blue" aria-expanded={expanded}>
          {expanded ? 'Show fewer' : `Show all ${options.length}`}
        </UnstyledButton>
      )}
    </Stack>
  );
}

/**
 * Country choices: the countries the facets found. Once a country is picked, the facets only
 * count the picked ones, so the list keeps the countries of the last search without a country
 * filter (plus whatever is picked).
 */
function useCountryOptions(facets: Facets | undefined, selected: string[]): Option[] {
  const [remembered, setRemembered] = useState<{ source: Facets | undefined; values: string[] }>({
    source: undefined,
    values: [],
  });
  if (facets && facets !== remembered.source && selected.length === 0) {
    setRemembered({ source: facets, values: facets.country.map((c) => c.value) });
  }
  const values = [...remembered.values];
  for (const value of [...(facets?.country.map((c) => c.value) ?? []), ...selected]) {
    if (!values.includes(value)) values.push(value);
  }
  return values.map((value) => ({ value, label: countryName(value) }));
}
