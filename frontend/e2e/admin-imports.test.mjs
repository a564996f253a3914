import assert from 'node:assert/strict';

import { apiResponse, createSystemAdmin, finalCount, seedContacts, signIn, strongPassword, uniqueId, uploadCSV } from './accounts.mjs';
import { browserTest, waitForExactText } from './lib.mjs';

/** Three people with emails no other run uses, and one row with no email, LinkedIn URL or company. */
function csvFile(id) {
  const rows = [
    ['Email', 'First Name', 'Last Name', 'Company', 'Title'],
    [`petra.vogel.${id}@delta.example`, 'Petra', 'Vogel', 'Delta AG', 'CFO'],
    [`omar.haddad.${id}@epsilon.example`, 'Omar', 'Haddad', 'Epsilon SARL', 'Head of IT'],
    [`mei.tanaka.${id}@zeta.example`, 'Mei', 'Tanaka', 'Zeta KK', 'COO'],
    ['', 'Nobody', '', '', 'Intern'],
  ];
  return Buffer.from(rows.map((r) => r.join(',')).join('\n') + '\n', 'utf8');
}

browserTest(
  'admin imports: a system admin imports a CSV into the shared database and sees every row by outcome',
  async ({ page }) => {
    // Seed before writing shared contacts: the seeder refuses a database that holds any.
    seedContacts();
    const id = uniqueId();
    const staff = { email: `sys-imports-${id}@e2e.test`, password: strongPassword() };
    createSystemAdmin(staff);
    await signIn(page, staff);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tenants' }).waitFor();
    await page.getByRole('tab', { name: 'Imports', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Platform imports' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/imports');
    await page.getByRole('link', { name: 'New import' }).click();
    await page.getByRole('heading', { level: 1, name: 'New platform import' }).waitFor();
    await waitForExactText(
      page.getByTestId('platform-import-explanation'),
      'Rows are added to or update the shared contact database that every tenant searches.',
    );

    const preflight = await uploadCSV(page, '/admin/imports', `platform-${id}.csv`, csvFile(id));
    assert.equal(preflight.scope, 'platform');

    // Preflight and the suggested mapping, kept as it is.
    await page.getByTestId('import-wizard').waitFor();
    assert.equal(new URL(page.url()).pathname, `/admin/imports/${preflight.id}`);
    await page.getByRole('heading', { level: 1, name: 'Platform import' }).waitFor();
    assert.equal((await page.getByTestId('preflight-rows').textContent())?.trim(), '4');
    assert.equal(await page.getByRole('combobox', { name: 'Field for Email' }).inputValue(), 'Email');
    assert.equal(await page.getByRole('combobox', { name: 'Field for Company' }).inputValue(), 'Company name');
    await page.getByTestId('mapping-preview').getByText('Petra', { exact: true }).waitFor();
    // No tenant list to add to; the source ranks the file's values instead.
    assert.equal(await page.getByRole('combobox', { name: 'Add every imported contact to list' }).count(), 0);
    assert.equal(await page.getByRole('combobox', { name: 'Source', exact: true }).inputValue(), 'Platform import');

    const started = apiResponse(page, 'POST', `/admin/imports/${preflight.id}/start`);
    await page.getByRole('button', { name: 'Start import' }).click();
    assert.equal((await started).status(), 202);
    await page.getByTestId('import-completed').waitFor({ timeout: 45_000 });
    assert.equal((await page.getByTestId('import-status').textContent())?.trim(), 'Completed');
    assert.equal(await finalCount(page, 'created'), '3');
    assert.equal(await finalCount(page, 'invalid'), '1');

    // The records tabs: the three new shared contacts, then the invalid row with its reason.
    await page.getByRole('tab', { name: 'Created (3)' }).waitFor();
    const created = page.getByTestId('records-created');
    await created.getByText('Petra Vogel', { exact: true }).waitFor();
    await created.getByText('Omar Haddad', { exact: true }).waitFor();
    await created.getByText('Mei Tanaka', { exact: true }).waitFor();
    assert.equal(await created.locator('tbody tr').count(), 3);
    await page.getByRole('tab', { name: 'Invalid (1)' }).click();
    const invalid = page.getByTestId('records-invalid');
    await invalid.getByText(/First Name: Nobody/).waitFor();
    assert.equal(await invalid.locator('tbody tr').count(), 1);

    // The platform history lists it.
    await page.getByRole('link', { name: '← All platform imports' }).click();
    const history = page.getByRole('table', { name: 'Import history' });
    await history.getByRole('link', { name: `platform-${id}.csv` }).waitFor();
    await history.getByText('3 created · 0 matched · 0 duplicate · 1 invalid').waitFor();
    assert.equal(new URL(page.url()).pathname, '/admin/imports');
  },
  { timeout: 120_000 },
);
