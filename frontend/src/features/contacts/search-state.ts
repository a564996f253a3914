import type { SearchFilters, SearchParams, SearchSort } from './api/search-contacts';

/** What the search workspace searches for; kept in the URL so a search survives a reload or a link. */
export type SearchState = {
  query: string;
  sort: SearchSort;
  filters: SearchFilters;
};

export type ListFilter =
  | 'seniorities'
  | 'departments'
  | 'countries'
  | 'employee_ranges'
  | 'titles'
  | 'company_names'
  | 'company_domains'
  | 'cities';
export type FlagFilter = 'has_email' | 'has_phone' | 'exclude_saved';

/** Filter → URL parameter (repeated for several values). */
const listParams: Record<ListFilter, string> = {
  seniorities: 'seniority',
  departments: 'department',
  countries: 'country',
  employee_ranges: 'employees',
  titles: 'title',
  company_names: 'company',
  company_domains: 'domain',
  cities: 'city',
};
const flagParams: FlagFilter[] = ['has_email', 'has_phone', 'exclude_saved'];
const sorts: SearchSort[] = ['relevance', 'name', 'updated'];

export const listFilters = Object.keys(listParams) as ListFilter[];

export function parseSearchState(params: URLSearchParams): SearchState {
  const filters: SearchFilters = {};
  for (const key of listFilters) {
    const values = params.getAll(listParams[key]).filter((v) => v.trim() !== '');
    if (values.length > 0) filters[key] = values;
  }
  for (const key of flagParams) {
    if (params.get(key) === '1') filters[key] = true;
  }
  const sort = params.get('sort') as SearchSort | null;
  return { query: params.get('q') ?? '', sort: sort && sorts.includes(sort) ? sort : 'relevance', filters };
}

export function toSearchParams(state: SearchState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.query) params.set('q', state.query);
  if (state.sort !== 'relevance') params.set('sort', state.sort);
  for (const key of listFilters) {
    for (const value of state.filters[key] ?? []) params.append(listParams[key], value);
  }
  for (const key of flagParams) {
    if (state.filters[key]) params.set(key, '1');
  }
  return params;
}

/** How many filters narrow the search (for the "Clear filters" button). */
export function activeFilterCount(filters: SearchFilters): number {
  return listFilters.reduce((n, key) => n + (filters[key]?.length ?? 0), 0) + flagParams.filter((k) => filters[k]).length;
}

/** Nothing to search for yet: the workspace waits instead of spending a search on everything. */
export function hasCriteria(state: SearchState): boolean {
  return state.query.trim() !== '' || activeFilterCount(state.filters) > 0;
}

/**
 * The request for a state: values sorted and empty filters dropped, so picking A then B is the
 * same (cached) search as B then A.
 */
export function toSearchParamsRequest(state: SearchState, pageSize: number | undefined): SearchParams {
  const filters: SearchFilters = {};
  for (const key of listFilters) {
    const values = state.filters[key];
    if (values && values.length > 0) filters[key] = [...new Set(values)].sort();
  }
  for (const key of flagParams) {
    if (state.filters[key]) filters[key] = true;
  }
  return { query: state.query.trim(), sort: state.sort, filters, pageSize };
}
