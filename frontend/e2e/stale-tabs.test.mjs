/* global document -- the functions passed to page.evaluate run in the page */
import assert from 'node:assert/strict';

import { apiResponse, labelled, selectOption, signUp, strongPassword, uniqueId } from './accounts.mjs';
import { browserTest, waitForExactText } from './lib.mjs';

/** How old a page's data must be before coming back reads it again (refetchOnReturnAfterMs in src/lib/react-query.ts). */
const refetchOnReturnAfterMs = 5_000;

/**
 * The user comes back to `page`'s tab after `since` (when its data was last read): waits until that
 * data is old enough to be read again, then tells the page its tab is visible again, as a browser
 * does on a tab switch (headless Chromium keeps every page visible, so it never fires by itself).
 */
async function comeBack(page, since) {
  const wait = since + refetchOnReturnAfterMs + 500 - Date.now();
  if (wait > 0) await page.waitForTimeout(wait);
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
}

browserTest(
  'stale tabs: an open page shows what a colleague changed once its tab is visible again, without a reload',
  async ({ page: admin, openPage }) => {
    const id = uniqueId();
    const organization = `E2E Tabs ${id}`;
    const memberEmail = `member-${id}@e2e.test`;

    await signUp(admin, { email: `admin-${id}@e2e.test`, password: strongPassword(), name: 'Ada Admin', organization });
    await admin.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Team' }).click();
    await admin.getByRole('textbox', { name: 'Email' }).fill(memberEmail);
    const listed = apiResponse(admin, 'GET', '/tenant/invitations');
    await admin.getByRole('button', { name: 'Send invitation' }).click();
    const acceptUrl = await admin.getByTestId('invite-accept-url').inputValue();
    await listed;
    const adminReadAt = Date.now();
    const invitation = admin.locator(`[data-testid="invitation-row"][data-email="${memberEmail}"]`);
    await waitForExactText(invitation.getByTestId('invitation-status'), 'Pending');

    // The invitee joins in a browser of their own; the admin's Team page stays open.
    const member = await openPage();
    await member.goto(acceptUrl);
    await member.getByRole('textbox', { name: 'Your name' }).fill('Max Member');
    await member.getByLabel(labelled('Password')).fill(strongPassword());
    await member.getByRole('button', { name: `Join ${organization}` }).click();
    await member.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const memberReadAt = Date.now();
    await waitForExactText(member.getByTestId('current-tenant'), `${organization}Member`);
    const memberNav = member.getByRole('navigation', { name: 'Main navigation' });
    await memberNav.getByRole('link', { name: 'Imports' }).waitFor();

    // Back on the admin's tab: the new member and the accepted invitation, no reload.
    const reread = apiResponse(admin, 'GET', '/tenant/members');
    await comeBack(admin, adminReadAt);
    assert.equal((await reread).status(), 200);
    await admin.locator(`[data-testid="member-row"][data-email="${memberEmail}"]`).waitFor();
    await waitForExactText(invitation.getByTestId('invitation-status'), 'Accepted');

    // The admin makes them a viewer; the member's open page follows when they come back to it:
    // the navigation and the badge in the header both say Viewer.
    const roleChanged = apiResponse(admin, 'PATCH', /^\/tenant\/members\/[^/]+$/);
    await selectOption(admin, `Role of ${memberEmail}`, 'Viewer');
    assert.equal((await roleChanged).status(), 200);
    await comeBack(member, memberReadAt);
    await waitForExactText(member.getByTestId('current-tenant'), `${organization}Viewer`);
    // Viewers are not offered imports.
    await memberNav.getByRole('link', { name: 'Imports' }).waitFor({ state: 'detached' });
  },
  { timeout: 120_000 },
);
