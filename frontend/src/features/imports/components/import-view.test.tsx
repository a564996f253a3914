import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useQuery } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import { getUsageQueryOptions } from '@/lib/usage/get-usage';
import { mediaQueryList } from '@/testing/media';
import { captureDownloads, grantFor, jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import type { Import } from '../api/get-import';
import type { ImportField } from '../api/set-import-mapping';
import { importFixture, importUsage, invalidBobRecord, recordFixture, recordsByOutcome } from '../testing/fixtures';
import { ImportView } from './import-view';

function signIn() {
  installAuth();
  applyGrant(grantFor());
}

const lists = { items: [{ id: 'list-1', name: 'Leads', member_count: 0 }], next_cursor: '' };

/** Says when GET /tenant/usage has answered (the wizard reads the same query), so a missing warning is not merely still loading. */
function UsageLoaded() {
  return useQuery(getUsageQueryOptions()).data ? <span data-testid="usage-loaded" /> : null;
}

describe('import wizard', () => {
  it('shows the preflight and updates the preview when a column mapping changes', async () => {
    signIn();
    let sent: unknown;
    const api = stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture()),
      'GET /lists': () => jsonResponse(lists),
      'PUT /imports/:id/mapping': async (request) => {
        sent = await request.json();
        const columns: ImportField[] = ['email', 'first_name', 'last_name'];
        return jsonResponse(
          importFixture({
            mapping: { ...importFixture().mapping, columns },
            columns: importFixture().columns.map((c, i) => ({ ...c, field: columns[i] ?? '' })),
            preview: [
              { row: 2, values: { email: 'jose@acme.example', first_name: 'José', last_name: 'Müller' }, errors: [], warnings: [], usable: true },
              { row: 3, values: { email: 'zoe@acme.example', first_name: 'Zoë', last_name: 'Ñúñez' }, errors: [], warnings: [], usable: true },
            ],
          }),
        );
      },
    });
    renderWithProviders(<ImportView id="imp-1" />);

    expect(await screen.findByRole('combobox', { name: 'Encoding' })).toHaveValue('UTF-8 with BOM');
    expect(screen.getByTestId('preflight-delimiter')).toHaveTextContent('Semicolon (;)');
    expect(screen.getByTestId('preflight-line-endings')).toHaveTextContent('CRLF');
    expect(screen.getByTestId('preflight-rows')).toHaveTextContent('3');

    const preview = screen.getByTestId('mapping-preview');
    expect(within(preview).getByText('José')).toBeInTheDocument();
    expect(within(preview).queryByText('Last name')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('combobox', { name: 'Field for Nachname' }));
    await userEvent.click(screen.getByRole('option', { name: 'Last name' }));

    await waitFor(() => expect(within(screen.getByTestId('mapping-preview')).getByText('Müller')).toBeInTheDocument());
    expect(within(screen.getByTestId('mapping-preview')).getByRole('columnheader', { name: 'Last name' })).toBeInTheDocument();
    expect(within(screen.getByTestId('mapping-preview')).getByText('Ñúñez')).toBeInTheDocument();
    expect(sent).toMatchObject({ has_header: true, columns: ['email', 'first_name', 'last_name'], mode: 'create_and_update' });
    expect(api.mock.calls.some(([r]) => r.method === 'PUT')).toBe(true);
  });

  it('on a phone, maps each column of the file on its own card, no table', async () => {
    // Below Mantine's `sm` (375 px): the 480px table put the field's select and the suggestion past the edge.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    signIn();
    let sent: unknown;
    stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture()),
      'GET /lists': () => jsonResponse(lists),
      'PUT /imports/:id/mapping': async (request) => {
        sent = await request.json();
        return jsonResponse(importFixture());
      },
    });
    renderWithProviders(<ImportView id="imp-1" />);

    const email = await screen.findByRole('article', { name: 'E-mail' });
    expect(screen.queryByRole('table', { name: 'Column mapping' })).not.toBeInTheDocument();
    expect(within(email).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent)).toEqual(['Contact field', 'Suggested']);
    expect(within(email).getByRole('combobox', { name: 'Field for E-mail' })).toHaveValue('Email');
    expect(within(email).getByText('Suggested', { selector: 'dt' }).nextElementSibling).toHaveTextContent('Email');
    const nachname = screen.getByRole('article', { name: 'Nachname' });
    expect(within(nachname).getByRole('combobox', { name: 'Field for Nachname' })).toHaveValue('Do not import');

    await userEvent.click(within(nachname).getByRole('combobox', { name: 'Field for Nachname' }));
    await userEvent.click(screen.getByRole('option', { name: 'Last name' }));
    await waitFor(() => expect(sent).toMatchObject({ columns: ['email', 'first_name', 'last_name'] }));
  });

  it('names its steps in the words of someone importing a file, not the API’s (no “preflight”)', async () => {
    signIn();
    stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture()),
      'GET /lists': () => jsonResponse(lists),
    });
    renderWithProviders(<ImportView id="imp-1" />);

    const wizard = await screen.findByTestId('import-wizard');
    expect(within(wizard).getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual([
      '1. File',
      '2. Mapping',
      '3. Options',
      '4. Dry run and start',
    ]);
    expect(wizard).not.toHaveTextContent(/preflight/i);
  });

  it('taking a field for one column frees it on the other', async () => {
    signIn();
    let sent: { columns?: ImportField[] } = {};
    stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture()),
      'GET /lists': () => jsonResponse(lists),
      'PUT /imports/:id/mapping': async (request) => {
        sent = (await request.json()) as { columns: ImportField[] };
        return jsonResponse(importFixture({ mapping: { ...importFixture().mapping, columns: sent.columns ?? [] } }));
      },
    });
    renderWithProviders(<ImportView id="imp-1" />);
    await userEvent.click(await screen.findByRole('combobox', { name: 'Field for Nachname' }));
    await userEvent.click(screen.getByRole('option', { name: 'Email' }));
    await waitFor(() => expect(sent.columns).toEqual(['', 'first_name', 'email']));
  });

  it('drops a match key whose column is set to "Do not import", keeping the other keys', async () => {
    signIn();
    const mapping: Import['mapping'] = {
      ...importFixture().mapping,
      columns: ['email', 'full_name', 'company_name'],
      match_keys: ['name_company', 'email'],
    };
    const imp = importFixture({
      mapping,
      suggested_mapping: mapping,
      columns: [
        { index: 0, name: 'E-mail', field: 'email', suggested_field: 'email' },
        { index: 1, name: 'Name', field: 'full_name', suggested_field: 'full_name' },
        { index: 2, name: 'Firma', field: 'company_name', suggested_field: 'company_name' },
      ],
    });
    let sent: { columns?: ImportField[]; match_keys?: string[] } = {};
    stubApi({
      'GET /imports/:id': () => jsonResponse(imp),
      'GET /lists': () => jsonResponse(lists),
      'PUT /imports/:id/mapping': async (request) => {
        sent = (await request.json()) as typeof sent;
        return jsonResponse({ ...imp, mapping: { ...mapping, columns: sent.columns ?? [], match_keys: ['email'] } });
      },
    });
    renderWithProviders(<ImportView id="imp-1" />);

    await userEvent.click(await screen.findByRole('combobox', { name: 'Field for Firma' }));
    await userEvent.click(screen.getByRole('option', { name: 'Do not import' }));

    await waitFor(() => expect(sent.columns).toEqual(['email', 'full_name', '']));
    expect(sent.match_keys).toEqual(['email']);
    // Name + company cannot be picked again until its columns are mapped.
    await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Match by Name + company' })).not.toBeChecked());
    expect(screen.getByRole('checkbox', { name: 'Match by Name + company' })).toBeDisabled();
    expect(screen.getByRole('combobox', { name: 'Field for Firma' })).toHaveValue('Do not import');
  });

  it("shows the server's field-level reasons next to the match keys and columns", async () => {
    signIn();
    stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture()),
      'GET /lists': () => jsonResponse(lists),
      'PUT /imports/:id/mapping': () =>
        problemResponse({
          status: 422,
          title: 'Unprocessable Entity',
          detail: 'The mapping has invalid fields.',
          code: 'validation_failed',
          errors: [
            { field: 'match_keys[1]', message: 'name_company is not mapped to any column' },
            { field: 'columns[2]', message: 'first_name is already mapped from column 2' },
            { field: 'default_region', message: 'is not a country' },
          ],
        }),
    });
    renderWithProviders(<ImportView id="imp-1" />);

    await userEvent.click(await screen.findByRole('combobox', { name: 'Field for Nachname' }));
    await userEvent.click(screen.getByRole('option', { name: 'Last name' }));

    expect(await screen.findByText('name_company is not mapped to any column')).toBeInTheDocument();
    expect(screen.getByText('first_name is already mapped from column 2')).toBeInTheDocument();
    // What has no place of its own is listed in the alert.
    expect(within(screen.getByTestId('field-errors')).getByText(/is not a country/)).toBeInTheDocument();
    expect(within(screen.getByTestId('field-errors')).queryByText(/name_company/)).not.toBeInTheDocument();
  });

  it('runs a dry run and shows its counts by outcome', async () => {
    signIn();
    let started = '';
    const done = importFixture({
      status: 'completed',
      dry_run: true,
      counts: { created: 7, matched: 2, updated: 1, duplicate: 1, invalid: 2, with_warnings: 0 },
    });
    stubApi({
      'GET /imports/:id': () => jsonResponse(started ? done : importFixture()),
      'GET /lists': () => jsonResponse(lists),
      'POST /imports/:id/start': (request) => {
        started = new URL(request.url).search;
        return jsonResponse(done, { status: 202 });
      },
    });
    renderWithProviders(<ImportView id="imp-1" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Dry run' }));

    const summary = await screen.findByTestId('dry-run-summary');
    expect(started).toBe('?dry_run=true');
    // Focus stays on the Dry run button while the summary appears further down: the end is read out.
    expect(screen.getByTestId('import-announcer')).toHaveTextContent(
      'Dry run completed, nothing was written: 3 rows would give 7 created, 2 matched, 1 duplicate, 2 invalid.',
    );
    expect(within(summary).getByTestId('count-created')).toHaveTextContent('7');
    expect(within(summary).getByTestId('count-matched')).toHaveTextContent('2');
    expect(within(summary).getByTestId('count-duplicate')).toHaveTextContent('1');
    expect(within(summary).getByTestId('count-invalid')).toHaveTextContent('2');
    expect(within(summary).queryByTestId('dry-run-dropped')).not.toBeInTheDocument();
    // Still the wizard: the real start is the next step.
    expect(screen.getByRole('button', { name: 'Start import' })).toBeEnabled();
    expect(screen.queryByTestId('import-file-removed')).not.toBeInTheDocument();
  });

  it('says in the dry run summary how many rows would be imported without some values', async () => {
    signIn();
    stubApi({
      'GET /imports/:id': () =>
        jsonResponse(
          importFixture({
            status: 'completed',
            dry_run: true,
            counts: { created: 3, matched: 0, updated: 0, duplicate: 0, invalid: 0, with_warnings: 1 },
          }),
        ),
      'GET /lists': () => jsonResponse(lists),
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    renderWithProviders(<ImportView id="imp-1" />);

    const summary = await screen.findByTestId('dry-run-summary');
    expect(within(summary).getByTestId('dry-run-dropped')).toHaveTextContent(
      '1 row would be imported with warnings: a value that could not be read was left out',
    );
    expect(within(summary).getByTestId('count-with-warnings')).toHaveTextContent('1');
    expect(within(summary).getByRole('tab', { name: 'With warnings (1)' })).toBeInTheDocument();
  });

  it('a dry run waiting for a slot says so and can be cancelled, after which the import can still start', async () => {
    signIn();
    let cancelled = false;
    const queued = importFixture({ status: 'queued', dry_run: true, progress: { ...importFixture().progress, phase: 'waiting_for_slot' } });
    const stopped = importFixture({ status: 'cancelled', dry_run: true });
    stubApi({
      'GET /imports/:id': () => jsonResponse(cancelled ? stopped : queued),
      'GET /lists': () => jsonResponse(lists),
      'POST /imports/:id/cancel': () => {
        cancelled = true;
        return jsonResponse(stopped, { status: 202 });
      },
    });
    renderWithProviders(<ImportView id="imp-1" />);

    const progress = await screen.findByTestId('dry-run-progress');
    expect(progress).toHaveTextContent(/queued/i);
    await userEvent.click(within(progress).getByRole('button', { name: 'Cancel dry run' }));

    expect(await screen.findByTestId('dry-run-failed')).toHaveTextContent('The dry run was cancelled.');
    expect(cancelled).toBe(true);
    expect(screen.getByTestId('import-announcer')).toHaveTextContent('The dry run was cancelled.');
    expect(screen.getByRole('button', { name: 'Start import' })).toBeEnabled();
  });

  it('offers no cancel of a dry run to those who may only read', async () => {
    signIn();
    stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture({ status: 'running', dry_run: true })),
      'GET /lists': () => jsonResponse(lists),
    });
    renderWithProviders(<ImportView id="imp-1" canWrite={false} />);
    expect(await screen.findByTestId('dry-run-progress')).toHaveTextContent('Dry run in progress');
    expect(screen.queryByRole('button', { name: 'Cancel dry run' })).not.toBeInTheDocument();
  });

  it('announces the end of a running dry run in the live region, also when the person is elsewhere, and not one that was over', async () => {
    signIn();
    let gets = 0;
    const running = importFixture({
      status: 'running',
      dry_run: true,
      progress: { phase: 'merging', rows_total: 3, rows_done: 1, percent: 33.3, rate: 10, eta_seconds: 1 },
    });
    stubApi({
      'GET /imports/:id': () => {
        gets += 1;
        return jsonResponse(gets < 3 ? running : importFixture({ status: 'failed', dry_run: true, error: 'The file could not be read.' }));
      },
      'GET /lists': () => jsonResponse(lists),
    });
    const { unmount } = renderWithProviders(
      <>
        <ImportView id="imp-1" pollInterval={50} />
        <input aria-label="Elsewhere" />
      </>,
    );
    await screen.findByTestId('dry-run-progress');
    const region = screen.getByTestId('import-announcer');
    expect(region).toHaveAttribute('aria-live', 'polite');
    expect(region).toHaveTextContent(/^$/);
    screen.getByRole('textbox', { name: 'Elsewhere' }).focus();

    expect(await screen.findByTestId('dry-run-failed')).toHaveTextContent('The dry run failed: The file could not be read.');
    expect(screen.getByTestId('import-announcer')).toBe(region);
    expect(region).toHaveTextContent('The dry run failed: The file could not be read.');
    expect(screen.getByRole('textbox', { name: 'Elsewhere' })).toHaveFocus();
    unmount();

    // Opening a dry run that finished long ago is no news.
    stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture({ status: 'completed', dry_run: true })),
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /lists': () => jsonResponse(lists),
    });
    renderWithProviders(<ImportView id="imp-2" />);
    await screen.findByTestId('dry-run-summary');
    expect(screen.getByTestId('import-announcer')).toHaveTextContent(/^$/);
  });

  it("shows a finished dry run's rows by outcome and its error report, a would-be contact as new", async () => {
    signIn();
    const outcomesAsked: string[] = [];
    stubApi({
      'GET /imports/:id': () =>
        jsonResponse(importFixture({ status: 'completed', dry_run: true, counts: { created: 1, matched: 1, updated: 0, duplicate: 0, invalid: 1, with_warnings: 0 } })),
      'GET /lists': () => jsonResponse(lists),
      'GET /imports/:id/records': recordsByOutcome(
        {
          created: [recordFixture({ row: 2, outcome: 'created', contact_id: '0193a6f0-0000-7000-8000-000000000002' })],
          // A shared contact the dry run matched is withheld until the real run pays for it.
          matched: [recordFixture({ row: 4, outcome: 'matched' })],
          invalid: [invalidBobRecord()],
        },
        outcomesAsked,
      ),
      'GET /imports/:id/errors.csv': () => new Response('E-mail;Vorname;Nachname;error\n', { headers: { 'Content-Type': 'text/csv' } }),
    });
    const downloads = captureDownloads();
    renderWithProviders(<ImportView id="imp-1" />);

    const summary = await screen.findByTestId('dry-run-summary');
    const created = await within(summary).findByTestId('records-created');
    expect(within(created).getByText('New contact')).toBeInTheDocument();
    expect(within(created).queryByText('0193a6f0-0000-7000-8000-000000000002')).not.toBeInTheDocument();
    await userEvent.click(within(summary).getByRole('tab', { name: 'Matched (1)' }));
    expect(await within(summary).findByText('An existing contact (shown once imported)')).toBeInTheDocument();
    await userEvent.click(within(summary).getByRole('tab', { name: 'Invalid (1)' }));
    expect(await within(summary).findByText('"bob@" is not a valid email address.')).toBeInTheDocument();
    await userEvent.click(within(summary).getByRole('button', { name: 'Download error report' }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    // Still the wizard: the real start is the next step.
    expect(screen.getByRole('button', { name: 'Start import' })).toBeEnabled();
  });

  it("warns before a start when the file's rows do not fit in what remains of the month's quota", async () => {
    signIn();
    let remaining = 3;
    stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture({ row_count: 3 })),
      'GET /lists': () => jsonResponse(lists),
      'GET /tenant/usage': () => jsonResponse(importUsage({ rowsLimit: 1000, rowsRemaining: remaining })),
    });
    // Three rows with three left: nothing to say.
    const { unmount } = renderWithProviders(
      <>
        <ImportView id="imp-1" />
        <UsageLoaded />
      </>,
    );
    expect(await screen.findByRole('button', { name: 'Start import' })).toBeEnabled();
    await screen.findByTestId('usage-loaded');
    expect(screen.queryByTestId('import-rows-short')).not.toBeInTheDocument();
    unmount();

    remaining = 2;
    renderWithProviders(<ImportView id="imp-1" />);
    expect(await screen.findByTestId('import-rows-short')).toHaveTextContent(
      "Starting needs 3 rows, but 2 of this month's 1,000 import rows remain, so it would be refused (it needs room for every row; the invalid ones are then not charged). A dry run is still possible. The quota renews on Dec 1, 2026.",
    );
    // The server decides: both buttons stay.
    expect(screen.getByRole('button', { name: 'Start import' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Dry run' })).toBeEnabled();
  });

  it('warns before a resume when the rows left to merge do not fit in what remains of the quota', async () => {
    signIn();
    let remaining = 600;
    const failed = importFixture({
      status: 'failed',
      row_count: 1000,
      error: 'The monthly import_rows quota ran out after 400 rows.',
      progress: { ...importFixture().progress, rows_done: 400 },
    });
    stubApi({
      'GET /imports/:id': () => jsonResponse(failed),
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(importUsage({ rowsLimit: 1000, rowsRemaining: remaining })),
    });
    // 600 rows left to merge, 600 left this month: nothing to say.
    const { unmount } = renderWithProviders(
      <>
        <ImportView id="imp-1" />
        <UsageLoaded />
      </>,
    );
    expect(await screen.findByRole('button', { name: 'Resume' })).toBeEnabled();
    await screen.findByTestId('usage-loaded');
    expect(screen.queryByTestId('import-rows-short')).not.toBeInTheDocument();
    unmount();

    remaining = 500;
    renderWithProviders(<ImportView id="imp-1" />);
    expect(await screen.findByTestId('import-rows-short')).toHaveTextContent(
      "Resuming needs 600 rows, but 500 of this month's 1,000 import rows remain, so it would be refused (it needs room for every row; the invalid ones are then not charged). The quota renews on Dec 1, 2026.",
    );
    expect(screen.getByRole('button', { name: 'Resume' })).toBeEnabled();
  });

  it('offers no start once the file of a dry run was removed', async () => {
    signIn();
    stubApi({
      'GET /imports/:id': () =>
        jsonResponse(importFixture({ status: 'completed', dry_run: true, file_removed_at: '2026-11-20T10:00:00Z' })),
      'GET /lists': () => jsonResponse(lists),
    });
    renderWithProviders(<ImportView id="imp-1" />);
    expect(await screen.findByTestId('import-file-removed')).toHaveTextContent('Upload the file again');
    expect(screen.queryByRole('button', { name: 'Start import' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Dry run' })).not.toBeInTheDocument();
  });

  it('offers no resume for a failed import whose file was removed, and says why a cancelled one ended', async () => {
    signIn();
    stubApi({
      'GET /imports/:id': () =>
        jsonResponse(importFixture({ status: 'failed', error: 'Database unavailable.', file_removed_at: '2026-11-20T10:00:00Z' })),
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    const { unmount } = renderWithProviders(<ImportView id="imp-1" />);
    expect(await screen.findByTestId('import-file-removed')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Resume' })).not.toBeInTheDocument();
    unmount();

    stubApi({
      'GET /imports/:id': () =>
        jsonResponse(importFixture({ status: 'cancelled', error: 'The upload expired: it was not started within 7 days.' })),
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    renderWithProviders(<ImportView id="imp-1" />);
    expect(await screen.findByText('The upload expired: it was not started within 7 days.')).toBeInTheDocument();
  });
});

describe('import progress', () => {
  it('shows rows, rate and ETA, and stops polling once the import is done', async () => {
    signIn();
    const running = (rowsDone: number, eta: number): Import =>
      importFixture({
        status: 'running',
        row_count: 20000,
        progress: { phase: 'merging', rows_total: 20000, rows_done: rowsDone, percent: (rowsDone / 200), rate: 12500, eta_seconds: eta },
        counts: { created: rowsDone - 10, matched: 5, updated: 0, duplicate: 3, invalid: 2, with_warnings: 0 },
      });
    const answers = [running(5000, 75), running(15000, 1)];
    const completed = importFixture({
      status: 'completed',
      row_count: 20000,
      progress: { phase: 'completed', rows_total: 20000, rows_done: 20000, percent: 100, rate: 0, eta_seconds: null },
      counts: { created: 19990, matched: 5, updated: 0, duplicate: 3, invalid: 2, with_warnings: 0 },
    });
    let gets = 0;
    let usageGets = 0;
    const api = stubApi({
      'GET /imports/:id': () => {
        gets += 1;
        return jsonResponse(answers[gets - 1] ?? completed);
      },
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => {
        usageGets += 1;
        return jsonResponse(importUsage({ rowsLimit: 1_000_000, rowsRemaining: 1_000_000 - usageGets }));
      },
    });
    renderWithProviders(
      <>
        <ImportView id="imp-1" pollInterval={25} />
        <UsageLoaded />
      </>,
    );

    expect(await screen.findByTestId('progress-rate')).toHaveTextContent('12,500 rows/s');
    expect(screen.getByTestId('progress-eta')).toHaveTextContent('ETA 1 min 15 s');
    expect(screen.getByTestId('progress-rows')).toHaveTextContent('5,000 / 20,000 rows (25.0%)');
    expect(screen.getByRole('button', { name: 'Cancel import' })).toBeEnabled();

    const usageWhileRunning = usageGets;
    expect(await screen.findByTestId('import-completed')).toHaveTextContent('19,990 created');
    expect(screen.queryByTestId('import-progress')).not.toBeInTheDocument();
    // The rows were metered as the import ran: the month's usage is read again once it is done.
    await waitFor(() => expect(usageGets).toBeGreaterThan(usageWhileRunning));
    const settled = gets;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(gets).toBe(settled);
    expect(settled).toBe(3);
    const importGets = api.mock.calls.filter(([r]) => new URL(r.url).pathname === '/api/v1/imports/imp-1');
    expect(importGets).toHaveLength(3);
  });

  it('says "1 row" and "1 duplicate" in the summary of a finished import', async () => {
    signIn();
    stubApi({
      'GET /imports/:id': () =>
        jsonResponse(
          importFixture({
            status: 'completed',
            row_count: 1,
            progress: { phase: 'completed', rows_total: 1, rows_done: 1, percent: 100, rate: 0, eta_seconds: null },
            counts: { created: 0, matched: 0, updated: 0, duplicate: 1, invalid: 0, with_warnings: 0 },
          }),
        ),
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(importUsage({ rowsLimit: 1000, rowsRemaining: 999 })),
    });
    renderWithProviders(<ImportView id="imp-1" />);

    expect(await screen.findByTestId('import-completed')).toHaveTextContent(
      'Imported 1 row: 0 created, 0 matched (0 updated), 1 duplicate, 0 invalid.',
    );
  });

  it('wraps a long file name anywhere instead of widening the page', async () => {
    signIn();
    const long = `${'quarterly_export_from_salesforce_all_regions_'.repeat(5)}2026.csv`;
    stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture({ status: 'completed', file_name: long })),
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(importUsage({ rowsLimit: 1000, rowsRemaining: 999 })),
    });
    renderWithProviders(<ImportView id="imp-1" />);

    const name = await screen.findByTestId('import-file-name');
    expect(name).toHaveTextContent(long);
    expect(name).toHaveStyle({ overflowWrap: 'anywhere' });
  });

  it("shows what a completed import says besides its counts (its target list was deleted)", async () => {
    signIn();
    const note = 'The target list was deleted while the import ran: every row was imported.';
    stubApi({
      'GET /imports/:id': () =>
        jsonResponse(
          importFixture({
            status: 'completed',
            error: note,
            progress: { phase: 'completed', rows_total: 3, rows_done: 3, percent: 100, rate: 0, eta_seconds: null },
            counts: { created: 3, matched: 0, updated: 0, duplicate: 0, invalid: 0, with_warnings: 0 },
          }),
        ),
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(importUsage({ rowsLimit: 1000, rowsRemaining: 997 })),
    });
    renderWithProviders(<ImportView id="imp-1" />);

    expect(await screen.findByTestId('import-completed')).toHaveTextContent('3 created');
    expect(screen.getByTestId('import-completed-note')).toHaveTextContent(note);
  });

  it('moves focus from "Start import" to the progress, and from there to the outcome, as each replaces the other', async () => {
    signIn();
    let started = false;
    let gets = 0;
    const running = importFixture({
      status: 'running',
      progress: { phase: 'merging', rows_total: 3, rows_done: 1, percent: 33.3, rate: 10, eta_seconds: 1 },
    });
    const completed = importFixture({
      status: 'completed',
      progress: { phase: 'completed', rows_total: 3, rows_done: 3, percent: 100, rate: 0, eta_seconds: null },
      counts: { created: 3, matched: 0, updated: 0, duplicate: 0, invalid: 0, with_warnings: 0 },
    });
    stubApi({
      'GET /imports/:id': () => {
        if (!started) return jsonResponse(importFixture());
        gets += 1;
        return jsonResponse(gets < 3 ? running : completed);
      },
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /lists': () => jsonResponse(lists),
      'POST /imports/:id/start': () => {
        started = true;
        return jsonResponse(running, { status: 202 });
      },
    });
    renderWithProviders(<ImportView id="imp-1" pollInterval={50} />);

    const start = await screen.findByRole('button', { name: 'Start import' });
    start.focus();
    await userEvent.keyboard('{Enter}');

    const progress = await screen.findByTestId('import-progress');
    await waitFor(() => expect(screen.getByRole('group', { name: 'Import in progress' })).toHaveFocus());
    expect(progress).toBeInTheDocument();

    await screen.findByTestId('import-completed');
    await waitFor(() => expect(screen.getByRole('group', { name: 'Import outcome' })).toHaveFocus());
  });

  it('leaves focus alone when the import finishes while the person is elsewhere', async () => {
    signIn();
    let gets = 0;
    const running = importFixture({
      status: 'running',
      progress: { phase: 'merging', rows_total: 3, rows_done: 1, percent: 33.3, rate: 10, eta_seconds: 1 },
    });
    stubApi({
      'GET /imports/:id': () => {
        gets += 1;
        return jsonResponse(gets < 3 ? running : importFixture({ status: 'completed' }));
      },
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    renderWithProviders(
      <>
        <ImportView id="imp-1" pollInterval={50} />
        <input aria-label="Elsewhere" />
      </>,
    );
    await screen.findByTestId('import-progress');
    const elsewhere = screen.getByRole('textbox', { name: 'Elsewhere' });
    elsewhere.focus();

    await screen.findByTestId('import-completed');
    expect(elsewhere).toHaveFocus();
  });

  it('announces the end of the import in a live region, also when the person is elsewhere', async () => {
    signIn();
    let gets = 0;
    const running = importFixture({
      status: 'running',
      row_count: 3,
      progress: { phase: 'merging', rows_total: 3, rows_done: 1, percent: 33.3, rate: 10, eta_seconds: 1 },
    });
    const completed = importFixture({
      status: 'completed',
      row_count: 3,
      progress: { phase: 'completed', rows_total: 3, rows_done: 3, percent: 100, rate: 0, eta_seconds: null },
      counts: { created: 2, matched: 0, updated: 0, duplicate: 0, invalid: 1, with_warnings: 0 },
    });
    stubApi({
      'GET /imports/:id': () => {
        gets += 1;
        return jsonResponse(gets < 3 ? running : completed);
      },
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    renderWithProviders(
      <>
        <ImportView id="imp-1" pollInterval={50} />
        <input aria-label="Elsewhere" />
      </>,
    );
    await screen.findByTestId('import-progress');
    // The region is on the page before the news arrives (a region added with its text is not read out).
    const region = screen.getByTestId('import-announcer');
    expect(region).toHaveAttribute('aria-live', 'polite');
    expect(region).toHaveTextContent(/^$/);
    screen.getByRole('textbox', { name: 'Elsewhere' }).focus();

    await screen.findByTestId('import-completed');
    expect(screen.getByTestId('import-announcer')).toBe(region);
    expect(region).toHaveTextContent('Import completed: 3 rows, 2 created, 0 matched, 0 duplicates, 1 invalid.');
  });

  it('announces a failed import with its reason, and says nothing for one that was already done', async () => {
    signIn();
    let gets = 0;
    const running = importFixture({
      status: 'running',
      progress: { phase: 'merging', rows_total: 3, rows_done: 1, percent: 33.3, rate: 10, eta_seconds: 1 },
    });
    stubApi({
      'GET /imports/:id': () => {
        gets += 1;
        return jsonResponse(gets < 2 ? running : importFixture({ status: 'failed', error: 'The file could not be read.' }));
      },
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    const { unmount } = renderWithProviders(<ImportView id="imp-1" pollInterval={50} />);
    await screen.findByText('The import failed');
    await waitFor(() =>
      expect(screen.getByTestId('import-announcer')).toHaveTextContent('The import failed: The file could not be read.'),
    );
    unmount();

    // Opening an import that finished long ago is no news.
    stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture({ status: 'completed' })),
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
    });
    renderWithProviders(<ImportView id="imp-2" />);
    await screen.findByTestId('import-completed');
    expect(screen.getByTestId('import-announcer')).toHaveTextContent(/^$/);
  });

  it('keeps the progress and the cancel button on screen when a poll fails, and says it is retrying', async () => {
    signIn();
    const running = importFixture({
      status: 'running',
      row_count: 20000,
      progress: { phase: 'merging', rows_total: 20000, rows_done: 5000, percent: 25, rate: 12500, eta_seconds: 75 },
    });
    const completed = importFixture({
      status: 'completed',
      row_count: 20000,
      progress: { phase: 'completed', rows_total: 20000, rows_done: 20000, percent: 100, rate: 0, eta_seconds: null },
      counts: { created: 20000, matched: 0, updated: 0, duplicate: 0, invalid: 0, with_warnings: 0 },
    });
    let phase: 'running' | 'down' | 'done' = 'running';
    stubApi({
      'GET /imports/:id': () =>
        phase === 'down'
          ? problemResponse({ status: 502, title: 'Bad Gateway', code: 'internal', request_id: 'req-502' })
          : jsonResponse(phase === 'running' ? running : completed),
      'GET /imports/:id/records': () => jsonResponse({ items: [], next_cursor: '' }),
      'GET /tenant/usage': () => jsonResponse(importUsage({ rowsLimit: 1_000_000, rowsRemaining: 900_000 })),
    });
    renderWithProviders(<ImportView id="imp-1" pollInterval={25} />);
    expect(await screen.findByTestId('progress-rows')).toHaveTextContent('5,000 / 20,000 rows (25.0%)');

    phase = 'down';
    const stale = await screen.findByTestId('import-poll-failed');
    expect(stale).toHaveTextContent('The latest progress could not be read');
    expect(stale).toHaveTextContent('req-502');
    // What the server said last stays, and so does the way to stop the import.
    expect(screen.getByTestId('progress-rows')).toHaveTextContent('5,000 / 20,000 rows (25.0%)');
    expect(screen.getByRole('button', { name: 'Cancel import' })).toBeEnabled();

    phase = 'done';
    expect(await screen.findByTestId('import-completed')).toHaveTextContent('20,000 created');
    expect(screen.queryByTestId('import-poll-failed')).not.toBeInTheDocument();
  });

  it('cancels a running import', async () => {
    signIn();
    let cancelled = false;
    const running = importFixture({
      status: 'running',
      progress: { phase: 'merging', rows_total: 3, rows_done: 1, percent: 33.3, rate: 10, eta_seconds: 1 },
    });
    stubApi({
      'GET /imports/:id': () => jsonResponse(cancelled ? { ...running, cancel_requested: true } : running),
      'POST /imports/:id/cancel': () => {
        cancelled = true;
        return jsonResponse({ ...running, cancel_requested: true }, { status: 202 });
      },
    });
    renderWithProviders(<ImportView id="imp-1" pollInterval={10_000} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel import' }));
    expect(await screen.findByRole('button', { name: 'Cancelling…' })).toBeDisabled();
    expect(cancelled).toBe(true);
  });
});

describe('import results', () => {
  it('switches outcome tabs, shows invalid rows with their errors and downloads the error report', async () => {
    signIn();
    const outcomesAsked: string[] = [];
    stubApi({
      'GET /imports/:id': () =>
        jsonResponse(
          importFixture({
            status: 'completed',
            finished_at: '2026-11-28T10:01:00Z',
            counts: { created: 1, matched: 0, updated: 0, duplicate: 1, invalid: 1, with_warnings: 0 },
          }),
        ),
      'GET /imports/:id/records': recordsByOutcome(
        {
          created: [
            recordFixture({
              row: 2,
              outcome: 'created',
              contact_id: 'c-1',
              contact: { first_name: 'José', last_name: 'Müller', email: 'jose@acme.example', title: 'CTO', company_name: 'شركة 3' },
            }),
          ],
          duplicate: [recordFixture({ row: 4, outcome: 'duplicate', duplicate_of: 2 })],
          invalid: [
            recordFixture({
              row: 5,
              outcome: 'invalid',
              errors: [{ field: 'email', code: 'missing_key', message: 'Needs an email, a LinkedIn URL, or first and last name with company.' }],
              values: ['', 'Nobody', 'العبدالله 2'],
            }),
          ],
        },
        outcomesAsked,
      ),
      'GET /imports/:id/errors.csv': () =>
        new Response('E-mail;Vorname;Nachname;error\n;Nobody;;Row 5: missing\n', { headers: { 'Content-Type': 'text/csv' } }),
    });
    const created = captureDownloads();
    renderWithProviders(<ImportView id="imp-1" />);

    const createdTable = await screen.findByTestId('records-created');
    expect(await within(createdTable).findByText('José Müller')).toBeInTheDocument();
    // Email and company each in their own direction: as one run, the Arabic company took the
    // separator along and read before the email.
    const details = within(createdTable).getByTestId('record-contact-details');
    expect(details).toHaveTextContent('jose@acme.example · شركة 3');
    expect([...details.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual(['jose@acme.example', 'شركة 3']);
    expect(outcomesAsked).toEqual(['created']);

    await userEvent.click(screen.getByRole('tab', { name: 'Invalid (1)' }));
    const invalid = await screen.findByTestId('records-invalid');
    expect(within(invalid).getByText(/Needs an email/)).toBeInTheDocument();
    // Each value in its own direction, apart from the next column's name.
    const values = within(invalid).getByTestId('invalid-values-5');
    expect(values).toHaveTextContent('Vorname: Nobody · Nachname: العبدالله 2');
    expect([...values.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual(['Nobody', 'العبدالله 2']);
    expect(screen.queryByTestId('records-created')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'Duplicate (1)' }));
    expect(await screen.findByText('Same as row 2')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Matched (0)' }));
    expect(await screen.findByTestId('records-empty')).toHaveTextContent('No matched rows.');
    expect(outcomesAsked).toEqual(['created', 'invalid', 'duplicate', 'matched']);

    // No row lost a value: no tab, count or sentence about it.
    expect(screen.queryByRole('tab', { name: /With warnings/ })).not.toBeInTheDocument();
    expect(screen.queryByTestId('count-with-warnings')).not.toBeInTheDocument();
    expect(screen.getByTestId('import-completed')).not.toHaveTextContent('could not be read');

    await userEvent.click(screen.getByRole('button', { name: 'Download error report' }));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(await created[0]!.text()).toContain('Row 5: missing');
  });

  it('on a phone, shows each row of a tab on a card with its number, outcome and labelled values, no table', async () => {
    // Below Mantine's `sm` (375 px): the 560px table put a row's contact, errors or change past the edge.
    vi.stubGlobal('matchMedia', (query: string) => mediaQueryList(query, query.includes('max-width')));
    signIn();
    stubApi({
      'GET /imports/:id': () =>
        jsonResponse(
          importFixture({
            status: 'completed',
            finished_at: '2026-11-28T10:01:00Z',
            counts: { created: 1, matched: 1, updated: 1, duplicate: 0, invalid: 1, with_warnings: 0 },
          }),
        ),
      'GET /imports/:id/records': recordsByOutcome(
        {
          created: [
            recordFixture({
              row: 2,
              outcome: 'created',
              contact_id: 'c-1',
              contact: { first_name: 'José', last_name: 'Müller', email: 'jose@acme.example', title: 'CTO', company_name: 'Acme' },
            }),
          ],
          matched: [
            recordFixture({
              row: 4,
              outcome: 'matched',
              updated: true,
              contact_id: 'c-2',
              contact: { first_name: 'Ann', last_name: 'Lee', email: 'ann@acme.example', title: '', company_name: 'Acme' },
            }),
          ],
          invalid: [invalidBobRecord()],
        },
        [],
      ),
    });
    renderWithProviders(<ImportView id="imp-1" />);

    const labels = (card: HTMLElement) => within(card).getAllByText(/./, { selector: 'dt' }).map((dt) => dt.textContent);
    const value = (card: HTMLElement, label: string) => within(card).getByText(label, { selector: 'dt' }).nextElementSibling;

    const created = await screen.findByRole('article', { name: 'Row 2' });
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(within(created).getByTestId('record-outcome')).toHaveTextContent('Created');
    expect(labels(created)).toEqual(['Contact']);
    expect(value(created, 'Contact')).toHaveTextContent('José Müllerjose@acme.example · Acme');

    await userEvent.click(screen.getByRole('tab', { name: 'Matched (1)' }));
    const matched = await screen.findByRole('article', { name: 'Row 4' });
    expect(within(matched).getByTestId('record-outcome')).toHaveTextContent('Matched');
    expect(labels(matched)).toEqual(['Contact', 'Change']);
    expect(value(matched, 'Change')).toHaveTextContent('Updated');

    await userEvent.click(screen.getByRole('tab', { name: 'Invalid (1)' }));
    const invalid = await screen.findByRole('article', { name: 'Row 3' });
    expect(within(invalid).getByTestId('record-outcome')).toHaveTextContent('Invalid');
    expect(labels(invalid)).toEqual(['Values', 'Errors']);
    expect(value(invalid, 'Values')).toHaveTextContent('E-mail: bob@ · Vorname: Bob');
    expect(value(invalid, 'Errors')).toHaveTextContent('"bob@" is not a valid email address.');
    expect(screen.queryByTestId('import-record')).toBe(invalid);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('counts the rows imported without some values and lists which values each dropped', async () => {
    signIn();
    const asked: string[] = [];
    const annWithoutPhone = recordFixture({
      row: 2,
      outcome: 'created',
      contact_id: 'c-1',
      contact: { first_name: 'Ann', last_name: 'Lee', email: 'ann@acme.example', title: '', company_name: 'Acme' },
      warnings: [{ field: 'phone', code: 'invalid_phone', message: '"ext. 12 ask for Bob" is not a valid phone number (read in region US).' }],
      values: ['ann@acme.example', 'Ann', 'ext. 12 ask for Bob'],
    });
    const bobWithoutEmail = recordFixture({
      row: 4,
      outcome: 'matched',
      contact_id: 'c-2',
      contact: { first_name: 'Bob', last_name: 'Ray', email: '', title: '', company_name: 'Acme' },
      warnings: [
        { field: 'email', code: 'invalid_email', message: '"bob@@acme.example" is not a valid email address.' },
        // Imported in part, not dropped: the number without its extension.
        { field: 'phone', code: 'phone_extension', message: 'The extension 5 was left out: +14155552671 was imported.' },
      ],
      values: ['bob@@acme.example', 'Bob', '+1 415 555 2671 x5'],
    });
    stubApi({
      'GET /imports/:id': () =>
        jsonResponse(
          importFixture({
            status: 'completed',
            finished_at: '2026-11-28T10:01:00Z',
            counts: { created: 2, matched: 1, updated: 1, duplicate: 0, invalid: 0, with_warnings: 2 },
          }),
        ),
      'GET /imports/:id/records': recordsByOutcome(
        {
          created: [annWithoutPhone, recordFixture({ row: 3, outcome: 'created', contact_id: 'c-3' })],
          with_warnings: [annWithoutPhone, bobWithoutEmail],
        },
        asked,
      ),
      'GET /imports/:id/errors.csv': () =>
        new Response('E-mail;Vorname;Telefon;error;dropped\n', { headers: { 'Content-Type': 'text/csv' } }),
    });
    const downloads = captureDownloads();
    renderWithProviders(<ImportView id="imp-1" />);

    expect(await screen.findByTestId('import-completed')).toHaveTextContent(
      '2 rows were imported with warnings: a value that could not be read was left out',
    );
    expect(within(screen.getByTestId('final-counts')).getByTestId('count-with-warnings')).toHaveTextContent('2');
    // The created row says what it was imported without.
    const createdTable = await screen.findByTestId('records-created');
    expect(within(createdTable).getByTestId('dropped-2')).toHaveTextContent('Phone dropped: "ext. 12 ask for Bob" is not a valid phone number');
    expect(within(createdTable).queryByTestId('dropped-3')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'With warnings (2)' }));
    const warned = await screen.findByTestId('records-with_warnings');
    expect(asked).toEqual(['created', 'with_warnings']);
    const rows = within(warned).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('Created');
    expect(rows[1]).toHaveTextContent('Ann Lee');
    expect(rows[2]).toHaveTextContent('Matched');
    expect(within(warned).getByTestId('dropped-4')).toHaveTextContent('Email dropped: "bob@@acme.example" is not a valid email address.');
    expect(within(warned).getByTestId('dropped-4')).toHaveTextContent('Phone imported in part: The extension 5 was left out');
    expect(within(warned).getByTestId('dropped-4')).not.toHaveTextContent('Phone dropped');

    // No invalid rows, but the report lists the dropped values.
    const download = screen.getByRole('button', { name: 'Download error report' });
    expect(download).toBeEnabled();
    await userEvent.click(download);
    await waitFor(() => expect(downloads).toHaveLength(1));
  });
});
