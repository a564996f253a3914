// Helpers for browser tests that need accounts on the server under test. Not a test file itself
// (node --test runs only *.test.mjs here).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { BASE_URL } from './lib.mjs';

/** Signs `account` in through the API (a Playwright request context) and returns its access token. */
export async function apiToken(request, { email, password }) {
  const response = await request.post('/api/v1/auth/login', { data: { email, password } });
  assert.equal(response.status(), 200, `login of ${email}: ${await response.text()}`);
  return (await response.json()).access_token;
}

/** Calls the API anonymously or as `token` and returns the parsed answer; fails on an unexpected status. */
export async function api(method, path, { token = null, body, expect = [200] } = {}) {
  const response = await fetch(`${BASE_URL}/api/v1${path}`, {
    method,
    headers: {
      Accept: 'application/json',
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  assert.ok(expect.includes(response.status), `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A short random suffix so every run creates new accounts on a shared database. */
export function uniqueId() {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** A password that passes the policy (10–128 characters, not a common one). */
export function strongPassword() {
  return `E2e-${randomBytes(9).toString('base64url')}-pw`;
}

/** frontend/e2e → ../../bin/contacts, the binary `make build` writes. */
const contactsBinary = fileURLToPath(new URL('../../bin/contacts', import.meta.url));

/**
 * Creates a platform system admin through the CLI (`contacts admin create-user --system-admin`),
 * on the database of the server under test (DATABASE_URL, as scripts/test.sh sets it).
 */
export function createSystemAdmin({ email, password }) {
  if (!process.env.DATABASE_URL) {
    throw new Error('DATABASE_URL must name the database of the server under test (scripts/test.sh sets it)');
  }
  return execFileSync(contactsBinary, ['admin', 'create-user', '--email', email, '--system-admin', '--password', password], {
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

let seeded = false;

/**
 * Loads the synthetic contacts into the shared database once per run (`contacts seed`, the same
 * parameters for every test file). The seeder refuses a database that already holds shared data
 * (exit 1, "already holds data"): an earlier test file or run seeded it. Every test that writes
 * shared contacts (platform imports) seeds first, so the data set is always the seeder's.
 */
export function seedContacts() {
  if (seeded) return;
  if (!process.env.DATABASE_URL) {
    throw new Error('DATABASE_URL must name the database of the server under test (scripts/test.sh sets it)');
  }
  try {
    execFileSync(contactsBinary, ['seed', '--contacts', '2000', '--companies', '200', '--seed', '3'], {
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 180_000,
    });
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    if (error.status !== 1 || !/already holds data/.test(output)) throw error;
  }
  seeded = true;
}

/** Matches a form label exactly, with or without the required-field asterisk Mantine adds. */
export function labelled(text) {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}\\s*\\*?$`);
}

/** Signs up a new account and organization through /signup and waits until signed in. */
export async function signUp(page, { email, password, name, organization }) {
  await page.goto('/signup');
  await page.getByRole('textbox', { name: 'Your name' }).fill(name);
  await page.getByRole('textbox', { name: 'Work email' }).fill(email);
  await page.getByLabel(labelled('Password')).fill(password);
  await page.getByRole('textbox', { name: 'Organization name' }).fill(organization);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('user-menu').waitFor();
}

/** Signs in through /login and waits until signed in. */
export async function signIn(page, { email, password }) {
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByLabel(labelled('Password')).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('user-menu').waitFor();
}

/** Picks `option` in the Mantine Select labelled `label`. */
export async function selectOption(page, label, option) {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Waits for the API answer to `method path` (path relative to /api/v1, may be a RegExp). */
export function apiResponse(page, method, path) {
  return page.waitForResponse((response) => {
    const request = response.request();
    if (request.method() !== method) return false;
    const pathname = new URL(response.url()).pathname.replace(/^\/api\/v1/, '');
    return typeof path === 'string' ? pathname === path : path.test(pathname);
  });
}

/**
 * Drops a CSV on the import wizard's file input, checks that `POST path` (the tenant's /imports or
 * the platform's /admin/imports) created the upload, and returns its preflight.
 */
export async function uploadCSV(page, path, name, buffer) {
  const uploaded = apiResponse(page, 'POST', path);
  await page.getByLabel('File to import').setInputFiles({ name, mimeType: 'text/csv', buffer });
  const upload = await uploaded;
  assert.equal(upload.status(), 201);
  return upload.json();
}

/** The figure a finished import shows for `outcome` ('created', 'invalid', …), as text. */
export async function finalCount(page, outcome) {
  const text = await page.getByTestId('final-counts').getByTestId(`count-${outcome}`).textContent();
  return text?.replace(/^\D+/, '').trim();
}
