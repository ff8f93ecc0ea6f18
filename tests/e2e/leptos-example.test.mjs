// The Leptos example (examples/leptos-app, built by Trunk; `cargo xtask test` builds it into
// CONSENTRY_LEPTOS_EXAMPLE): the video is gated on `use_consent("media")`, the banner's Accept all
// shows it, Reject all keeps the placeholder, and its button opens the preference center.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, bannerButton, dialog, eventually } from './support/harness.mjs';
import { startWidgetServer } from './support/server.mjs';

const EXAMPLE = process.env.CONSENTRY_LEPTOS_EXAMPLE
  ? path.resolve(process.env.CONSENTRY_LEPTOS_EXAMPLE)
  : path.join(ROOT, 'target', 'leptos-example');

let browser;
let server;

before(async () => {
  assert.ok(
    existsSync(path.join(EXAMPLE, 'index.html')),
    `${EXAMPLE}/index.html is missing: build the example (cd examples/leptos-app && trunk build --dist ${EXAMPLE})`,
  );
  server = await startWidgetServer(EXAMPLE);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(t) {
  const context = await browser.newContext({ locale: 'en-US' });
  context.setDefaultTimeout(15_000);
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e?.stack ?? e)));
  await page.goto(`${server.origin}/index.html`);
  await page.locator('#video-placeholder').waitFor();
  return { page, errors };
}

test('the video shows only after Accept all in the banner', async (t) => {
  const { page, errors } = await open(t);
  assert.equal(await page.locator('#video').count(), 0, 'no video before a decision');
  assert.equal(await page.locator('#status').textContent(), 'Please make a choice.');
  await bannerButton(page, 'accept-all').click();
  await page.locator('#video').waitFor();
  assert.equal(await page.locator('#video-placeholder').count(), 0);
  assert.equal(await page.locator('#status').textContent(), 'Your choice is saved.');
  assert.equal(await page.evaluate(() => window.consentry.get('media')), true);
  assert.deepEqual(errors, []);
});

test('Reject all keeps the placeholder; its button opens the preference center', async (t) => {
  const { page, errors } = await open(t);
  await bannerButton(page, 'reject-all').click();
  await eventually(async () => (await page.locator('#status').textContent()) === 'Your choice is saved.', {
    message: 'the status follows the decision',
  });
  assert.equal(await page.locator('#video').count(), 0);
  await page.locator('#open-preferences').click();
  await dialog(page).waitFor();
  assert.deepEqual(errors, []);
});

test('window.consentry.acceptAll() reaches the hooks too', async (t) => {
  const { page } = await open(t);
  await page.evaluate(() => window.consentry.acceptAll());
  await page.locator('#video').waitFor();
});
