import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import { grantFor, jsonResponse, problemResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import type { Import } from '../api/get-import';
import { importFixture } from '../testing/fixtures';
import { ImportView } from './import-view';
import { PreflightSummary } from './preflight-summary';

/** A Polish file read as Windows-1252: "Łukasz Dąbrowski" shows as "£ukasz D¹browski". */
function garbled(): Import {
  return importFixture({
    encoding: 'windows-1252',
    columns: [
      { index: 0, name: 'E-mail', field: 'email', suggested_field: 'email' },
      { index: 1, name: 'Imiê', field: 'first_name', suggested_field: '' },
      { index: 2, name: 'Nazwisko', field: 'last_name', suggested_field: '' },
    ],
    mapping: { ...importFixture().mapping, columns: ['email', 'first_name', 'last_name'] },
    preview: [
      { row: 2, values: { email: 'lukasz@acme.example', first_name: '£ukasz', last_name: 'D¹browski' }, errors: [], warnings: [], usable: true },
    ],
  });
}

/** The same file read as Windows-1250, as PUT mapping answers once the encoding is chosen. */
function fixed(): Import {
  const imp = garbled();
  return {
    ...imp,
    encoding: 'windows-1250',
    columns: imp.columns.map((c) => (c.index === 1 ? { ...c, name: 'Imię' } : c)),
    preview: [
      { row: 2, values: { email: 'lukasz@acme.example', first_name: 'Łukasz', last_name: 'Dąbrowski' }, errors: [], warnings: [], usable: true },
    ],
  };
}

function signIn() {
  installAuth();
  applyGrant(grantFor());
}

const lists = { items: [], next_cursor: '' };

describe('PreflightSummary encoding', () => {
  it('reads the file again in the chosen encoding and shows the names fixed', async () => {
    signIn();
    const sent: unknown[] = [];
    stubApi({
      'GET /imports/:id': () => jsonResponse(garbled()),
      'GET /lists': () => jsonResponse(lists),
      'PUT /imports/:id/mapping': async (request) => {
        sent.push(await request.json());
        return jsonResponse(fixed());
      },
    });
    renderWithProviders(<ImportView id="imp-1" />);

    const select = await screen.findByRole('combobox', { name: 'Encoding' });
    expect(select).toHaveValue('Windows-1252 (Western European)');
    expect(within(screen.getByTestId('mapping-preview')).getByText('£ukasz')).toBeInTheDocument();

    await userEvent.click(select);
    await userEvent.click(screen.getByRole('option', { name: 'Windows-1250 (Central European)' }));

    await waitFor(() => expect(within(screen.getByTestId('mapping-preview')).getByText('Łukasz')).toBeInTheDocument());
    expect(within(screen.getByTestId('mapping-preview')).getByText('Dąbrowski')).toBeInTheDocument();
    expect(within(screen.getByTestId('preflight-columns-list')).getByText('Imię')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Encoding' })).toHaveValue('Windows-1250 (Central European)');
    expect(sent).toEqual([expect.objectContaining({ encoding: 'windows-1250', has_header: true, mode: 'create_and_update' })]);
  });

  it('shows the server’s word on the encoding beside the select', async () => {
    signIn();
    stubApi({
      'GET /imports/:id': () => jsonResponse(garbled()),
      'GET /lists': () => jsonResponse(lists),
      'PUT /imports/:id/mapping': () =>
        problemResponse({
          status: 422,
          title: 'Unprocessable Entity',
          detail: 'The file cannot be read as utf-16le.',
          code: 'invalid',
          errors: [{ field: 'encoding', message: 'the file does not read as utf-16le text' }],
        }),
    });
    renderWithProviders(<ImportView id="imp-1" />);

    await userEvent.click(await screen.findByRole('combobox', { name: 'Encoding' }));
    await userEvent.click(screen.getByRole('option', { name: 'UTF-16 LE' }));

    expect(await screen.findByText('the file does not read as utf-16le text')).toBeInTheDocument();
    // The preview is still the one read before.
    expect(within(screen.getByTestId('mapping-preview')).getByText('£ukasz')).toBeInTheDocument();
  });

  it('shows a workbook’s encoding as text: it is stored as UTF-8', () => {
    const onEncodingChange = vi.fn();
    renderWithProviders(
      <PreflightSummary imp={importFixture({ format: 'xlsx', encoding: 'utf-8' })} onEncodingChange={onEncodingChange} />,
    );
    expect(screen.getByTestId('preflight-encoding')).toHaveTextContent('UTF-8');
    expect(screen.queryByRole('combobox', { name: 'Encoding' })).not.toBeInTheDocument();
  });

  it('does not offer the choice without a handler (read-only viewers)', () => {
    renderWithProviders(<PreflightSummary imp={garbled()} />);
    expect(screen.getByTestId('preflight-encoding')).toHaveTextContent('Windows-1252 (Western European)');
    expect(screen.queryByRole('combobox', { name: 'Encoding' })).not.toBeInTheDocument();
  });

  it('names the sheet a workbook was read from, and says it is the only one imported', () => {
    renderWithProviders(
      <PreflightSummary imp={importFixture({ format: 'xlsx', encoding: 'utf-8', sheet: 'Leads', sheet_count: 3 })} />,
    );
    expect(screen.getByTestId('preflight-sheet')).toHaveTextContent('Leads');
    expect(screen.getByTestId('preflight-other-sheets')).toHaveTextContent(
      'The workbook has 3 sheets; only “Leads” is imported.',
    );
    // The sheet's name sits in a sentence: isolated, so a right-to-left one keeps to its own direction.
    expect(screen.getByTestId('preflight-other-sheets').querySelector('bdi')).toHaveTextContent('Leads');
    expect(screen.queryByTestId('preflight-line-endings')).not.toBeInTheDocument();
  });

  it('says nothing of other sheets for a workbook of one sheet, nor of sheets for a CSV file', () => {
    const { unmount } = renderWithProviders(
      <PreflightSummary imp={importFixture({ format: 'xlsx', encoding: 'utf-8', sheet: 'Sheet1', sheet_count: 1 })} />,
    );
    expect(screen.getByTestId('preflight-sheet')).toHaveTextContent('Sheet1');
    expect(screen.queryByTestId('preflight-other-sheets')).not.toBeInTheDocument();
    unmount();
    renderWithProviders(<PreflightSummary imp={importFixture()} />);
    expect(screen.queryByTestId('preflight-sheet')).not.toBeInTheDocument();
    expect(screen.getByTestId('preflight-line-endings')).toBeInTheDocument();
  });

  it('warns of formulas a workbook holds without their results, and only then', () => {
    const { unmount } = renderWithProviders(
      <PreflightSummary
        imp={importFixture({
          format: 'xlsx',
          encoding: 'utf-8',
          sheet: 'Sheet1',
          sheet_count: 1,
          formulas_without_result: 1200,
          first_formula_without_result: 'D2',
        })}
      />,
    );
    expect(screen.getByTestId('preflight-formulas')).toHaveTextContent(
      '1,200 cells of the sheet (the first: D2) hold formulas whose result the program that wrote the file did not compute, so they read as empty or 0. Open the workbook in Excel or LibreOffice, save it, and upload it again.',
    );
    unmount();
    renderWithProviders(
      <PreflightSummary imp={importFixture({ format: 'xlsx', encoding: 'utf-8', sheet: 'Sheet1', sheet_count: 1 })} />,
    );
    expect(screen.queryByTestId('preflight-formulas')).not.toBeInTheDocument();
  });
});
