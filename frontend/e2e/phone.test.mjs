/* global document, window -- the functions passed to page.evaluate run in the page */
import assert from 'node:assert/strict';

import { api, createSystemAdmin, seedContacts, signIn, strongPassword, uniqueId } from './accounts.mjs';
import { BASE_URL, browserTest, sidewaysLayout, waitForValue } from './lib.mjs';

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

    // A member of the team reads it on a card, nothing to scroll sideways to.
    assert.deepEqual((await sidewaysLayout(page, [])).sideways, []);
  },
);

/** How the search box and the sort menu sit: whether the box's hint fits, and the two boxes' positions. */
function searchRowLayout(page) {
  return page.evaluate(() => {
    const input = document.querySelector('input[aria-label="Search contacts"]');
    const sort = document.querySelector('input[aria-label="Sort by"]');
    const style = window.getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d');
    context.font = style.font;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const box = input.getBoundingClientRect();
    const sortBox = sort.getBoundingClientRect();
    return {
      hint: input.placeholder,
      hintWidth: context.measureText(input.placeholder).width,
      room,
      boxTop: box.top,
      sortTop: sortBox.top,
      sortRight: sortBox.right,
      viewport: window.innerWidth,
    };
  });
}

browserTest('phone: the search box keeps its whole hint at 375 px, the sort menu wraps under it', async ({ page }) => {
  const user = { email: `phone-search-${uniqueId()}@e2e.test`, password: strongPassword() };
  await api('POST', '/auth/signup', {
    body: { ...user, name: 'Sid Search', tenant_name: `Phone Search ${uniqueId()}` },
    expect: [200, 201],
  });
  await page.setViewportSize({ width: 375, height: 812 });
  await signIn(page, user);
  await page.goto('/search');
  await page.getByRole('textbox', { name: 'Search contacts' }).waitFor();

  const phone = await searchRowLayout(page);
  assert.equal(phone.hint, 'Search by name, title or company');
  assert.ok(phone.hintWidth <= phone.room, `the hint (${phone.hintWidth}px) fits the box (${phone.room}px) at 375px`);
  assert.ok(phone.sortTop > phone.boxTop, 'the sort menu sits under the box at 375px');
  assert.ok(phone.sortRight <= phone.viewport, 'the sort menu stays on screen at 375px');

  // The desktop keeps the box and the sort menu on one row.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForFunction(() => window.innerWidth === 1280, null, { polling: 'raf' });
  const desktop = await searchRowLayout(page);
  assert.equal(desktop.sortTop, desktop.boxTop, 'the sort menu is beside the box at 1280px');
  assert.ok(desktop.hintWidth <= desktop.room);
});

/**
 * Uploads `csv` as an import of the organization of `token` and runs it to the end through the API,
 * so a test can look at the contacts it creates.
 */
async function importThroughApi(token, name, csv) {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), name);
  const uploaded = await fetch(`${BASE_URL}/api/v1/imports`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
  assert.equal(uploaded.status, 201, await uploaded.clone().text());
  const { id } = await uploaded.json();
  await api('POST', `/imports/${id}/start`, { token, expect: [202] });
  for (let i = 0; i < 300; i++) {
    const imp = await api('GET', `/imports/${id}`, { token });
    if (imp.status === 'completed') return imp;
    assert.ok(['queued', 'running'].includes(imp.status), `import ${id} ended ${imp.status}: ${imp.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${id} did not finish`);
}

browserTest('phone: a contact whose values have nowhere to break fits the drawer at 375 px', async ({ page }) => {
  const id = uniqueId();
  const user = { email: `phone-long-${id}@e2e.test`, password: strongPassword() };
  const { access_token: token } = await api('POST', '/auth/signup', {
    body: { ...user, name: 'Lena Long', tenant_name: `Phone Long ${id}` },
    expect: [200, 201],
  });
  const email = `maximiliana.von-hohenzollern-sigmaringen.${id}@internationale-gesellschaft.example`;
  const town = 'Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch';
  await importThroughApi(
    token,
    `long-${id}.csv`,
    `Email,First Name,Last Name,Company,City\n${email},Maximiliana,Hohenzollern,株式会社日本電信電話グローバルソリューションズ東日本支社,${town}\n`,
  );

  await page.setViewportSize({ width: 375, height: 812 });
  await signIn(page, user);
  await page.goto('/saved');
  await page.getByRole('button', { name: 'Maximiliana Hohenzollern' }).click();
  const details = page.getByTestId('contact-details');
  await details.getByRole('link', { name: email }).waitFor();
  await details.getByText(town).waitFor();

  // Nothing in the drawer reaches past its right edge: the email, the town and the company wrap.
  const cut = await page.getByRole('dialog').evaluate((dialog) => {
    const edge = dialog.getBoundingClientRect().right + 0.5;
    return [...dialog.querySelectorAll('*')]
      .filter((el) => el.children.length === 0 && el.getBoundingClientRect().right > edge)
      .map((el) => `${el.tagName.toLowerCase()} "${el.textContent?.slice(0, 40)}" ends at ${Math.round(el.getBoundingClientRect().right)}px`);
  });
  assert.deepEqual(cut, [], `the drawer is ${await page.getByRole('dialog').evaluate((d) => d.clientWidth)}px wide`);
});

/**
 * Where the Pro package's price and searches per month sit on the Packages page, read from its card
 * or, failing one, from its column of the table; and what scrolls sideways: the page, or any box
 * in it (a table's scroll container).
 */
function proPackageLayout(page) {
  return page.evaluate(() => {
    const valueOf = (label) => {
      const card = document.querySelector('article[aria-label="Pro"]');
      if (card) {
        const term = [...card.querySelectorAll('dt')].find((dt) => dt.textContent === label);
        return term?.parentElement?.querySelector('dd') ?? null;
      }
      const header = document.querySelector('[data-testid="package-column-pro"]');
      const column = [...header.parentElement.children].indexOf(header);
      const row = [...document.querySelectorAll('[data-testid="package-comparison"] tbody tr')].find(
        (tr) => tr.querySelector('th')?.textContent === label,
      );
      return row?.children[column] ?? null;
    };
    const price = valueOf('Price per month');
    const searches = valueOf('Searches per month');
    // Down to the price, as a thumb would; never sideways.
    window.scrollBy(0, price.getBoundingClientRect().top - window.innerHeight / 3);
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    };
    const main = document.querySelector('main');
    const sideways = [...main.querySelectorAll('*')]
      .filter((el) => ['auto', 'scroll'].includes(window.getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth}px in ${el.clientWidth}px)`);
    return {
      price: box(price),
      searches: box(searches),
      width: window.innerWidth,
      height: window.innerHeight,
      pageWidth: document.documentElement.scrollWidth,
      sideways,
    };
  });
}

browserTest('phone: the packages compare at 375 px without scrolling sideways, a card each', async ({ page }) => {
  const user = { email: `phone-packages-${uniqueId()}@e2e.test`, password: strongPassword() };
  await api('POST', '/auth/signup', {
    body: { ...user, name: 'Paula Packages', tenant_name: `Phone Packages ${uniqueId()}` },
    expect: [200, 201],
  });
  await page.setViewportSize({ width: 375, height: 812 });
  await signIn(page, user);
  await page.goto('/packages');
  await page.getByRole('heading', { level: 1, name: 'Packages' }).waitFor();
  await page.locator('[data-testid="package-cards"], [data-testid="package-comparison"]').waitFor();

  // The Pro package's price and its searches per month are on one screen, side by side with nothing
  // to scroll sideways to: neither the page nor a box in it is wider than the phone.
  const layout = await proPackageLayout(page);
  assert.match(layout.price.text, /^\$[\d,]+\.\d\d$/);
  assert.match(layout.searches.text, /^[\d,]+$/);
  for (const [what, box] of [
    ['the price', layout.price],
    ['the searches per month', layout.searches],
  ]) {
    assert.ok(box.left >= 0 && box.right <= layout.width, `${what} spans ${box.left}-${box.right}px of ${layout.width}px`);
    assert.ok(box.top >= 0 && box.bottom <= layout.height, `${what} spans ${box.top}-${box.bottom}px of ${layout.height}px`);
  }
  assert.ok(layout.pageWidth <= layout.width, `the page is ${layout.pageWidth}px wide on a ${layout.width}px screen`);
  assert.deepEqual(layout.sideways, [], 'nothing on the page scrolls sideways');

  // A new organization is on Free: its card says it is the current package, Pro's does not.
  const free = page.getByRole('article', { name: 'Free', exact: true });
  assert.equal(await free.getAttribute('aria-current'), 'true');
  await free.getByText('Current', { exact: true }).waitFor();
  assert.equal(await page.getByRole('article', { name: 'Pro', exact: true }).getAttribute('aria-current'), null);
});

browserTest('phone: an org admin reaches a member\'s role and Remove, and a key\'s Rotate and Revoke, at 375 px without scrolling sideways', async ({ page, openPage }) => {
  const id = uniqueId();
  const admin = { email: `phone-team-${id}@e2e.test`, password: strongPassword() };
  const { access_token: token, tenant } = await api('POST', '/auth/signup', {
    body: { ...admin, name: 'Tara Team', tenant_name: `Phone Team ${id}` },
    expect: [200, 201],
  });
  // API keys need a package with API access: staff give Starter, through the API.
  const staff = { email: `sys-phone-${id}@e2e.test`, password: strongPassword() };
  createSystemAdmin(staff);
  const { access_token: staffToken } = await api('POST', '/auth/login', { body: staff });
  await api('PUT', `/admin/tenants/${tenant.id}/subscription`, {
    token: staffToken,
    body: { package_code: 'starter', status: 'active', reason: 'phone browser test (e2e)' },
  });
  const mate = `phone-mate-${id}@e2e.test`;
  const invitation = await api('POST', '/tenant/invitations', { token, body: { email: mate, role: 'member' }, expect: [201] });
  await api('POST', '/invitations/accept', {
    body: { token: new URL(invitation.accept_url).hash.replace(/^#token=/, ''), password: strongPassword(), name: 'Mia Mate' },
  });
  const key = await api('POST', '/api-keys', { token, body: { name: 'Phone export', scopes: ['contacts:read'] }, expect: [201] });

  await page.setViewportSize({ width: 375, height: 812 });
  await signIn(page, admin);
  await page.goto('/team');
  await page.getByText(`Who works in Phone Team ${id}, and what they may do.`).waitFor();
  const team = await sidewaysLayout(page, [
    { role: 'combobox', name: `Role of ${mate}` },
    { role: 'button', name: `Remove ${mate}` },
  ]);
  for (const [name, box] of Object.entries(team.boxes)) {
    assert.ok(box.left >= 0 && box.right <= team.width, `${name} spans ${box.left}-${box.right}px of ${team.width}px`);
  }
  assert.ok(team.pageWidth <= team.width, `the team page is ${team.pageWidth}px wide on a ${team.width}px screen`);
  assert.deepEqual(team.sideways, [], 'nothing on the team page scrolls sideways');
  await page.getByRole('button', { name: `Remove ${mate}`, exact: true }).click();
  const removed = page.waitForResponse((r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname.startsWith('/api/v1/tenant/members/'));
  await page.getByRole('dialog').getByRole('button', { name: 'Remove member' }).click();
  assert.equal((await removed).status(), 204);
  await page.getByRole('article', { name: mate, exact: true }).waitFor({ state: 'detached' });

  await page.goto('/api-keys');
  const label = `Phone export (${key.prefix})`;
  const card = page.getByRole('article', { name: label });
  await card.getByTestId('api-key-status').waitFor();
  const keys = await sidewaysLayout(page, [
    { role: 'button', name: `Rotate ${label}` },
    { role: 'button', name: `Revoke ${label}` },
  ]);
  for (const [name, box] of Object.entries(keys.boxes)) {
    assert.ok(box.left >= 0 && box.right <= keys.width, `${name} spans ${box.left}-${box.right}px of ${keys.width}px`);
  }
  const status = await card.getByTestId('api-key-status').boundingBox();
  assert.ok(status.x + status.width <= keys.width, `the key's status ends at ${status.x + status.width}px`);
  assert.ok(keys.pageWidth <= keys.width, `the keys page is ${keys.pageWidth}px wide on a ${keys.width}px screen`);
  assert.deepEqual(keys.sideways, [], 'nothing on the keys page scrolls sideways');

  // A table still wider than a phone (staff's review queue of corrections) shows its scrollbar
  // without a mouse over it, so the columns past the edge are seen to be there.
  seedContacts();
  const { items } = await api('POST', '/contacts/search', { token, body: { query: 'manager' } });
  assert.ok(items.length > 0, 'managers are found');
  await api('POST', `/contacts/${items[0].id}/corrections`, {
    token,
    body: { field: 'title', value: `Phone reviewer ${id}` },
    expect: [201],
  });
  const reviewer = await openPage();
  await reviewer.setViewportSize({ width: 375, height: 812 });
  await signIn(reviewer, staff);
  await reviewer.goto('/admin/corrections');
  await reviewer.getByTestId('corrections-table').waitFor();
  await reviewer.mouse.move(0, 0);
  const scrollbar = reviewer
    .locator('.mantine-ScrollArea-root', { has: reviewer.getByTestId('corrections-table') })
    .locator('.mantine-ScrollArea-scrollbar[data-orientation="horizontal"]');
  await scrollbar.waitFor();
  assert.equal(await scrollbar.getAttribute('data-state'), 'visible');
  // Seeding the shared contacts, when no test before did, takes its time.
}, { timeout: 120_000 });
