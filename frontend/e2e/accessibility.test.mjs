// Accessibility: every main page of the SPA, in its normal states, checked with axe-core against
// the WCAG 2.1 A and AA rules and axe's best practices at a desktop's width (1280px) and at a
// phone's (375px), and at the phone's for sideways scrolling of the document and for buttons whose
// label is cut off.
//
// The test fails listing each serious or critical violation, and each landmark named like another
// (page, rule, target selectors, what to do); other minor and moderate ones are printed, not gated. An element may be left out of the check
// only in `exemptions` below, with the reason: fix the component instead wherever we own it.
// A dialog or drawer is checked on its own, the page behind it having been checked just before.
/* global document, window, requestAnimationFrame -- the functions passed to page.evaluate run in the page */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import {
  api,
  apiResponse,
  apiToken,
  createSystemAdmin,
  labelled,
  seedContacts,
  selectOption,
  signUp,
  strongPassword,
  uniqueId,
  uploadCSV,
} from './accounts.mjs';
import { browserTest } from './lib.mjs';

/** axe-core from node_modules, put into each page the test audits (no download at run time). */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const gatedImpacts = new Set(['serious', 'critical']);
/**
 * Moderate findings gated all the same. Two landmarks of one name (a card per tenant, two tenants
 * named "Acme") leave a screen reader's list of landmarks with entries it cannot tell apart: a row
 * of a list is an article, not a region.
 */
const gatedRules = new Set(['landmark-unique']);
const desktop = { width: 1280, height: 900 };
const phone = { width: 375, height: 812 };

/**
 * Elements axe leaves out, each with its reason. Empty: every finding so far was ours to fix. An
 * entry is a promise that the finding is not (a third-party widget we cannot change).
 *
 * @type {{ selector: string, reason: string }[]}
 */
const exemptions = [];

/** Waits until the page shows no loader and no CSS transition (a modal fading in) is running. */
async function settle(page) {
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.mantine-Loader-root, [aria-busy="true"]').length === 0 &&
      document.getAnimations().every((animation) => animation.playState !== 'running'),
    undefined,
    { timeout: 15_000, polling: 50 },
  );
}

/**
 * Runs axe on the page as it is (or on the `include` selector's part of it, such as an open
 * dialog) at the desktop's width and again at the phone's, and checks the document does not scroll
 * sideways on a phone. Serious and critical
 * findings go to `findings.problems`, the others to `findings.notes`, so one run reports every page.
 */
async function audit(page, name, findings, { include } = {}) {
  await settle(page);
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  await runAxe(page, name, findings, include);

  await page.setViewportSize(phone);
  await page.waitForFunction((width) => window.innerWidth === width, phone.width, { polling: 'raf' });
  // The phone layout is another page as far as axe is concerned: the navigation folds into a
  // burger, the filters into a drawer, tables into cards.
  await settle(page);
  await runAxe(page, `${name} at ${phone.width}px`, findings, include);
  await phoneChecks(page, name, findings);

  await page.setViewportSize(desktop);
  await page.waitForFunction((width) => window.innerWidth === width, desktop.width, { polling: 'raf' });
}

/** axe on the page at its current width; findings sorted by impact as `audit` says. */
async function runAxe(page, name, findings, include) {
  const context = {
    include: include ? [include] : [':root'],
    exclude: exemptions.map(({ selector }) => selector),
  };
  const violations = await page.evaluate(
    async ({ context, tags }) => {
      const results = await window.axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return results.violations.map(({ id, impact, help, nodes }) => ({
        id,
        impact,
        help,
        targets: nodes.map((node) => node.target.join(' ')),
      }));
    },
    { context, tags: axeTags },
  );
  for (const { id, impact, help, targets } of violations) {
    const shown = targets.slice(0, 8).join('\n    ') + (targets.length > 8 ? `\n    … and ${targets.length - 8} more` : '');
    const line = `${name}: ${id} (${impact}) ${help}\n    ${shown}`;
    (gatedImpacts.has(impact) || gatedRules.has(id) ? findings.problems : findings.notes).push(line);
  }
}

/** At the phone's width: the document does not scroll sideways and no button label is cut off. */
async function phoneChecks(page, name, findings) {
  // Measured once the layout caught up with the new width; an overflow must last to count.
  let overflow = await sidewaysOverflow(page);
  if (overflow) {
    await page.waitForTimeout(300);
    overflow = await sidewaysOverflow(page);
  }
  if (overflow) findings.problems.push(`${name}: the document scrolls sideways at ${phone.width}px: ${overflow}`);
  // Like the overflow, a cut label must last: a layout catching up with the width cuts one briefly.
  let clipped = await clippedButtons(page);
  if (clipped) {
    await page.waitForTimeout(300);
    clipped = await clippedButtons(page);
  }
  if (clipped) findings.problems.push(`${name}: at ${phone.width}px a button's label is cut off: ${clipped}`);
}

/** How far the document scrolls sideways, naming what sticks out; null when it does not. */
function sidewaysOverflow(page) {
  return page.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const root = document.scrollingElement;
    if (!root || root.scrollWidth <= root.clientWidth) return null;
    const wide = [...document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > root.clientWidth + 1)
      .slice(0, 3)
      .map((element) => `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ')[0]}` : ''}`);
    return `${root.scrollWidth}px wide in ${root.clientWidth}px (${wide.join(', ')})`;
  });
}

/**
 * Buttons on screen whose label does not fit them (a squeezed button cuts it off with no scrollbar:
 * the contact drawer's "Add to list…" read "Add to lis" on a phone); null when every label shows.
 * Buttons off screen (the closed navigation) are not looked at.
 */
function clippedButtons(page) {
  return page.evaluate(() => {
    const cut = [...document.querySelectorAll('.mantine-Button-root')]
      .filter((button) => {
        const box = button.getBoundingClientRect();
        if (box.width === 0 || box.right <= 0 || box.left >= window.innerWidth) return false;
        const label = button.querySelector('.mantine-Button-label') ?? button;
        return label.scrollWidth > label.clientWidth + 1;
      })
      .slice(0, 3)
      .map((button) => `"${button.textContent.trim()}"`);
    return cut.length > 0 ? cut.join(', ') : null;
  });
}

/**
 * On a phone the closed navigation is moved off screen: Tab from the top of the page must not land
 * on its links (focus nobody can see), and Escape closes the open navigation back onto the burger.
 */
async function phoneNavigationKeyboard(page, findings) {
  await page.setViewportSize(phone);
  await page.waitForFunction((width) => window.innerWidth === width, phone.width, { polling: 'raf' });
  await page.evaluate(() => document.activeElement?.blur?.());
  const unseen = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    const place = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return null;
      const box = element.getBoundingClientRect();
      const seen = box.width > 0 && box.right > 0 && box.left < window.innerWidth;
      return seen ? null : `"${(element.getAttribute('aria-label') || element.textContent || element.tagName).trim()}"`;
    });
    if (place) unseen.push(place);
  }
  if (unseen.length > 0) findings.problems.push(`phone: Tab lands on controls off screen: ${unseen.join(', ')}`);
  const burger = page.getByRole('button', { name: 'Open navigation' });
  await burger.click();
  await page.getByRole('button', { name: 'Close navigation', expanded: true }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Open navigation', expanded: false }).waitFor();
  if (!(await burger.evaluate((element) => element === document.activeElement))) {
    findings.problems.push('phone: Escape closed the navigation but left focus elsewhere than on the burger');
  }
  await page.setViewportSize(desktop);
  await page.waitForFunction((width) => window.innerWidth === width, desktop.width, { polling: 'raf' });
}

/** Opens `path` (a fresh page load) and waits for its level-1 heading. */
async function visit(page, path, heading) {
  await page.goto(path);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Follows the main navigation's link `label`, as a user does, and waits for the page's h1. */
async function navigate(page, label, heading) {
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
}

function csvFile(id) {
  const rows = [
    ['Email', 'First Name', 'Last Name', 'Company', 'Job Title'],
    [`ada.a11y.${id}@acme.example`, 'Ada', 'Lovelace', 'Acme Ltd', 'CTO'],
    [`alan.a11y.${id}@beta.example`, 'Alan', 'Turing', 'Beta plc', 'Head of Research'],
  ];
  return Buffer.from(rows.map((row) => row.join(',')).join('\n') + '\n', 'utf8');
}

browserTest(
  'accessibility: every main page passes axe (WCAG 2.1 A/AA) and fits a phone',
  async ({ page, t, openPage }) => {
    const findings = { problems: [], notes: [] };
    const id = uniqueId();

    // Signed out: the public pages.
    await visit(page, '/login', 'Sign in');
    await audit(page, 'sign in', findings);
    await visit(page, '/signup', 'Create an account');
    await audit(page, 'sign up', findings);
    await visit(page, '/forgot-password', 'Reset your password');
    await audit(page, 'forgot password', findings);
    await visit(page, '/terms', /Terms/);
    await audit(page, 'terms', findings);
    await visit(page, '/privacy', /Privacy/);
    await audit(page, 'privacy', findings);
    await visit(page, '/no-such-page', 'Page not found');
    await audit(page, 'not found', findings);

    seedContacts();
    const staff = { email: `sys-a11y-${id}@e2e.test`, password: strongPassword() };
    createSystemAdmin(staff);
    const organization = `E2E A11y ${id}`;
    const email = `a11y-${id}@e2e.test`;
    const signedUp = apiResponse(page, 'POST', '/auth/signup');
    await signUp(page, { email, password: strongPassword(), name: 'Alex Able', organization });
    const tenantId = (await (await signedUp).json()).tenant.id;

    // Starter, so the API keys page is in its working state. The staff page stays signed in for
    // the admin console at the end.
    const admin = await openPage();
    const token = await apiToken(admin.request, staff);
    const assigned = await admin.request.put(`/api/v1/admin/tenants/${tenantId}/subscription`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { package_code: 'starter', status: 'active', reason: 'accessibility browser test (e2e)' },
    });
    assert.equal(assigned.status(), 200, await assigned.text());

    await page.reload();
    await page.getByTestId('user-menu').waitFor();
    await audit(page, 'overview (signed in)', findings);
    await phoneNavigationKeyboard(page, findings);

    // Search: results, the contact drawer, a correction (for the admin queue), the save dialog.
    await navigate(page, 'Search', 'Search');
    await page.getByTestId('search-start').waitFor();
    await audit(page, 'search (before a query)', findings);
    const searched = apiResponse(page, 'POST', '/contacts/search');
    await page.getByRole('textbox', { name: 'Search contacts' }).fill('engineer');
    const results = await (await searched).json();
    assert.ok(results.items.length > 0, 'engineers are found');
    await page.getByTestId('result-row').first().waitFor();
    await audit(page, 'search results', findings);

    const contact = results.items[0];
    const row = page.locator(`[data-testid="result-row"][data-contact-id="${contact.id}"]`);
    await row.getByTestId('result-name').click();
    await page.getByTestId('contact-details').getByTestId('contact-name').waitFor();
    // The page behind was audited just before: only the drawer is new.
    await audit(page, 'contact drawer', findings, { include: '[role="dialog"]' });
    const correction = page.getByRole('form', { name: 'Suggest a correction' });
    await selectOption(page, 'Field', 'City');
    await correction.getByRole('textbox', { name: 'Correct value' }).fill(`Tórshavn ${id}`);
    const corrected = apiResponse(page, 'POST', `/contacts/${contact.id}/corrections`);
    await correction.getByRole('button', { name: 'Submit correction' }).click();
    assert.equal((await corrected).status(), 201);
    await page.keyboard.press('Escape');
    await page.getByTestId('contact-details').waitFor({ state: 'detached' });

    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Save to list…' }).click();
    const saveDialog = page.getByRole('dialog', { name: 'Save 1 contact' });
    await saveDialog.getByRole('textbox', { name: 'New list name' }).waitFor();
    await audit(page, 'save to list dialog', findings, { include: '[role="dialog"]' });
    await saveDialog.getByRole('textbox', { name: 'New list name' }).fill(`A11y list ${id}`);
    const saved = apiResponse(page, 'POST', '/saved-contacts');
    await saveDialog.getByRole('button', { name: 'Save', exact: true }).click();
    assert.equal((await saved).status(), 200);
    await saveDialog.waitFor({ state: 'detached' });

    // Saved contacts, with the lists beside them.
    await navigate(page, 'Saved', 'Saved contacts');
    await page.getByTestId('saved-status').first().waitFor();
    await page.getByRole('navigation', { name: 'Lists' }).getByRole('button', { name: new RegExp(`^A11y list ${id}`) }).waitFor();
    await audit(page, 'saved contacts and lists', findings);

    // The organization's corrections: the city corrected above, pending.
    await navigate(page, 'Corrections', 'Corrections');
    await page.getByTestId('tenant-correction').first().waitFor();
    await audit(page, 'corrections', findings);

    // Imports: the empty history, the upload step, the mapping step, the history with an upload.
    await navigate(page, 'Imports', 'Imports');
    await page.getByTestId('imports-empty').waitFor();
    await audit(page, 'imports (empty)', findings);
    await page.getByRole('link', { name: 'New import' }).click();
    await page.getByRole('heading', { level: 1, name: 'New import' }).waitFor();
    await page.getByTestId('import-allowance').waitFor();
    await audit(page, 'new import (upload)', findings);
    await uploadCSV(page, '/imports', `a11y-${id}.csv`, csvFile(id));
    await page.getByTestId('import-wizard').waitFor();
    await page.getByRole('combobox', { name: 'Field for Email' }).waitFor();
    await audit(page, 'import wizard (mapping)', findings);
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByTestId('import-completed').waitFor({ timeout: 45_000 });
    await page.getByTestId('records-created').waitFor();
    await audit(page, 'import results', findings);
    await navigate(page, 'Imports', 'Imports');
    await page.getByText(`a11y-${id}.csv`).first().waitFor();
    await audit(page, 'imports (history)', findings);

    // API keys and the new-key dialog.
    await navigate(page, 'API keys', 'API keys');
    await page.getByTestId('api-keys-empty').waitFor();
    await audit(page, 'api keys', findings);
    await page.getByRole('button', { name: 'Create key' }).click();
    const keyForm = page.getByRole('dialog', { name: 'Create an API key' });
    await keyForm.getByRole('textbox', { name: labelled('Name') }).waitFor();
    await audit(page, 'new api key dialog', findings, { include: '[role="dialog"]' });
    await page.keyboard.press('Escape');
    await keyForm.waitFor({ state: 'detached' });

    await navigate(page, 'Team', 'Team');
    await page.getByText(email).first().waitFor();
    await audit(page, 'team', findings);
    await navigate(page, 'Billing', 'Package & usage');
    await page.getByTestId('current-plan').waitFor();
    await audit(page, 'billing and usage', findings);
    await visit(page, '/packages', 'Packages');
    await audit(page, 'packages', findings);
    await navigate(page, 'Integrations', 'Integrations');
    await page.getByTestId('crm-connection').waitFor();
    await audit(page, 'integrations (CRM)', findings);
    await visit(page, '/integrations/pushes', 'Push history');
    await audit(page, 'crm push history', findings);
    await navigate(page, 'Audit log', 'Audit log');
    await page.getByTestId('audit-event').first().waitFor();
    await audit(page, 'audit log', findings);

    // The admin console, as platform staff: its tabs are links between its pages.
    const tab = async (label) => {
      await admin.getByRole('tab', { name: label, exact: true }).click();
      await admin.waitForURL((url) => url.pathname.startsWith('/admin/'));
    };
    await visit(admin, '/admin/tenants', 'Tenants');
    const tenantLink = admin.getByRole('link', { name: organization, exact: true });
    await tenantLink.waitFor();
    await audit(admin, 'admin: tenants', findings);
    await tenantLink.click();
    await admin.getByTestId('admin-tenant-name').filter({ hasText: organization }).waitFor();
    await audit(admin, 'admin: tenant detail', findings);
    await tab('Users');
    await admin.getByText(staff.email).first().waitFor();
    await audit(admin, 'admin: users', findings);
    await tab('Corrections');
    await admin.getByTestId('correction-row').filter({ hasText: `Tórshavn ${id}` }).waitFor();
    await audit(admin, 'admin: corrections queue', findings);
    await tab('Packages');
    await admin.locator('tr[data-code="starter"]').waitFor();
    await audit(admin, 'admin: packages', findings);
    await tab('Imports');
    await admin.getByRole('heading', { level: 1, name: 'Platform imports' }).waitFor();
    await audit(admin, 'admin: platform imports', findings);
    await tab('Audit log');
    await admin.getByTestId('audit-event').first().waitFor();
    await audit(admin, 'admin: audit log', findings);
    // A mail with a long link (a reset link is one unbreakable word) must not make its body
    // scroll sideways at 375 px. A background job writes it: reload until it shows.
    await api('POST', '/auth/password-reset', { body: { email: staff.email }, expect: [202] });
    await tab('Outbox');
    await admin.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
    const resetMail = admin.getByTestId('outbox-message').filter({ hasText: staff.email });
    for (let i = 0; i < 20 && (await resetMail.count()) === 0; i++) {
      await admin.waitForTimeout(500);
      await admin.reload();
      await admin.getByRole('heading', { level: 1, name: 'Outbox' }).waitFor();
    }
    await resetMail.first().waitFor();
    await audit(admin, 'admin: outbox', findings);

    for (const note of findings.notes) t.diagnostic(`not gated: ${note}`);
    if (findings.problems.length > 0) {
      assert.fail(`${findings.problems.length} accessibility problems:\n${findings.problems.join('\n')}`);
    }
  },
  { timeout: 180_000 },
);
