import assert from 'node:assert/strict';

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
