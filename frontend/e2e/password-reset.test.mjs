import assert from 'node:assert/strict';

import { createSystemAdmin, labelled, signIn, signUp, strongPassword, uniqueId } from './accounts.mjs';
import { BASE_URL, browserTest } from './lib.mjs';

/** The reset link mailed to `email`, read from the development outbox as platform staff. */
async function resetLinkFor(email, staff) {
  const login = await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(staff),
  });
  assert.equal(login.status, 200);
  const { access_token: token } = await login.json();
  // A background job looks the address up and queues the mail: wait for it.
  let mail;
  for (let tries = 0; !mail && tries < 100; tries++) {
    if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const outbox = await fetch(`${BASE_URL}/api/v1/admin/outbox`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(outbox.status, 200);
    mail = (await outbox.json()).items.find((m) => m.to === email && m.subject.startsWith('Reset your'));
  }
  assert.ok(mail, `a reset mail to ${email}`);
  const link = mail.body.match(/https?:\/\/\S+\/reset-password#token=[A-Za-z0-9_-]+/);
  assert.ok(link, 'the mail carries the link');
  return new URL(link[0]);
}

browserTest('password reset: forgot the password, follow the mailed link, sign in with the new one', async ({ page }) => {
  const id = uniqueId();
  const email = `forgetful-${id}@e2e.test`;
  const staff = { email: `sys-reset-${id}@e2e.test`, password: strongPassword() };
  createSystemAdmin(staff);
  const oldPassword = strongPassword();
  const newPassword = strongPassword();
  await signUp(page, { email, password: oldPassword, name: 'Fay Forgetful', organization: `E2E Reset ${id}` });
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await page.getByTestId('reset-requested').waitFor();

  const link = await resetLinkFor(email, staff);
  await page.goto(link.pathname + link.hash);
  await page.getByLabel(labelled('New password')).fill(newPassword);
  await page.getByLabel(labelled('Repeat the new password')).fill(newPassword);
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await page.getByText('Your password was changed and every session ended.', { exact: false }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/login');

  // The same link works once.
  await page.goto(link.pathname + link.hash);
  await page.getByLabel(labelled('New password')).fill(strongPassword());
  await page.getByLabel(labelled('Repeat the new password')).fill(await page.getByLabel(labelled('New password')).inputValue());
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await page.getByTestId('reset-link-dead').waitFor();

  await signIn(page, { email, password: newPassword });
});
