// The built-in languages on the built files (INTEGRATIONS.md §9(e): LANG-02, 03 in part, 05, 06): English is
// compiled into the module; any other language shown is one pack, fetched beside the loader with the integrity
// value built into the module.

import { test } from 'node:test';
import * as jose from 'jose';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  useEnvironment, waitForWidget, waitForBanner, bannerButton, dialog, state, events, expectNoPageErrors, eventually, DIST,
} from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';
import { useEndpoint } from './support/endpoint.mjs';

const env = useEnvironment();
const endpoint = useEndpoint();

function configIn(...languages) {
  const config = baseConfig();
  // Owner texts stay in English and French (a missing translation falls back to the default language).
  config.languages = ['en', ...languages.filter((l) => l !== 'en'), ...(languages.includes('fr') ? [] : ['fr'])];
  return config;
}

function packRequests(widget, since) {
  return widget.log.slice(since).filter((r) => r.path.startsWith('/consentry-lang-')).map((r) => r.path);
}

function packFile(tag) {
  return readdirSync(DIST).find((f) => f.startsWith(`consentry-lang-${tag}-`));
}

// The chunks of the pack code (`-packs.wasm` and the shared chunks it needs), as the loader lists them.
function packChunks() {
  const loader = readFileSync(path.join(DIST, 'consentry.js'), 'utf8');
  const module = readdirSync(DIST).find((f) => /^consentry-[0-9a-f]{16}\.wasm$/.test(f)).replace(/\.wasm$/, '');
  // The loader's lists of chunks to fetch beside the module; the packs' one names "packs".
  const list = [...loader.matchAll(/\[(?:\["[a-z0-9-]+","sha384-[A-Za-z0-9+/=]+"\],?)+\]/g)].map((m) => m[0]).find((l) => l.includes('"packs"'));
  assert.ok(list, 'the loader lists the packs chunk');
  const files = [...list.matchAll(/\["([a-z0-9-]+)","sha384-/g)].map((m) => `/${module}-${m[1]}.wasm`);
  assert.ok(files.some((f) => f.endsWith('-packs.wasm')), `the loader lists the packs chunk: ${files}`);
  return files;
}

function chunkRequests(widget, since) {
  const chunks = packChunks();
  return widget.log.slice(since).filter((r) => chunks.includes(r.path));
}

// A German page whose `path` on the widget server is overridden (`how`): the widget starts with English interface
// text and reports exactly one consentry:error, whose message is returned.
async function germanPageWithout(t, path, how) {
  env.widget.override(path, how);
  t.after(() => env.widget.reset());
  const { page } = await env.open(t, { config: configIn('de'), lang: 'de' });
  assert.equal(await waitForWidget(page), 'consentry:ready', 'a degraded notice, not a failed start');
  assert.deepEqual(await bannerLabels(page), ['Accept all', 'Reject all', 'Customize']);
  await page.waitForFunction(() => window.__e2e.events.some((e) => e.type === 'consentry:error'));
  const errors = await events(page, 'consentry:error');
  assert.equal(errors.length, 1, JSON.stringify(errors));
  return { page, error: errors[0].detail.message };
}

async function bannerLabels(page) {
  await waitForBanner(page);
  return Promise.all(['accept-all', 'reject-all', 'customize'].map(async (a) => (await bannerButton(page, a).innerText()).trim()));
}

test('LANG-02: German from <html lang>: the banner, the root lang and the receipt language; one pack fetched', async (t) => {
  const since = env.widget.log.length;
  const { page } = await env.open(t, { config: configIn('de'), lang: 'de' });
  assert.deepEqual(await bannerLabels(page), ['Alle akzeptieren', 'Alle ablehnen', 'Anpassen']);
  assert.equal(await page.locator('#consentry .cs-root').getAttribute('lang'), 'de');
  assert.equal((await state(page)).language, 'de');
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor();
  assert.match(await dialog(page).innerText(), /Datenschutz-Einstellungen/);
  assert.deepEqual(packRequests(env.widget, since), [`/${packFile('de')}`], 'LANG-06: one pack per page view');
  assert.deepEqual(await events(page, 'consentry:error'), []);
  expectNoPageErrors(page);
});

test('a German page: the loader fetches the pack code beside the module, once; the pack follows', async (t) => {
  // The module answers late: a chunk requested before it arrived was requested by the loader.
  const module = readdirSync(DIST).find((f) => /^consentry-[0-9a-f]{16}\.wasm$/.test(f));
  env.widget.override(`/${module}`, { delay: 1500 });
  t.after(() => env.widget.reset());
  const since = env.widget.log.length;
  const { page } = await env.open(t, { config: configIn('de'), lang: 'de' });
  assert.deepEqual(await bannerLabels(page), ['Alle akzeptieren', 'Alle ablehnen', 'Anpassen']);
  const moduleAt = env.widget.log.slice(since).find((r) => r.path === `/${module}`).at;
  const chunks = chunkRequests(env.widget, since);
  assert.deepEqual(chunks.map((r) => r.path).sort(), packChunks().sort(), 'each chunk once: the bindings took the downloads');
  for (const r of chunks) assert.ok(r.at - moduleAt < 1000, `${r.path} requested ${r.at - moduleAt} ms after the module`);
  assert.deepEqual(packRequests(env.widget, since), [`/${packFile('de')}`]);
  assert.deepEqual(await events(page, 'consentry:error'), []);
});

test('when the guess misses (page lang ja, browser German), the widget fetches the pack code itself', async (t) => {
  const since = env.widget.log.length;
  const { page } = await env.open(t, { config: configIn('de'), lang: 'ja' }, { contextOptions: { locale: 'de-DE' } });
  assert.deepEqual(await bannerLabels(page), ['Alle akzeptieren', 'Alle ablehnen', 'Anpassen']);
  assert.deepEqual(chunkRequests(env.widget, since).map((r) => r.path).sort(), packChunks().sort());
  assert.deepEqual(await events(page, 'consentry:error'), []);
});

test('pack code that cannot be fetched: English text, one consentry:error, the widget works', async (t) => {
  const chunk = packChunks().find((f) => f.endsWith('-packs.wasm'));
  const { page, error } = await germanPageWithout(t, chunk, { drop: true });
  assert.match(error, /^consentry: could not load the interface texts for "de" \(its code could not be loaded/);
  await bannerButton(page, 'reject-all').click();
  assert.equal((await state(page)).decided, true);
});

test('LANG-02: the receipt of a German notice records the language shown', async (t) => {
  const config = configIn('de');
  config.endpoint = endpoint.url;
  const from = endpoint.received.length;
  const { page } = await env.open(t, { config, lang: 'de' });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  const post = await eventually(() => endpoint.received.length > from && endpoint.received[from], { timeout: 15_000, message: 'the receipt' });
  const { payload } = await jose.compactVerify(post.body, jose.EmbeddedJWK, { algorithms: ['ES256'] });
  const receipt = JSON.parse(new TextDecoder().decode(payload));
  assert.equal(receipt.language, 'de');
  assert.equal(receipt.collectionMethod, 'banner:accept-all');
});

test('LANG-06: an English page fetches no pack at all', async (t) => {
  const since = env.widget.log.length;
  const { page } = await env.open(t, { config: configIn('de'), lang: 'en' });
  await waitForBanner(page);
  assert.deepEqual(packRequests(env.widget, since), []);
  assert.deepEqual(chunkRequests(env.widget, since), [], 'nor the code that reads packs');
});

test('Polish and Arabic: their own strings; Arabic is right to left', async (t) => {
  const pl = JSON.parse(readFileSync(path.join(DIST, packFile('pl')), 'utf8'));
  const { page } = await env.open(t, { config: configIn('pl'), lang: 'pl' });
  assert.deepEqual(await bannerLabels(page), [pl.accept_all, pl.reject_all, pl.customize]);
  const ar = JSON.parse(readFileSync(path.join(DIST, packFile('ar')), 'utf8'));
  const arabic = await env.open(t, { config: configIn('ar'), lang: 'ar' });
  assert.deepEqual(await bannerLabels(arabic.page), [ar.accept_all, ar.reject_all, ar.customize]);
  assert.equal(await arabic.page.locator('#consentry .cs-root').getAttribute('dir'), 'rtl');
});

test('LANG-05: navigator.languages pt-BR with languages [en, pt] gives Portuguese', async (t) => {
  const pt = JSON.parse(readFileSync(path.join(DIST, packFile('pt')), 'utf8'));
  const config = configIn('pt');
  const { page } = await env.open(t, { config, lang: null }, { contextOptions: { locale: 'pt-BR' } });
  assert.deepEqual(await bannerLabels(page), [pt.accept_all, pt.reject_all, pt.customize]);
  assert.equal((await state(page)).language, 'pt');
});

test("the site's own ui.texts still win over a pack", async (t) => {
  const config = configIn('de');
  config.ui = { texts: { accept_all: { en: 'Accept everything', de: 'Alles annehmen' } } };
  const { page } = await env.open(t, { config, lang: 'de' });
  assert.deepEqual(await bannerLabels(page), ['Alles annehmen', 'Alle ablehnen', 'Anpassen']);
});

test('a pack that does not match its integrity value is refused: English text, one consentry:error, the widget works', async (t) => {
  const { page, error } = await germanPageWithout(t, `/${packFile('de')}`, { tamper: true });
  assert.match(error, /^consentry: could not load the interface texts for "de" .*showing them in English$/);
  assert.equal((await state(page)).language, 'de', 'the notice is still the German one, with English interface text');
});

test('a missing pack (HTTP 404) falls back to English the same way', async (t) => {
  env.widget.override(`/${packFile('fr')}`, { status: 404 });
  t.after(() => env.widget.reset());
  const { page } = await env.open(t, { config: configIn('fr'), lang: 'fr' });
  assert.deepEqual(await bannerLabels(page), ['Accept all', 'Reject all', 'Customize']);
  await page.waitForFunction(() => window.__e2e.events.some((e) => e.type === 'consentry:error'));
  const [error] = await events(page, 'consentry:error');
  // The test server answers an overridden status without CORS headers, which the browser reports as a failed fetch.
  assert.match(error.detail.message, /HTTP 404|Failed to fetch/);
});

test('LANG-03: in Arabic the layout mirrors: button order, the switch thumb on the inline-start (right) side, the persistent control', async (t) => {
  const geometry = async (lang) => {
    const { page } = await env.open(t, { config: configIn('ar'), lang });
    await waitForBanner(page);
    const buttons = await Promise.all(['accept-all', 'reject-all'].map(async (a) => (await bannerButton(page, a).boundingBox()).x));
    await bannerButton(page, 'customize').click();
    await dialog(page).waitFor();
    const thumb = await page.evaluate(() => {
      const root = document.getElementById('consentry').shadowRoot;
      const sw = root.querySelector('[role="switch"][data-purpose="analytics"]').getBoundingClientRect();
      const th = root.querySelector('[role="switch"][data-purpose="analytics"] .cs-switch__thumb').getBoundingClientRect();
      return { switchMid: sw.left + sw.width / 2, thumbMid: th.left + th.width / 2 };
    });
    await page.keyboard.press('Escape');
    await page.evaluate(() => window.consentry.rejectAll());
    const floating = await page.locator('#consentry .cs-floating').boundingBox();
    const width = page.viewportSize().width;
    return { acceptLeftOfReject: buttons[0] < buttons[1], thumbOnRight: thumb.thumbMid > thumb.switchMid, floatingOnRight: floating.x > width / 2 };
  };
  assert.deepEqual(await geometry('en'), { acceptLeftOfReject: true, thumbOnRight: false, floatingOnRight: false });
  assert.deepEqual(await geometry('ar'), { acceptLeftOfReject: false, thumbOnRight: true, floatingOnRight: true });
});
