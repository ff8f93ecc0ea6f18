// The loader `consentry.js`: how the widget arrives, and what happens when part of it does not.
// Every page embeds the snippet `cargo xtask dist` writes (preloads + the synchronous loader first in <head>)
// unless a test says `embed: 'async'`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import {
  useEnvironment, moduleStem, waitForWidget, waitForBanner, bannerButton, bannerVisible, events, runs, stored,
  eventually, expectNoPageErrors, waitForChange, get, dialog, DIST,
} from './support/harness.mjs';
import { baseConfig, GATED_MARKUP, ALL_GATED_RUNS } from './support/config.mjs';

const env = useEnvironment();

/** Opens a page whose widget files are changed by `overrides` ({ wasm, glue, loader } → server override). */
async function openWith(t, overrides, pageOptions = {}, wait = true) {
  const stem = moduleStem();
  const paths = {
    wasm: `/${stem}.wasm`,
    glue: `/${stem}.js`,
    loader: '/consentry.js',
    preferences: `/${stem}-preferences.wasm`,
    receipts: `/${stem}-receipts.wasm`,
  };
  for (const [file, how] of Object.entries(overrides)) env.widget.override(paths[file], how);
  t.after(() => env.widget.reset());
  return env.open(t, pageOptions, { wait });
}

/** The widget failed closed: one consentry:error containing `text`, no banner, nothing granted or run. */
async function expectFailedClosed(page, text) {
  assert.equal(await waitForWidget(page), 'consentry:error');
  const errors = await events(page, 'consentry:error');
  assert.equal(errors.length, 1, `exactly one consentry:error (${JSON.stringify(errors)})`);
  assert.ok(errors[0].detail.message.startsWith('consentry: '), errors[0].detail.message);
  assert.ok(errors[0].detail.message.includes(text), `"${errors[0].detail.message}" mentions "${text}"`);
  assert.ok(
    page.consoleMessages.some((m) => m.type === 'error' && m.text === errors[0].detail.message),
    'the same message is on the console',
  );
  await page.waitForTimeout(300);
  assert.equal(await page.locator('#consentry').count(), 0, 'no widget on the page');
  assert.equal(await get(page, 'analytics'), false, 'the stand-in grants nothing');
  assert.equal(await page.evaluate(() => window.consentry.state()), null);
  assert.deepEqual(await runs(page), [], 'no gated script ran');
  assert.equal(await page.locator('#video').getAttribute('src'), null, 'the gated iframe stays empty');
  assert.deepEqual(await events(page, 'consentry:change'), []);
  expectNoPageErrors(page);
}

test('the snippet loads each file once, by its content-hashed name, even with ?v= on the loader', async (t) => {
  const before = env.widget.log.length;
  const { page } = await env.open(t, { scriptQuery: '?v=123' });
  await waitForBanner(page);
  const stem = moduleStem();
  // The preference center's chunk follows on idle, because the banner is shown, with the chunks of code
  // it shares with the other chunks, if wasm-split made some. The cookie chunk is never fetched in
  // the default "local" storage mode.
  const shared = new Set(readdirSync(DIST).filter((f) => f.startsWith(`${stem}-shared-`)).map((f) => `/${f}`));
  const expected = [`/${stem}.js`, `/${stem}.wasm`, '/consentry.js?v=123', `/${stem}-preferences.wasm`];
  const fetched = () => env.widget.log.slice(before).map((r) => r.path + r.search).sort();
  await eventually(async () => expected.every((f) => fetched().includes(f)), { message: 'the chunk prefetch' });
  await page.waitForTimeout(300);
  const all = fetched();
  assert.deepEqual([...new Set(all)].sort(), all, 'preloads are used, nothing twice');
  assert.deepEqual(all.filter((f) => !expected.includes(f) && !shared.has(f)), [], 'nothing but the first module, the loader, the preference center and shared code');
  assert.ok(!all.includes(`/${stem}-cookies.wasm`), 'the cookie chunk stays unfetched in "local" mode');
  expectNoPageErrors(page);
});

test('the older embed, an async script at the end of <body>, still works', async (t) => {
  const { page } = await env.open(t, { embed: 'async', body: GATED_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await eventually(async () => (await runs(page)).length === ALL_GATED_RUNS.length, { message: 'gated content to run' });
  expectNoPageErrors(page);
});

test('an inline configuration placed after the loader (in <body>) is waited for', async (t) => {
  const config = JSON.stringify(baseConfig()).replace(/</g, '\\u003c');
  const { page } = await env.open(t, {
    config: null,
    body: `<p>text</p><script type="application/json" id="consentry-config">${config}</script>`,
  });
  await waitForBanner(page);
  assert.deepEqual(await events(page, 'consentry:error'), []);
});

test('calls made before the module is ready are kept and replayed in order; the stand-in then forwards', async (t) => {
  const early = `<script>
    var early = window.consentry;
    window.__e2e.early = { get: early.get('analytics'), state: early.state(), frozen: Object.isFrozen(early) };
    window.__e2e.order = [];
    early.whenReady(function (api) { window.__e2e.order.push('first:' + api.get('analytics')); });
    early.acceptAll();
    early.whenReady(function () { throw new Error('a page callback that throws'); });
    early.whenReady(function (api) { window.__e2e.order.push('after:' + api.get('analytics') + ':' + (api === window.consentry)); });
    window.__e2e.stub = early;
  </script>`;
  const { page } = await openWith(t, { wasm: { delay: 700 } }, { beforeWidget: '', head: '', body: GATED_MARKUP + early });
  assert.deepEqual(await page.evaluate(() => window.__e2e.early), { get: false, state: null, frozen: true });
  await eventually(() => page.evaluate(() => window.__e2e.order.length === 2), { message: 'both whenReady callbacks' });
  assert.deepEqual(await page.evaluate(() => window.__e2e.order), ['first:false', 'after:true:true']);
  const changes = await events(page, 'consentry:change');
  assert.equal(changes.at(-1).detail.source, 'api', 'the queued acceptAll() is an API decision');
  assert.match(await stored(page), /"analytics":true/);
  assert.equal(await bannerVisible(page), false, 'the banner closed after the replayed acceptAll()');
  await eventually(async () => (await runs(page)).length === ALL_GATED_RUNS.length, { message: 'gated content to run' });
  assert.equal(await page.evaluate(() => window.__e2e.stub.get('analytics')), true, 'a kept reference to the stand-in forwards');
  const warned = page.consoleMessages.filter((m) => m.type === 'warning' && m.text.startsWith('consentry: a whenReady callback threw'));
  assert.equal(warned.length, 1, `the throwing callback is reported and stops nothing (${JSON.stringify(page.consoleMessages)})`);
  assert.match(warned[0].text, /a page callback that throws/);
  expectNoPageErrors(page);
});

test('a data-config file is fetched beside the module, not after it', async (t) => {
  env.route('/parallel.json', JSON.stringify(baseConfig()), 'application/json');
  const from = env.site.log.length;
  const wasmFrom = env.widget.log.length;
  const { page } = await openWith(t, { wasm: { delay: 800 } }, { config: null, scriptAttrs: 'data-config="/parallel.json"' });
  await waitForBanner(page);
  const config = env.site.log.slice(from).find((r) => r.path === '/parallel.json');
  const wasm = env.widget.log.slice(wasmFrom).find((r) => r.path.endsWith('.wasm'));
  assert.ok(config && wasm, 'both were fetched');
  assert.ok(config.at < wasm.at + 800, `the configuration was asked for ${config.at - wasm.at} ms after the module, before it arrived`);
});

test('the script included twice starts one widget', async (t) => {
  const second = `<script src="${env.scriptUrl()}"></script>`;
  const { page } = await env.open(t, { body: second });
  await waitForBanner(page);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('#consentry').count(), 1);
  assert.equal((await events(page, 'consentry:ready')).length, 1);
  assert.deepEqual(await events(page, 'consentry:error'), []);
  assert.ok(page.consoleMessages.some((m) => m.type === 'warning' && /included more than once/.test(m.text)));
  expectNoPageErrors(page);
});

test('module missing (HTTP 404): fails closed, naming the file', async (t) => {
  const { page } = await openWith(t, { wasm: { status: 404 } }, { body: GATED_MARKUP }, false);
  await expectFailedClosed(page, `HTTP 404 for ${env.widget.origin}/${moduleStem()}.wasm`);
});

test('module download cut off: fails closed', async (t) => {
  const { page } = await openWith(t, { wasm: { drop: true } }, { body: GATED_MARKUP }, false);
  await expectFailedClosed(page, 'failed to start');
});

test('glue script missing: fails closed, naming the file', async (t) => {
  const { page } = await openWith(t, { glue: { status: 404 } }, { body: GATED_MARKUP }, false);
  await expectFailedClosed(page, `could not load ${env.widget.origin}/${moduleStem()}.js`);
});

test("a Content-Security-Policy without 'wasm-unsafe-eval': fails closed and names the directive", async (t) => {
  const csp = `<meta http-equiv="Content-Security-Policy" content="script-src ${env.widget.origin}">`;
  const { page } = await env.open(t, { head: csp, body: GATED_MARKUP }, { wait: false });
  await expectFailedClosed(page, "must allow 'wasm-unsafe-eval' in script-src");
});

test("the same policy with 'wasm-unsafe-eval' works", async (t) => {
  const csp = `<meta http-equiv="Content-Security-Policy" content="script-src ${env.widget.origin} 'wasm-unsafe-eval'; style-src 'unsafe-inline'">`;
  const { page } = await env.open(t, { head: csp });
  await waitForBanner(page);
  assert.deepEqual(await events(page, 'consentry:error'), []);
});

test('a returning visitor: the stored choice is applied before the visitor does anything', async (t) => {
  const { context, page, url } = await env.open(t, { body: GATED_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  const again = await env.page(context);
  await again.goto(url);
  await waitForWidget(again);
  await eventually(async () => (await runs(again)).length === ALL_GATED_RUNS.length, { message: 'gated content to run' });
  assert.equal(await bannerVisible(again), false);
  assert.equal((await events(again, 'consentry:change'))[0].detail.purposes.analytics, true, 'the start-up change carries the stored grant');
  expectNoPageErrors(again);
});

test('the preference center chunk: fetched once the banner is up, or on first need; once per page', async (t) => {
  const chunk = `/${moduleStem()}-preferences.wasm`;
  const fetches = (from) => env.widget.log.slice(from).filter((r) => r.path === chunk).length;
  let from = env.widget.log.length;
  const { context, page, url } = await env.open(t, {});
  await waitForBanner(page);
  await eventually(async () => fetches(from) === 1, { message: 'the chunk to be prefetched while the banner shows' });
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  assert.equal(fetches(from), 1, 'fetched once, then kept');
  await page.locator('#consentry [data-action="save"]').click();
  await waitForChange(page);

  // A returning visitor sees no banner: the chunk waits until the preference center is opened.
  from = env.widget.log.length;
  const again = await env.page(context);
  await again.goto(url);
  await waitForWidget(again);
  await again.waitForTimeout(2500);
  assert.equal(fetches(from), 0, 'no banner, no prefetch');
  await again.locator('#consentry [data-action="open-preferences"]').click();
  await dialog(again).waitFor({ state: 'visible' });
  assert.equal(fetches(from), 1);
  expectNoPageErrors(page);
  expectNoPageErrors(again);
});

test('preference center chunk missing: a clear error, and the banner keeps working', async (t) => {
  const { page } = await openWith(t, { preferences: { status: 404 } }, { body: GATED_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await eventually(async () => (await events(page, 'consentry:error')).length === 1, { message: 'consentry:error' });
  const [error] = await events(page, 'consentry:error');
  assert.match(error.detail.message, /^consentry: could not load the preference center/);
  assert.equal(await dialog(page).count(), 0, 'no preference center');
  assert.ok(await bannerVisible(page), 'the banner is still there');
  await bannerButton(page, 'reject-all').click();
  const change = await waitForChange(page);
  assert.equal(change.detail.action, 'reject-all');
  assert.match(await stored(page), /"analytics":false/, 'the decision is stored');
  assert.deepEqual(await runs(page), []);
  expectNoPageErrors(page);
});

test('preference center chunk slow: the banner stays usable while it arrives; a decision meanwhile wins', async (t) => {
  const { page } = await openWith(t, { preferences: { delay: 1500 } }, { body: GATED_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await page.waitForTimeout(300);
  assert.ok(await bannerVisible(page), 'the banner stays while the chunk is on its way');
  assert.equal(await dialog(page).count(), 0);
  await bannerButton(page, 'accept-all').click();
  const change = await waitForChange(page);
  assert.equal(change.detail.action, 'accept-all');
  await page.waitForTimeout(1800);
  assert.equal(await dialog(page).count(), 0, 'the late chunk does not open the center after the decision');
  assert.equal(await bannerVisible(page), false);
  await eventually(async () => (await runs(page)).length === ALL_GATED_RUNS.length, { message: 'gated content to run' });
  assert.deepEqual(await events(page, 'consentry:error'), []);
  expectNoPageErrors(page);
});

test('preference center chunk slow: opened once it arrives', async (t) => {
  const { page } = await openWith(t, { preferences: { delay: 800 } }, {});
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible', timeout: 5000 });
  expectNoPageErrors(page);
});

test('the receipt chunk: not fetched before a decision, fetched for the first receipt', async (t) => {
  const chunk = `/${moduleStem()}-receipts.wasm`;
  const from = env.widget.log.length;
  const fetches = () => env.widget.log.slice(from).filter((r) => r.path === chunk).length;
  const { page } = await env.open(t, {});
  await waitForBanner(page);
  await page.waitForTimeout(1500);
  assert.equal(fetches(), 0, 'a visitor who has not decided downloads no receipt code');
  await bannerButton(page, 'accept-all').click();
  await eventually(async () => (await page.evaluate(() => window.consentry.state())).receipts.count === 1, {
    message: 'the first receipt',
  });
  assert.equal(fetches(), 1);
  expectNoPageErrors(page);
});

test('receipt chunk missing: the decision is stored and applied, and its receipt is made on the next page view', async (t) => {
  const { context, page, url } = await openWith(t, { receipts: { status: 404 } }, { body: GATED_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await eventually(async () => (await events(page, 'consentry:error')).length === 1, { message: 'consentry:error' });
  const [error] = await events(page, 'consentry:error');
  assert.match(error.detail.message, /^consentry: could not load the receipt code/);
  assert.match(await stored(page), /"analytics":true/, 'the decision is stored');
  await eventually(async () => (await runs(page)).length === ALL_GATED_RUNS.length, { message: 'gated content to run' });
  assert.equal((await page.evaluate(() => window.consentry.state())).receipts.count, 0, 'no receipt yet');

  env.widget.reset();
  const again = await env.page(context);
  await again.goto(url);
  await waitForWidget(again);
  const receipts = await eventually(async () => {
    const s = await again.evaluate(() => window.consentry.state());
    return s.receipts.count === 1 && s.receipts;
  }, { message: 'the catch-up receipt' });
  assert.equal(receipts.count, 1);
  // And only one: a further page view adds none.
  const third = await env.page(context);
  await third.goto(url);
  await waitForWidget(third);
  await third.waitForTimeout(800);
  assert.equal((await third.evaluate(() => window.consentry.state())).receipts.count, 1);
  expectNoPageErrors(page);
  expectNoPageErrors(again);
  expectNoPageErrors(third);
});

test('an element with id="consentry" before the script is reported, not taken for a second copy', async (t) => {
  const { page } = await env.open(t, { embed: 'async', body: '<div id="consentry"></div>' + GATED_MARKUP }, { wait: false });
  assert.equal(await waitForWidget(page), 'consentry:error');
  const [error] = await events(page, 'consentry:error');
  assert.match(error.detail.message, /an element with id "consentry" already exists/);
  assert.ok(!page.consoleMessages.some((m) => /included more than once/.test(m.text)));
  assert.deepEqual(await runs(page), []);
  expectNoPageErrors(page);
});
