import assert from 'node:assert/strict';

import { apiResponse, signUp, strongPassword, uniqueId, uploadCSV } from './accounts.mjs';
import { browserTest } from './lib.mjs';

/** The Windows-1250 bytes of the few Czech letters the file below holds beyond ASCII. */
const windows1250 = { á: 0xe1, č: 0xe8, ě: 0xec, ň: 0xf2 };

function encode1250(text) {
  return Buffer.from([...text].map((c) => windows1250[c] ?? c.charCodeAt(0)));
}

/**
 * A file of Czech names saved by Excel in Windows-1250 whose few accents read plausibly enough as
 * Windows-1252 ("Kuèera", "Mìsto") that the server keeps that guess.
 */
function czechFile(id) {
  return encode1250(
    `Email,First name,Last name,Město\nk1.${id}@acme.example,Jan,Kučera,Brno\nk2.${id}@acme.example,Petr,Novák,Plzeň\n`,
  );
}

browserTest(
  'imports: choosing the encoding reads the file again and the names come out right',
  async ({ page }) => {
    const id = uniqueId();
    await signUp(page, {
      email: `encoder-${id}@example.com`,
      password: strongPassword(),
      name: 'Jan Kodér',
      organization: `Encodings ${id}`,
    });
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Imports', exact: true }).click();
    await page.getByRole('link', { name: 'New import' }).click();

    const preflight = await uploadCSV(page, '/imports', `czech-${id}.csv`, czechFile(id));
    assert.equal(preflight.encoding, 'windows-1252');
    await page.getByTestId('import-wizard').waitFor();
    const preview = page.getByTestId('mapping-preview');
    await preview.getByText('Kuèera').waitFor();

    const encoding = page.getByRole('combobox', { name: 'Encoding' });
    assert.equal(await encoding.inputValue(), 'Windows-1252 (Western European)');
    const saved = apiResponse(page, 'PUT', `/imports/${preflight.id}/mapping`);
    await encoding.click();
    await page.getByRole('option', { name: 'Windows-1250 (Central European)' }).click();
    assert.equal((await saved).status(), 200);

    await preview.getByText('Kučera').waitFor();
    await preview.getByText('Novák').waitFor();
    await page.getByTestId('preflight-columns-list').getByText('Město').waitFor();
    assert.equal(await encoding.inputValue(), 'Windows-1250 (Central European)');

    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByTestId('import-completed').waitFor({ timeout: 45_000 });
    const created = page.getByTestId('records-created');
    await created.getByText('Jan Kučera', { exact: true }).waitFor();
    await created.getByText('Petr Novák', { exact: true }).waitFor();
  },
  { timeout: 120_000 },
);
