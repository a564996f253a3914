import type { Import } from '../api/get-import';

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
    counts: { created: 0, matched: 0, updated: 0, duplicate: 0, invalid: 0 },
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
    has_header: true,
    columns: [
      { index: 0, name: 'E-mail', field: 'email', suggested_field: 'email' },
      { index: 1, name: 'Vorname', field: 'first_name', suggested_field: 'first_name' },
      { index: 2, name: 'Nachname', field: '', suggested_field: '' },
    ],
    suggested_mapping: mapping,
    mapping,
    preview: [
      { row: 2, values: { email: 'jose@acme.example', first_name: 'José' }, errors: [], usable: true },
      { row: 3, values: { email: 'zoe@acme.example', first_name: 'Zoë' }, errors: [], usable: true },
    ],
    ...overrides,
  };
}
