import assert from 'node:assert/strict';

import { api, signIn, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest, waitForValue } from './lib.mjs';

browserTest(
  'phone: a member of two organizations sees the current one and switches from the navigation',
  async ({ page }) => {
    const id = uniqueId();
    const first = `Phone One ${id}`;
    const second = `Phone Two ${id}`;
    const user = { email: `phone-${id}@e2e.test`, password: strongPassword() };
    await api('POST', '/auth/signup', {
      body: { ...user, name: 'Pia Phone', tenant_name: first },
      expect: [200, 201],
    });
    const other = await api('POST', '/auth/signup', {
      body: { email: `phone-other-${id}@e2e.test`, password: strongPassword(), name: 'Olaf Other', tenant_name: second },
      expect: [200, 201],
    });
    const invitation = await api('POST', '/tenant/invitations', {
      token: other.access_token,
      body: { email: user.email, role: 'member' },
      expect: [201],
    });
    const token = new URL(invitation.accept_url).hash.replace(/^#token=/, '');
    await api('POST', '/invitations/accept', { body: { token, password: user.password } });

    await page.setViewportSize({ width: 375, height: 812 });
    await signIn(page, user);

    // The header has no room for the organization on a phone: the navigation shows it.
    await page.getByRole('button', { name: 'Open navigation' }).click();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    const organization = nav.getByRole('combobox', { name: 'Organization' });
    await organization.waitFor();
    const current = await organization.inputValue();
    const [from, to] = current.startsWith(first) ? [first, second] : [second, first];
    assert.equal(current, `${from} (${from === first ? 'Org admin' : 'Member'})`);

    const switched = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/switch-tenant');
    await organization.click();
    await page.getByRole('option', { name: new RegExp(`^${to} `) }).click();
    assert.equal((await switched).status(), 200);
    await waitForValue(nav.getByRole('combobox', { name: 'Organization' }), `${to} (${to === first ? 'Org admin' : 'Member'})`);

    // The page itself belongs to the organization switched to.
    await nav.getByRole('link', { name: 'Team', exact: true }).click();
    await page.getByText(`Who works in ${to}, and what they may do.`).waitFor();
  },
);
