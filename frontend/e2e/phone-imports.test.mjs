import assert from 'node:assert/strict';

import { api, signIn, strongPassword, uniqueId } from './accounts.mjs';
import { BASE_URL, browserTest, sidewaysLayout } from './lib.mjs';

/** Uploads `csv` as `name` through the API; the import id. */
async function uploadThroughApi(token, name, csv) {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), name);
  const uploaded = await fetch(`${BASE_URL}/api/v1/imports`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  assert.equal(uploaded.status, 201, await uploaded.clone().text());
  return (await uploaded.json()).id;
}

/** Uploads and starts an import through the API, and waits until it completed. */
async function importThroughApi(token, name, csv) {
  const id = await uploadThroughApi(token, name, csv);
  await api('POST', `/imports/${id}/start`, { token, expect: [202] });
  for (let i = 0; i < 300; i++) {
    const imp = await api('GET', `/imports/${id}`, { token });
    if (imp.status === 'completed') return imp;
    assert.ok(['queued', 'running'].includes(imp.status), `import ${id} ended ${imp.status}: ${imp.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${id} did not finish`);
}

/** Asserts that each box of `layout` lies within the screen, and that nothing in `main` scrolls sideways. */
function assertOnScreen(layout, page) {
  for (const [name, box] of Object.entries(layout.boxes)) {
    assert.ok(box.left >= 0 && box.right <= layout.width, `${name} spans ${box.left}-${box.right}px of ${layout.width}px`);
  }
  assert.ok(layout.pageWidth <= layout.width, `the ${page} is ${layout.pageWidth}px wide on a ${layout.width}px screen`);
  assert.deepEqual(layout.sideways, [], `nothing on the ${page} scrolls sideways`);
}

browserTest('phone: the import history and an import’s rows are cards at 375 px, with their actions on the screen', async ({ page }) => {
  const id = uniqueId();
  const admin = { email: `phone-imports-${id}@e2e.test`, password: strongPassword() };
  const { access_token: token } = await api('POST', '/auth/signup', {
    body: { ...admin, name: 'Ida Import', tenant_name: `Phone Imports ${id}` },
    expect: [200, 201],
  });
  const finished = `finished-${id}.csv`;
  await importThroughApi(token, finished, 'Email,First Name,Last Name,Company\nann@phone.example,Ann,Able,Acme\n,Nobody,,\n');
  // One that never ran, so its card offers Discard.
  const waiting = `waiting-${id}.csv`;
  await uploadThroughApi(token, waiting, 'Email,First Name\nbob@phone.example,Bob\n');

  await page.setViewportSize({ width: 375, height: 812 });
  await signIn(page, admin);
  await page.goto('/imports');
  const card = page.getByRole('article', { name: finished, exact: true });
  await card.getByText('1 created · 0 matched · 0 duplicate · 1 invalid').waitFor();
  assertOnScreen(
    await sidewaysLayout(page, [
      { role: 'link', name: finished },
      { role: 'link', name: waiting },
      { role: 'button', name: `Discard ${waiting}` },
    ]),
    'import history',
  );
  const status = await card.getByText('Completed').boundingBox();
  assert.ok(status.x + status.width <= 375, `the import's status ends at ${status.x + status.width}px`);

  // The file's name on its card opens the import.
  await card.getByRole('link', { name: finished }).click();
  await page.waitForURL(/\/imports\/[^/]+$/);
  const created = page.getByRole('article', { name: 'Row 2', exact: true });
  await created.getByText('Ann Able').waitFor();
  assert.equal(await created.getByTestId('record-outcome').textContent(), 'Created');
  await page.getByRole('tab', { name: 'Invalid (1)' }).click();
  const invalid = page.getByRole('article', { name: 'Row 3', exact: true });
  await invalid.getByText(/needs an email/).waitFor();
  assert.equal(await invalid.getByTestId('record-outcome').textContent(), 'Invalid');
  const layout = await sidewaysLayout(page, [
    { role: 'tab', name: 'Invalid (1)' },
    { role: 'button', name: 'Download error report' },
  ]);
  for (const [what, locator] of [
    ['outcome', invalid.getByTestId('record-outcome')],
    ['error', invalid.getByText(/needs an email/)],
  ]) {
    const box = await locator.boundingBox();
    layout.boxes[`the invalid row's ${what}`] = { left: box.x, right: box.x + box.width };
  }
  assertOnScreen(layout, 'import page');

  // The error report downloads from the phone too.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download error report' }).click();
  assert.match((await download).suggestedFilename(), /errors\.csv$/);

  // The import that never ran opens from its card on its mapping: each column's field is chosen on
  // the screen. (The preview of the rows as mapped, a column per field, still scrolls sideways.)
  await page.getByRole('link', { name: '← All imports' }).click();
  await page.getByRole('article', { name: waiting, exact: true }).getByRole('link', { name: waiting }).click();
  await page.getByRole('article', { name: 'First Name', exact: true }).waitFor();
  const mapping = await sidewaysLayout(page, [
    { role: 'combobox', name: 'Field for Email' },
    { role: 'combobox', name: 'Field for First Name' },
  ]);
  for (const [name, box] of Object.entries(mapping.boxes)) {
    assert.ok(box.left >= 0 && box.right <= mapping.width, `${name} spans ${box.left}-${box.right}px of ${mapping.width}px`);
  }
  await page.getByRole('combobox', { name: 'Field for First Name', exact: true }).click();
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname.endsWith('/mapping'));
  await page.getByRole('option', { name: 'Last name', exact: true }).click();
  assert.equal((await saved).status(), 200);
});
