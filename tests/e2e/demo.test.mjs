// The demo site (index.html + demo/) with the built widget: its configuration is valid and its
// gated content, status panel and refused-configuration switch behave as the page says.
// The page is served from the site origin; only `consentry.js` is pointed at the widget origin.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startReceiptServer } from './support/receipt-server.mjs';
import {
  useEnvironment,
  ROOT,
  AXE_PATH,
  bannerButton,
  dialog,
  dialogButton,
  purposeSwitch,
  waitForBanner,
  waitForWidget,
  waitForChange,
  expectNoBanner,
  expectNoPageErrors,
  state,
  eventually,
} from './support/harness.mjs';

const env = useEnvironment();
let demoUrl;

/** Registers index.html (pointed at the widget origin) and demo/ on the site server, once. */
function serveDemo() {
  if (demoUrl) return demoUrl;
  const html = readFileSync(path.join(ROOT, 'index.html'), 'utf8');
  assert.ok(html.includes('<script src="consentry.js" async></script>'), 'index.html embeds consentry.js with one script tag');
  demoUrl = env.route('/index.html', html.replace('<script src="consentry.js" async></script>', `<script src="${env.scriptUrl()}" async></script>`));
  for (const file of readdirSync(path.join(ROOT, 'demo'))) {
    env.route(`/demo/${file}`, readFileSync(path.join(ROOT, 'demo', file)));
  }
  return demoUrl;
}

async function openDemo(t, query = '', contextOptions = {}) {
  const context = await env.context(t, contextOptions);
  const page = await env.page(context);
  await page.goto(serveDemo() + query);
  return page;
}

async function cookies(page) {
  return page.evaluate(() => document.cookie.split(';').map((c) => c.trim().split('=')[0]).filter(Boolean).sort());
}

test('demo: the configuration is accepted and the status panel follows the choices', async (t) => {
  const page = await openDemo(t);
  assert.equal(await waitForWidget(page), 'consentry:ready', 'the demo configuration is valid');
  await waitForBanner(page);
  await eventually(async () => (await page.locator('#status-widget').innerText()) === 'Consentry: ready', { message: 'the status panel to say ready' });
  assert.match(await page.locator('#analytics-status').innerText(), /not running/);
  assert.equal(await page.locator('.video__frame').getAttribute('src'), null);
  assert.ok(await page.locator('.video__placeholder').isVisible(), 'the video placeholder is shown');

  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await eventually(async () => /Analytics running/.test(await page.locator('#analytics-status').innerText()), { message: 'the gated analytics script to run' });
  await eventually(async () => (await page.locator('.video__frame').getAttribute('src')) === 'demo/video.html', { message: 'the video iframe to load' });
  await eventually(async () => !(await page.locator('.video__placeholder').isVisible()), { message: 'the placeholder to go' });
  await eventually(async () => (await cookies(page)).includes('_pk_id.demo'), { message: 'the _pk_id.demo cookie' });
  assert.ok(await page.locator('#favourite-status').isVisible(), 'the preferences script ran');
  assert.match(await page.locator('#status-decided').innerText(), /yes/);

  // Withdraw analytics from the footer link.
  await page.locator('footer [data-consentry-open]').click();
  await dialog(page).waitFor({ state: 'visible' });
  await purposeSwitch(page, 'analytics').click();
  await dialogButton(page, 'save').click();
  await waitForChange(page, 2);
  await eventually(async () => !(await cookies(page)).some((c) => c.startsWith('_pk_')), { message: 'the Matomo cookies to be deleted' });
  const left = await cookies(page);
  assert.ok(left.includes('lumen_fav'), `the preferences cookie stays (${left})`);
  assert.match(await page.locator('#analytics-status').innerText(), /withdrawn/);
  expectNoPageErrors(page);
});

test('demo: ?demo=refused shows the refusal on the page and grants nothing', async (t) => {
  const page = await openDemo(t, '?demo=refused');
  assert.equal(await waitForWidget(page), 'consentry:error');
  await expectNoBanner(page);
  const error = page.locator('#status-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.innerText(), /consentry/);
  assert.match(await error.innerText(), /purposes\[\d+\]\.default/, 'the message names the offending field');
  assert.match(await page.locator('#analytics-status').innerText(), /not running/);
  assert.equal(await page.locator('.video__frame').getAttribute('src'), null);
  expectNoPageErrors(page);
});

test('demo: ?lang=fr shows the widget and the page in French', async (t) => {
  const page = await openDemo(t, '?lang=fr');
  await waitForWidget(page);
  await waitForBanner(page);
  assert.equal((await state(page)).language, 'fr');
  assert.equal(await page.locator('h2').first().innerText(), 'Fournées du jour');
});

test('demo: no serious or critical axe violations on the page with the banner', async (t) => {
  const page = await openDemo(t);
  await waitForWidget(page);
  await waitForBanner(page);
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) })),
    ),
  );
  for (const v of violations) t.diagnostic(`[${v.impact}] ${v.id}: ${v.targets.join(', ')}`);
  assert.deepEqual(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), []);
});

test('demo: strict.html (CSP without inline anything, Trusted Types with the policy consentry) works with zero violations', async (t) => {
  serveDemo();
  // The page names its own origin for scripts; here the widget comes from the widget origin.
  const html = readFileSync(path.join(ROOT, 'demo', 'strict.html'), 'utf8');
  assert.ok(html.includes('<script src="../consentry.js"></script>'));
  const served = html
    .replace("script-src 'self'", `script-src 'self' ${env.widget.origin}`)
    .replace("default-src 'self'", `default-src 'self' ${env.widget.origin}`)
    .replace('<script src="../consentry.js"></script>', env.snippet());
  const url = env.route('/demo/strict.html', served);
  const context = await env.context(t);
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await env.page(context);
  await page.goto(url);
  await waitForBanner(page);
  assert.equal(await page.locator('#strict-status').textContent(), 'not running (no consent)');
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await eventually(async () => (await page.locator('#strict-status').textContent()) === 'running (consent given)', {
    message: 'the gated script to run',
  });
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  expectNoPageErrors(page);
});

test('demo: the page\'s receipts reach the demo\'s receipt server, and its dashboard (linked from the page) shows them', async (t) => {
  const token = 'e2e-demo-admin-token-0123456789-abcdefghijklmn';
  const server = await startReceiptServer({ token, allowOrigin: env.site.origin, name: 'demo' });
  after(() => server.stop());
  serveDemo();
  const html = readFileSync(path.join(ROOT, 'index.html'), 'utf8');
  const endpoint = 'http://127.0.0.1:8787/v1/receipts';
  assert.ok(html.includes(`"endpoint": "${endpoint}"`), 'the demo posts to the server `cargo xtask demo` runs');
  const url = env.route('/index-with-server.html', html
    .replace('<script src="consentry.js" async></script>', `<script src="${env.scriptUrl()}" async></script>`)
    .replace(endpoint, `${server.base}/v1/receipts`));
  const context = await env.context(t);
  const page = await env.page(context);
  await page.goto(url);
  await waitForBanner(page);
  const link = page.locator('#dashboard-link');
  assert.equal(await link.getAttribute('href'), new URL('/dashboard', endpoint).href, 'the link is the same server\'s dashboard');
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await eventually(async () => (await state(page)).receipts.delivered === 1, { timeout: 15_000, message: 'the receipt acknowledged' });

  const dashboard = await env.page(context);
  await dashboard.goto(`${server.base}/dashboard`);
  await dashboard.fill('#cd-token', token);
  await dashboard.click('#cd-login button[type="submit"]');
  await dashboard.waitForFunction(() => document.querySelector('#cd-summary').textContent.includes('receipts from'));
  assert.match(await dashboard.textContent('#cd-summary'), /^1 receipts? from 1 browsers?/);
  assert.equal(await dashboard.locator('#cd-receipts rect.cd-bar').count(), 1);
  expectNoPageErrors(page);
});
