/* global document -- the functions passed to page.evaluate run in the page */
import assert from 'node:assert/strict';

import { apiResponse, finalCount, signUp, strongPassword, uniqueId, uploadCSV } from './accounts.mjs';
import { browserTest } from './lib.mjs';

/**
 * A semicolon-separated UTF-8 file with a BOM and CRLF line endings, as Excel writes it in much of
 * Europe: three good rows with accented names and two rows with no email, no LinkedIn URL and no
 * first + last name + company.
 */
function csvFile(id) {
  const rows = [
    ['E-mail', 'First Name', 'Last Name', 'Company', 'Job Title'],
    [`jose.mueller.${id}@acme.example`, 'José', 'Müller', 'Acme GmbH', 'CTO'],
    [`zoe.nunez.${id}@beta.example`, 'Zoë', 'Ñúñez', 'Beta SA', 'CEO'],
    [`ann.lee.${id}@gamma.example`, 'Ann', 'Lee', 'Gamma Ltd', 'VP Sales'],
    ['', 'Nobody', '', '', 'Intern'],
    ['', '', 'Solo', '', 'Manager'],
  ];
  const text = rows.map((r) => r.join(';')).join('\r\n') + '\r\n';
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

browserTest(
  'imports: BOM + semicolons + accents, suggested mapping, progress, results by outcome',
  async ({ page }) => {
    const id = uniqueId();
    await signUp(page, {
      email: `importer-${id}@example.com`,
      password: strongPassword(),
      name: 'Ima Porter',
      organization: `Imports ${id}`,
    });

    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Imports', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Imports' }).waitFor();
    await page.getByTestId('imports-empty').waitFor();
    await page.getByRole('link', { name: 'New import' }).click();
    await page.getByRole('heading', { level: 1, name: 'New import' }).waitFor();
    // What the package allows: a new organization is on Free, with its whole month ahead.
    const allowance = page.getByTestId('import-allowance');
    await allowance.waitFor();
    assert.match(
      (await allowance.textContent()) ?? '',
      /^Your Free package takes files up to [\d.]+ [KMG]iB and ([\d,]+) import rows a month: \1 left until /,
    );

    // A long file name with nowhere to break, as exports from other tools have: it once made the
    // import page scroll sideways and pushed the history's other columns out of view.
    const fileName = `people-${id}_${'quarterly_export_from_salesforce_all_regions_'.repeat(3)}.csv`;
    const preflight = await uploadCSV(page, '/imports', fileName, csvFile(id));
    assert.equal(preflight.delimiter, ';');
    assert.equal(preflight.encoding, 'utf-8-bom');

    // Preflight.
    await page.getByTestId('import-wizard').waitFor();
    assert.match(new URL(page.url()).pathname, new RegExp(`^/imports/${preflight.id}$`));
    assert.match(await page.getByTestId('preflight-delimiter').textContent(), /Semicolon \(;\)/);
    assert.equal(await page.getByRole('combobox', { name: 'Encoding' }).inputValue(), 'UTF-8 with BOM');
    assert.equal((await page.getByTestId('preflight-rows').textContent())?.trim(), '5');
    assert.equal((await page.getByTestId('preflight-columns').textContent())?.trim(), '5');

    // The suggested mapping is kept: the header synonyms map every column.
    assert.equal(await page.getByRole('combobox', { name: 'Field for E-mail' }).inputValue(), 'Email');
    assert.equal(await page.getByRole('combobox', { name: 'Field for First Name' }).inputValue(), 'First name');
    assert.equal(await page.getByRole('combobox', { name: 'Field for Company' }).inputValue(), 'Company name');
    const preview = page.getByTestId('mapping-preview');
    await preview.getByText('José', { exact: true }).waitFor();
    await preview.getByText('Ñúñez', { exact: true }).waitFor();
    assert.equal(await preview.getByText('Invalid', { exact: true }).count(), 2, 'the two bad rows are flagged');

    // Start and follow the progress until the results.
    const started = apiResponse(page, 'POST', `/imports/${preflight.id}/start`);
    await page.getByRole('button', { name: 'Start import' }).click();
    assert.equal((await started).status(), 202);
    await page.getByTestId('import-completed').waitFor({ timeout: 45_000 });
    assert.equal((await page.getByTestId('import-status').textContent())?.trim(), 'Completed');
    assert.equal(await finalCount(page, 'created'), '3');
    assert.equal(await finalCount(page, 'invalid'), '2');
    assert.equal(await page.getByTestId('import-file-name').textContent(), fileName);
    assert.equal(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
      0,
      'the import page does not scroll sideways',
    );

    // Created: the accented names arrive intact.
    const created = page.getByTestId('records-created');
    await created.getByText('José Müller', { exact: true }).waitFor();
    await created.getByText('Zoë Ñúñez', { exact: true }).waitFor();
    await created.getByText('Ann Lee', { exact: true }).waitFor();
    assert.equal(await created.locator('tbody tr').count(), 3);

    // Invalid: both bad rows with their reasons.
    await page.getByRole('tab', { name: 'Invalid (2)' }).click();
    const invalid = page.getByTestId('records-invalid');
    await invalid.getByText(/First Name: Nobody/).waitFor();
    await invalid.getByText(/Last Name: Solo/).waitFor();
    assert.equal(await invalid.locator('tbody tr').count(), 2);

    // The error report downloads through the API client (bearer token), as a CSV file.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download error report' }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /errors\.csv$/);

    // The history lists the import.
    await page.getByRole('link', { name: '← All imports' }).click();
    const history = page.getByRole('table', { name: 'Import history' });
    const link = history.getByRole('link', { name: fileName });
    await link.waitFor();
    assert.equal(await link.getAttribute('title'), fileName);
    await history.getByText('3 created · 0 matched · 0 duplicate · 2 invalid').waitFor();
    // Cut to its cell, the name leaves the other columns in view without scrolling the table.
    const box = await history.evaluate((table) => ({
      table: table.scrollWidth,
      view: table.closest('.mantine-ScrollArea-viewport').clientWidth,
    }));
    assert.ok(box.table <= box.view, `the history's columns fit its view (${box.table} > ${box.view})`);
  },
  { timeout: 120_000 },
);
