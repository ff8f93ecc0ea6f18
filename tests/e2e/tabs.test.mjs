// One choice for every tab of a site (INTEGRATIONS.md §4, SPA-05/06): a decision or a withdrawal in one tab is
// put in force in the others (the `storage` event), without a second receipt; a page restored from the
// back/forward cache reads storage again (`pageshow` with `persisted`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment, waitForWidget, waitForBanner, bannerButton, bannerVisible, state, runs, events, eventually,
  expectNoPageErrors,
} from './support/harness.mjs';
import { baseConfig, GATED_MARKUP } from './support/config.mjs';
import { useEndpoint } from './support/endpoint.mjs';

const env = useEnvironment();
const endpoint = useEndpoint();

function config() {
  const c = baseConfig();
  c.endpoint = endpoint.url;
  return c;
}

async function openTwo(t) {
  const context = await env.context(t);
  const url = env.pageUrl({ config: config(), body: GATED_MARKUP });
  const pages = [];
  for (let i = 0; i < 2; i++) {
    const page = await env.page(context);
    await page.goto(url);
    await waitForWidget(page);
    await waitForBanner(page);
    pages.push(page);
  }
  return pages;
}

test('a decision in one tab is in force in the other: banner gone, content run, one receipt', async (t) => {
  const [a, b] = await openTwo(t);
  const from = endpoint.received.length;
  await bannerButton(a, 'accept-all').click();
  await eventually(async () => (await state(b)).purposes.marketing === true, { message: 'the other tab adopts the choice' });
  assert.equal(await bannerVisible(b), false, 'the other tab no longer asks');
  await eventually(async () => (await runs(b)).includes('inline:marketing'), { message: 'gated content runs in the other tab' });
  const [change] = await events(b, 'consentry:change');
  assert.equal(change.detail.source, 'stored');
  assert.equal((await state(b)).id, (await state(a)).id, 'one consent record');
  await eventually(async () => endpoint.received.length > from, { timeout: 15_000, message: 'the receipt' });
  await b.waitForTimeout(500);
  assert.equal(endpoint.received.length - from, 1, 'exactly one receipt for one decision');
  expectNoPageErrors(b);
});

test('a withdrawal in one tab withdraws in the other, and clearing storage there too', async (t) => {
  const [a, b] = await openTwo(t);
  await a.evaluate(() => window.consentry.acceptAll());
  await eventually(async () => (await state(b)).purposes.analytics === true, { message: 'adopted' });
  await a.evaluate(() => window.consentry.rejectAll());
  await eventually(async () => (await state(b)).purposes.analytics === false, { message: 'withdrawn in the other tab' });
  assert.equal((await state(b)).decided, true);
  await a.evaluate(() => localStorage.clear());
  await eventually(async () => (await state(b)).decided === false, { message: 'asked again once storage is gone' });
  assert.equal(await bannerVisible(b), true);
});

test('a page shown again from the back/forward cache reads storage again', async (t) => {
  const context = await env.context(t);
  const page = await env.page(context);
  await page.goto(env.pageUrl({ config: config(), body: GATED_MARKUP }));
  await waitForBanner(page);
  // A choice made elsewhere (another browser context, so no storage event reaches this page), written into
  // this page's storage by the page itself (a document gets no storage event for its own writes); then the
  // event the browser fires on a back/forward-cache restore (Playwright's Chromium runs without that cache,
  // so the test dispatches it).
  const elsewhere = await env.open(t, { config: config() });
  await waitForBanner(elsewhere.page);
  await elsewhere.page.evaluate(() => window.consentry.acceptAll());
  const raw = await eventually(() => elsewhere.page.evaluate(() => localStorage.getItem('consentry')), { message: 'a record' });
  await page.evaluate((r) => localStorage.setItem('consentry', r), raw);
  assert.equal((await state(page)).purposes.marketing, false, 'nothing changes before the page is shown again');
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
  await eventually(async () => (await state(page)).purposes.marketing === true, { message: 'adopted on pageshow' });
  assert.equal(await bannerVisible(page), false);
});

test('SPA: a framework that replaces <body> keeps the notice, and content it adds after a grant runs once', async (t) => {
  const { page } = await env.open(t, { config: config() });
  await waitForBanner(page);
  await page.evaluate(() => {
    document.body.innerHTML = '<main id="app"><h1>Route 2</h1></main>';
  });
  await eventually(async () => page.evaluate(() => document.body.firstElementChild?.id === 'consentry'), {
    message: 'the host is back, first in <body>',
  });
  assert.equal(await bannerVisible(page), true, 'the notice is still there');
  await bannerButton(page, 'accept-all').click();
  await eventually(async () => (await state(page)).decided, { message: 'decided' });
  // A route change that adds a gated script after consent: it runs exactly once.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.type = 'text/plain';
    s.dataset.consent = 'analytics';
    s.textContent = "window.__e2e.runs.push('route:analytics')";
    document.getElementById('app').append(s);
  });
  await eventually(async () => (await runs(page)).includes('route:analytics'), { message: 'the late script ran' });
  await page.evaluate(() => document.getElementById('app').append(document.createElement('p')));
  await page.waitForTimeout(200);
  assert.deepEqual((await runs(page)).filter((r) => r === 'route:analytics'), ['route:analytics']);
  expectNoPageErrors(page);
});

test('on/off work before the widget starts; rescan(root) runs gated content inside a shadow root', async (t) => {
  const head = `<script>
    window.__seen = [];
    const early = (e) => window.__seen.push('early:' + e.detail.source);
    window.addEventListener('DOMContentLoaded', () => {});
    document.__early = early;
  </script>`;
  const afterWidget = `<script>
    window.consentry.on('change', document.__early);
    window.consentry.on('ready', () => window.__seen.push('ready'));
    window.consentry.on('nonsense', () => window.__seen.push('never'));
  </script>`;
  const body = `<my-widget id="w"></my-widget><script>
    const root = document.getElementById('w').attachShadow({ mode: 'open' });
    root.innerHTML = '<script type="text/plain" data-consent="analytics">window.__e2e.runs.push(\\'shadow:analytics\\')<\\/script>';
  </script>`;
  const { page } = await env.open(t, { config: config(), head, afterWidget, body });
  await waitForBanner(page);
  await page.evaluate(() => window.consentry.acceptAll());
  await eventually(async () => (await page.evaluate(() => window.__seen)).includes('early:api'), { message: 'the early listener' });
  assert.deepEqual(await page.evaluate(() => window.__seen), ['ready', 'early:api']);
  await page.evaluate(() => window.consentry.off('change', document.__early));
  await page.evaluate(() => window.consentry.rejectAll());
  await page.waitForTimeout(100);
  assert.deepEqual(await page.evaluate(() => window.__seen), ['ready', 'early:api'], 'off removed it');
  assert.ok(!(await runs(page)).includes('shadow:analytics'), 'the observer cannot see into the shadow root');
  await page.evaluate(() => window.consentry.acceptAll());
  await page.evaluate(() => window.consentry.rescan(document.getElementById('w').shadowRoot));
  await eventually(async () => (await runs(page)).includes('shadow:analytics'), { message: 'rescan ran it' });
});
