// The site owner's dashboard, end to end: the built widget posts real signed receipts to the real
// server (visitors on several days, with the page's clock set back; in English and French; accept
// all, reject all, customised; a GPC signal; a withdrawal), then /dashboard opens in headless
// Chromium under the server's strict CSP. The admin token is typed into the form, and the test
// checks that every plot is drawn with data, that the date range picker redraws, that "Verify now"
// shows a passed verify, that nothing was logged to the console and no CSP violation fired, that
// the token is in no URL, cookie or storage, and that dark mode renders. It saves the screenshot
// server/README.md shows (server/docs/dashboard.png).
//
// Needs the server binary: `cargo build -p consentry-server` (cargo xtask test builds it), or
// CONSENTRY_SERVER_BIN pointing at one.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  useEnvironment,
  ROOT,
  waitForWidget,
  waitForBanner,
  bannerButton,
  floatingButton,
  dialogButton,
  purposeSwitch,
  state,
  eventually,
  expectNoPageErrors,
} from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';
import { SERVER_BIN, startReceiptServer } from './support/receipt-server.mjs';

const env = useEnvironment();
const BIN = SERVER_BIN;
const TOKEN = 'e2e-dashboard-admin-token-0123456789-abcdefghij';
const SCREENSHOT = path.join(ROOT, 'server', 'docs', 'dashboard.png');
const DAY_MS = 86_400_000;
let server;
let base;

async function startServer() {
  server = await startReceiptServer({ token: TOKEN, allowOrigin: env.site.origin, name: 'dashboard' });
  ({ base } = server);
}

after(async () => server?.stop());

/** Midnight UTC today, minus `days`, plus `hours`. */
const dayAt = (days, hours) => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - days * DAY_MS + hours * 3_600_000);

/** One visitor: a fresh browser, its clock at `when`, deciding with `decide`, until `count` receipts are acknowledged. */
async function visit(t, config, { when, lang = 'en', gpc = false, signalReceipt = false }, ...decisions) {
  const context = await env.context(t, { locale: lang === 'fr' ? 'fr-FR' : 'en-US' });
  if (gpc) await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  await context.clock.install({ time: when });
  const page = await env.page(context);
  await page.goto(env.pageUrl({ config, lang }));
  await waitForWidget(page);
  let delivered = 0;
  if (signalReceipt) {
    delivered += 1;
    await eventually(async () => (await state(page)).receipts.delivered === 1, {
      timeout: 15_000,
      message: 'the gpc:opt-out receipt acknowledged',
    });
  }
  for (const decide of decisions) {
    if (decide.at) await context.clock.setSystemTime(decide.at);
    await decide(page);
    delivered += 1;
    await eventually(async () => (await state(page)).receipts.delivered === delivered, {
      timeout: 15_000,
      message: `receipt ${delivered} acknowledged`,
    });
  }
  expectNoPageErrors(page);
  await context.close();
}

const acceptAll = async (page) => {
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
};
const rejectAll = async (page) => {
  await waitForBanner(page);
  await bannerButton(page, 'reject-all').click();
};
const analyticsOnly = async (page) => {
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await purposeSwitch(page, 'analytics').click();
  await dialogButton(page, 'save').click();
};
/** Reopens the preferences and refuses everything: a withdrawal of what was granted. */
const withdraw = (at) =>
  Object.assign(
    async (page) => {
      await floatingButton(page).click();
      await dialogButton(page, 'reject-all').click();
    },
    { at },
  );

// Runs in the dashboard page before its scripts: every CSP violation, kept out of enumeration.
function recordViolations() {
  const violations = [];
  Object.defineProperty(window, '__csp', { value: violations, enumerable: false });
  document.addEventListener('securitypolicyviolation', (e) => {
    violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });
}

test('the dashboard plots the widget\'s receipts under a strict CSP, with the token kept in memory only', async (t) => {
  await startServer();
  const config = baseConfig();
  config.endpoint = `${base}/v1/receipts`;

  // A week of visitors (receipts are dated by the browser's clock, which the server accepts when it is in the past).
  await visit(t, config, { when: dayAt(6, 9) }, acceptAll);
  await visit(t, config, { when: dayAt(6, 14), lang: 'fr' }, rejectAll);
  await visit(t, config, { when: dayAt(5, 10), lang: 'fr' }, acceptAll);
  await visit(t, config, { when: dayAt(5, 16) }, analyticsOnly);
  await visit(t, config, { when: dayAt(4, 11), gpc: true }, rejectAll);
  await visit(t, config, { when: dayAt(4, 12) }, acceptAll, withdraw(dayAt(2, 9)));
  await visit(t, config, { when: dayAt(3, 18), lang: 'fr' }, analyticsOnly);
  // A Californian with the GPC signal: the signal alone sets the state, and gpc.receipts posts it.
  const californian = { ...config, jurisdiction: 'US-CA', gpc: { receipts: true } };
  californian.purposes = config.purposes.map((p) => (p.id === 'marketing' ? { ...p, gpc: true } : p));
  await visit(t, californian, { when: dayAt(3, 10), gpc: true, signalReceipt: true });
  await visit(t, config, { when: dayAt(2, 8) }, acceptAll);
  await visit(t, config, { when: dayAt(1, 13), lang: 'fr', gpc: true }, acceptAll);
  const expected = 11;
  const health = await (await fetch(`${base}/healthz`)).json();
  assert.equal(health.treeSize, expected, 'every receipt is in the log');

  // The page: public, under the strict CSP.
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  t.after(() => context.close());
  await context.addInitScript(recordViolations);
  const page = await context.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  const urls = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e?.stack ?? e)));
  page.on('request', (r) => urls.push(r.url()));
  const response = await page.goto(`${base}/dashboard`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /^default-src 'none'; script-src 'self'; style-src 'self';/);

  await page.fill('#cd-token', TOKEN);
  await page.click('#cd-login button[type="submit"]');
  await page.waitForSelector('#cd-receipts rect.cd-bar');
  await page.waitForFunction(() => document.querySelector('#cd-summary').textContent.includes('receipts from'));
  const count = (selector) => page.locator(selector).count();
  const plots = {
    'consent rate lines': await count('#cd-rates path.cd-line'),
    'consent rate points': await count('#cd-rates circle.cd-dot'),
    'choice split segments': await count('#cd-choices rect.cd-bar'),
    'language bars': await count('#cd-languages rect.cd-bar'),
    'receipts per day bars': await count('#cd-receipts rect.cd-bar'),
    'GPC share bars': await count('#cd-gpc rect.cd-bar'),
    'withdrawal bars': await count('#cd-withdrawals rect.cd-bar'),
    'log size line': await count('#cd-log path.cd-line'),
  };
  for (const [plot, n] of Object.entries(plots)) assert.ok(n > 0, `${plot}: ${n} (${JSON.stringify(plots)})`);
  assert.equal(plots['consent rate lines'], 2, 'analytics and marketing (the required purpose has no rate)');
  assert.equal(plots['choice split segments'], 3, 'accept all, reject all, customised');
  assert.equal(plots['language bars'], 2, 'en and fr');
  assert.equal(plots['receipts per day bars'], 6, 'six days with receipts');
  assert.equal(plots['GPC share bars'], 3);
  assert.equal(plots['withdrawal bars'], 1);
  assert.match(await page.textContent('#cd-summary'), new RegExp(`^${expected} receipts from 10 browsers`));
  assert.match(await page.textContent('#cd-gpc-opt-out'), /^1 state set by the signal alone, with no click/);
  assert.match(await page.textContent('#cd-withdrawals .cd-legend'), /analytics 1/, 'the withdrawn purposes are listed');

  // Verify now: runs, and the last verify shows it passed.
  assert.match(await page.textContent('#cd-log .cd-facts'), /never run/);
  await page.click('#cd-verify');
  await page.waitForSelector('#cd-log .cd-badge--passed');
  assert.match(await page.textContent('#cd-log .cd-facts'), new RegExp(`passed: ${expected} receipts, 0 problems \\(dashboard`));

  // The date range picker: one day only.
  const oneDay = dayAt(6, 0).toISOString().slice(0, 10);
  await page.fill('#cd-to', oneDay);
  await page.fill('#cd-from', oneDay);
  await page.dispatchEvent('#cd-from', 'change');
  await page.waitForFunction(() => document.querySelector('#cd-summary').textContent.startsWith('2 receipts'));
  assert.equal(await count('#cd-receipts rect.cd-bar'), 1);
  await page.click('[data-days="30"]');
  await page.waitForFunction((n) => document.querySelector('#cd-summary').textContent.startsWith(`${n} receipts`), expected);

  // The token: in no URL, cookie or storage, and not left in the form.
  assert.ok(!page.url().includes(TOKEN) && !urls.some((u) => u.includes(TOKEN)), `a URL holds the token: ${urls.join(' ')}`);
  const kept = await page.evaluate(() => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookie: document.cookie,
    field: document.querySelector('#cd-token').value,
    html: document.documentElement.outerHTML,
  }));
  assert.deepEqual({ ...kept, html: undefined }, { local: 0, session: 0, cookie: '', field: '', html: undefined });
  assert.ok(!kept.html.includes(TOKEN), 'the token is not in the document');
  assert.deepEqual(await context.cookies(), []);

  // Screenshot of the last week (light), then dark mode.
  await page.click('[data-days="7"]');
  await page.waitForFunction(() => document.querySelector('#cd-summary').textContent.includes(' to ') && document.querySelectorAll('#cd-receipts text.cd-axis--middle').length === 7);
  assert.match(await page.textContent('#cd-summary'), new RegExp(`^${expected} receipts`));
  await page.evaluate(() => document.activeElement?.blur());
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.ok(statSync(SCREENSHOT).size < 250_000, `the screenshot is small enough to commit (${statSync(SCREENSHOT).size} B)`);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await background();
  const luminance = (rgb) => rgb.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 765;
  assert.ok(luminance(light) > 0.8 && luminance(dark) < 0.2, `light ${light}, dark ${dark}`);
  const line = await page.evaluate(() => getComputedStyle(document.querySelector('#cd-rates path.cd-line')).stroke);
  assert.notEqual(line, 'none', 'the lines keep their colour in dark mode');

  // Forget token: back to the form, and the data needs the token again.
  await page.click('#cd-forget');
  assert.equal(await page.isVisible('#cd-login'), true);
  assert.equal(await page.isVisible('#cd-board'), false);

  const violations = await page.evaluate(() => window.__csp);
  assert.deepEqual(violations, [], 'no CSP violation');
  assert.deepEqual(consoleMessages.filter((m) => m.type === 'error' || m.type === 'warning'), [], 'no console errors or warnings');
  assert.deepEqual(pageErrors, []);
});
