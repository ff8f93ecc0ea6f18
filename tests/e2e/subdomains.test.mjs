// One choice across subdomains (`storage: "cookie"`, INTEGRATIONS.md §6, XSD-01…04): pages load from
// `www.a.test`, `shop.a.test` and `www.shop.co.uk` (mapped to loopback), the widget from its own origin.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment,
  bannerButton,
  waitForBanner,
  waitForWidget,
  waitForChange,
  expectNoBanner,
  expectNoPageErrors,
  state,
  events,
  eventually,
  moduleStem,
} from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';

const env = useEnvironment({
  chromiumArgs: ['--host-resolver-rules=MAP *.a.test 127.0.0.1, MAP *.co.uk 127.0.0.1'],
});
const DAY = 24 * 60 * 60 * 1000;

function cookieConfig(extra = {}) {
  return { ...baseConfig(), storage: 'cookie', ...extra };
}

/** A page generated on the site server, reached through `host` instead of 127.0.0.1. */
function on(host, url) {
  const u = new URL(url);
  u.hostname = host;
  return u.href;
}

async function openOn(t, context, host, pageOptions = {}) {
  const page = await env.page(context);
  await page.goto(on(host, env.pageUrl(pageOptions)));
  assert.equal(await waitForWidget(page), 'consentry:ready');
  return page;
}

async function consentryCookies(context) {
  return (await context.cookies()).filter((c) => c.name === 'consentry');
}

function warnings(page) {
  return page.consoleMessages.filter((m) => m.type === 'warning' && m.text.startsWith('consentry:'));
}

// The cookie format of model/src/record/compact.rs, written independently here so the widget is
// tested against the specification, not against itself.
function targetsHash(config) {
  const keys = config.purposes.map((p) => p.id);
  for (const p of config.purposes) for (const s of p.services ?? []) keys.push(`${p.id}/${s.id}`);
  let h = 0x811c9dc5;
  for (const c of keys.map((k) => `${k} `).join('')) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h.toString(36);
}

function compact(config, { id = '0f8c2a4e-5b1d-4c3a-9e7f-2d6b8a1c4e90', updated, granted }) {
  const keys = config.purposes.map((p) => p.id);
  for (const p of config.purposes) for (const s of p.services ?? []) keys.push(`${p.id}/${s.id}`);
  const required = new Set(config.purposes.filter((p) => p.required).map((p) => p.id));
  const bits = [];
  keys.forEach((k, i) => {
    const on = required.has(k) || granted.includes(k) || granted.includes(k.split('/')[0]);
    bits[Math.floor(i / 5)] = (bits[Math.floor(i / 5)] ?? 0) | (on ? 1 << i % 5 : 0);
  });
  const created = updated - DAY;
  // Method::ALL[0] is banner:accept-all, [1] banner:reject-all; ×4, no GPC flags.
  const method = granted.length > 0 ? 0 : 4;
  return [
    '1',
    id,
    encodeURIComponent(config.policy_version),
    'en',
    created.toString(36),
    (updated - created).toString(36),
    (180 * DAY).toString(36),
    method.toString(36),
    targetsHash(config),
    bits.map((b) => b.toString(32)).join(''),
  ].join('.');
}

test('XSD-01: a choice made on www. holds on shop.: no banner, decided, the same decisions', async (t) => {
  const context = await env.context(t);
  const config = cookieConfig();
  const www = await openOn(t, context, 'www.a.test', { config });
  await waitForBanner(www);
  assert.equal((await state(www)).storage, 'cookie');
  await bannerButton(www, 'accept-all').click();
  await waitForChange(www);
  const decided = await state(www);
  const cookies = await consentryCookies(context);
  assert.equal(cookies.length, 1, JSON.stringify(cookies));
  assert.equal(cookies[0].domain, '.a.test');
  assert.equal(cookies[0].path, '/');
  assert.equal(cookies[0].sameSite, 'Lax');
  assert.equal(cookies[0].secure, false, 'not Secure on http');
  const maxAge = cookies[0].expires * 1000 - Date.now();
  assert.ok(Math.abs(maxAge - 182 * DAY) < 60_000, `expires with the choice (${maxAge} ms)`);
  assert.equal(await www.evaluate(() => localStorage.getItem('consentry')), null, 'the choice is not in localStorage');
  assert.equal(await www.evaluate(() => document.cookie.includes('consentry_probe')), false, 'no probe cookie is left');

  const shop = await openOn(t, context, 'shop.a.test', { config });
  await expectNoBanner(shop);
  const s = await state(shop);
  assert.equal(s.decided, true);
  assert.equal(s.storage, 'cookie');
  assert.deepEqual([s.id, s.purposes, s.services, s.updatedAt], [decided.id, decided.purposes, decided.services, decided.updatedAt]);
  assert.equal(s.purposes.analytics, true);
  assert.deepEqual((await events(shop, 'consentry:change')).map((e) => e.detail.source), ['stored']);
  expectNoPageErrors(www);
  expectNoPageErrors(shop);
  assert.deepEqual(warnings(shop), []);
});

test('a decision on one subdomain reaches an open page of another when it is looked at again', async (t) => {
  const context = await env.context(t);
  const config = cookieConfig();
  const www = await openOn(t, context, 'www.a.test', { config });
  await waitForBanner(www);
  const shop = await openOn(t, context, 'shop.a.test', { config });
  await waitForBanner(shop);
  await bannerButton(shop, 'reject-all').click();
  await waitForChange(shop);
  // Cookies fire no `storage` event: nothing changes on www. until it gets focus again.
  await www.waitForTimeout(200);
  assert.equal((await state(www)).decided, false);
  await www.bringToFront();
  await www.evaluate(() => window.dispatchEvent(new Event('focus')));
  await eventually(async () => (await state(www)).decided, { message: 'www. adopted the choice made on shop.' });
  await expectNoBanner(www);
  assert.equal((await state(www)).purposes.analytics, false);
  assert.deepEqual((await events(www, 'consentry:change')).map((e) => e.detail.source), ['stored']);
  expectNoPageErrors(www);
});

test('XSD-02: cookie_domain "auto" on www.shop.co.uk settles on shop.co.uk, never the public suffix co.uk', async (t) => {
  const context = await env.context(t);
  const page = await openOn(t, context, 'www.shop.co.uk', { config: cookieConfig({ cookie_domain: 'auto' }) });
  await waitForBanner(page);
  await bannerButton(page, 'reject-all').click();
  await waitForChange(page);
  const cookies = await consentryCookies(context);
  assert.deepEqual(cookies.map((c) => c.domain), ['.shop.co.uk']);
  assert.equal((await context.cookies()).filter((c) => c.domain.endsWith('co.uk') && c.domain.replace(/^\./, '') === 'co.uk').length, 0);
  const other = await openOn(t, context, 'login.shop.co.uk', { config: cookieConfig() });
  await expectNoBanner(other);
  assert.equal((await state(other)).decided, true);
  expectNoPageErrors(page);
});

for (const newer of ['domain', 'host-only']) {
  test(`XSD-03: a host-only and a domain cookie: the newer (${newer}) applies and exactly one cookie remains`, async (t) => {
    const context = await env.context(t);
    const config = cookieConfig();
    const now = Date.now();
    const accept = compact(config, { updated: now - 1000, granted: ['analytics', 'marketing'] });
    const reject = compact(config, { updated: now - 5 * DAY, granted: [] });
    const url = on('www.a.test', env.site.origin + '/');
    await context.addCookies([
      { name: 'consentry', value: newer === 'host-only' ? accept : reject, url },
      { name: 'consentry', value: newer === 'domain' ? accept : reject, domain: '.a.test', path: '/' },
    ]);
    const both = await consentryCookies(context);
    assert.deepEqual(both.map((c) => c.domain).sort(), ['.a.test', 'www.a.test']);
    const page = await openOn(t, context, 'www.a.test', { config });
    await expectNoBanner(page);
    const s = await state(page);
    assert.equal(s.decided, true);
    assert.equal(s.purposes.analytics, true, 'the newer choice (accept) is in force');
    assert.equal(s.updatedAt, now - 1000);
    const left = await consentryCookies(context);
    assert.equal(left.length, 1, JSON.stringify(left));
    assert.equal(left[0].domain, '.a.test', 'the survivor is on the shared domain');
    assert.equal(left[0].value, accept);
    expectNoPageErrors(page);
  });
}

test('XSD-04: 20 purposes and 60 services, all decided: the cookie value is under 1,024 bytes', async (t) => {
  const config = baseConfig();
  config.storage = 'cookie';
  const template = config.purposes[1];
  config.purposes = [config.purposes[0]];
  for (let i = 1; i < 20; i++) {
    const services = Array.from({ length: i <= 12 ? 5 : 0 }, (_, j) => ({
      id: `vendor-service-${String(i).padStart(2, '0')}-${j}`,
      name: `Service ${i}.${j}`,
      description: 'A service.',
    }));
    config.purposes.push({ ...template, id: `purpose-number-${String(i).padStart(2, '0')}`, services });
  }
  assert.equal(config.purposes.length, 20);
  assert.equal(config.purposes.reduce((n, p) => n + (p.services?.length ?? 0), 0), 60);
  const context = await env.context(t);
  const page = await openOn(t, context, 'www.a.test', { config });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  const [cookie] = await consentryCookies(context);
  assert.ok(cookie.value.length < 1024, `${cookie.value.length} bytes`);
  const fields = cookie.value.split('.');
  assert.equal(fields.length, 10, cookie.value);
  assert.equal(fields[8], targetsHash(config), 'written for these purposes and services');
  assert.equal(fields[9], 'v'.repeat(16), 'all 80 granted');
  const shop = await openOn(t, context, 'shop.a.test', { config });
  await expectNoBanner(shop);
  const s = await state(shop);
  assert.equal(s.decided, true);
  assert.equal(s.services['purpose-number-12/vendor-service-12-4'], true);
  expectNoPageErrors(page);
});

test('a corrupt cookie: no choice applied, a consentry: warning, the banner, no page error', async (t) => {
  const context = await env.context(t);
  const config = cookieConfig();
  const good = compact(config, { updated: Date.now() - 1000, granted: ['analytics'] });
  const corrupt = good.replace(/\.[^.]+$/, '.!!');
  await context.addCookies([{ name: 'consentry', value: corrupt, domain: '.a.test', path: '/' }]);
  const page = await openOn(t, context, 'www.a.test', { config });
  await waitForBanner(page);
  const s = await state(page);
  assert.equal(s.decided, false);
  assert.equal(s.purposes.analytics, false);
  assert.deepEqual(await events(page, 'consentry:change'), []);
  assert.ok(warnings(page).some((w) => w.text.startsWith('consentry: ignoring the stored choice (')), JSON.stringify(page.consoleMessages));
  expectNoPageErrors(page);
  // The next decision replaces it.
  await bannerButton(page, 'reject-all').click();
  await waitForChange(page);
  const left = await consentryCookies(context);
  assert.equal(left.length, 1);
  assert.notEqual(left[0].value, corrupt);
});

test('an explicit cookie_domain that is not a parent: a consentry: error, and a host-only cookie that works', async (t) => {
  const context = await env.context(t);
  const config = cookieConfig({ cookie_domain: 'b.test' });
  const page = await openOn(t, context, 'www.a.test', { config });
  await waitForBanner(page);
  const errors = (await events(page, 'consentry:error')).filter((e) => e.detail.message.includes('cookie_domain'));
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0].detail.message, /^consentry: cookie_domain "b\.test" is neither this page's host \(www\.a\.test\) nor a parent domain of it/);
  assert.equal((await state(page)).storage, 'cookie');
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  assert.deepEqual((await consentryCookies(context)).map((c) => c.domain), ['www.a.test'], 'host-only');
  const again = await openOn(t, context, 'www.a.test', { config });
  await expectNoBanner(again);
  assert.equal((await state(again)).decided, true);
  const shop = await openOn(t, context, 'shop.a.test', { config: cookieConfig({ cookie_domain: 'a.test' }) });
  await waitForBanner(shop);
  assert.equal((await state(shop)).decided, false, 'a host-only cookie is not shared');
  expectNoPageErrors(page);
});

test('an explicit cookie_domain that is a parent is used', async (t) => {
  const context = await env.context(t);
  const page = await openOn(t, context, 'www.a.test', { config: cookieConfig({ cookie_domain: 'a.test' }) });
  await waitForBanner(page);
  await bannerButton(page, 'reject-all').click();
  await waitForChange(page);
  assert.deepEqual((await consentryCookies(context)).map((c) => c.domain), ['.a.test']);
  // (http://www.a.test is no secure context: WebCrypto is missing, so the receipt fails; that is reported too.)
  const about = (await events(page, 'consentry:error')).filter((e) => e.detail.message.includes('cookie'));
  assert.deepEqual(about, []);
});

test('a blocked document.cookie: the choice is kept in memory, state().storage is "memory", the page works', async (t) => {
  const context = await env.context(t);
  await context.addInitScript(() => {
    Object.defineProperty(Document.prototype, 'cookie', {
      get() {
        throw new DOMException('The document is sandboxed', 'SecurityError');
      },
      set() {
        throw new DOMException('The document is sandboxed', 'SecurityError');
      },
    });
  });
  const page = await openOn(t, context, 'www.a.test', { config: cookieConfig() });
  await waitForBanner(page);
  assert.equal((await state(page)).storage, 'memory');
  assert.ok(warnings(page).some((w) => w.text.startsWith('consentry: cookies cannot be used (')), JSON.stringify(page.consoleMessages));
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  assert.equal((await state(page)).decided, true);
  expectNoPageErrors(page);
});

test('the cookie code is a chunk fetched in cookie mode only; if it cannot be had, the choice is kept in memory', async (t) => {
  const chunk = `/${moduleStem()}-cookies.wasm`;
  const before = env.widget.log.length;
  const context = await env.context(t);
  const page = await openOn(t, context, 'www.a.test', { config: cookieConfig() });
  await waitForBanner(page);
  assert.equal((await state(page)).storage, 'cookie');
  assert.equal(env.widget.log.slice(before).filter((r) => r.path === chunk).length, 1, 'fetched once');

  // The chunk blocked: the widget still starts, keeps the choice in memory, and says why.
  const blocked = await env.context(t);
  await blocked.route((url) => url.pathname === chunk, (route) => route.abort());
  const page2 = await openOn(t, blocked, 'www.a.test', { config: cookieConfig() });
  await waitForBanner(page2);
  assert.equal((await state(page2)).storage, 'memory');
  assert.ok(warnings(page2).some((w) => w.text.startsWith('consentry: cookies cannot be used (the cookie storage code could not be loaded')),
    JSON.stringify(page2.consoleMessages));
  await bannerButton(page2, 'accept-all').click();
  await waitForChange(page2);
  assert.equal((await state(page2)).decided, true);
  assert.deepEqual(await consentryCookies(blocked), [], 'nothing half-written');
  expectNoPageErrors(page2);
});

test('cookie mode: the loader fetches the cookie code beside the module, inline or from data-config, once', async (t) => {
  const stem = moduleStem();
  const chunk = `/${stem}-cookies.wasm`;
  // The module answers late: a chunk requested before it arrived was requested by the loader.
  env.widget.override(`/${stem}.wasm`, { delay: 1500 });
  t.after(() => env.widget.reset());
  env.route('/cookie-mode.json', JSON.stringify(cookieConfig()), 'application/json');
  for (const options of [{ config: cookieConfig() }, { config: null, scriptAttrs: 'data-config="/cookie-mode.json"' }]) {
    const before = env.widget.log.length;
    const context = await env.context(t);
    const page = await openOn(t, context, 'www.a.test', options);
    await waitForBanner(page);
    assert.equal((await state(page)).storage, 'cookie');
    const log = env.widget.log.slice(before);
    const moduleAt = log.find((r) => r.path === `/${stem}.wasm`).at;
    const fetched = log.filter((r) => r.path === chunk);
    assert.equal(fetched.length, 1, `${JSON.stringify(options)}: fetched once, the bindings took the loader's download`);
    assert.ok(fetched[0].at - moduleAt < 1000, `${JSON.stringify(options)}: requested ${fetched[0].at - moduleAt} ms after the module`);
    await bannerButton(page, 'accept-all').click();
    await waitForChange(page);
    assert.equal((await consentryCookies(context)).length, 1);
    expectNoPageErrors(page);
  }
});

test('the loader sets the Consent Mode default from the cookie on another subdomain', async (t) => {
  const config = cookieConfig({
    integrations: { google_consent_mode: { map: { analytics: ['analytics_storage'], marketing: ['ad_storage'] } } },
  });
  const context = await env.context(t);
  const www = await openOn(t, context, 'www.a.test', { config, snippetFile: 'snippet-signals.html' });
  await waitForBanner(www);
  await www.evaluate(() => window.consentry.acceptAll());
  await waitForChange(www);
  const seen = `<script>window.__tm = Array.from(window.dataLayer || [], (e) => Array.from(e));</script>`;
  const shop = await openOn(t, context, 'shop.a.test', { config, snippetFile: 'snippet-signals.html', afterWidget: seen });
  const first = (await shop.evaluate(() => window.__tm)).find((c) => c[0] === 'consent');
  assert.equal(first[1], 'default');
  assert.equal(first[2].analytics_storage, 'granted', JSON.stringify(first));
  assert.equal(first[2].ad_storage, 'granted');
  assert.equal(first[2].wait_for_update, undefined, 'a returning visitor does not wait');
  await waitForChange(shop);
  assert.deepEqual(warnings(shop), [], 'the widget agrees with the loader');
  expectNoPageErrors(shop);
});

test('cookie_domain "auto" on an IP address keeps a host-only cookie that works', async (t) => {
  const context = await env.context(t);
  const config = cookieConfig();
  const page = await openOn(t, context, '127.0.0.1', { config });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  assert.deepEqual((await consentryCookies(context)).map((c) => c.domain), ['127.0.0.1'], 'host-only');
  const again = await openOn(t, context, '127.0.0.1', { config });
  await expectNoBanner(again);
  assert.equal((await state(again)).decided, true);
  assert.equal((await state(again)).storage, 'cookie');
  expectNoPageErrors(page);
});

test('a site that switches to storage "cookie" keeps the choice localStorage held, and moves it into the cookie', async (t) => {
  const context = await env.context(t);
  const local = await openOn(t, context, 'www.a.test', { config: baseConfig() });
  await waitForBanner(local);
  await bannerButton(local, 'accept-all').click();
  await waitForChange(local);
  const before = await state(local);
  assert.equal(before.storage, 'local');
  assert.deepEqual(await consentryCookies(context), []);
  const page = await openOn(t, context, 'www.a.test', { config: cookieConfig() });
  await expectNoBanner(page);
  const s = await state(page);
  assert.deepEqual([s.decided, s.id, s.purposes, s.updatedAt], [true, before.id, before.purposes, before.updatedAt]);
  assert.deepEqual((await consentryCookies(context)).map((c) => c.domain), ['.a.test']);
  assert.equal(await page.evaluate(() => localStorage.getItem('consentry')), null, 'moved, not copied');
  const shop = await openOn(t, context, 'shop.a.test', { config: cookieConfig() });
  await expectNoBanner(shop);
  assert.equal((await state(shop)).id, before.id);
  expectNoPageErrors(page);
});
