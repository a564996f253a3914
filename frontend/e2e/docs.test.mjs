import assert from 'node:assert/strict';

import { apiResponse, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest } from './lib.mjs';

browserTest(
  'docs shows Swagger UI for the API',
  async ({ page }) => {
    await page.goto('/docs');
    const title = page.locator('.swagger-ui .title');
    await title.waitFor({ timeout: 30_000 });
    assert.match((await title.textContent()) ?? '', /1CloudAI Business Contacts API/);
  },
  // Swagger UI is a third-party page served by the Go binary, not the SPA.
  { allowPageErrors: true },
);

browserTest('openapi.json is served and describes the API', async ({ page }) => {
  const response = await page.request.get('/openapi.json');
  assert.equal(response.status(), 200);
  const spec = await response.json();
  assert.match(String(spec.openapi), /^3\./);
  assert.equal(spec.info.title, '1CloudAI Business Contacts API');
});

// API.md: Swagger UI's Authorize button takes an access token as /auth/login returns it. Swagger
// UI sends an apiKey-type scheme's value as typed, so the token alone went out without "Bearer "
// and every Try it out answered 401; an http bearer scheme adds the prefix.
browserTest(
  'docs: Try it out works with the access token from /auth/login',
  async ({ page }) => {
    const email = `swagger-${uniqueId()}@e2e.test`;
    const password = strongPassword();
    const signup = await page.request.post('/api/v1/auth/signup', {
      data: { email, password, name: 'Swagger Reader', tenant_name: `Swagger ${uniqueId()}` },
    });
    assert.equal(signup.status(), 201, await signup.text());
    const { access_token: token } = await signup.json();

    await page.goto('/docs');
    await page.locator('.swagger-ui .title').waitFor({ timeout: 30_000 });
    await page.locator('.swagger-ui .auth-wrapper').getByRole('button', { name: /Authorize/ }).click();
    const bearerAuth = page.locator('.auth-container').filter({ hasText: 'BearerAuth' });
    await bearerAuth.getByRole('textbox').fill(token);
    await bearerAuth.getByRole('button', { name: 'Authorize', exact: true }).click();
    await bearerAuth.getByRole('button', { name: 'Logout' }).waitFor();
    await page.locator('.dialog-ux').getByRole('button', { name: 'Close' }).first().click();
    await page.locator('.dialog-ux').waitFor({ state: 'detached' });

    const operation = page.locator('#operations-auth-getMe');
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    const executed = apiResponse(page, 'GET', '/me');
    await operation.getByRole('button', { name: 'Execute' }).click();
    const answer = await executed;
    assert.equal(answer.status(), 200, await answer.text());
    assert.equal(await answer.request().headerValue('authorization'), `Bearer ${token}`);
    assert.equal((await answer.json()).user.email, email);
  },
  { allowPageErrors: true },
);
