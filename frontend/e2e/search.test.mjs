/* global document, Node, window -- the functions passed to page.evaluate run in the page */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { apiResponse, seedContacts, signUp, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest } from './lib.mjs';

const seniorityLabels = {
  owner: 'Owner',
  c_suite: 'C-suite',
  vp: 'VP',
  head: 'Head',
  director: 'Director',
  manager: 'Manager',
  senior: 'Senior',
  entry: 'Entry',
};

/** A parsed CSV line (the export quotes every cell). */
function csvCells(line) {
  const cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * The words of the result names that the table wraps inside the word ("Venkates" / "h"): a name's
 * column must be at least as wide as its longest word. Each word is measured as a range of the
 * name's text: more than one line box means it was split.
 */
function namesSplitMidWord(page) {
  return page.evaluate(() => {
    const split = [];
    for (const name of document.querySelectorAll('[data-testid="result-name"]')) {
      const text = name.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) continue;
      let start = 0;
      for (const word of text.textContent.split(' ')) {
        const range = document.createRange();
        range.setStart(text, start);
        range.setEnd(text, start + word.length);
        start += word.length + 1;
        if (new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size > 1) split.push(word);
      }
    }
    return split;
  });
}

browserTest(
  'search: find engineers, filter by seniority, save two to a new list, approve and export them',
  async ({ page }) => {
    seedContacts();
    const id = uniqueId();
    await signUp(page, {
      email: `searcher-${id}@e2e.test`,
      password: strongPassword(),
      name: 'Sam Searcher',
      organization: `E2E Search ${id}`,
    });

    // The Search entry is live; the workspace waits for a query before spending a search.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Search' }).waitFor();
    await page.getByTestId('search-start').waitFor();

    // Typing is debounced into one search.
    const searched = apiResponse(page, 'POST', '/contacts/search');
    await page.getByRole('textbox', { name: 'Search contacts' }).fill('engineer');
    const first = await searched;
    assert.equal(first.status(), 200);
    const firstBody = await first.json();
    assert.match(new URL(page.url()).search, /[?&]q=engineer(&|$)/);
    assert.ok(firstBody.items.length > 0, 'engineers are found');
    assert.ok(firstBody.facets.seniority.length > 0, 'the first page has facets');
    assert.equal(first.headers()['x-quota-searches-remaining'], '99');
    await page.getByTestId('result-row').first().waitFor();
    // The names' column is squeezed most where the navigation still shows beside the results.
    for (const width of [1280, 1024, 800]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForFunction((w) => window.innerWidth === w, width, { polling: 'raf' });
      assert.deepEqual(await namesSplitMidWord(page), [], `no name in the results is cut inside a word at ${width}px`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByTestId('searches-remaining').filter({ hasText: /^99$/ }).waitFor();
    assert.match((await page.getByTestId('search-total').textContent()) ?? '', /contacts?$/);

    // A seniority facet narrows the search: a new search (it uses a unit of the quota) with the filter.
    const facet = firstBody.facets.seniority.find((f) => f.count >= 2) ?? firstBody.facets.seniority[0];
    const filtered = apiResponse(page, 'POST', '/contacts/search');
    await page
      .getByRole('group', { name: 'Seniority' })
      .getByRole('checkbox', { name: seniorityLabels[facet.value], exact: true })
      .check();
    const second = await filtered;
    assert.equal(second.status(), 200);
    // (The client streams request bodies, so their JSON is not visible here: the answer shows the filter.)
    const secondBody = await second.json();
    assert.ok(secondBody.items.length >= 2, `at least two ${facet.value} engineers`);
    assert.ok(secondBody.items.every((c) => c.seniority === facet.value));
    assert.equal(second.headers()['x-quota-searches-remaining'], '98');
    assert.match(new URL(page.url()).search, new RegExp(`seniority=${facet.value}`));

    // Pick the first two rows (by keyboard for the second: ↓ moves, Space selects).
    const rows = page.getByTestId('result-row');
    await rows.nth(1).waitFor();
    // The filtered page replaced the previous results.
    await page.locator(`[data-testid="result-row"]:first-of-type[data-contact-id="${secondBody.items[0].id}"]`).waitFor();
    const picked = [await rows.nth(0).getAttribute('data-contact-id'), await rows.nth(1).getAttribute('data-contact-id')];
    assert.deepEqual(picked, [secondBody.items[0].id, secondBody.items[1].id]);
    await rows.nth(0).getByRole('checkbox').check();
    await page.keyboard.press('/');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await page.getByTestId('selection-count').filter({ hasText: '2 selected' }).waitFor();

    // Save them to a list created on the spot.
    const listName = `E2E engineers ${id}`;
    await page.getByRole('button', { name: 'Save to list…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save 2 contacts' });
    await dialog.getByRole('textbox', { name: 'New list name' }).fill(listName);
    const createdList = apiResponse(page, 'POST', '/lists');
    const savedContacts = apiResponse(page, 'POST', '/saved-contacts');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    assert.equal((await createdList).status(), 201);
    const save = await savedContacts;
    assert.equal(save.status(), 200);
    assert.deepEqual((await save.json()).saved, 2);
    await dialog.waitFor({ state: 'detached' });
    for (const contactId of picked) {
      const row = page.locator(`[data-testid="result-row"][data-contact-id="${contactId}"]`);
      await row.getByTestId('saved-status').filter({ hasText: 'Saved' }).waitFor();
      await row.getByTestId('list-names').filter({ hasText: listName }).waitFor();
    }

    // On the Saved page, the org admin approves the list's contacts.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Saved', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Saved contacts' }).waitFor();
    const listPage = page.waitForResponse((response) => {
      const url = new URL(response.url());
      return url.pathname === '/api/v1/saved-contacts' && url.searchParams.has('list_id');
    });
    const [listed] = await Promise.all([
      listPage,
      page.getByRole('navigation', { name: 'Lists' }).getByRole('button', { name: new RegExp(`^${listName}`) }).click(),
    ]);
    assert.equal(listed.status(), 200);
    assert.equal((await listed.json()).items.length, 2);
    await page.getByTestId('saved-total').filter({ hasText: `2 saved contacts on “${listName}”` }).waitFor();
    await page.getByRole('checkbox', { name: 'Select all loaded contacts' }).check();
    const approved = apiResponse(page, 'POST', '/saved-contacts/approve');
    await page.getByRole('button', { name: 'Approve' }).click();
    const approval = await approved;
    assert.equal(approval.status(), 200);
    assert.deepEqual((await approval.json()).count, 2);
    await page.getByTestId('saved-status').filter({ hasText: 'Approved' }).nth(1).waitFor();

    // Export the list as CSV: a header row and exactly the two contacts.
    const exported = apiResponse(page, 'GET', '/saved-contacts/export');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const exportResponse = await exported;
    assert.equal(exportResponse.status(), 200);
    assert.match(exportResponse.request().headers()['authorization'] ?? '', /^Bearer /);
    assert.match(download.suggestedFilename(), /^saved-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await readFile(await download.path(), 'utf8');
    assert.ok(file.startsWith('\ufeff'), 'the download starts with a byte order mark, so Excel reads it as UTF-8');
    const csv = file.slice(1);
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines.length, 3, `a header and two rows, got:\n${csv}`);
    const header = csvCells(lines[0]);
    assert.equal(header[0], 'id');
    const idColumn = header.indexOf('id');
    const statusColumn = header.indexOf('saved_status');
    const listsColumn = header.indexOf('lists');
    const exportedRows = lines.slice(1).map(csvCells);
    assert.deepEqual(exportedRows.map((cells) => cells[idColumn]).sort(), [...picked].sort());
    assert.deepEqual(exportedRows.map((cells) => cells[statusColumn]), ['approved', 'approved']);
    assert.ok(exportedRows.every((cells) => cells[listsColumn].includes(listName)));
  },
  { timeout: 240_000 },
);
