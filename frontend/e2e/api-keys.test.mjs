import assert from 'node:assert/strict';

import { apiResponse, apiToken, createSystemAdmin, labelled, signUp, strongPassword, uniqueId } from './accounts.mjs';
import { BASE_URL, browserTest, waitForExactText } from './lib.mjs';

// Platform staff here sign in through the API (no browser) only to assign a package, which the
// admin test already covers through the console.
browserTest(
  'api keys: create a key in the SPA, authorize Swagger UI with it, and run a search',
  async ({ page: owner, openPage }) => {
    // Swagger UI is not ours (see allowPageErrors below), but the SPA pages must not throw.
    const spaErrors = [];
    owner.on('pageerror', (error) => {
      if (!new URL(owner.url()).pathname.startsWith('/docs')) spaErrors.push(String(error));
    });
    const id = uniqueId();
    const staff = { email: `sys-keys-${id}@e2e.test`, password: strongPassword() };
    createSystemAdmin(staff);

    // A new tenant (on Free, without API access) ...
    const signedUp = apiResponse(owner, 'POST', '/auth/signup');
    await signUp(owner, { email: `keys-${id}@e2e.test`, password: strongPassword(), name: 'Kim Keys', organization: `E2E Keys ${id}` });
    const tenantId = (await (await signedUp).json()).tenant.id;
    assert.ok(tenantId, 'the signup answer names the tenant');

    // ... gets Starter (API access) from a system admin, through the API.
    const staffPage = await openPage();
    const token = await apiToken(staffPage.request, staff);
    const assigned = await staffPage.request.put(`/api/v1/admin/tenants/${tenantId}/subscription`, {
      headers: { Authorization: `Bearer ${token}` },
      data: { package_code: 'starter', status: 'active', reason: 'API keys browser test (e2e)' },
    });
    assert.equal(assigned.status(), 200, await assigned.text());
    await staffPage.close();

    // The org admin opens the API keys page from the navigation and creates a key.
    await owner.reload();
    await owner.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'API keys' }).click();
    await owner.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await owner.getByTestId('api-keys-empty').waitFor();
    await owner.getByRole('button', { name: 'Create key' }).click();
    const form = owner.getByRole('dialog', { name: 'Create an API key' });
    await form.getByRole('textbox', { name: labelled('Name') }).fill('Swagger test');
    await form.getByRole('checkbox', { name: 'contacts:read', exact: true }).check();
    await form.getByRole('checkbox', { name: 'usage:read', exact: true }).check();
    const created = apiResponse(owner, 'POST', '/api-keys');
    await form.getByRole('button', { name: 'Create key' }).click();
    const createdAnswer = await created;
    assert.equal(createdAnswer.status(), 201);
    assert.deepEqual((await createdAnswer.json()).scopes, ['contacts:read', 'usage:read']);

    // The show-once dialog: copy the secret to the clipboard.
    const secretDialog = owner.getByRole('dialog', { name: 'Your API key secret' });
    await secretDialog.getByTestId('secret-warning').waitFor();
    const shown = (await secretDialog.getByTestId('api-key-secret').textContent())?.trim() ?? '';
    assert.match(shown, /^ock_[0-9A-Za-z]{40,}$/, 'the secret is an ock_ key');
    await owner.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
    await secretDialog.getByRole('button', { name: 'Copy secret' }).click();
    await secretDialog.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await owner.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, shown, 'the copy button puts the secret on the clipboard');

    // It stays until the user confirms they stored it; then it is gone.
    await owner.keyboard.press('Escape');
    assert.equal(await secretDialog.isVisible(), true, 'Escape does not dismiss the secret');
    assert.equal(await secretDialog.getByRole('button', { name: 'Done' }).isDisabled(), true);
    await secretDialog.getByRole('checkbox', { name: 'I have copied the secret and stored it in a safe place' }).check();
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    await secretDialog.waitFor({ state: 'detached' });
    const row = owner.getByTestId('api-key-row');
    await waitForExactText(row.getByTestId('api-key-prefix'), shown.slice(0, 12));
    await waitForExactText(row.getByTestId('api-key-status'), 'Active');
    assert.equal(await owner.getByText(shown).count(), 0, 'the secret is no longer on the page');

    // Swagger UI: Authorize with the key (pasted from the clipboard) in the ApiKeyAuth field.
    await owner.goto('/docs');
    await owner.locator('.swagger-ui .title').waitFor({ timeout: 30_000 });
    await owner.locator('.swagger-ui .auth-wrapper').getByRole('button', { name: /Authorize/ }).click();
    const apiKeyAuth = owner.locator('.auth-container').filter({ hasText: 'ApiKeyAuth' });
    const keyInput = apiKeyAuth.getByRole('textbox');
    await keyInput.click();
    await owner.keyboard.press('ControlOrMeta+V');
    assert.equal(await keyInput.inputValue(), shown, 'the pasted key is the secret');
    await apiKeyAuth.getByRole('button', { name: 'Authorize', exact: true }).click();
    await apiKeyAuth.getByRole('button', { name: 'Logout' }).waitFor();
    await owner.locator('.dialog-ux').getByRole('button', { name: 'Close' }).first().click();
    await owner.locator('.dialog-ux').waitFor({ state: 'detached' });

    // Try it out → Execute on POST /contacts/search (scope contacts:read).
    const operation = owner.locator('#operations-contacts-searchContacts');
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    const body = operation.locator('textarea.body-param__text');
    await body.fill(JSON.stringify({ query: 'engineer', page_size: 5 }));
    const executed = apiResponse(owner, 'POST', '/contacts/search');
    await operation.getByRole('button', { name: 'Execute' }).click();
    const answer = await executed;
    assert.equal(answer.status(), 200, await answer.text());
    assert.equal(await answer.request().headerValue('x-api-key'), shown, 'Swagger UI sent the key as X-API-Key');
    assert.equal(await answer.request().headerValue('authorization'), null, 'and no access token');
    assert.deepEqual(answer.request().postDataJSON(), { query: 'engineer', page_size: 5 });
    assert.ok(answer.headers()['ratelimit-limit'], 'API-key answers carry RateLimit-Limit');
    assert.ok(Array.isArray((await answer.json()).items), 'a search answer');
    await waitForExactText(operation.locator('.live-responses-table .response-col_status'), '200');

    // Back in the SPA, the key shows the request in its usage.
    await owner.goto('/api-keys');
    const usedRow = owner.getByTestId('api-key-row');
    await waitForExactText(usedRow.getByTestId('api-key-usage-total'), '1');
    assert.notEqual((await usedRow.getByTestId('api-key-last-used').textContent())?.trim(), 'Never used');

    // Revoked after confirming: the row says so, and the next request with the key is refused.
    await usedRow.getByRole('button', { name: `Revoke Swagger test (${shown.slice(0, 12)})` }).click();
    const revokeDialog = owner.getByRole('dialog', { name: 'Revoke API key' });
    const revoked = apiResponse(owner, 'DELETE', /^\/api-keys\/[^/]+$/);
    await revokeDialog.getByRole('button', { name: 'Revoke key' }).click();
    assert.equal((await revoked).status(), 204);
    await revokeDialog.waitFor({ state: 'detached' });
    await waitForExactText(usedRow.getByTestId('api-key-status'), 'Revoked');
    const refused = await fetch(`${BASE_URL}/api/v1/contacts/search`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': shown },
      body: JSON.stringify({ query: 'engineer' }),
    });
    assert.equal(refused.status, 401, 'a revoked key is refused at once');
    assert.deepEqual(spaErrors, [], 'the SPA threw uncaught errors');
  },
  // Swagger UI is a third-party page served by the Go binary, not the SPA.
  { timeout: 120_000, allowPageErrors: true },
);
