/* global document -- the function passed to page.waitForFunction runs in the page */
import assert from 'node:assert/strict';

import { apiResponse, labelled, selectOption, signUp, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest, waitForExactText, waitForValue } from './lib.mjs';

browserTest(
  'team: sign up, invite a member, accept in a fresh browser, change their role, remove them',
  async ({ page: admin, openPage }) => {
    const id = uniqueId();
    const organization = `E2E Team ${id}`;
    const adminEmail = `admin-${id}@e2e.test`;
    const memberEmail = `member-${id}@e2e.test`;

    await signUp(admin, { email: adminEmail, password: strongPassword(), name: 'Ada Admin', organization });
    await waitForExactText(admin.getByTestId('current-tenant'), `${organization}Org admin`);

    // Invite from the Team page and read the accept link it shows once.
    await admin.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Team' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
    await admin.locator(`[data-testid="member-row"][data-email="${adminEmail}"]`).waitFor();
    await waitForExactText(admin.getByTestId('meter-team-seats-value'), '1 of 3');

    await admin.getByRole('textbox', { name: 'Email' }).fill(memberEmail);
    const created = apiResponse(admin, 'POST', '/tenant/invitations');
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    assert.equal((await created).status(), 201);
    const acceptUrl = await admin.getByTestId('invite-accept-url').inputValue();
    // The button was disabled while it loaded, which drops focus to the page; it has it back (within
    // the page's action timeout: on a loaded machine the re-render after the answer can take seconds).
    await admin.waitForFunction(() => document.activeElement?.textContent === 'Send invitation');
    assert.match(acceptUrl, /\/invitations\/accept#token=[A-Za-z0-9_-]{20,}$/, 'the link carries the token in the fragment');
    await admin.getByTestId('invitation-created').getByText(`We also emailed this link to ${memberEmail}`).waitFor();
    const invitation = admin.locator(`[data-testid="invitation-row"][data-email="${memberEmail}"]`);
    await waitForExactText(invitation.getByTestId('invitation-status'), 'Pending');
    await waitForExactText(admin.getByTestId('meter-team-seats-value'), '2 of 3');

    // The invitee opens the link in a browser of their own.
    const member = await openPage();
    const lookup = apiResponse(member, 'POST', '/invitations/lookup');
    await member.goto(acceptUrl);
    const lookupResponse = await lookup;
    assert.equal(lookupResponse.status(), 200);
    assert.ok(!lookupResponse.url().includes('token'), 'the token never travels in a URL');
    await waitForExactText(member.getByTestId('invitation-email'), memberEmail);
    await waitForExactText(member.getByTestId('invitation-tenant'), organization);
    await waitForExactText(member.getByTestId('invitation-role'), 'Member');
    await member.getByRole('textbox', { name: 'Your name' }).fill('Max Member');
    await member.getByLabel(labelled('Password')).fill(strongPassword());
    await member.getByRole('button', { name: `Join ${organization}` }).click();
    await member.getByTestId('user-menu').waitFor();
    await member.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    assert.equal(new URL(member.url()).pathname, '/');
    await waitForExactText(member.getByTestId('current-tenant'), `${organization}Member`);

    // The admin sees the new member and makes them a viewer.
    await admin.reload();
    const memberRow = admin.locator(`[data-testid="member-row"][data-email="${memberEmail}"]`);
    await memberRow.waitFor();
    await waitForExactText(invitation.getByTestId('invitation-status'), 'Accepted');
    const roleChanged = apiResponse(admin, 'PATCH', /^\/tenant\/members\/[^/]+$/);
    await selectOption(admin, `Role of ${memberEmail}`, 'Viewer');
    const patch = await roleChanged;
    assert.equal(patch.status(), 200);
    assert.equal((await patch.json()).role, 'viewer');
    await waitForValue(admin.getByRole('combobox', { name: `Role of ${memberEmail}`, exact: true }), 'Viewer');

    // The member's next page load shows the new role, read-only.
    await member.goto('/team');
    await member.getByTestId('team-read-only').waitFor();
    await waitForExactText(
      member.locator(`[data-testid="member-row"][data-email="${memberEmail}"]`).getByTestId('member-role'),
      'Viewer',
    );
    assert.equal(await member.getByRole('button', { name: 'Send invitation' }).count(), 0, 'viewers cannot invite');

    // The admin removes them, after confirming.
    await admin.getByRole('button', { name: `Remove ${memberEmail}` }).click();
    const removed = apiResponse(admin, 'DELETE', /^\/tenant\/members\/[^/]+$/);
    await admin.getByRole('dialog', { name: 'Remove member' }).getByRole('button', { name: 'Remove member' }).click();
    assert.equal((await removed).status(), 204);
    await memberRow.waitFor({ state: 'detached' });
    await waitForExactText(admin.getByTestId('meter-team-seats-value'), '1 of 3');

    // The tenant's audit log has both changes.
    await admin.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit log' }).click();
    await admin.getByRole('textbox', { name: 'Action' }).fill('member.*');
    const filtered = admin.waitForResponse((r) => new URL(r.url()).searchParams.get('action') === 'member.*');
    await admin.getByRole('button', { name: 'Filter' }).click();
    assert.equal((await filtered).status(), 200);
    await admin.getByTestId('audit-action').filter({ hasText: 'member.removed' }).waitFor();
    await admin.getByTestId('audit-action').filter({ hasText: 'member.role_changed' }).waitFor();
    assert.deepEqual(
      [...new Set(await admin.getByTestId('audit-action').allTextContents())].sort(),
      ['member.removed', 'member.role_changed'],
    );

    // The removed member loses the organization on their next request.
    await member.reload();
    await member.getByTestId('forbidden').waitFor();
    await waitForExactText(member.getByTestId('current-tenant'), 'No organization');
  },
  { timeout: 120_000 },
);
