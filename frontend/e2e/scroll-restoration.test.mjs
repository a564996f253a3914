/* global document, window -- the functions passed to page.evaluate run in the page */
import assert from 'node:assert/strict';

import { apiResponse, seedContacts, signUp, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest } from './lib.mjs';

/** The id of the first result row whose top is at or below the top of the window. */
function firstRowInView(page) {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll('[data-testid="result-row"]')];
    return rows.find((row) => row.getBoundingClientRect().top >= 0)?.getAttribute('data-contact-id') ?? null;
  });
}

/**
 * Waits until the document's scroll position settles within 6px of `y`; fails saying where it is.
 * Restored results may lay out a few pixels shorter than they were (fonts, the loading row), which
 * moves no row: the callers check the same row is at the top of the window.
 */
async function waitForScroll(page, y, what) {
  await page
    .waitForFunction((target) => Math.abs(window.scrollY - target) <= 6, y, { timeout: 10_000, polling: 50 })
    .catch(async () => assert.fail(`${what}: expected scrollY ≈ ${y}, is ${await page.evaluate(() => window.scrollY)}`));
}

browserTest('Back and Forward restore the scroll position of a long result list; new pages start at the top', async ({ page }) => {
  seedContacts();
  const id = uniqueId();
  await signUp(page, {
    email: `scroll-${id}@e2e.test`,
    password: strongPassword(),
    name: 'Scroll Er',
    organization: `Scroll ${id}`,
  });

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Search', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Search' }).waitFor();
  const searched = apiResponse(page, 'POST', '/contacts/search');
  await page.getByRole('textbox', { name: 'Search contacts' }).fill('engineer');
  assert.equal((await searched).status(), 200);
  await page.getByTestId('result-row').nth(20).waitFor();

  // Down the list until the next page of results has loaded, then to a row well into it.
  const rows = page.getByTestId('result-row');
  const firstPage = await rows.count();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForFunction((count) => document.querySelectorAll('[data-testid="result-row"]').length > count, firstPage, {
    timeout: 10_000,
  });
  const loaded = await rows.count();
  const target = await rows
    .nth(Math.floor(loaded * 0.6))
    .evaluate((row) => Math.round(row.getBoundingClientRect().top + window.scrollY - 100));
  await page.evaluate((y) => window.scrollTo(0, y), target);
  await waitForScroll(page, target, 'scrolled down the results');
  await page.waitForTimeout(200);
  const scrolled = await page.evaluate(() => window.scrollY);
  const topRow = await firstRowInView(page);
  assert.ok(scrolled > 500, `the list is long enough to scroll (scrollY ${scrolled})`);

  // A new navigation starts at the top of its page.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Team', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
  await waitForScroll(page, 0, 'a new page');

  // Back: the results as they were, at the same place.
  await page.goBack();
  await page.getByTestId('result-row').first().waitFor();
  await waitForScroll(page, scrolled, 'back to the results');
  assert.equal(await firstRowInView(page), topRow, 'the same row is at the top of the window');
  assert.equal(new URL(page.url()).searchParams.get('q'), 'engineer');

  // Forward to Team (its top), Back again (the same place once more).
  await page.goForward();
  await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
  await waitForScroll(page, 0, 'forward to Team');
  await page.goBack();
  await page.getByTestId('result-row').first().waitFor();
  await waitForScroll(page, scrolled, 'back to the results again');
  assert.equal(await firstRowInView(page), topRow, 'the same row is at the top of the window again');

  // Following a link from down the list (the footer's Terms) starts that page at its top.
  await page.getByRole('contentinfo').getByRole('link', { name: 'Terms of Service' }).click();
  await page.getByRole('heading', { level: 1, name: 'Terms of Service' }).waitFor();
  await waitForScroll(page, 0, 'the Terms from the footer');
});
