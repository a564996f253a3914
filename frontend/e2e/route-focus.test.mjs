/* global document -- the functions passed to page.evaluate run in the page */
import assert from 'node:assert/strict';

import { labelled, signUp, strongPassword, uniqueId, uploadCSV } from './accounts.mjs';
import { browserTest } from './lib.mjs';

/** What has focus: "H1 Team", "MAIN …", "BODY". */
function focused(page) {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return 'BODY';
    return `${active.tagName} ${(active.textContent ?? '').trim().slice(0, 40)}`;
  });
}

/** Waits until the page's h1 reading `name` has focus (the route change settles after a render). */
async function waitForHeadingFocus(page, name) {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
  await page.waitForFunction(
    (text) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent?.trim() === text,
    name,
    { timeout: 10_000 },
  ).catch(async () => assert.fail(`focus should be on the h1 "${name}", is on ${await focused(page)}`));
}

/** Waits until the live region announces `title` (a moment after the heading takes focus). */
async function waitForAnnouncement(page, title) {
  await page
    .waitForFunction((text) => document.querySelector('[data-testid="route-announcer"]')?.textContent?.trim() === text, title, {
      timeout: 5_000,
    })
    .catch(async () =>
      assert.fail(`the live region should say "${title}", says "${await page.getByTestId('route-announcer').textContent()}"`),
    );
}

browserTest('route changes move focus to the new page heading and announce it', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  assert.equal(await focused(page), 'BODY', 'a first page load leaves focus alone');

  // A footer link (outside <main>, still there afterwards).
  await page.getByRole('contentinfo').getByRole('link', { name: 'Terms of Service' }).click();
  await waitForHeadingFocus(page, 'Terms of Service');
  await waitForAnnouncement(page, 'Terms of Service · 1CloudAI Business Contacts');

  // Browser back: the previous page, its heading focused, announced.
  await page.goBack();
  await waitForHeadingFocus(page, 'Overview');
  await waitForAnnouncement(page, 'Overview · 1CloudAI Business Contacts');

  // Sign-in landing: a signed-out visitor follows a sidebar link, signs up, signs out, and signs in
  // again from the page they wanted.
  const id = uniqueId();
  const email = `focus-${id}@example.com`;
  const password = strongPassword();
  await signUp(page, { email, password, name: 'Fo Cus', organization: `Focus ${id}` });
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('link', { name: 'Sign in' }).first().waitFor();

  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Team', exact: true }).click();
  await waitForHeadingFocus(page, 'Sign in');
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByLabel(labelled('Password')).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForHeadingFocus(page, 'Team');
  assert.equal(new URL(page.url()).pathname, '/team');
  await waitForAnnouncement(page, 'Team · 1CloudAI Business Contacts');
});

browserTest('at 375px: the phone menu, New import and the upload land on each page heading; match keys keep their arrows in line', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  const id = uniqueId();
  await signUp(page, {
    email: `focus-phone-${id}@example.com`,
    password: strongPassword(),
    name: 'Pho Ne',
    organization: `Phone ${id}`,
  });

  await page.getByRole('button', { name: 'Open navigation' }).click();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Imports', exact: true }).click();
  await waitForHeadingFocus(page, 'Imports');

  await page.getByRole('link', { name: 'New import' }).click();
  await waitForHeadingFocus(page, 'New import');

  // The upload moves to the import's own page: the file input is gone, focus goes to its heading.
  const csv = Buffer.from(`Email,First Name,Last Name,Company\nann.${id}@acme.example,Ann,Lee,Acme\n`);
  await uploadCSV(page, '/imports', `people-${id}.csv`, csv);
  await page.getByTestId('import-wizard').waitFor();
  await waitForHeadingFocus(page, 'Import');

  // No LinkedIn column: that key shows its hint, and its arrows stay on the checkbox's line.
  const option = page.getByTestId('match-key-linkedin_url');
  await option.getByText('Map a column to LinkedIn URL first.').waitFor();
  const box = await option.getByRole('checkbox').boundingBox();
  for (const name of ['Move LinkedIn URL up', 'Move LinkedIn URL down']) {
    const arrow = await option.getByRole('button', { name }).boundingBox();
    assert.ok(box && arrow, 'checkbox and arrows are on screen');
    assert.ok(
      arrow.y < box.y + box.height && arrow.x > box.x + box.width,
      `"${name}" sits to the right of the checkbox, on its line (checkbox ${JSON.stringify(box)}, arrow ${JSON.stringify(arrow)})`,
    );
  }

  // "Start import" gives way to the progress (then the outcome): focus follows to the new stage
  // rather than falling to the page when the button goes.
  await page.getByRole('button', { name: 'Start import' }).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('import-completed').waitFor({ timeout: 45_000 });
  await page
    .waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'import-stage', null, { timeout: 10_000 })
    .catch(async () => assert.fail(`focus should be on the import's new stage, is on ${await focused(page)}`));
});
