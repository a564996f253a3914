/* global document, window -- the functions passed to page.evaluate run in the page */
// Shared helpers for the browser tests (npm run e2e): headless Chromium through playwright-core,
// against a server that is already running (scripts/test.sh starts it).
//
//   BASE_URL       where the server answers (default http://127.0.0.1:8080)
//   CHROMIUM_PATH  the Chromium binary (default /usr/bin/chromium)
//
// On failure a full-page screenshot goes to e2e/artifacts/<test-name>.png.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');

const artifactsDir = fileURLToPath(new URL('./artifacts/', import.meta.url));

export const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-quic',
    '--no-first-run',
    '--disable-component-update',
    '--disable-sync',
  ],
};

/**
 * A client address of its own for each browser context, sent as X-Forwarded-For (the server under
 * test trusts it from loopback: scripts/test.sh sets TRUSTED_PROXIES). Every context is another
 * person on another computer: the server's per-address limits (20 sign-ups an hour, sign-in and
 * reset throttling) count each test's visitors apart, so the suite may grow past 20 sign-ups
 * without the later tests being refused with 429. From 198.18.0.0/15, the benchmarking range.
 */
export function clientAddress() {
  const n = randomInt(1, 2 ** 17 - 1);
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** How long one wait for an element may take; the whole test has `timeout`. */
const actionTimeoutMs = 15_000;

/** "Terms: shows the date" -> "terms-shows-the-date" */
export function artifactName(testName) {
  return testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120);
}

/**
 * Declares a node:test test that gets its own browser and page. The page opens nothing by itself:
 * call `page.goto('/path')` (relative to BASE_URL).
 *
 * Uncaught exceptions in the page fail the test unless `allowPageErrors` is set (Swagger UI is
 * not ours). Console errors are only printed, with the failure, to help read it.
 *
 * `openPage()` opens another page in a FRESH browser context (its own cookies and storage: another
 * person on another computer), with the same base URL, timeouts and page-error checks.
 *
 * @param {string} name
 * @param {(ctx: { page: import('playwright-core').Page, t: import('node:test').TestContext, openPage: () => Promise<import('playwright-core').Page> }) => Promise<void>} fn
 * @param {{ timeout?: number, allowPageErrors?: boolean }} [options]
 */
export function browserTest(name, fn, { timeout = 60_000, allowPageErrors = false } = {}) {
  test(name, { timeout }, async (t) => {
    const browser = await chromium.launch(launchOptions);
    const pageErrors = [];
    const consoleErrors = [];
    let page;
    const pages = [];
    const openPage = async () => {
      const context = await browser.newContext({
        baseURL: BASE_URL,
        viewport: { width: 1280, height: 900 },
        extraHTTPHeaders: { 'X-Forwarded-For': clientAddress() },
      });
      const opened = await context.newPage();
      opened.setDefaultTimeout(actionTimeoutMs);
      opened.on('pageerror', (error) => pageErrors.push(error));
      opened.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      pages.push(opened);
      return opened;
    };
    try {
      page = await openPage();

      await fn({ page, t, openPage });

      if (!allowPageErrors) {
        assert.deepEqual(
          pageErrors.map((error) => String(error)),
          [],
          'the page threw uncaught errors',
        );
      }
    } catch (error) {
      for (const [i, opened] of pages.entries()) await saveScreenshot(opened, i === 0 ? name : `${name} page ${i + 1}`);
      if (consoleErrors.length > 0) t.diagnostic(`browser console errors:\n${consoleErrors.join('\n')}`);
      throw error;
    } finally {
      await browser.close();
    }
  });
}

async function saveScreenshot(page, testName) {
  const path = `${artifactsDir}${artifactName(testName)}.png`;
  try {
    await mkdir(artifactsDir, { recursive: true });
    await page.screenshot({ path, fullPage: true, timeout: 10_000 });
    console.error(`screenshot: ${path}`);
  } catch (error) {
    console.error(`could not save a screenshot to ${path}: ${error}`);
  }
}

/**
 * Waits until the input or select at `locator` holds `value` and returns it: a controlled field
 * shows the server's answer only once the app has handled the response, a moment after the
 * network says it arrived. Fails after `timeout` ms with the last value seen.
 */
export async function waitForValue(locator, value, timeout = 5_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await locator.inputValue();
    if (last === value) return last;
    if (Date.now() > deadline) throw new Error(`expected the value ${JSON.stringify(value)}, still ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until `locator` shows exactly `text` (whitespace trimmed) and returns it. */
export async function waitForExactText(locator, text) {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await locator.filter({ hasText: new RegExp(`^\\s*${escaped}\\s*$`) }).first().waitFor();
  return (await locator.first().textContent())?.trim();
}

/**
 * Where each of `names` (an accessible name of a button or a combobox) sits on the screen, and what
 * scrolls sideways: the page, or a box in the main content (a table's scroll container).
 */
export async function sidewaysLayout(page, names) {
  const boxes = {};
  for (const name of names) {
    const control = page.getByRole(name.role, { name: name.name, exact: true });
    await control.scrollIntoViewIfNeeded();
    boxes[name.name] = await control.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right };
    });
  }
  const { width, pageWidth, sideways } = await page.evaluate(() => ({
    width: window.innerWidth,
    pageWidth: document.documentElement.scrollWidth,
    sideways: [...document.querySelector('main').querySelectorAll('*')]
      .filter((el) => ['auto', 'scroll'].includes(window.getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth}px in ${el.clientWidth}px)`),
  }));
  return { boxes, width, pageWidth, sideways };
}
