// Strict pages: Content-Security-Policy without 'unsafe-inline', nonces and 'strict-dynamic', Trusted
// Types, and Subresource Integrity for every file the loader fetches (INTEGRATIONS.md §3, CSP-01…08).
// Each page records its `securitypolicyviolation` events from an init script (init scripts are not
// subject to the page's policy).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment,
  bannerButton,
  dialog,
  waitForBanner,
  waitForWidget,
  waitForChange,
  expectNoPageErrors,
  events,
  get,
  runs,
  eventually,
  moduleStem,
} from './support/harness.mjs';
import { GATED_MARKUP } from './support/config.mjs';

const env = useEnvironment();
const NONCE = 'r4nd0m-N0nce';

function recordViolations() {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });
}

/** Opens a generated page whose first element in <head> is `<meta http-equiv=Content-Security-Policy>`. */
async function openStrict(t, csp, pageOptions = {}, { wait = true, overrides = {} } = {}) {
  const context = await env.context(t);
  await context.addInitScript(recordViolations);
  const page = await env.page(context);
  for (const [file, how] of Object.entries(overrides)) env.widget.override(file, how);
  t.after(() => env.widget.reset());
  const meta = `<meta http-equiv="Content-Security-Policy" content="${csp.replaceAll('"', '&quot;')}">`;
  await page.goto(env.pageUrl({ ...pageOptions, head: `${meta}\n${pageOptions.head ?? ''}` }));
  if (wait) await waitForWidget(page);
  return page;
}

async function violations(page) {
  return page.evaluate(() => window.__violations);
}

/** The strictest policy the README promises to work with: scripts only from the site and the widget's origin. */
function strict(extra = '') {
  return `script-src 'self' ${env.widget.origin} 'wasm-unsafe-eval' ${extra}; style-src 'self'; object-src 'none'; base-uri 'none'`;
}

/** GATED_MARKUP with the nonce on its inline scripts (a strict page allows no other inline script). */
const NONCED_MARKUP = GATED_MARKUP.replaceAll('<script type="text/plain"', `<script nonce="${NONCE}" type="text/plain"`);

test("CSP-01: no 'unsafe-inline' for styles: the banner and the preference center are styled, with zero violations", async (t) => {
  const page = await openStrict(t, strict());
  await waitForBanner(page);
  const styled = await page.evaluate(() => {
    const root = document.getElementById('consentry').shadowRoot;
    const banner = getComputedStyle(root.querySelector('.cs-banner'));
    const button = getComputedStyle(root.querySelector('[data-action="accept-all"]'));
    return { position: banner.position, radius: button.borderTopLeftRadius, styleAttributes: root.querySelectorAll('[style]').length };
  });
  assert.deepEqual(styled, { position: 'fixed', radius: '8px', styleAttributes: 0 });
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  const backdrop = await page.evaluate(() => {
    const root = document.getElementById('consentry').shadowRoot;
    return { position: getComputedStyle(root.querySelector('.cs-backdrop')).position, styleAttributes: root.querySelectorAll('[style]').length };
  });
  assert.deepEqual(backdrop, { position: 'fixed', styleAttributes: 0 });
  assert.deepEqual(await violations(page), []);
  // Control: the policy is in force (an inline <style> is refused).
  await page.evaluate(() => document.head.append(Object.assign(document.createElement('style'), { textContent: 'p{}' })));
  await eventually(async () => (await violations(page)).some((v) => v.directive.startsWith('style-src')), {
    message: 'the control <style> to be refused',
  });
  assert.deepEqual(await events(page, 'consentry:error'), []);
  expectNoPageErrors(page);
});

test('CSP-02/04: Trusted Types and a nonce: gated inline and external scripts run after consent, copies carry the nonce, zero violations', async (t) => {
  const csp = strict(`'nonce-${NONCE}'`) + "; require-trusted-types-for 'script'; trusted-types consentry";
  const page = await openStrict(t, csp, { body: NONCED_MARKUP });
  await waitForBanner(page);
  // The preference center (a Leptos view in its own chunk) renders without any HTML string sink.
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await eventually(async () => (await runs(page)).length === 4, { message: 'the four gated scripts to run' });
  assert.deepEqual(
    (await runs(page)).sort(),
    ['inline:analytics', 'inline:analytics/matomo', 'inline:marketing', 'src:analytics'].sort(),
  );
  const nonces = await page.evaluate(() =>
    [...document.querySelectorAll('script[data-consentry-done="copy"]')].filter((s) => !s.src).map((s) => s.nonce),
  );
  assert.deepEqual(nonces, [NONCE, NONCE, NONCE], 'each inline copy has the original nonce (the property)');
  assert.deepEqual(await violations(page), []);
  // Control: Trusted Types are enforced (a plain string is refused by an HTML sink).
  const refused = await page.evaluate(() => {
    try {
      document.createElement('div').innerHTML = '<b>x</b>';
      return false;
    } catch (e) {
      return e instanceof TypeError;
    }
  });
  assert.equal(refused, true, 'innerHTML with a string throws');
  assert.deepEqual(await events(page, 'consentry:error'), []);
  expectNoPageErrors(page);
});

test('CSP-03: Trusted Types that do not allow the policy "consentry": nothing runs, and the error names the directive', async (t) => {
  const csp = strict(`'nonce-${NONCE}'`) + "; require-trusted-types-for 'script'; trusted-types other";
  const page = await openStrict(t, csp, { body: NONCED_MARKUP }, { wait: false });
  assert.equal(await waitForWidget(page), 'consentry:error');
  const [error] = await events(page, 'consentry:error');
  assert.match(error.detail.message, /^consentry: .*add `trusted-types consentry`/);
  await page.waitForTimeout(300);
  assert.deepEqual(await runs(page), []);
  assert.equal(await get(page, 'analytics'), false);
  expectNoPageErrors(page);
});

test('CSP-03: … and with the bindings script in the page itself, the banner works; gated scripts still do not run', async (t) => {
  const csp = strict(`'nonce-${NONCE}'`) + "; require-trusted-types-for 'script'; trusted-types other";
  const snippet = env.snippet();
  // The bindings' preload line gives their URL and integrity: the same file as a parser-inserted script.
  const [, glueUrl, integrity] = snippet.match(/<link rel="preload" href="([^"]+\.js)" as="script" crossorigin integrity="([^"]+)">/);
  const bindings = `<script src="${glueUrl}" integrity="${integrity}" crossorigin async></script>`;
  const page = await openStrict(t, csp, { embed: 'none', head: `${snippet}\n${bindings}`, body: NONCED_MARKUP }, { wait: false });
  await waitForBanner(page);
  const [first] = await events(page, 'consentry:error');
  assert.match(first.detail.message, /add `trusted-types consentry`.*includes its bindings script/);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await eventually(async () => (await events(page, 'consentry:error')).length === 2, { message: 'the gated-script refusal' });
  const errors = await events(page, 'consentry:error');
  assert.match(errors[1].detail.message, /gated scripts cannot run: .*add `trusted-types consentry`/);
  await page.waitForTimeout(300);
  assert.deepEqual(await runs(page), [], 'no gated script ran');
  assert.equal(await get(page, 'analytics'), true, 'the decision itself is recorded and applied');
  expectNoPageErrors(page);
});

test('CSP-04: data-nonce on the loader is the nonce every gated copy gets', async (t) => {
  const csp = `script-src ${env.widget.origin} 'nonce-${NONCE}' 'wasm-unsafe-eval'`;
  const markup = '<script type="text/plain" data-consent="analytics">window.__e2e.runs.push("inline:analytics")</script>';
  const page = await openStrict(t, csp, { body: markup, scriptAttrs: `data-nonce="${NONCE}"` });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await eventually(async () => (await runs(page)).includes('inline:analytics'), { message: 'the gated script to run' });
  assert.deepEqual(await violations(page), []);
  expectNoPageErrors(page);
});

test("CSP-05: 'strict-dynamic' with a nonced loader: a gated script from another origin runs after consent", async (t) => {
  const foreign = `${env.widget.origin}/consentry.js?as-a-gated-script`;
  const csp = `script-src 'nonce-${NONCE}' 'strict-dynamic' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'`;
  const snippet = env.snippet().replaceAll('<link ', `<link nonce="${NONCE}" `).replace('<script ', `<script nonce="${NONCE}" `);
  const page = await openStrict(t, csp, {
    embed: 'none',
    head: snippet,
    body: `<script type="text/plain" data-consent="marketing" src="${foreign}"></script>`,
  });
  await waitForBanner(page);
  const fetched = () => env.widget.log.filter((r) => r.search === '?as-a-gated-script').length;
  assert.equal(fetched(), 0, 'nothing before consent');
  await bannerButton(page, 'accept-all').click();
  await eventually(() => fetched() === 1, { message: 'the foreign gated script to load' });
  await page.waitForTimeout(300);
  assert.deepEqual(
    (await violations(page)).filter((v) => v.blocked.includes('as-a-gated-script')),
    [],
    'the gated script from another origin is allowed through strict-dynamic',
  );
  expectNoPageErrors(page);
});

test('CSP-07: a module with one byte changed fails closed with an integrity error', async (t) => {
  const page = await openStrict(t, strict(), { body: GATED_MARKUP }, { wait: false, overrides: { [`/${moduleStem()}.wasm`]: { tamper: true } } });
  assert.equal(await waitForWidget(page), 'consentry:error');
  const [error] = await events(page, 'consentry:error');
  assert.match(error.detail.message, /does not match its integrity hash \(expected sha384-/);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('#consentry').count(), 0);
  assert.deepEqual(await runs(page), []);
  assert.equal(await get(page, 'analytics'), false);
});

test('a bindings script with one byte changed is refused by the browser, and named', async (t) => {
  const page = await openStrict(t, strict(), { body: GATED_MARKUP }, { wait: false, overrides: { [`/${moduleStem()}.js`]: { tamper: true } } });
  assert.equal(await waitForWidget(page), 'consentry:error');
  const [error] = await events(page, 'consentry:error');
  assert.match(error.detail.message, new RegExp(`could not load .*${moduleStem()}\\.js: .*does not match its integrity hash`));
  assert.deepEqual(await runs(page), []);
});

test("a tampered preference-center chunk: the chunk is refused, the banner's buttons keep working", async (t) => {
  const page = await openStrict(t, strict(), { body: GATED_MARKUP }, { overrides: { [`/${moduleStem()}-preferences.wasm`]: { tamper: true } } });
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await eventually(async () => (await events(page, 'consentry:error')).length === 1, { message: 'the chunk error' });
  const [error] = await events(page, 'consentry:error');
  assert.match(error.detail.message, /could not load the preference center/);
  assert.ok(await bannerButton(page, 'reject-all').isVisible(), 'the banner is still there');
  await bannerButton(page, 'reject-all').click();
  const change = await waitForChange(page);
  assert.equal(change.detail.purposes.analytics, false);
});

test('CSP-08: the loader pinned with a wrong integrity value is blocked by the browser; nothing runs', async (t) => {
  const wrong = 'sha384-' + 'A'.repeat(64);
  const snippet = env.snippet().replace(/(<script [^>]*integrity=")[^"]+"/, `$1${wrong}"`);
  const page = await openStrict(t, strict(), { embed: 'none', head: snippet, body: GATED_MARKUP }, { wait: false });
  await page.waitForTimeout(1000);
  assert.equal(await page.evaluate(() => typeof window.consentry), 'undefined', 'the loader did not run');
  assert.deepEqual(await runs(page), []);
});

test('data-config-integrity: a matching configuration file is used; a changed one fails closed, named', async (t) => {
  const { baseConfig } = await import('./support/config.mjs');
  const body = JSON.stringify(baseConfig());
  const { createHash } = await import('node:crypto');
  const sri = `sha384-${createHash('sha384').update(body).digest('base64')}`;
  env.route('/pinned.json', body, 'application/json');
  env.route('/changed.json', body.replace('2025-01', '2025-02'), 'application/json');
  const ok = await openStrict(t, strict(), { config: null, scriptAttrs: `data-config="/pinned.json" data-config-integrity="${sri}"` });
  await waitForBanner(ok);
  const bad = await openStrict(t, strict(), { config: null, scriptAttrs: `data-config="/changed.json" data-config-integrity="${sri}"`, body: GATED_MARKUP }, { wait: false });
  assert.equal(await waitForWidget(bad), 'consentry:error');
  const [error] = await events(bad, 'consentry:error');
  assert.match(error.detail.message, /could not load the configuration from .*changed\.json: .*does not match its integrity hash/);
  assert.equal(await bad.locator('#consentry').count(), 0);
  assert.deepEqual(await runs(bad), []);
});
