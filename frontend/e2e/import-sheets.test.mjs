import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';

import { apiResponse, signUp, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest } from './lib.mjs';

/** A zip of `files` (name → text), stored uncompressed: all an .xlsx needs to be read. */
function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A worksheet of inline-string cells. */
function sheet(rows) {
  const cells = rows
    .map(
      (row, r) =>
        `<row r="${r + 1}">${row
          .map((v, c) => `<c r="${String.fromCharCode(65 + c)}${r + 1}" t="inlineStr"><is><t>${v}</t></is></c>`)
          .join('')}</row>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${cells}</sheetData></worksheet>`;
}

/** A workbook of two sheets, "Notes" (which it opens on) and "Leads" (the contacts). */
function twoSheetWorkbook(id) {
  const ns = 'http://schemas.openxmlformats.org/';
  return zip({
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="${ns}package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${ns}package/2006/relationships"><Relationship Id="rId1" Type="${ns}officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${ns}spreadsheetml/2006/main" xmlns:r="${ns}officeDocument/2006/relationships"><sheets><sheet name="Notes" sheetId="1" r:id="rId1"/><sheet name="Leads" sheetId="2" r:id="rId2"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${ns}package/2006/relationships"><Relationship Id="rId1" Type="${ns}officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${ns}officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': sheet([['Note'], ['Exported from the CRM']]),
    'xl/worksheets/sheet2.xml': sheet([
      ['Email', 'First Name', 'Last Name', 'Company'],
      [`sofia.ortega.${id}@acme.example`, 'Sofía', 'Ortega', 'Acme'],
      [`li.wei.${id}@beta.example`, 'Li', 'Wei', 'Beta'],
    ]),
  });
}

browserTest('imports: a workbook’s second sheet, chosen in the wizard, replaces the first in the history, where it can be discarded', async ({ page }) => {
  const id = uniqueId();
  await signUp(page, {
    email: `sheets-${id}@example.com`,
    password: strongPassword(),
    name: 'Sheila Picker',
    organization: `Sheets ${id}`,
  });
  await page.goto('/imports/new');
  await page.getByRole('heading', { level: 1, name: 'New import' }).waitFor();

  const uploaded = apiResponse(page, 'POST', '/imports');
  await page.getByLabel('File to import').setInputFiles({
    name: `crm-${id}.xlsx`,
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: twoSheetWorkbook(id),
  });
  const first = await (await uploaded).json();
  assert.equal(first.sheet, 'Notes');
  assert.equal(first.sheet_count, 2);
  await page.getByTestId('import-wizard').waitFor();

  // Choosing "Leads" uploads the file again with the sheet; the "Notes" import is discarded.
  const second = apiResponse(page, 'POST', '/imports');
  const discarded = apiResponse(page, 'DELETE', `/imports/${first.id}`);
  await page.getByRole('combobox', { name: 'Sheet to import' }).click();
  await page.getByRole('option', { name: 'Leads', exact: true }).click();
  const next = await (await second).json();
  assert.equal((await discarded).status(), 204);
  await page.waitForURL(`**/imports/${next.id}`);
  const preview = page.getByTestId('mapping-preview');
  await preview.getByText('Sofía', { exact: true }).waitFor();
  await preview.getByText('Wei', { exact: true }).waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'Sheet to import' }).inputValue(), 'Leads');

  // The history holds the one import of the file.
  const history = apiResponse(page, 'GET', '/imports');
  await page.getByRole('link', { name: /All imports/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Imports' }).waitFor();
  const list = await (await history).json();
  assert.deepEqual(
    list.items.map((i) => i.id),
    [next.id],
  );

  // It never ran, so its row offers Discard; confirmed, the history is empty.
  const deleted = apiResponse(page, 'DELETE', `/imports/${next.id}`);
  await page.getByRole('button', { name: `Discard crm-${id}.xlsx` }).click();
  await page.getByRole('dialog', { name: 'Discard this import?' }).getByRole('button', { name: 'Discard import' }).click();
  assert.equal((await deleted).status(), 204);
  await page.getByTestId('imports-empty').waitFor();
});
