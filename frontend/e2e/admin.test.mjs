import assert from 'node:assert/strict';

import { apiResponse, createSystemAdmin, selectOption, signIn, signUp, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest, waitForExactText } from './lib.mjs';

browserTest(
  'admin: a system admin assigns the Pro package and the tenant sees the Pro limits',
  async ({ page: owner, openPage }) => {
    const id = uniqueId();
    const organization = `E2E Billing ${id}`;
    const staff = { email: `sys-${id}@e2e.test`, password: strongPassword() };
    const printed = createSystemAdmin(staff);
    assert.match(printed, new RegExp(`${staff.email}.*system_admin`));

    // A new tenant starts on Free.
    await signUp(owner, { email: `owner-${id}@e2e.test`, password: strongPassword(), name: 'Olga Owner', organization });
    await owner.goto('/billing');
    await waitForExactText(owner.getByTestId('current-package'), 'Free');
    await waitForExactText(owner.getByTestId('meter-seats-value'), '1 of 3');
    await waitForExactText(owner.getByTestId('meter-searches-value'), '0 of 100');
    assert.equal(
      await owner.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Admin' }).count(),
      0,
      'customers do not see the admin console',
    );

    // Platform staff sign in elsewhere and assign Pro.
    const admin = await openPage();
    await signIn(admin, staff);
    await admin.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Admin' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Tenants' }).waitFor();
    const search = admin.getByRole('form', { name: 'Search tenants' });
    await search.getByRole('textbox', { name: 'Search' }).fill(organization);
    await search.getByRole('button', { name: 'Search' }).click();
    await admin.getByRole('link', { name: organization, exact: true }).click();
    await waitForExactText(admin.getByTestId('admin-tenant-name'), organization);
    await waitForExactText(admin.getByTestId('admin-tenant-package'), 'Free');

    await selectOption(admin, 'Package', 'Pro (pro) · 50 users');
    await admin.getByRole('textbox', { name: 'Reason' }).fill('Annual contract signed offline (e2e)');
    const assigned = apiResponse(admin, 'PUT', /^\/admin\/tenants\/[^/]+\/subscription$/);
    await admin.getByRole('button', { name: 'Assign subscription' }).click();
    const put = await assigned;
    assert.equal(put.status(), 200);
    assert.equal((await put.json()).source, 'manual');
    await waitForExactText(admin.getByTestId('admin-tenant-package'), 'Pro');

    // The tenant's usage page shows the Pro limits.
    await owner.reload();
    await waitForExactText(owner.getByTestId('current-package'), 'Pro');
    await waitForExactText(owner.getByTestId('subscription-status'), 'Active');
    await waitForExactText(owner.getByTestId('meter-seats-value'), '1 of 50');
    await waitForExactText(owner.getByTestId('meter-searches-value'), '0 of 20,000');
    await waitForExactText(owner.getByTestId('limit-max-users'), '50');
    await waitForExactText(owner.getByTestId('limit-contacts-per-query'), '500');
    await waitForExactText(owner.getByTestId('limit-api-access'), 'Yes');
    assert.equal(await owner.getByTestId('package-column-pro').getAttribute('aria-current'), 'true');
  },
  { timeout: 120_000 },
);
