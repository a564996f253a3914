import assert from 'node:assert/strict';

import { apiResponse, createSystemAdmin, labelled, selectOption, signIn, signUp, strongPassword, uniqueId } from './accounts.mjs';
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

browserTest(
  'admin: a system admin suspends a tenant, its members see why, reactivation gives access back, the audit logs have both',
  async ({ page: owner, openPage }) => {
    const id = uniqueId();
    const organization = `E2E Suspended ${id}`;
    const reason = `Chargeback under review (e2e ${id})`;
    const staff = { email: `sys-suspend-${id}@e2e.test`, password: strongPassword() };
    createSystemAdmin(staff);
    const signedUp = apiResponse(owner, 'POST', '/auth/signup');
    await signUp(owner, { email: `suspended-${id}@e2e.test`, password: strongPassword(), name: 'Sue Spended', organization });
    const tenantId = (await (await signedUp).json()).tenant.id;
    await owner.goto('/team');
    await owner.getByTestId('member-row').first().waitFor();

    // Staff find the tenant by status-less search and suspend it, with a reason.
    const admin = await openPage();
    await signIn(admin, staff);
    await admin.goto('/admin/tenants');
    const search = admin.getByRole('form', { name: 'Search tenants' });
    await search.getByRole('textbox', { name: 'Search' }).fill(organization);
    await search.getByRole('button', { name: 'Search' }).click();
    await admin.getByRole('link', { name: organization, exact: true }).click();
    await waitForExactText(admin.getByTestId('admin-tenant-status'), 'Active');
    await admin.getByRole('button', { name: 'Suspend', exact: true }).click();
    const suspendDialog = admin.getByRole('dialog', { name: `Suspend ${organization}` });
    // A reason is required: the dialog says so before asking the server.
    await suspendDialog.getByRole('button', { name: 'Suspend tenant' }).click();
    await suspendDialog.getByText('Say why the tenant is suspended (at least 3 characters).').waitFor();
    await suspendDialog.getByRole('textbox', { name: labelled('Reason') }).fill(reason);
    const suspended = apiResponse(admin, 'PATCH', `/admin/tenants/${tenantId}`);
    await suspendDialog.getByRole('button', { name: 'Suspend tenant' }).click();
    assert.equal((await suspended).status(), 200);
    await suspendDialog.waitFor({ state: 'detached' });
    await waitForExactText(admin.getByTestId('admin-tenant-status'), 'Suspended');
    await admin.getByRole('alert').filter({ hasText: reason }).waitFor();

    // The member's next request is refused, with the sentence that says what to do.
    const refused = apiResponse(owner, 'GET', '/tenant/members');
    await owner.reload();
    const refusal = await refused;
    assert.equal(refusal.status(), 403);
    assert.equal((await refusal.json()).type.endsWith('tenant-suspended'), true);
    await owner.getByText('This organization is suspended; contact support@1cloudcrm.com.').first().waitFor();
    assert.equal(await owner.getByTestId('member-row').count(), 0, 'no member data while suspended');

    // Reactivation: the reason is optional.
    await admin.getByRole('button', { name: 'Reactivate', exact: true }).click();
    const reactivateDialog = admin.getByRole('dialog', { name: `Reactivate ${organization}` });
    const reactivated = apiResponse(admin, 'PATCH', `/admin/tenants/${tenantId}`);
    await reactivateDialog.getByRole('button', { name: 'Reactivate tenant' }).click();
    assert.equal((await reactivated).status(), 200);
    await waitForExactText(admin.getByTestId('admin-tenant-status'), 'Active');

    await owner.reload();
    await owner.getByTestId('member-row').first().waitFor();

    // The platform audit log, filtered by the tenant, has both decisions.
    await admin.goto('/admin/audit');
    const filter = admin.getByRole('form', { name: 'Filter the platform audit log' });
    await filter.getByRole('textbox', { name: 'Tenant id' }).fill(tenantId);
    await filter.getByRole('textbox', { name: 'Action' }).fill('tenant.*');
    const filtered = admin.waitForResponse((r) => new URL(r.url()).searchParams.get('tenant_id') === tenantId);
    await filter.getByRole('button', { name: 'Filter' }).click();
    assert.equal((await filtered).status(), 200);
    await admin.getByTestId('audit-action').filter({ hasText: 'tenant.reactivated' }).waitFor();
    assert.deepEqual(
      (await admin.getByTestId('audit-action').allTextContents()).map((a) => a.trim()),
      ['tenant.reactivated', 'tenant.suspended', 'tenant.created'],
    );
    await admin.getByTestId('audit-event').filter({ hasText: 'tenant.suspended' }).filter({ hasText: reason }).waitFor();

    // The tenant's own audit log shows the suspension with its reason.
    await owner.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit log' }).click();
    await owner.getByTestId('audit-event').filter({ hasText: 'tenant.suspended' }).filter({ hasText: reason }).waitFor();
  },
  { timeout: 120_000 },
);

browserTest(
  'admin: a system admin creates a package, hidden from customers, and edits its limits',
  async ({ page: admin, openPage }) => {
    const id = uniqueId();
    const code = `e2e_${id}`;
    const name = `E2E Team ${id}`;
    const staff = { email: `sys-packages-${id}@e2e.test`, password: strongPassword() };
    createSystemAdmin(staff);
    await signIn(admin, staff);
    await admin.goto('/admin/packages');
    await admin.getByRole('heading', { level: 1, name: 'Packages' }).waitFor();

    // New package: inactive, so no customer is offered it (other tests' Packages pages stay as seeded).
    await admin.getByRole('button', { name: 'New package' }).click();
    const editor = admin.getByRole('dialog', { name: 'New package' });
    await editor.getByRole('textbox', { name: labelled('Code') }).fill(code);
    await editor.getByRole('textbox', { name: labelled('Name') }).fill(name);
    await editor.getByRole('textbox', { name: 'Users' }).fill('5');
    await editor.getByRole('switch', { name: 'Active (offered to new customers)' }).uncheck();
    const created = apiResponse(admin, 'POST', '/admin/packages');
    await editor.getByRole('button', { name: 'Create package' }).click();
    const answer = await created;
    assert.equal(answer.status(), 201, await answer.text());
    const pkg = await answer.json();
    assert.equal(pkg.code, code);
    assert.equal(pkg.max_users, 5);
    assert.equal(pkg.active, false);
    await editor.waitFor({ state: 'detached' });
    const row = admin.locator(`[data-testid="admin-package-row"][data-code="${code}"]`);
    await row.getByText(name, { exact: true }).waitFor();
    await waitForExactText(row.locator('td').nth(3), '5');

    // Edit: the code is fixed, the limits change.
    await row.getByRole('button', { name: `Edit ${name}` }).click();
    const edit = admin.getByRole('dialog', { name: `Edit package ${name}` });
    assert.equal(await edit.getByRole('textbox', { name: labelled('Code') }).isDisabled(), true);
    await edit.getByRole('textbox', { name: 'Users' }).fill('12');
    const updated = apiResponse(admin, 'PATCH', `/admin/packages/${pkg.id}`);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const patch = await updated;
    assert.equal(patch.status(), 200, await patch.text());
    assert.equal((await patch.json()).max_users, 12);
    await edit.waitFor({ state: 'detached' });
    await waitForExactText(row.locator('td').nth(3), '12');

    // Customers are not offered an inactive package.
    const customer = await openPage();
    await signUp(customer, { email: `plans-${id}@e2e.test`, password: strongPassword(), name: 'Cy Customer', organization: `E2E Plans ${id}` });
    await customer.goto('/packages');
    await customer.getByTestId('package-column-free').waitFor();
    assert.equal(await customer.getByTestId(`package-column-${code}`).count(), 0);
    assert.equal(await customer.getByText(name).count(), 0);
  },
  { timeout: 120_000 },
);
