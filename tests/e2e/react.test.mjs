// Single-page applications with React 19 (INTEGRATIONS.md §4(e), SPA-01, 02, 06, 07): the fixture app of
// `fixtures/react/` (a History-API router, gated content on one route, components reading consent through
// `consentry/react`, that is `npm/react/index.js`), bundled here with esbuild as a development build so that
// <StrictMode> really renders and runs effects twice, on a page that embeds the built widget with the README
// snippet. For SSR the same app is rendered with `react-dom/server` in this process and hydrated in the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import {
  ROOT, useEnvironment, waitForWidget, waitForBanner, bannerButton, floatingButton, dialog, dialogButton, state,
  events, eventually, expectNoPageErrors,
} from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';
import { useEndpoint } from './support/endpoint.mjs';

const env = useEnvironment();
const endpoint = useEndpoint();
const FIXTURE = path.join(ROOT, 'tests', 'e2e', 'fixtures', 'react');
const WRAPPER = path.join(ROOT, 'npm', 'react', 'index.js');
const built = { client: null, render: null, scratch: null };

/** Bundles a fixture entry with React (development build) and `consentry/react` from `npm/react/`. */
async function bundle(entry, options) {
  const result = await esbuild.build({
    entryPoints: [path.join(FIXTURE, entry)],
    bundle: true,
    write: false,
    jsx: 'automatic',
    jsxDev: true,
    alias: { 'consentry/react': WRAPPER },
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
    ...options,
  });
  return result.outputFiles[0].text;
}

before(async () => {
  built.client = await bundle('client.jsx', { platform: 'browser', format: 'iife', target: 'es2022' });
  // The server bundle is CommonJS (react-dom/server requires Node's built-ins), loaded from a scratch file.
  built.scratch = mkdtempSync(path.join(tmpdir(), 'consentry-react-'));
  const file = path.join(built.scratch, 'server.cjs');
  writeFileSync(file, await bundle('server.jsx', { platform: 'node', format: 'cjs', target: 'node20' }));
  built.render = createRequire(file)(file).render;
  env.route('/assets/client.js', built.client, 'text/javascript; charset=utf-8');
});

after(() => {
  if (built.scratch) rmSync(built.scratch, { recursive: true, force: true });
});

function config() {
  const c = baseConfig();
  c.endpoint = endpoint.url;
  return c;
}

/** The app's page: configuration and README snippet first in <head>, `#root` (server markup or empty). */
function html(base, markup = '') {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>React fixture</title>
<script type="application/json" id="consentry-config">${JSON.stringify(config()).replace(/</g, '\\u003c')}</script>
${env.snippet()}
</head>
<body>
<div id="root" data-base="${base}"${markup ? ' data-hydrate' : ''}>${markup}</div>
<script src="/assets/client.js"></script>
</body>
</html>`;
}

const ROUTES = ['/', '/video', '/about'];
// The client-rendered app answers every route of `/spa` (a reload lands on the same app).
function serveSpa() {
  for (const r of ROUTES) env.route(`/spa${r}`, html('/spa'));
  return env.route('/spa', html('/spa'));
}

async function openSpa(t, context) {
  const url = serveSpa();
  const page = await env.page(context ?? (await env.context(t)));
  await page.goto(url);
  assert.equal(await waitForWidget(page), 'consentry:ready');
  await page.locator('#app').waitFor();
  return page;
}

/** Clicks the app's link to `route` and waits until the router shows it (no page load). */
// A visitor who accepted everything on the client-rendered page comes back to `url` (server markup) in the same
// browser context: the page of that second visit, once the widget has started.
async function returningVisitor(t, url) {
  const context = await env.context(t);
  const first = await openSpa(t, context);
  await bannerButton(first, 'accept-all').click();
  await eventually(async () => (await state(first)).decided, { message: 'decided' });
  await first.close();
  const page = await env.page(context);
  await page.goto(url);
  await waitForWidget(page);
  return page;
}

async function go(page, route) {
  const label = { '/': 'Home', '/video': 'Video', '/about': 'About' }[route];
  await page.locator('nav a', { hasText: label }).click();
  const id = { '/': '#home', '/video': '#video-route', '/about': '#about' }[route];
  await page.locator(id).waitFor();
}

const text = (page, selector) => page.locator(selector).textContent();
const iframeSrc = (page) => page.evaluate(() => document.getElementById('video')?.getAttribute('src') ?? null);
const problems = (page) => page.consoleMessages.filter((m) => m.type === 'error' || m.type === 'warning');

test('SPA-01: StrictMode mounting, unmounting and mounting again twice: one host, one ready, one banner, one receipt', async (t) => {
  const page = await openSpa(t);
  await waitForBanner(page);
  const navigations = [];
  page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
  for (let i = 0; i < 2; i++) {
    await page.evaluate(() => window.__app.unmount());
    assert.equal(await page.evaluate(() => document.getElementById('root').childElementCount), 0, 'unmounted');
    await page.evaluate(() => window.__app.mount());
    await page.locator('#app').waitFor();
  }
  // Three mounts, each effect run twice: StrictMode's development behaviour really happened.
  assert.equal(await page.evaluate(() => window.__app.effects), 6, 'StrictMode ran the effect twice per mount');
  const counts = await page.evaluate(() => ({
    hosts: document.querySelectorAll('#consentry').length,
    loaders: document.querySelectorAll('script[src$="/consentry.js"]').length,
    sources: [...document.scripts].map((s) => s.src).filter(Boolean),
  }));
  assert.equal(counts.hosts, 1, 'one #consentry host');
  assert.equal(counts.loaders, 1, 'one loader');
  assert.equal(new Set(counts.sources).size, counts.sources.length, `no script twice: ${counts.sources}`);
  assert.equal((await events(page, 'consentry:ready')).length, 1, 'one consentry:ready');
  assert.deepEqual(await events(page, 'consentry:error'), [], 'no consentry:error (a second start reports one)');
  assert.equal(await page.locator('#consentry .cs-banner').count(), 1, 'one banner');
  assert.equal(await text(page, '#video-consent'), 'videos blocked');
  assert.equal(await text(page, '#decided'), 'undecided', 'useConsentState read the started widget');

  const from = endpoint.received.length;
  await bannerButton(page, 'accept-all').click();
  await eventually(async () => (await text(page, '#video-consent')) === 'videos allowed', { message: 'useConsent re-rendered' });
  assert.equal(await text(page, '#decided'), 'decided');
  await eventually(() => endpoint.received.length > from, { timeout: 15_000, message: 'the receipt' });
  await eventually(async () => (await state(page)).receipts.delivered === 1, { timeout: 15_000, message: 'delivered' });
  await page.waitForTimeout(500);
  assert.equal(endpoint.received.length - from, 1, 'exactly one receipt POST for one decision');
  assert.deepEqual(navigations, [], 'no page load');
  assert.deepEqual(problems(page), [], 'no console error or warning');
  expectNoPageErrors(page);
});

test('useConsent and useConsentState re-render on accept, on withdrawal in the preference center and on rejectAll()', async (t) => {
  const page = await openSpa(t);
  await waitForBanner(page);
  await page.evaluate(() => window.consentry.acceptAll());
  await eventually(async () => (await text(page, '#video-consent')) === 'videos allowed', { message: 'granted' });
  // Withdrawal in the preference center.
  await floatingButton(page).click();
  await dialog(page).waitFor({ state: 'visible' });
  await dialogButton(page, 'reject-all').click();
  await eventually(async () => (await text(page, '#video-consent')) === 'videos blocked', { message: 'withdrawn' });
  assert.equal(await text(page, '#decided'), 'decided');
  await page.evaluate(() => window.consentry.acceptAll());
  await eventually(async () => (await text(page, '#video-consent')) === 'videos allowed', { message: 'granted again' });
  await page.evaluate(() => window.consentry.rejectAll());
  await eventually(async () => (await text(page, '#video-consent')) === 'videos blocked', { message: 'rejectAll()' });
  // useConsentState's snapshot is one object between changes (or useSyncExternalStore would loop and warn).
  assert.deepEqual(problems(page), [], 'no console error or warning');
  expectNoPageErrors(page);
});

test('SPA-02: a client-side route with a gated iframe: loaded with consent, no src without', async (t) => {
  const context = await env.context(t);
  const granted = await openSpa(t, context);
  await bannerButton(granted, 'accept-all').click();
  await eventually(async () => (await state(granted)).decided, { message: 'decided' });
  const frames = env.site.requests('/frame.html');
  await go(granted, '/video');
  await eventually(async () => (await iframeSrc(granted)) === '/frame.html', { message: 'the iframe to get its src' });
  await eventually(
    () => granted.evaluate(() => document.getElementById('video').contentDocument?.body?.textContent === 'video'),
    { message: 'the iframe to load' },
  );
  assert.equal(env.site.requests('/frame.html') - frames, 1, 'loaded once');
  // Away and back: React makes a new iframe, which is released too.
  await go(granted, '/about');
  await go(granted, '/video');
  await eventually(async () => (await iframeSrc(granted)) === '/frame.html', { message: 'the new iframe to get its src' });
  expectNoPageErrors(granted);

  // Rejected in another visitor's browser: the route renders the iframe, which stays without src.
  const refused = await openSpa(t);
  await bannerButton(refused, 'reject-all').click();
  await eventually(async () => (await state(refused)).decided, { message: 'decided' });
  const before = env.site.requests('/frame.html');
  await go(refused, '/video');
  await refused.waitForTimeout(300);
  assert.equal(await iframeSrc(refused), null, 'no src without consent');
  assert.equal(env.site.requests('/frame.html') - before, 0, 'the iframe page was not requested');
  // Undecided (banner still up): the same.
  const undecided = await openSpa(t);
  await waitForBanner(undecided);
  await go(undecided, '/video');
  await undecided.waitForTimeout(300);
  assert.equal(await iframeSrc(undecided), null, 'no src before a decision');
  assert.equal(env.site.requests('/frame.html') - before, 0, 'the iframe page was not requested');
  // A grant after the route rendered releases the iframe already there.
  await bannerButton(undecided, 'accept-all').click();
  await eventually(async () => (await iframeSrc(undecided)) === '/frame.html', { message: 'released on accept' });
  expectNoPageErrors(refused);
  expectNoPageErrors(undecided);
});

test('SPA-06: accept all while the endpoint is down, navigate client-side 5 times: one acknowledged POST of that receipt', async (t) => {
  const page = await openSpa(t);
  await waitForBanner(page);
  const from = endpoint.received.length;
  let id;
  endpoint.setDown(true);
  try {
    await bannerButton(page, 'accept-all').click();
    const receipts = await eventually(async () => {
      const r = (await state(page)).receipts;
      return r.count === 1 && !r.signing && r.latest && r;
    }, { message: 'the receipt made' });
    id = receipts.latest.id;
    for (const route of ['/video', '/about', '/', '/video', '/about']) await go(page, route);
    assert.equal((await state(page)).receipts.count, 1, 'navigation made no receipt');
  } finally {
    endpoint.setDown(false);
  }
  // What a browser fires when it is back online (the outbox also retries on its own, later).
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await eventually(async () => (await state(page)).receipts.delivered === 1, { timeout: 20_000, message: 'delivered' });
  await page.waitForTimeout(500);
  const ids = endpoint.received.slice(from).map((post) => {
    return JSON.parse(Buffer.from(post.body.split('.')[1], 'base64url').toString('utf8')).consentReceiptID;
  });
  assert.deepEqual(ids, [id], 'exactly one POST reached the endpoint, with the receipt id of the decision');
  const final = (await state(page)).receipts;
  assert.deepEqual([final.count, final.pending, final.delivered], [1, 0, 1]);
  assert.equal((await events(page, 'consentry:ready')).length, 1);
  expectNoPageErrors(page);
});

test('SPA-07: server markup hydrated for a returning visitor who granted: no hydration warning, then granted', async (t) => {
  const markup = built.render('/ssr', '/ssr/video');
  assert.match(markup, /videos blocked/, 'the server renders "not granted" (getServerSnapshot)');
  assert.match(markup, /data-consent="marketing\/video"/);
  assert.doesNotMatch(markup, / src=/, 'the server markup has no iframe src');
  const url = env.route('/ssr/video', html('/ssr', markup));

  const context = await env.context(t);
  // The first visit decides (client-rendered page of the same site), the second is the returning visitor.
  const first = await openSpa(t, context);
  await bannerButton(first, 'accept-all').click();
  await eventually(async () => (await state(first)).receipts.delivered === 1, { timeout: 15_000, message: 'decided' });
  await first.close();

  const page = await env.page(context);
  await page.goto(url);
  assert.equal(await waitForWidget(page), 'consentry:ready');
  await eventually(async () => (await text(page, '#video-consent')) === 'videos allowed', { message: 'granted after hydration' });
  assert.equal(await text(page, '#decided'), 'decided');
  await eventually(async () => (await iframeSrc(page)) === '/frame.html', { message: 'the server-rendered iframe released' });
  assert.deepEqual(await page.evaluate(() => window.__app.recoverable), [], 'no recoverable (hydration) error');
  assert.deepEqual(problems(page), [], 'no console error or warning');
  assert.equal(await page.locator('#consentry .cs-banner').count(), 0, 'no banner for a returning visitor');
  expectNoPageErrors(page);
});

test('SPA-07 control: a component that reads consent during render (no server snapshot) does fail hydration', async (t) => {
  // What the hook avoids, so that the check above can fail: the same page with a naive component.
  const markup = built.render('/ssr', '/ssr/naive');
  assert.match(markup, /naive: (<!-- -->)?no/);
  const page = await returningVisitor(t, env.route('/ssr/naive', html('/ssr', markup)));
  await eventually(async () => (await page.evaluate(() => window.__app.recoverable)).length > 0 || problems(page).length > 0, {
    message: 'a hydration error',
  });
  const seen = JSON.stringify([await page.evaluate(() => window.__app.recoverable), problems(page)]);
  assert.match(seen, /hydrat/i, seen);
});

test('SPA-07 control: server-rendered gated content without suppressHydrationWarning gets React\'s attribute warning', async (t) => {
  // Why README asks for `suppressHydrationWarning` on gated elements that the server renders: the widget
  // releases them before hydration.
  const page = await returningVisitor(t, env.route('/ssr/bare-video', html('/ssr', built.render('/ssr', '/ssr/bare-video'))));
  await eventually(async () => (await iframeSrc(page)) === '/frame.html', { message: 'released' });
  await eventually(() => problems(page).some((m) => /attributes of the server rendered HTML didn't match/.test(m.text)), {
    message: 'the hydration warning',
  });
});
