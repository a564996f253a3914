import assert from 'node:assert/strict';

import { browserTest, waitForExactText } from './lib.mjs';

browserTest('overview shows the live status from the API', async ({ page }) => {
  const statusResponse = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/status');
  await page.goto('/');

  const response = await statusResponse;
  assert.equal(response.status(), 200);
  const status = await response.json();
  assert.equal(status.database, 'ok', 'the server under test should have its database');

  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  assert.equal(await waitForExactText(page.getByTestId('status-database'), 'ok'), 'ok');
  assert.equal(await waitForExactText(page.getByTestId('status-name'), '1CloudAI Business Contacts'), '1CloudAI Business Contacts');
  assert.equal(await waitForExactText(page.getByTestId('status-version'), status.version), status.version);
  assert.equal(await waitForExactText(page.getByTestId('status-environment'), status.environment), status.environment);
  assert.equal(await page.getByTestId('status-time').getAttribute('datetime'), status.time);

  assert.equal(await page.getByTestId('product-name').textContent(), '1CloudAI Business Contacts');
  assert.match(await page.title(), /Overview · 1CloudAI Business Contacts/);
});

browserTest('navigation: every feature is linked, staff pages hidden', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Overview' }).waitFor();
  // Signed out: the header offers sign-in once the session check is done.
  await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();

  // Every feature has shipped: no entry is left disabled.
  assert.equal(await nav.locator('[aria-disabled="true"]').count(), 0, 'no nav entry should be disabled');
  assert.equal(await nav.getByRole('link', { name: 'Imports', exact: true }).getAttribute('href'), '/imports');
  assert.equal(await nav.getByRole('link', { name: 'Team', exact: true }).getAttribute('href'), '/team');
  assert.equal(await nav.getByRole('link', { name: 'Billing', exact: true }).getAttribute('href'), '/billing');
  assert.equal(await nav.getByRole('link', { name: 'Search', exact: true }).getAttribute('href'), '/search');
  assert.equal(await nav.getByRole('link', { name: 'Saved', exact: true }).getAttribute('href'), '/saved');
  assert.equal(await nav.getByRole('link', { name: 'Corrections', exact: true }).getAttribute('href'), '/corrections');
  assert.equal(await nav.getByRole('link', { name: 'Integrations', exact: true }).getAttribute('href'), '/integrations');
  assert.equal(await nav.getByText('Admin', { exact: true }).count(), 0, 'Admin is hidden from non-staff');
  assert.equal(await nav.getByText('Audit log', { exact: true }).count(), 0, 'Audit log is for org admins');
  assert.equal(await nav.getByText('API keys', { exact: true }).count(), 0, 'API keys are for org admins');

  // A signed-in page sends a signed-out visitor to the login page, remembering where they were going.
  await nav.getByRole('link', { name: 'Team', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/login?next=%2Fteam');
});
