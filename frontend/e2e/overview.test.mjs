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

browserTest('features that have not shipped are disabled with a hint', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Overview' }).waitFor();

  for (const label of ['Search', 'Saved', 'Imports', 'Team', 'API keys', 'Integrations', 'Billing', 'Admin']) {
    const entry = nav.getByRole('button', { name: label, exact: true });
    assert.equal(await entry.getAttribute('aria-disabled'), 'true', `${label} should be disabled`);
  }

  const billing = nav.getByRole('button', { name: 'Billing', exact: true });
  await billing.hover({ force: true });
  const tooltip = page.getByRole('tooltip');
  await tooltip.waitFor();
  assert.equal((await tooltip.textContent())?.trim(), 'Arrives with Billing — not available yet');

  await billing.click({ force: true });
  assert.equal(new URL(page.url()).pathname, '/', 'a disabled entry must not navigate');
});
