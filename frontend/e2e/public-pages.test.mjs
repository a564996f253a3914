import assert from 'node:assert/strict';

import { browserTest } from './lib.mjs';

browserTest('terms page renders the current terms', async ({ page }) => {
  await page.goto('/terms');

  await page.getByRole('heading', { level: 1, name: 'Terms of Service' }).waitFor();
  await page.getByText('Last updated: May 30, 2026').waitFor();
  for (const heading of [
    'Use of the service',
    'Accounts and permissions',
    'Contact data and CRM sync',
    'Packages, billing, and limits',
    'Availability and changes',
    'Support',
    'Privacy',
  ]) {
    await page.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
  }
  const article = page.getByRole('article');
  assert.equal(
    await article.getByRole('link', { name: 'support@1cloudcrm.com' }).getAttribute('href'),
    'mailto:support@1cloudcrm.com',
  );
  assert.equal(
    await article.getByRole('link', { name: 'https://1cloudaicrm.com/contact' }).getAttribute('href'),
    'https://1cloudaicrm.com/contact',
  );
});

browserTest('privacy page renders and links back to the terms', async ({ page }) => {
  await page.goto('/privacy');

  await page.getByRole('heading', { level: 1, name: 'Privacy Policy' }).waitFor();
  for (const phrase of ['argon2id', 'AES-256-GCM', 'SHA-256', 'IP address', 'never written to logs']) {
    await page.getByText(phrase, { exact: false }).first().waitFor();
  }

  await page.getByRole('article').getByRole('link', { name: 'Terms of Service' }).click();
  await page.getByRole('heading', { level: 1, name: 'Terms of Service' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/terms');
});

browserTest('footer on every page links terms, privacy and support', async ({ page }) => {
  for (const path of ['/', '/terms', '/no-such-page']) {
    await page.goto(path);
    const footer = page.getByRole('contentinfo');
    await footer.waitFor();
    assert.equal(await footer.getByRole('link', { name: 'Terms of Service' }).getAttribute('href'), '/terms');
    assert.equal(await footer.getByRole('link', { name: 'Privacy' }).getAttribute('href'), '/privacy');
    assert.equal(
      await footer.getByRole('link', { name: 'support@1cloudcrm.com' }).getAttribute('href'),
      'mailto:support@1cloudcrm.com',
    );
    assert.equal(
      await footer.getByRole('link', { name: 'Contact form' }).getAttribute('href'),
      'https://1cloudaicrm.com/contact',
    );
  }
});

browserTest('an unknown client route shows the SPA 404 with a way home', async ({ page }) => {
  const response = await page.goto('/definitely/not/a/page');
  assert.equal(response?.status(), 200, 'the server falls back to index.html for client routes');

  await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  await page.getByRole('link', { name: 'Go to the overview' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
});

browserTest('unknown API routes answer problem+json, not the SPA', async ({ page }) => {
  const response = await page.request.get('/api/v1/definitely-not-here');
  assert.equal(response.status(), 404);
  assert.match(response.headers()['content-type'] ?? '', /^application\/problem\+json/);
  const problem = await response.json();
  assert.equal(problem.status, 404);
  assert.ok(problem.request_id, 'the problem names its request id');
});
