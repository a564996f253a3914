import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '@/lib/api-error';
import { applyGrant, installAuth } from '@/lib/auth/session';
import { grantFor, jsonResponse, problemResponse, renderRoutes, renderWithProviders, stubApi } from '@/testing/test-utils';

import type { Import } from '../api/get-import';
import { ImportRoute } from '../routes/import';
import { NewImportRoute } from '../routes/new-import';
import { importFixture } from '../testing/fixtures';
import { SheetPicker } from './sheet-picker';

function workbook(overrides: Partial<Import> = {}): Import {
  return importFixture({
    file_name: 'leads.xlsx',
    format: 'xlsx',
    encoding: 'utf-8',
    sheet: 'Leads',
    sheet_count: 4,
    sheets: [
      { name: 'Notes', has_data: false, hidden: false },
      { name: 'Leads', has_data: true, hidden: false },
      { name: 'Archive', has_data: true, hidden: true },
      { name: 'Partners', has_data: true, hidden: false },
    ],
    ...overrides,
  });
}

const xlsx = () => new File(['PK'], 'leads.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });

async function openSheets() {
  await userEvent.click(screen.getByRole('combobox', { name: 'Sheet to import' }));
  return screen.getByRole('listbox');
}

describe('SheetPicker', () => {
  it('is not offered for a CSV file or a workbook of one sheet', () => {
    const onChoose = vi.fn();
    const { unmount } = renderWithProviders(<SheetPicker imp={importFixture()} onChoose={onChoose} />);
    expect(screen.queryByTestId('sheet-picker')).not.toBeInTheDocument();
    unmount();
    renderWithProviders(
      <SheetPicker
        imp={workbook({ sheet_count: 1, sheets: [{ name: 'Leads', has_data: true, hidden: false }] })}
        onChoose={onChoose}
      />,
    );
    expect(screen.queryByTestId('sheet-picker')).not.toBeInTheDocument();
  });

  it('lists the sheets, the one read chosen, empty ones not choosable, hidden ones marked', async () => {
    renderWithProviders(<SheetPicker imp={workbook()} file={xlsx()} onChoose={vi.fn()} />);
    expect(screen.getByRole('combobox', { name: 'Sheet to import' })).toHaveValue('Leads');
    const list = await openSheets();
    const options = within(list).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['Notes (empty)', 'Leads', 'Archive (hidden)', 'Partners']);
    expect(options[0]).toHaveAttribute('data-combobox-disabled', 'true');
    expect(options[3]).not.toHaveAttribute('data-combobox-disabled');
  });

  it('uploads the file again with the sheet chosen', async () => {
    const onChoose = vi.fn();
    const file = xlsx();
    renderWithProviders(<SheetPicker imp={workbook()} file={file} onChoose={onChoose} />);
    await userEvent.click(within(await openSheets()).getByRole('option', { name: 'Partners' }));
    expect(onChoose).toHaveBeenCalledWith('Partners', file);
  });

  it('asks for the file again when the tab no longer has it', async () => {
    const onChoose = vi.fn();
    renderWithProviders(<SheetPicker imp={workbook()} onChoose={onChoose} />);
    await userEvent.click(within(await openSheets()).getByRole('option', { name: 'Archive (hidden)' }));
    expect(onChoose).not.toHaveBeenCalled();
    expect(screen.getByTestId('sheet-picker-file')).toHaveTextContent('To read “Archive”, choose leads.xlsx again');
    expect([...screen.getByTestId('sheet-picker-file').querySelectorAll('bdi')].map((b) => b.textContent)).toEqual(['Archive', 'leads.xlsx']);
    const picked = xlsx();
    // FileButton's input sits outside the picker, at the end of the body.
    const input = document.querySelector<HTMLInputElement>('input[type="file"]');
    if (!input) throw new Error('no file input');
    await userEvent.upload(input, picked);
    expect(onChoose).toHaveBeenCalledWith('Archive', picked);
  });

  it('shows the server’s sentence when the sheet cannot be read', () => {
    const error = problemError();
    renderWithProviders(<SheetPicker imp={workbook()} file={xlsx()} onChoose={vi.fn()} error={error} />);
    expect(screen.getByText('The sheet "Partners" is empty; choose a sheet with data.')).toBeInTheDocument();
    expect(screen.getByText('is empty')).toBeInTheDocument();
  });
});

function problemError() {
  return new ApiError({
    status: 422,
    code: 'invalid',
    title: 'Unprocessable Entity',
    detail: 'The sheet "Partners" is empty; choose a sheet with data.',
    fieldErrors: { sheet: 'is empty' },
  });
}

describe('choosing a sheet in the wizard', () => {
  it('uploads the dropped file again with the sheet before it, opens the new import and discards the one it replaces', async () => {
    installAuth();
    const grant = grantFor();
    applyGrant(grant);
    const me = { user: grant.user, memberships: [], permissions: ['imports:read', 'imports:write'] };
    const first = workbook({ id: 'imp-1' });
    const second = workbook({ id: 'imp-2', sheet: 'Partners', file_name: 'leads.xlsx' });
    const parts: string[][] = [];
    const deleted: string[] = [];
    stubApi({
      'DELETE /imports/:id': (_request, { path }) => {
        deleted.push(path);
        return new Response(null, { status: 204 });
      },
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => problemResponse({ status: 403, title: 'Forbidden' }),
      'GET /lists': () => jsonResponse({ items: [], next_cursor: '' }),
      'POST /imports': async (request) => {
        const form = await request.formData();
        parts.push([...form.keys()]);
        return jsonResponse(form.get('sheet') === 'Partners' ? second : first, { status: 201 });
      },
      'GET /imports/:id': (_request, { path }) => jsonResponse(path.endsWith('/imp-2') ? second : first),
    });
    const { router } = renderRoutes(
      [
        { path: '/imports/new', element: <NewImportRoute /> },
        { path: '/imports/:importId', element: <ImportRoute /> },
      ],
      { route: '/imports/new' },
    );
    await userEvent.upload(await screen.findByLabelText('File to import'), xlsx());
    await waitFor(() => expect(router.state.location.pathname).toBe('/imports/imp-1'));
    await userEvent.click(within(await openSheetsWhenShown()).getByRole('option', { name: 'Partners' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/imports/imp-2'));
    expect(parts).toEqual([['file'], ['sheet', 'file']]);
    // The history keeps one import of the file: the first sheet's went once the second's was read.
    expect(deleted).toEqual(['/imports/imp-1']);
    expect(await screen.findByRole('combobox', { name: 'Sheet to import' })).toHaveValue('Partners');
  });

  it('keeps the import when the other sheet cannot be read', async () => {
    installAuth();
    const grant = grantFor();
    applyGrant(grant);
    const me = { user: grant.user, memberships: [], permissions: ['imports:read', 'imports:write'] };
    const first = workbook({ id: 'imp-1' });
    const deleted: string[] = [];
    stubApi({
      'DELETE /imports/:id': (_request, { path }) => {
        deleted.push(path);
        return new Response(null, { status: 204 });
      },
      'GET /me': () => jsonResponse(me),
      'GET /tenant/usage': () => problemResponse({ status: 403, title: 'Forbidden' }),
      'GET /lists': () => jsonResponse({ items: [], next_cursor: '' }),
      'POST /imports': async (request) => {
        const form = await request.formData();
        return form.get('sheet') === 'Partners'
          ? problemResponse({
              status: 422,
              title: 'Unprocessable Entity',
              code: 'invalid',
              detail: 'The sheet "Partners" is empty; choose a sheet with data.',
            })
          : jsonResponse(first, { status: 201 });
      },
      'GET /imports/:id': () => jsonResponse(first),
    });
    const { router } = renderRoutes(
      [
        { path: '/imports/new', element: <NewImportRoute /> },
        { path: '/imports/:importId', element: <ImportRoute /> },
      ],
      { route: '/imports/new' },
    );
    await userEvent.upload(await screen.findByLabelText('File to import'), xlsx());
    await waitFor(() => expect(router.state.location.pathname).toBe('/imports/imp-1'));
    await userEvent.click(within(await openSheetsWhenShown()).getByRole('option', { name: 'Partners' }));
    expect(await screen.findByText('The sheet "Partners" is empty; choose a sheet with data.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/imports/imp-1');
    expect(deleted).toEqual([]);
  });
});

async function openSheetsWhenShown() {
  await screen.findByTestId('sheet-picker');
  return openSheets();
}
