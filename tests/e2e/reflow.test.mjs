// Layout robustness in every built-in language (INTEGRATIONS.md §8(e) A11Y-06…09, §9 LANG-04): reflow at 320 px
// (WCAG 1.4.10), text spacing (1.4.12), target size (2.5.8), reduced motion. German and Finnish strings are long.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEnvironment, waitForBanner, bannerButton, dialog } from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';

const env = useEnvironment();

const LANGUAGES = [
  'ar', 'bg', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fr', 'ga', 'he', 'hr', 'hu', 'is', 'it', 'lt', 'lv',
  'mt', 'nb', 'nl', 'nn', 'pl', 'pt', 'ro', 'sk', 'sl', 'sv',
];

function configIn(lang) {
  const config = baseConfig();
  config.languages = ['en', 'fr', ...(['en', 'fr'].includes(lang) ? [] : [lang])];
  return config;
}

// The WCAG 1.4.12 text-spacing values, forced onto everything in the widget's shadow root.
const TEXT_SPACING = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }`;

async function measure(page) {
  return page.evaluate(() => {
    const root = document.getElementById('consentry').shadowRoot;
    const vw = document.documentElement.clientWidth;
    const buttons = [...root.querySelectorAll('.cs-banner button')].map((b) => {
      const r = b.getBoundingClientRect();
      return { action: b.dataset.action, left: r.left, right: r.right, width: r.width, height: r.height, clipped: b.scrollWidth > b.clientWidth + 1 };
    });
    return { vw, pageScroll: document.documentElement.scrollWidth, buttons };
  });
}

test('A11Y-07/08, LANG-04: at 320 px, with WCAG text spacing, every language reflows: no horizontal scroll, no clipped label', async (t) => {
  const context = await env.context(t, { viewport: { width: 320, height: 640 } });
  const problems = [];
  for (const lang of LANGUAGES) {
    const page = await env.page(context);
    await page.goto(env.pageUrl({ config: configIn(lang), lang }));
    await waitForBanner(page);
    for (const spacing of [false, true]) {
      if (spacing) {
        await page.evaluate((css) => {
          const sheet = new CSSStyleSheet();
          sheet.replaceSync(css);
          const root = document.getElementById('consentry').shadowRoot;
          root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
        }, TEXT_SPACING);
      }
      const m = await measure(page);
      const label = `${lang}${spacing ? ' with text spacing' : ''}`;
      if (m.pageScroll > m.vw) problems.push(`${label}: the page scrolls sideways (${m.pageScroll} > ${m.vw})`);
      if (m.buttons.length !== 3) problems.push(`${label}: ${m.buttons.length} banner buttons`);
      for (const b of m.buttons) {
        if (b.left < 0 || b.right > m.vw + 0.5) problems.push(`${label}: ${b.action} is outside the viewport (${b.left}–${b.right})`);
        if (b.clipped) problems.push(`${label}: the ${b.action} label is clipped`);
      }
    }
    await page.close();
  }
  assert.deepEqual(problems, []);
});

test('A11Y-06: every control of the banner, the preference center and the persistent control is at least 24×24 px', async (t) => {
  for (const lang of ['en', 'de', 'ar']) {
    const { page } = await env.open(t, { config: configIn(lang), lang }, { contextOptions: { viewport: { width: 320, height: 640 } } });
    await waitForBanner(page);
    const sizes = async () =>
      page.evaluate(() =>
        [...document.getElementById('consentry').shadowRoot.querySelectorAll('button, [role="switch"]')]
          .map((el) => ({ what: el.dataset.action ?? el.getAttribute('role'), box: el.getBoundingClientRect() }))
          .filter((x) => x.box.width > 0)
          .map((x) => ({ what: x.what, w: Math.round(x.box.width), h: Math.round(x.box.height) })),
      );
    const small = (list) => list.filter((s) => s.w < 24 || s.h < 24);
    assert.deepEqual(small(await sizes()), [], `${lang}: banner`);
    await bannerButton(page, 'customize').click();
    await dialog(page).waitFor();
    assert.deepEqual(small(await sizes()), [], `${lang}: preference center`);
    await dialog(page).locator('[data-action="reject-all"]').click();
    await page.locator('#consentry .cs-floating').waitFor();
    assert.deepEqual(small(await sizes()), [], `${lang}: persistent control`);
  }
});

test('A11Y-09: prefers-reduced-motion leaves no transition or animation in the widget', async (t) => {
  const { page } = await env.open(t, { config: baseConfig() }, { contextOptions: { reducedMotion: 'reduce' } });
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor();
  const moving = await page.evaluate(() =>
    [...document.getElementById('consentry').shadowRoot.querySelectorAll('*')]
      .map((el) => ({ el: el.className || el.tagName, s: getComputedStyle(el) }))
      .filter(({ s }) => s.transitionDuration.split(',').some((d) => parseFloat(d) > 0) || s.animationDuration.split(',').some((d) => parseFloat(d) > 0))
      .map(({ el }) => String(el)),
  );
  assert.deepEqual(moving, []);
});
