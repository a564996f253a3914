import assert from 'node:assert/strict';

import { api, createSystemAdmin, signIn, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest, sidewaysLayout } from './lib.mjs';

/** Asserts that every measured control lies within the screen, and that nothing scrolls sideways. */
function assertOnScreen(layout, page) {
  for (const [name, box] of Object.entries(layout.boxes)) {
    assert.ok(box.left >= 0 && box.right <= layout.width, `${page}: ${name} spans ${box.left}-${box.right}px of ${layout.width}px`);
  }
  assert.ok(layout.pageWidth <= layout.width, `${page} is ${layout.pageWidth}px wide on a ${layout.width}px screen`);
  assert.deepEqual(layout.sideways, [], `nothing on ${page} scrolls sideways`);
}

browserTest('phone: a system admin reaches a package\'s Edit and Deactivate, a tenant and a user at 375 px without scrolling sideways', async ({ page }) => {
  const id = uniqueId();
  const staff = { email: `sys-phone-staff-${id}@e2e.test`, password: strongPassword() };
  createSystemAdmin(staff);
  const org = `Phone Staff ${id}`;
  const owner = `phone-staff-owner-${id}@e2e.test`;
  await api('POST', '/auth/signup', {
    body: { email: owner, password: strongPassword(), name: 'Otto Owner', tenant_name: org },
    expect: [200, 201],
  });

  await page.setViewportSize({ width: 375, height: 812 });
  await signIn(page, staff);

  // Packages: the table was 1120 px wide and put Edit and Deactivate at x≈1052-1112.
  await page.goto('/admin/packages');
  const starter = page.getByRole('article', { name: 'Starter', exact: true });
  await starter.waitFor();
  const packages = await sidewaysLayout(page, [
    { role: 'button', name: 'Edit Starter' },
    { role: 'button', name: 'Deactivate Starter' },
  ]);
  assertOnScreen(packages, 'the packages page');
  await starter.getByRole('button', { name: 'Edit Starter' }).click();
  const editor = page.getByRole('dialog', { name: 'Edit package Starter' });
  await editor.waitFor();
  await editor.getByRole('button', { name: 'Cancel' }).click();
  await editor.waitFor({ state: 'detached' });

  // Tenants: the organization's card, its name linking to its page, its status and package on screen.
  await page.goto(`/admin/tenants?q=${encodeURIComponent(org)}`);
  const tenant = page.getByRole('article', { name: org, exact: true });
  await tenant.waitFor();
  const tenants = await sidewaysLayout(page, [{ role: 'link', name: org }]);
  assertOnScreen(tenants, 'the tenants page');
  for (const testId of ['tenant-status', 'tenant-package']) {
    const box = await tenant.getByTestId(testId).boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= tenants.width, `the tenant's ${testId} spans ${box.x}-${box.x + box.width}px`);
  }
  await tenant.getByRole('link', { name: org, exact: true }).click();
  await page.getByTestId('admin-tenant-name').filter({ hasText: org }).waitFor();
  // Its members are a card each too.
  const members = await sidewaysLayout(page, []);
  assertOnScreen(members, 'the tenant\'s page');
  await page.getByRole('article', { name: owner, exact: true }).waitFor();

  // Users: the account's card, its email and the system role it can be given on screen.
  await page.goto(`/admin/users?q=${encodeURIComponent(owner)}`);
  const user = page.getByRole('article', { name: owner, exact: true });
  await user.waitFor();
  const users = await sidewaysLayout(page, [{ role: 'combobox', name: `System role of ${owner}` }]);
  assertOnScreen(users, 'the users page');
  const email = await user.getByTestId('user-email').boundingBox();
  assert.ok(email.x >= 0 && email.x + email.width <= users.width, `the user's email spans ${email.x}-${email.x + email.width}px`);
});
