import assert from 'node:assert/strict';

import { api, apiResponse, createSystemAdmin, seedContacts, signIn, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest, waitForExactText } from './lib.mjs';

// The server under test talks to a fake 1CloudAI CRM (contacts fakecrm) that scripts/test.sh
// starts; CRM_FAKE_URL is where it answers, for checking what it received.
const CRM_FAKE_URL = (process.env.CRM_FAKE_URL || '').replace(/\/+$/, '');

browserTest(
  'crm: connect through the consent page, push two approved contacts, see them in the history',
  async ({ page }) => {
    seedContacts();
    const id = uniqueId();
    const owner = { email: `crm-owner-${id}@e2e.test`, password: strongPassword() };
    // A CRM account of its own on the shared fake, so its record count is this test's alone.
    const crmAccount = `acc_e2e_${id.toLowerCase().replace(/[^a-z0-9]/g, '')}`;

    // A new organization, moved to the Pro package by platform staff.
    const signup = await api('POST', '/auth/signup', {
      body: { email: owner.email, password: owner.password, name: 'Cora CRM', tenant_name: `E2E CRM ${id}` },
      expect: [200, 201],
    });
    const tenantId = signup.tenant.id;
    const staff = { email: `crm-sys-${id}@e2e.test`, password: strongPassword() };
    createSystemAdmin(staff);
    const staffToken = (await api('POST', '/auth/login', { body: staff })).access_token;
    await api('PUT', `/admin/tenants/${tenantId}/subscription`, {
      token: staffToken,
      body: { package_code: 'pro', status: 'active', reason: 'CRM browser test (e2e)' },
    });

    // The org admin saves two contacts and approves them for the CRM.
    const token = signup.access_token;
    const found = await api('POST', '/contacts/search', { token, body: { query: 'engineer', page_size: 2 } });
    const contactIds = found.items.slice(0, 2).map((c) => c.id);
    assert.equal(contactIds.length, 2, 'the seeded data has engineers');
    assert.equal((await api('POST', '/saved-contacts', { token, body: { contact_ids: contactIds } })).saved, 2);
    assert.equal((await api('POST', '/saved-contacts/approve', { token, body: { contact_ids: contactIds } })).count, 2);

    // Integrations: not connected yet.
    await signIn(page, owner);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Integrations', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
    await waitForExactText(page.getByTestId('crm-status'), 'Not connected');

    // Connect: the browser leaves for the CRM's consent page, and Allow brings it back connected.
    const connect = apiResponse(page, 'POST', '/crm/connect');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    assert.equal((await connect).status(), 200);
    await page.waitForURL((url) => url.pathname === '/oauth/authorize');
    if (CRM_FAKE_URL) assert.equal(new URL(page.url()).origin, CRM_FAKE_URL);
    await page.getByRole('heading', { name: /^Authorize / }).waitFor();
    await page.getByRole('textbox', { name: 'CRM account' }).fill(crmAccount);
    await page.getByRole('button', { name: 'Allow', exact: true }).click();

    await page.waitForURL((url) => url.pathname === '/integrations' && url.searchParams.get('crm') === 'connected');
    await page.getByTestId('crm-connect-result').filter({ hasText: '1CloudAI CRM connected' }).waitFor();
    await waitForExactText(page.getByTestId('crm-status'), 'Connected');
    await page.getByTestId('crm-account').filter({ hasText: crmAccount }).waitFor();
    await page.getByTestId('crm-connected-by').filter({ hasText: owner.email }).waitFor();
    await waitForExactText(page.getByTestId('crm-last-push'), 'None yet');

    // Push approved: the preview says two contacts will be created.
    const previewed = apiResponse(page, 'POST', '/crm/pushes');
    await page.getByRole('button', { name: 'Push approved to CRM' }).click();
    const preview = await previewed;
    assert.equal(preview.status(), 200);
    assert.equal(new URL(preview.url()).searchParams.get('dry_run'), 'true');
    const dialog = page.getByRole('dialog', { name: 'Push approved contacts to 1CloudAI CRM' });
    await waitForExactText(dialog.getByTestId('preview-to-create'), '2');
    await waitForExactText(dialog.getByTestId('preview-to-update'), '0');
    await waitForExactText(dialog.getByTestId('preview-rejected'), '0');

    const queued = apiResponse(page, 'POST', '/crm/pushes');
    await dialog.getByRole('button', { name: 'Push 2 contacts' }).click();
    const push = await queued;
    assert.equal(push.status(), 202);
    const pushId = (await push.json()).id;
    assert.ok(pushId, 'the queued push has an id');

    // The dialog follows the push until the worker has sent both.
    await dialog.getByTestId('push-progress').waitFor();
    await dialog.getByTestId('push-done').filter({ hasText: 'Done: 2 contacts pushed to the CRM.' }).waitFor({ timeout: 45_000 });
    await waitForExactText(dialog.getByTestId('push-progress-text'), '2 of 2 sent');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('crm-last-push').filter({ hasNotText: 'None yet' }).waitFor();

    // The fake CRM holds exactly the two contacts, keyed by our ids.
    if (CRM_FAKE_URL) {
      const records = await (await fetch(`${CRM_FAKE_URL}/_fake/accounts/${crmAccount}/records`)).json();
      assert.equal(records.count, 2);
      assert.deepEqual(records.records.map((r) => r.external_id).sort(), [...contactIds].sort());
    }

    // The history shows the push with both contacts pushed.
    await page.getByRole('link', { name: 'Push history' }).click();
    await page.getByRole('heading', { level: 1, name: 'Push history' }).waitFor();
    const row = page.locator(`[data-testid="push-row"][data-push-id="${pushId}"]`);
    await waitForExactText(row.getByTestId('push-status'), 'Completed');
    await waitForExactText(row.getByTestId('push-pushed'), '2');
    await waitForExactText(row.getByTestId('push-total'), '2');
    await waitForExactText(row.getByTestId('push-failed'), '0');

    // Its detail lists both contacts as pushed, each with the CRM's answer.
    await row.getByRole('link').click();
    await page.getByTestId('push-summary').waitFor();
    await waitForExactText(page.getByTestId('summary-created'), '2');
    const items = page.getByTestId('push-item');
    await items.nth(1).waitFor();
    assert.equal(await items.count(), 2);
    for (const contactId of contactIds) {
      const item = page.locator(`[data-testid="push-item"][data-contact-id="${contactId}"]`);
      await waitForExactText(item.getByTestId('push-item-status'), 'Pushed');
      assert.equal(await item.locator('[data-testid="push-attempt"][data-outcome="created"]').count(), 1);
    }

    // Disconnect, after reading what it does: the grant goes, the records and the history stay.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Integrations', exact: true }).click();
    await waitForExactText(page.getByTestId('crm-status'), 'Connected');
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Disconnect the 1CloudAI CRM' });
    await confirm.getByTestId('disconnect-consequences').getByText('Records already in the CRM stay there, and the push history is kept.').waitFor();
    const disconnected = apiResponse(page, 'DELETE', '/crm/connection');
    await confirm.getByRole('button', { name: 'Disconnect', exact: true }).click();
    assert.equal((await disconnected).status(), 204);
    await confirm.waitFor({ state: 'detached' });
    await waitForExactText(page.getByTestId('crm-status'), 'Disconnected');
    await page.getByTestId('crm-disconnected').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Push approved to CRM' }).count(), 0, 'nothing to push to');
    await page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
    if (CRM_FAKE_URL) {
      const records = await (await fetch(`${CRM_FAKE_URL}/_fake/accounts/${crmAccount}/records`)).json();
      assert.equal(records.count, 2, 'the CRM keeps what was pushed');
    }
    await page.getByRole('link', { name: 'Push history' }).click();
    await waitForExactText(page.locator(`[data-testid="push-row"][data-push-id="${pushId}"]`).getByTestId('push-status'), 'Completed');
  },
  { timeout: 240_000 },
);
