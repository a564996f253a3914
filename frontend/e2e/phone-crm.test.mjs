import assert from 'node:assert/strict';

import { api, createSystemAdmin, seedContacts, signIn, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest, sidewaysLayout } from './lib.mjs';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');

/** Whether `inner` lies within `outer` (a card clips what sticks out of it, still on the screen). */
async function assertInside(inner, outer, what) {
  const [i, o] = [await inner.boundingBox(), await outer.boundingBox()];
  assert.ok(i && o, `${what} or its card is not shown`);
  assert.ok(i.x >= o.x && i.x + i.width <= o.x + o.width, `${what} spans ${i.x}-${i.x + i.width}px, its card ${o.x}-${o.x + o.width}px`);
}

/** Whether `locator`'s box lies within 0–`width` px, with a message saying where it is. */
async function assertOnScreen(locator, width, what) {
  const box = await locator.boundingBox();
  assert.ok(box, `${what} is not shown`);
  assert.ok(box.x >= 0 && box.x + box.width <= width, `${what} spans ${box.x}-${box.x + box.width}px of ${width}px`);
}

/** Nothing in `main` scrolls sideways, and the page is no wider than the screen. */
async function assertNoSideways(page, what) {
  const layout = await sidewaysLayout(page, []);
  assert.ok(layout.pageWidth <= layout.width, `${what} is ${layout.pageWidth}px wide on a ${layout.width}px screen`);
  assert.deepEqual(layout.sideways, [], `nothing on ${what} scrolls sideways`);
}

browserTest(
  'phone: an org admin reads the CRM push history, a push\'s contacts and the home page\'s recent imports at 375 px, a card each, nothing to scroll sideways',
  async ({ page }) => {
    seedContacts();
    const id = uniqueId();
    const admin = { email: `phone-crm-${id}@e2e.test`, password: strongPassword() };
    const crmAccount = `acc_phone_${id.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
    const { access_token: token, tenant } = await api('POST', '/auth/signup', {
      body: { ...admin, name: 'Cleo Crm', tenant_name: `Phone CRM ${id}` },
      expect: [200, 201],
    });
    // The CRM needs Pro: staff give it.
    const staff = { email: `sys-phone-crm-${id}@e2e.test`, password: strongPassword() };
    createSystemAdmin(staff);
    const { access_token: staffToken } = await api('POST', '/auth/login', { body: staff });
    await api('PUT', `/admin/tenants/${tenant.id}/subscription`, {
      token: staffToken,
      body: { package_code: 'pro', status: 'active', reason: 'phone CRM browser test (e2e)' },
    });

    // One finished import, for the home page.
    const fileName = `phone-crm-${id}.csv`;
    const form = new FormData();
    form.append('file', new Blob([`Email,First Name,Last Name,Company\nnia.${id}@e2e.test,Nia,Import,Phone Co\n`], { type: 'text/csv' }), fileName);
    const uploaded = await fetch(`${BASE_URL}/api/v1/imports`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
    assert.equal(uploaded.status, 201, await uploaded.clone().text());
    const { id: importId } = await uploaded.json();
    await api('POST', `/imports/${importId}/start`, { token, expect: [202] });

    // Two approved contacts.
    const found = await api('POST', '/contacts/search', { token, body: { query: 'engineer', page_size: 2 } });
    const contactIds = found.items.slice(0, 2).map((c) => c.id);
    assert.equal(contactIds.length, 2, 'the seeded data has engineers');
    await api('POST', '/saved-contacts', { token, body: { contact_ids: contactIds } });
    await api('POST', '/saved-contacts/approve', { token, body: { contact_ids: contactIds } });

    // Connect the fake CRM through its consent page, then push both through the API.
    await signIn(page, admin);
    await page.goto('/integrations');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/oauth/authorize');
    await page.getByRole('textbox', { name: 'CRM account' }).fill(crmAccount);
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/integrations' && url.searchParams.get('crm') === 'connected');
    const { id: pushId } = await api('POST', '/crm/pushes', { token, body: { contact_ids: contactIds }, expect: [202] });
    for (let i = 0; ; i++) {
      const push = await api('GET', `/crm/pushes/${pushId}`, { token });
      if (push.status === 'completed') break;
      assert.ok(i < 450 && ['queued', 'running'].includes(push.status), `push ${pushId} is ${push.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    await page.setViewportSize({ width: 375, height: 812 });
    const width = 375;

    // The push history: the push's card with its status and counts on the screen, inside the card.
    await page.goto('/integrations/pushes');
    await page.getByRole('heading', { level: 1, name: 'Push history' }).waitFor();
    const card = page.locator(`[data-testid="push-row"][data-push-id="${pushId}"]`);
    await card.waitFor();
    await assertOnScreen(card, width, 'the push\'s card');
    for (const [testId, what] of [
      ['push-status', 'status'],
      ['push-total', 'total'],
      ['push-pushed', 'pushed count'],
      ['push-skipped', 'skipped count'],
      ['push-rejected', 'rejected count'],
      ['push-failed', 'failed count'],
    ]) {
      await assertOnScreen(card.getByTestId(testId), width, `the push's ${what}`);
      await assertInside(card.getByTestId(testId), card, `the push's ${what}`);
    }
    assert.equal((await card.getByTestId('push-pushed').textContent()).trim(), '2');
    await assertNoSideways(page, 'the push history');

    // Opening the push: each contact and each attempt a card on the screen, the CRM's answer inside it.
    await card.getByRole('link').click();
    await page.getByTestId('push-summary').waitFor();
    for (const contactId of contactIds) {
      const item = page.locator(`[data-testid="push-item"][data-contact-id="${contactId}"]`);
      await assertOnScreen(item, width, `contact ${contactId}'s card`);
      const attempt = item.locator('[data-testid="push-attempt"][data-outcome="created"]');
      await attempt.waitFor();
      await assertInside(attempt, item, `contact ${contactId}'s attempt`);
      await assertInside(attempt.getByText('created', { exact: true }), attempt, `contact ${contactId}'s outcome`);
      await assertInside(attempt.getByTestId('push-attempt-answer'), attempt, `contact ${contactId}'s CRM answer`);
    }
    await assertNoSideways(page, 'the push');

    // The home page: the import's card with its link, status and rows inside the screen.
    await page.goto('/');
    const recent = page.getByRole('article', { name: fileName, exact: true });
    await recent.waitFor();
    await assertOnScreen(recent, width, 'the import\'s card');
    await assertInside(recent.getByRole('link', { name: fileName }), recent, 'the import\'s file');
    await assertInside(recent.getByTestId('import-status'), recent, 'the import\'s status');
    await assertNoSideways(page, 'the home page');
    await recent.getByRole('link', { name: fileName }).click();
    await page.waitForURL((url) => url.pathname === `/imports/${importId}`);
  },
  { timeout: 240_000 },
);
