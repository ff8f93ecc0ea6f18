// Shared set-up for the end-to-end tests: one Chromium and two servers per test file, a fresh browser
// context (own storage, cookies and cache) per test, and pages generated from a configuration object.
//
// The widget under test is always the BUILT artefact in `dist/` (`cargo xtask dist`), loaded cross-origin
// by a plain HTML page exactly as a site owner embeds it: by default the tags of `dist/snippet.html` first in
// <head> (preloads + the synchronous loader), as README says; `embed: 'async'` is the older `async` script at
// the end of <body>, which keeps working.

import { before, after } from 'node:test';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startSiteServer, startWidgetServer } from './server.mjs';
import { baseConfig } from './config.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// `CONSENTRY_DIST` may point at another output of `cargo xtask dist --out DIR` (e.g. a `--dev` build).
export const DIST = process.env.CONSENTRY_DIST ? path.resolve(process.env.CONSENTRY_DIST) : path.join(ROOT, 'dist');
export const AXE_PATH = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Fails (never skips) when the built widget is missing. */
export function requireDist() {
  const present = (f) => existsSync(path.join(DIST, f)) && statSync(path.join(DIST, f)).size > 0;
  const missing = ['consentry.js', 'snippet.html'].filter((f) => !present(f));
  if (missing.length === 0) missing.push(...builtFiles().filter((f) => !present(f)));
  if (missing.length > 0) {
    throw new Error(
      `The built widget is missing: ${missing.map((f) => `dist/${f}`).join(', ')} not found in ${DIST}. ` +
        'The end-to-end tests load the built files; run `cargo xtask dist` first, then `node --test tests/e2e/`.',
    );
  }
}

const snippetTexts = new Map();

/**
 * The tags `cargo xtask dist` tells site owners to put first in <head> (URLs relative to `dist/`):
 * `snippet.html`, or `snippet-signals.html` for the loader with vendor consent signals.
 */
export function snippet(file = 'snippet.html') {
  if (!snippetTexts.has(file)) snippetTexts.set(file, readFileSync(path.join(DIST, file), 'utf8').trim());
  return snippetTexts.get(file);
}

/** The snippet with absolute URLs on `origin` (where `dist/` is served), `query`/`attrs` added to its <script>. */
export function snippetOn(origin, query = '', attrs = '', file = 'snippet.html') {
  return snippet(file)
    .replace(/(href|src)="([^"]+)"/g, (_, a, f) => `${a}="${origin}/${f}"`)
    .replace(/<script src="([^"]+)"([^>]*)><\/script>/, (_, src, rest) => `<script src="${src}${query}"${rest} ${attrs}></script>`);
}

/** The content-hashed files the snippet names (`consentry-<hash>.wasm`, `consentry-<hash>.js`). */
export function builtFiles() {
  return [...snippet().matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]).filter((f) => f !== 'consentry.js');
}

/** The build's file stem, `consentry-<hash>`. */
export function moduleStem() {
  const wasm = builtFiles().find((f) => f.endsWith('.wasm'));
  return wasm.slice(0, -'.wasm'.length);
}

// Runs in every page before any of its scripts: records the widget's events on `document` in a
// non-enumerable `window.__e2e` (so it never shows up in a globals comparison).
function recordEvents() {
  const events = [];
  // `runs`: gated test scripts push a label here each time they execute.
  Object.defineProperty(window, '__e2e', { value: { events, runs: [] }, enumerable: false });
  for (const type of ['consentry:ready', 'consentry:change', 'consentry:error']) {
    document.addEventListener(type, (e) => {
      let detail = null;
      try {
        detail = JSON.parse(JSON.stringify(e.detail ?? null));
      } catch {
        detail = String(e.detail);
      }
      events.push({ type, detail });
    });
  }
}

function escapeJsonForHtml(value) {
  return JSON.stringify(value, null, 2).replace(/</g, '\\u003c');
}

/**
 * Registers `before`/`after` hooks for the current test file and returns the environment they fill in.
 * Usage: `const env = useEnvironment();` at the top of a test file, then `await env.open(t, {...})` in tests.
 * `chromiumArgs` are added to this file's Chromium command line (e.g. `--host-resolver-rules=…`).
 */
export function useEnvironment({ chromiumArgs = [] } = {}) {
  const env = {
    browser: null,
    widget: null,
    site: null,
    pageCount: 0,

    /** A new browser context (fresh storage/cookies), closed when test `t` ends. */
    async context(t, options = {}) {
      const context = await env.browser.newContext({ locale: 'en-US', ...options });
      context.setDefaultTimeout(10_000);
      await context.addInitScript(recordEvents);
      t.after(() => context.close());
      return context;
    },

    /** A new page in `context` that records console messages and uncaught errors. */
    async page(context) {
      const page = await context.newPage();
      page.consoleMessages = [];
      page.pageErrors = [];
      page.on('console', (m) => page.consoleMessages.push({ type: m.type(), text: m.text() }));
      page.on('pageerror', (e) => page.pageErrors.push(String(e?.stack ?? e)));
      return page;
    },

    /** Registers a raw resource on the site origin and returns its URL. */
    route(pathname, body, type, status) {
      return env.site.route(pathname, body, type, status);
    },

    /** URL of the built widget script on the widget origin. */
    scriptUrl(query = '') {
      return `${env.widget.origin}/consentry.js${query}`;
    },

    /** The README snippet with absolute URLs on the widget origin, `query`/`attrs` added to its <script>. */
    snippet(query = '', attrs = '', file = 'snippet.html') {
      return snippetOn(env.widget.origin, query, attrs, file);
    },

    /**
     * Generates a host page on the site origin and returns its URL.
     * - `config`: object (inline `#consentry-config`), or `null` for none (e.g. with `scriptAttrs: 'data-config=…'`),
     *   or a string written verbatim into the config element.
     * - `lang`: `<html lang>`; `null` leaves it out.
     * - `head`, `body`: extra markup; `beforeWidget`: markup just before the widget script; `afterWidget`:
     *   markup just after it in <head> (where a tag manager goes).
     * - `scriptQuery`, `scriptAttrs`: appended to the widget's `<script src>` / attributes.
     * - `snippetFile`: `snippet.html` (default) or `snippet-signals.html` (the loader with vendor signals).
     * - `embed`: `'head'` (default) the snippet of `dist/snippet.html` first in <head>, after the inline
     *   configuration; `'async'` only `<script src=… async>` at the end of <body>.
     */
    pageUrl({
      config = baseConfig(),
      lang = 'en',
      head = '',
      body = '',
      beforeWidget = '',
      afterWidget = '',
      snippetFile = 'snippet.html',
      scriptQuery = '',
      scriptAttrs = '',
      title = 'Consentry end-to-end page',
      embed = 'head',
    } = {}) {
      const configTag =
        config === null
          ? ''
          : `<script type="application/json" id="consentry-config">${
              typeof config === 'string' ? config : escapeJsonForHtml(config)
            }</script>`;
      const html = `<!doctype html>
<html${lang === null ? '' : ` lang="${lang}"`}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
${head}
${configTag}
${embed === 'head' ? `${beforeWidget}\n${env.snippet(scriptQuery, scriptAttrs, snippetFile)}\n${afterWidget}` : ''}
</head>
<body>
<main>
<h1>Test page</h1>
${body}
</main>
${embed === 'async' ? `${beforeWidget}\n<script src="${env.scriptUrl(scriptQuery)}" async ${scriptAttrs}></script>` : ''}
</body>
</html>`;
      env.pageCount += 1;
      return env.site.route(`/p/${env.pageCount}.html`, html);
    },

    /** Context + page + navigation to a generated page, waiting until the widget is up (or refused). */
    async open(t, pageOptions = {}, { contextOptions = {}, wait = true } = {}) {
      const context = await env.context(t, contextOptions);
      const page = await env.page(context);
      const url = env.pageUrl(pageOptions);
      await page.goto(url);
      if (wait) await waitForWidget(page);
      return { context, page, url };
    },
  };

  before(async () => {
    requireDist();
    env.widget = await startWidgetServer(DIST);
    env.site = await startSiteServer();
    env.site.route('/blank.html', '<!doctype html><html lang="en"><head><link rel="icon" href="data:,"><title>blank</title></head><body></body></html>');
    env.site.route('/gated/analytics.js', "window.__e2e.runs.push('src:analytics');");
    env.site.route('/frame.html', '<!doctype html><html lang="en"><head><link rel="icon" href="data:,"><title>video</title></head><body>video</body></html>');
    env.browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...chromiumArgs] });
  });

  after(async () => {
    await env.browser?.close();
    await env.widget?.close();
    await env.site?.close();
  });

  return env;
}

// ---------------------------------------------------------------------------------------------------------
// Reading the widget (Playwright CSS selectors pierce open shadow roots).

const HOST = '#consentry';

/** Waits for `consentry:ready` or `consentry:error`; returns which one came. */
export async function waitForWidget(page, timeout = 15_000) {
  try {
    const handle = await page.waitForFunction(
      () => {
        const e = window.__e2e.events.find((x) => x.type === 'consentry:ready' || x.type === 'consentry:error');
        return e ? e.type : false;
      },
      null,
      { timeout },
    );
    return await handle.jsonValue();
  } catch (err) {
    throw new Error(
      `the widget fired neither consentry:ready nor consentry:error within ${timeout} ms. ` +
        `Console: ${JSON.stringify(page.consoleMessages)}; page errors: ${JSON.stringify(page.pageErrors)}`,
      { cause: err },
    );
  }
}

/** A button of the banner (first layer), i.e. not inside the preference center. */
export function bannerButton(page, action) {
  // `.cs-banner`: in the blocking mode the banner is a dialog too.
  return page.locator(`${HOST} .cs-banner [data-action="${action}"]`);
}

/** The preference center. */
export function dialog(page) {
  return page.locator(`${HOST} .cs-dialog[role="dialog"]`);
}

export function dialogButton(page, action) {
  return dialog(page).locator(`[data-action="${action}"]`);
}

export function purposeSwitch(page, id) {
  return dialog(page).locator(`[role="switch"][data-purpose="${id}"]`);
}

export function serviceSwitch(page, id) {
  return dialog(page).locator(`[role="switch"][data-service="${id}"]`);
}

export function floatingButton(page) {
  return page.locator(`${HOST} [data-action="open-preferences"]`);
}

/** Whether the first layer is on screen (the customize button only exists on the banner). */
export async function bannerVisible(page) {
  return bannerButton(page, 'customize').isVisible();
}

export async function waitForBanner(page) {
  try {
    await bannerButton(page, 'customize').waitFor({ state: 'visible' });
  } catch (err) {
    const seen = await page.evaluate(() => window.__e2e?.events).catch(() => null);
    throw new Error(
      `the banner did not appear. Events: ${JSON.stringify(seen)}; console: ${JSON.stringify(page.consoleMessages)}; ` +
        `page errors: ${JSON.stringify(page.pageErrors)}`,
      { cause: err },
    );
  }
}

/** Asserts the banner stays away for a short while (the UI may render a tick after `ready`). */
export async function expectNoBanner(page, ms = 400) {
  await page.waitForTimeout(ms);
  if (await bannerVisible(page)) throw new Error('expected no consent banner, but the banner is visible');
}

export async function state(page) {
  return page.evaluate(() => window.consentry.state());
}

export async function get(page, id) {
  return page.evaluate((x) => window.consentry.get(x), id);
}

export async function events(page, type) {
  return page.evaluate((t) => window.__e2e.events.filter((e) => !t || e.type === t), type);
}

/** Labels pushed by gated scripts, in execution order. */
export async function runs(page) {
  return page.evaluate(() => window.__e2e.runs);
}

export async function stored(page) {
  return page.evaluate(() => window.localStorage.getItem('consentry'));
}

/** Polls `fn` (async) until it returns a truthy value. */
export async function eventually(fn, { timeout = 5_000, interval = 50, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${message} (last: ${last})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Waits until the page has seen `count` `consentry:change` events; returns the last one. */
export async function waitForChange(page, count = 1) {
  await page.waitForFunction(
    (n) => window.__e2e.events.filter((e) => e.type === 'consentry:change').length >= n,
    count,
  );
  const all = await events(page, 'consentry:change');
  return all[all.length - 1];
}

/** Uncaught errors on the page (a wasm panic shows up here). */
export function expectNoPageErrors(page) {
  if (page.pageErrors.length > 0) {
    throw new Error(`uncaught errors on the page:\n${page.pageErrors.join('\n')}`);
  }
}

/** Element inside the shadow root that has focus, described as `data-action`/role/tag; null if focus is outside. */
export async function focusedInWidget(page) {
  return page.evaluate(() => {
    const host = document.getElementById('consentry');
    if (document.activeElement !== host || !host?.shadowRoot) return null;
    const el = host.shadowRoot.activeElement;
    if (!el) return null;
    const dialog = host.shadowRoot.querySelector('[role="dialog"]');
    return {
      tag: el.tagName.toLowerCase(),
      action: el.getAttribute('data-action'),
      purpose: el.getAttribute('data-purpose'),
      service: el.getAttribute('data-service'),
      inDialog: !!dialog && dialog.contains(el),
    };
  });
}
