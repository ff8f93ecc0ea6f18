// The widget lives on a stranger's page: it must not leak globals or styles, and host styles must not reach it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment,
  bannerButton,
  dialog,
  waitForBanner,
  waitForChange,
  expectNoPageErrors,
  eventually,
} from './support/harness.mjs';
import { GATED_MARKUP, OPEN_LINK } from './support/config.mjs';

const env = useEnvironment();

const PROPS = [
  'background-color', 'color', 'font-family', 'font-size', 'font-style', 'font-weight', 'line-height',
  'letter-spacing', 'word-spacing', 'text-transform', 'text-align', 'text-decoration-line',
  'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border-top-width', 'border-top-style', 'border-top-color', 'border-left-width', 'border-radius',
  'width', 'height', 'box-shadow', 'opacity', 'visibility', 'display',
];

function styleOf(locator) {
  return locator.evaluate((el, props) => {
    const cs = getComputedStyle(el);
    return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
  }, PROPS);
}

/** Computed style of the three banner buttons on a page styled with `css` (empty = a plain page). */
async function widgetButtonStyles(t, css) {
  const { page } = await env.open(t, { head: css ? `<style>${css}</style>` : '' });
  await waitForBanner(page);
  const out = {};
  for (const a of ['accept-all', 'reject-all', 'customize']) out[a] = await styleOf(bannerButton(page, a));
  return out;
}

function diff(a, b) {
  const out = {};
  for (const k of Object.keys(a)) {
    for (const p of Object.keys(a[k])) {
      if (a[k][p] !== b[k][p]) out[`${k} ${p}`] = `${a[k][p]} -> ${b[k][p]}`;
    }
  }
  return out;
}

test('no global besides window.consentry is added', async (t) => {
  const snapshot = '<script>window.__e2e.before = Object.keys(window);</script>';
  const { page } = await env.open(t, { body: GATED_MARKUP.replace(/<iframe[^>]*><\/iframe>/, ''), beforeWidget: snapshot });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await page.waitForTimeout(300);
  const added = await page.evaluate(() => Object.keys(window).filter((k) => !window.__e2e.before.includes(k)));
  assert.deepEqual(added, ['consentry'], `globals added: ${JSON.stringify(added)}`);
  assert.equal(await page.evaluate(() => typeof window.wasm_bindgen), 'undefined', 'no wasm_bindgen global');
  assert.equal(await page.evaluate(() => typeof window.consentry?.state), 'function', 'window.consentry is the API, not the host element');
});

test('the widget adds no style to the host document and host elements keep their computed style', async (t) => {
  const hostCss = `
    body { margin: 12px; font-family: serif; font-size: 17px; color: rgb(20, 30, 40); background: rgb(250, 249, 245); }
    button { background: rgb(10, 20, 30); color: rgb(250, 250, 250); padding: 3px 7px; font: 15px serif; border-radius: 0; }
    a { color: rgb(0, 90, 0); }`;
  const probe = `<script>
    window.__e2e.hostStyle = () => {
      const pick = (el) => { const cs = getComputedStyle(el); return ${JSON.stringify(PROPS)}.map((p) => p + ':' + cs.getPropertyValue(p)).join(';'); };
      return {
        sheets: document.styleSheets.length,
        adopted: document.adoptedStyleSheets.length,
        styleNodes: document.querySelectorAll('style, link[rel~="stylesheet"]').length,
        htmlStyle: document.documentElement.getAttribute('style'),
        bodyStyle: document.body.getAttribute('style'),
        body: pick(document.body), button: pick(document.getElementById('host-btn')),
        link: pick(document.getElementById('privacy-link')), h1: pick(document.querySelector('h1')),
      };
    };
    window.__e2e.hostBefore = window.__e2e.hostStyle();
  </script>`;
  const { page } = await env.open(t, {
    head: `<style>${hostCss}</style>`,
    // The probe runs while the parser reaches it, after the elements it reads.
    body: `<p><button id="host-btn" type="button">Order a cake</button></p>${OPEN_LINK}${probe}`,
  });
  await waitForBanner(page);
  const withBanner = await page.evaluate(() => window.__e2e.hostStyle());
  const before = await page.evaluate(() => window.__e2e.hostBefore);
  assert.deepEqual(withBanner, before, 'host document unchanged with the banner shown');

  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  const withCenter = await page.evaluate(() => window.__e2e.hostStyle());
  // A modal may lock scrolling on <html>/<body>; the host's own elements must still look the same.
  for (const k of ['sheets', 'adopted', 'styleNodes', 'button', 'link', 'h1']) {
    assert.deepEqual(withCenter[k], before[k], `host ${k} unchanged with the preference center open`);
  }
  expectNoPageErrors(page);
});

test('hostile host selectors (button, a, span, p, * rules with !important) do not change the widget buttons', async (t) => {
  const plain = await widgetButtonStyles(t, '');
  const hostile = await widgetButtonStyles(
    t,
    `button { background: red !important; color: yellow !important; border: 5px dashed lime !important;
              padding: 25px !important; font-size: 31px !important; border-radius: 0 !important;
              width: 400px !important; height: 90px !important; text-transform: uppercase !important;
              box-shadow: 0 0 10px blue !important; opacity: 0.5 !important; }
     a, span, p, h2 { color: red !important; font-size: 30px !important; }
     * { box-sizing: content-box !important; }`,
  );
  assert.deepEqual(diff(plain, hostile), {}, 'widget buttons look the same on a hostile page');
});

test('inherited host typography (body font, colour, spacing, alignment) does not change the widget buttons', async (t) => {
  const plain = await widgetButtonStyles(t, '');
  const inherited = await widgetButtonStyles(
    t,
    `body { font: italic 700 28px/3 "DejaVu Serif", serif; color: rgb(200, 0, 200); letter-spacing: 4px;
            word-spacing: 10px; text-transform: uppercase; text-align: right; visibility: visible; }`,
  );
  assert.deepEqual(diff(plain, inherited), {}, 'widget buttons do not inherit the host typography');
});

test('a host root font-size of 62.5% (html { font-size: 10px }) does not resize the widget', async (t) => {
  const plain = await widgetButtonStyles(t, '');
  const small = await widgetButtonStyles(t, 'html { font-size: 62.5%; }');
  assert.deepEqual(diff(plain, small), {}, 'widget buttons keep their size (no rem units tied to the host root)');
});

test('a page that made window.consentry read-only keeps it; the widget still works, without its API, and says so', async (t) => {
  const predefine = `<script>Object.defineProperty(window, 'consentry', { value: Object.freeze({ mine: true }), writable: false, configurable: false });</script>`;
  const { page } = await env.open(t, { head: predefine, body: GATED_MARKUP });
  await waitForBanner(page);
  assert.deepEqual(await page.evaluate(() => window.consentry), { mine: true }, 'the page keeps its own object');
  await bannerButton(page, 'accept-all').click();
  await eventually(async () => (await page.evaluate(() => window.__e2e.runs.length)) === 4, { message: 'the gated scripts to run' });
  const warnings = page.consoleMessages.filter((m) => m.type === 'warning' && m.text.includes('window.consentry'));
  assert.ok(warnings.length >= 1, 'a consentry: warning says the API is not available');
  expectNoPageErrors(page);
});
