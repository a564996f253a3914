import assert from 'node:assert/strict';

import { api, createSystemAdmin, signIn, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest, sidewaysLayout } from './lib.mjs';

/** Whether `inner` lies within `outer` (a card clips what sticks out of it, still on the screen). */
async function assertInside(inner, outer, what) {
  const [i, o] = [await inner.boundingBox(), await outer.boundingBox()];
  assert.ok(i.x >= o.x && i.x + i.width <= o.x + o.width, `${what} spans ${i.x}-${i.x + i.width}px, its card ${o.x}-${o.x + o.width}px`);
}

/** Whether `locator`'s box lies within 0–`width` px, with a message saying where it is. */
async function assertOnScreen(locator, width, what) {
  const box = await locator.boundingBox();
  assert.ok(box, `${what} is not shown`);
  assert.ok(box.x >= 0 && box.x + box.width <= width, `${what} spans ${box.x}-${box.x + box.width}px of ${width}px`);
}

browserTest(
  'phone: an org admin reads the audit log and the billing page\'s key usage and change history at 375 px, a card each, nothing to scroll sideways',
  async ({ page }) => {
    const id = uniqueId();
    const admin = { email: `phone-audit-${id}@e2e.test`, password: strongPassword() };
    const { access_token: token, tenant } = await api('POST', '/auth/signup', {
      body: { ...admin, name: 'Aude Audit', tenant_name: `Phone Audit ${id}` },
      expect: [200, 201],
    });
    // A few events, each with details: staff give Starter (API keys need it), the admin invites a
    // member and creates a key.
    const staff = { email: `sys-phone-audit-${id}@e2e.test`, password: strongPassword() };
    createSystemAdmin(staff);
    const { access_token: staffToken } = await api('POST', '/auth/login', { body: staff });
    await api('PUT', `/admin/tenants/${tenant.id}/subscription`, {
      token: staffToken,
      body: { package_code: 'starter', status: 'active', reason: 'phone audit browser test (e2e)' },
    });
    const mate = `phone-audit-mate-${id}@e2e.test`;
    await api('POST', '/tenant/invitations', { token, body: { email: mate, role: 'member' }, expect: [201] });
    const key = await api('POST', '/api-keys', { token, body: { name: 'Phone audit export', scopes: ['contacts:read'] }, expect: [201] });

    await page.setViewportSize({ width: 375, height: 812 });
    await signIn(page, admin);
    await page.goto('/audit?action=invitation.created');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const invited = page.getByRole('article', { name: /^invitation\.created, / });
    await invited.waitFor();

    // The event's values and its Details button are on the screen; Details opens what it says
    // about the invitation, inside the card.
    const width = page.viewportSize().width;
    await assertOnScreen(invited, width, 'the event\'s card');
    await assertOnScreen(invited.getByText(admin.email, { exact: true }), width, 'who invited');
    const details = invited.getByRole('button', { name: 'Details', exact: true });
    await assertOnScreen(details, width, 'the event\'s Details button');
    await details.click();
    const shown = invited.getByTestId('audit-details');
    await shown.getByText(mate).waitFor();
    await assertOnScreen(shown, width, 'the event\'s details');
    const audit = await sidewaysLayout(page, [{ role: 'button', name: 'Hide details' }]);
    assert.ok(audit.pageWidth <= audit.width, `the audit log is ${audit.pageWidth}px wide on a ${audit.width}px screen`);
    assert.deepEqual(audit.sideways, [], 'nothing on the audit log scrolls sideways');

    // Every event, unfiltered: the key's creation and the package change are cards on the screen too.
    await page.goto('/audit');
    for (const action of ['api_key.created', 'subscription.changed', 'invitation.created']) {
      await assertOnScreen(page.getByRole('article', { name: new RegExp(`^${action.replace('.', '\\.')}, `) }).first(), width, `the ${action} card`);
    }
    assert.deepEqual((await sidewaysLayout(page, [])).sideways, [], 'nothing on the whole audit log scrolls sideways');

    // The billing page: the key's use over 30 days and the change to Starter, each a card on the screen.
    await page.goto('/billing');
    const usage = page.getByRole('article', { name: `Phone audit export (${key.prefix})`, exact: true });
    await usage.getByTestId('api-key-usage-total').waitFor();
    await assertOnScreen(usage, width, 'the key\'s usage card');
    await assertOnScreen(usage.getByTestId('api-key-usage-total'), width, 'the key\'s requests');
    // The total and its word, as one line: its parent.
    await assertInside(usage.getByTestId('api-key-usage-total').locator('..'), usage, 'the key\'s requests');
    await assertOnScreen(usage.getByTestId('api-key-status'), width, 'the key\'s status');
    const change = page.getByRole('article', { name: /^Starter · Active, / });
    await assertOnScreen(change, width, 'the change to Starter');
    await assertOnScreen(change.getByText('phone audit browser test (e2e)', { exact: true }), width, 'the change\'s reason');
    await assertOnScreen(change.getByText('Set by 1CloudAI staff', { exact: true }), width, 'the change\'s source');
    const billing = await sidewaysLayout(page, []);
    assert.ok(billing.pageWidth <= billing.width, `the billing page is ${billing.pageWidth}px wide on a ${billing.width}px screen`);
    assert.deepEqual(billing.sideways, [], 'nothing on the billing page scrolls sideways');
  },
);
