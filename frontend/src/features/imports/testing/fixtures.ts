import { jsonResponse } from '@/testing/test-utils';

import type { Usage } from '@/lib/usage/get-usage';

import type { Import } from '../api/get-import';
import type { ImportRecord, ImportRecordsView } from '../api/list-import-records';

/** An import as GET /imports/{id} answers it, for tests. */
export function importFixture(overrides: Partial<Import> = {}): Import {
  const mapping: Import['mapping'] = {
    has_header: true,
    columns: ['email', 'first_name', ''],
    match_keys: [],
    mode: 'create_and_update',
    overwrite: false,
    list_id: null,
    default_region: '',
  };
  return {
    id: 'imp-1',
    scope: 'tenant',
    status: 'uploaded',
    dry_run: false,
    file_name: 'people.csv',
    file_bytes: 2048,
    file_removed_at: null,
    format: 'csv',
    row_count: 3,
    progress: { phase: '', rows_total: 0, rows_done: 0, percent: 0, rate: 0, eta_seconds: null },
    counts: { created: 0, matched: 0, updated: 0, duplicate: 0, invalid: 0, with_warnings: 0 },
    cancel_requested: false,
    error: '',
    created_by: 'user-1',
    started_by: null,
    created_at: '2026-11-28T10:00:00Z',
    queued_at: null,
    started_at: null,
    finished_at: null,
    updated_at: '2026-11-28T10:00:00Z',
    encoding: 'utf-8-bom',
    delimiter: ';',
    delimiter_name: 'semicolon',
    line_ending: 'crlf',
    skipped_rows: 0,
    sheet: '',
    sheet_count: 0,
    sheets: [],
    formulas_without_result: 0,
    first_formula_without_result: '',
    has_header: true,
    columns: [
      { index: 0, name: 'E-mail', field: 'email', suggested_field: 'email' },
      { index: 1, name: 'Vorname', field: 'first_name', suggested_field: 'first_name' },
      { index: 2, name: 'Nachname', field: '', suggested_field: '' },
    ],
    suggested_mapping: mapping,
    mapping,
    preview: [
      { row: 2, values: { email: 'jose@acme.example', first_name: 'José' }, errors: [], warnings: [], usable: true },
      { row: 3, values: { email: 'zoe@acme.example', first_name: 'Zoë' }, errors: [], warnings: [], usable: true },
    ],
    ...overrides,
  };
}

/** An import record as GET /imports/{id}/records lists it, for tests: no contact, duplicate, errors or warnings unless given. */
export function recordFixture(record: Pick<ImportRecord, 'row' | 'outcome'> & Partial<ImportRecord>): ImportRecord {
  return { contact_id: null, duplicate_of: null, updated: false, errors: [], warnings: [], ...record };
}

/** Row 3 of a file whose email "bob@" is refused: the invalid record several tests show. */
export function invalidBobRecord(): ImportRecord {
  return recordFixture({
    row: 3,
    outcome: 'invalid',
    errors: [{ field: 'email', code: 'invalid_email', message: '"bob@" is not a valid email address.' }],
    values: ['bob@', 'Bob', ''],
  });
}

/**
 * A stubApi handler for an import's records: answers each outcome's records, or with
 * has_warnings=true the `with_warnings` ones (none for the others), and appends every view asked
 * for to `asked`.
 */
export function recordsByOutcome(records: Partial<Record<ImportRecordsView, ImportRecord[]>>, asked: string[]) {
  return (_request: Request, { url }: { url: URL }) => {
    const view = url.searchParams.get('has_warnings') === 'true' ? 'with_warnings' : (url.searchParams.get('outcome') ?? '');
    asked.push(view);
    return jsonResponse({ items: records[view as ImportRecordsView] ?? [], next_cursor: '' });
  };
}

/**
 * GET /tenant/usage for the import pages' tests: a Starter package with the given file cap and
 * import_rows quota (limit and what remains of it this month).
 */
export function importUsage({ maxFileBytes = 5242880, rowsLimit = 1000, rowsRemaining = 800 } = {}): Usage {
  const pkg: Usage['package'] = {
    id: 'pkg-starter',
    code: 'starter',
    name: 'Starter',
    description: '',
    price_cents: 4900,
    currency: 'usd',
    stripe_price_id: null,
    max_users: 10,
    searches_per_month: 2000,
    max_contacts_per_query: 25,
    api_access: true,
    api_requests_per_minute: 120,
    import_rows_per_month: rowsLimit,
    max_concurrent_jobs: 1,
    crm_pushes_per_month: 100,
    max_import_file_bytes: maxFileBytes,
    sort_order: 20,
    active: true,
  };
  return {
    package: pkg,
    downgraded: false,
    seats: { limit: 10, members: 1, pending_invitations: 0, remaining: 9 },
    api_keys: 0,
    quotas: [
      {
        metric: 'import_rows',
        limit: rowsLimit,
        used: rowsLimit - rowsRemaining,
        remaining: rowsRemaining,
        reset_at: '2026-12-01T00:00:00Z',
      },
    ],
  };
}
