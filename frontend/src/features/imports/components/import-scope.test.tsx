import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import { captureDownloads, grantFor, jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import type { Import } from '../api/get-import';
import { ImportScopeContext } from '../scope';
import { importFixture, invalidBobRecord, recordFixture, recordsByOutcome } from '../testing/fixtures';
import { ImportView } from './import-view';

/** A system admin of no tenant, as platform staff usually are. */
function signInSystemAdmin() {
  installAuth();
  const grant = grantFor({ system_role: 'system_admin' }, null);
  applyGrant(grant);
  return { user: grant.user, memberships: [], permissions: ['platform:read', 'platform:write'] };
}

function platformImport(overrides: Partial<Import> = {}): Import {
  const base = importFixture();
  const mapping = { ...base.mapping, source: 'platform_import' as const };
  return importFixture({ scope: 'platform', mapping, suggested_mapping: mapping, ...overrides });
}

function renderPlatform(ui: ReactElement) {
  return renderWithProviders(<ImportScopeContext value="platform">{ui}</ImportScopeContext>);
}

/** The API paths the page asked for, besides the session's own (refresh, GET /me). */
function apiPaths(api: ReturnType<typeof stubApi>): string[] {
  return api.mock.calls
    .map(([request]) => `${request.method} ${new URL(request.url).pathname.replace(/^\/api\/v1/, '')}`)
    .filter((call) => call !== 'POST /auth/refresh' && call !== 'GET /me');
}

describe('import wizard, platform scope', () => {
  it('reads, maps and starts through /admin/imports, without a target list, with a source', async () => {
    const me = signInSystemAdmin();
    let sent: Record<string, unknown> = {};
    let started = '';
    const dryRun = platformImport({
      status: 'completed',
      dry_run: true,
      counts: { created: 2, matched: 0, updated: 0, duplicate: 0, invalid: 1, with_warnings: 0 },
    });
    // Only the platform routes answer: a tenant route would be a 404 and an error on the page.
    const api = stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/imports/:id': () => jsonResponse(started ? dryRun : platformImport()),
      'PUT /admin/imports/:id/mapping': async (request) => {
        sent = (await request.json()) as Record<string, unknown>;
        const mapping = { ...platformImport().mapping, source: sent.source as 'verified' };
        return jsonResponse(platformImport({ mapping }));
      },
      'POST /admin/imports/:id/start': (request) => {
        started = new URL(request.url).search;
        return jsonResponse(dryRun, { status: 202 });
      },
    });
    renderPlatform(<ImportView id="imp-1" />);

    expect(await screen.findByRole('combobox', { name: 'Encoding' })).toHaveValue('UTF-8 with BOM');
    expect(screen.queryByRole('combobox', { name: 'Add every imported contact to list' })).not.toBeInTheDocument();
    const source = screen.getByRole('combobox', { name: 'Source' });
    expect(source).toHaveValue('Platform import');

    await userEvent.click(source);
    await userEvent.click(screen.getByRole('option', { name: 'Verified' }));
    await waitFor(() => expect(sent.source).toBe('verified'));
    expect(sent).not.toHaveProperty('list_id');
    expect(sent).toMatchObject({ columns: ['email', 'first_name', ''], mode: 'create_and_update' });
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Source' })).toHaveValue('Verified'));

    await userEvent.click(screen.getByRole('button', { name: 'Dry run' }));
    const summary = await screen.findByTestId('dry-run-summary');
    expect(started).toBe('?dry_run=true');
    expect(summary).toHaveTextContent('the shared contact database changes');
    expect(within(summary).getByTestId('count-created')).toHaveTextContent('2');

    expect(apiPaths(api)).toEqual(
      expect.arrayContaining(['GET /admin/imports/imp-1', 'PUT /admin/imports/imp-1/mapping', 'POST /admin/imports/imp-1/start']),
    );
    expect(apiPaths(api).filter((call) => !call.includes(' /admin/imports/'))).toEqual([]);
  });

  it('keeps the target list and sends no source in tenant scope', async () => {
    installAuth();
    applyGrant(grantFor());
    let sent: Record<string, unknown> = {};
    const api = stubApi({
      'GET /imports/:id': () => jsonResponse(importFixture()),
      'GET /lists': () => jsonResponse({ items: [{ id: 'list-1', name: 'Leads', member_count: 0 }], next_cursor: '' }),
      'PUT /imports/:id/mapping': async (request) => {
        sent = (await request.json()) as Record<string, unknown>;
        return jsonResponse(importFixture());
      },
    });
    renderWithProviders(<ImportView id="imp-1" />);

    await userEvent.click(await screen.findByRole('combobox', { name: 'Add every imported contact to list' }));
    await userEvent.click(screen.getByRole('option', { name: 'Leads' }));
    await waitFor(() => expect(sent.list_id).toBe('list-1'));
    expect(sent).not.toHaveProperty('source');
    expect(screen.queryByRole('combobox', { name: 'Source' })).not.toBeInTheDocument();
    expect(apiPaths(api).some((call) => call.includes('/admin/'))).toBe(false);
  });
});

describe('import progress and results, platform scope', () => {
  it('cancels through /admin/imports and says platform imports queue one at a time', async () => {
    const me = signInSystemAdmin();
    let cancelled = '';
    const queued = platformImport({ status: 'queued' });
    stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/imports/:id': () => jsonResponse(cancelled ? { ...queued, cancel_requested: true } : queued),
      'POST /admin/imports/:id/cancel': (_request, { path }) => {
        cancelled = path;
        return jsonResponse({ ...queued, cancel_requested: true }, { status: 202 });
      },
    });
    renderPlatform(<ImportView id="imp-1" pollInterval={10_000} />);

    expect(await screen.findByText(/platform imports run one at a time/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel import' }));
    expect(await screen.findByRole('button', { name: 'Cancelling…' })).toBeDisabled();
    expect(cancelled).toBe('/admin/imports/imp-1/cancel');
  });

  it('lists records and downloads the error report through /admin/imports', async () => {
    const me = signInSystemAdmin();
    const outcomesAsked: string[] = [];
    const api = stubApi({
      'GET /me': () => jsonResponse(me),
      'GET /admin/imports/:id': () =>
        jsonResponse(
          platformImport({
            status: 'completed',
            finished_at: '2026-11-28T10:01:00Z',
            counts: { created: 1, matched: 0, updated: 0, duplicate: 0, invalid: 1, with_warnings: 0 },
          }),
        ),
      'GET /admin/imports/:id/records': recordsByOutcome(
        {
          created: [
            recordFixture({
              row: 2,
              outcome: 'created',
              contact_id: 'c-1',
              contact: { first_name: 'Ann', last_name: 'Lee', email: 'ann@gamma.example', title: '', company_name: 'Gamma' },
            }),
          ],
          invalid: [invalidBobRecord()],
        },
        outcomesAsked,
      ),
      'GET /admin/imports/:id/errors.csv': () =>
        new Response('E-mail;Vorname;Nachname;error\nbob@;Bob;;Row 3: invalid email\n', {
          headers: { 'Content-Type': 'text/csv' },
        }),
    });
    const created = captureDownloads();
    renderPlatform(<ImportView id="imp-1" />);

    // The record names its contact: no GET /contacts/{id}, which staff of no tenant could not read.
    const createdTable = await screen.findByTestId('records-created');
    expect(await within(createdTable).findByText('Ann Lee')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Invalid (1)' }));
    expect(await within(await screen.findByTestId('records-invalid')).findByText(/not a valid email/)).toBeInTheDocument();
    expect(outcomesAsked).toEqual(['created', 'invalid']);

    await userEvent.click(screen.getByRole('button', { name: 'Download error report' }));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(await created[0]!.text()).toContain('Row 3: invalid email');
    expect(apiPaths(api).filter((call) => !call.includes(' /admin/imports/'))).toEqual([]);
  });
});
