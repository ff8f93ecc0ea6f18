// axe-core (the WCAG 2 A/AA, 2.1 A/AA and 2.2 AA rules, which reach into open shadow roots) on the banner, the
// preference center and the persistent control, in the themes and languages below: any violation fails.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  useEnvironment,
  AXE_PATH,
  bannerButton,
  dialog,
  waitForBanner,
} from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';

const env = useEnvironment();

async function audit(t, page, label) {
  assert.ok(existsSync(AXE_PATH), `axe-core is installed (${AXE_PATH}); run \`npm ci\``);
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE_PATH });
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: JSON.stringify(n.target), summary: n.failureSummary })),
      })),
    ),
  );
  for (const v of results) {
    t.diagnostic(`${label}: [${v.impact}] ${v.id}: ${v.help}`);
    for (const n of v.nodes) t.diagnostic(`    ${n.target} ${n.summary?.replace(/\s+/g, ' ')}`);
  }
  assert.deepEqual(
    results.map((v) => `${v.id} (${v.impact}) on ${v.nodes.map((n) => n.target).join(', ')}`),
    [],
    `${label}: no WCAG 2.2 A/AA violation`,
  );
}

const THEMES = {
  'default theme': [baseConfig(), {}],
  'light theme': [{ ...baseConfig(), ui: { theme: 'light' } }, {}],
  'dark theme': [{ ...baseConfig(), ui: { theme: 'dark' } }, {}],
  'auto theme, dark system preference': [baseConfig(), { colorScheme: 'dark' }],
};

for (const [label, [config, contextOptions]] of Object.entries(THEMES)) {
  test(`axe: banner and preference center (${label})`, async (t) => {
    const { page } = await env.open(t, { config }, { contextOptions });
    await waitForBanner(page);
    await audit(t, page, `banner, ${label}`);
    await bannerButton(page, 'customize').click();
    await dialog(page).waitFor({ state: 'visible' });
    await page.waitForTimeout(300); // let any opening transition finish before contrast checks
    await audit(t, page, `preference center, ${label}`);
  });
}

test('axe: floating button after a choice', async (t) => {
  const { page } = await env.open(t);
  await waitForBanner(page);
  await bannerButton(page, 'reject-all').click();
  await page.locator('#consentry [data-action="open-preferences"]').waitFor({ state: 'visible' });
  await audit(t, page, 'floating button');
});

test('a saved decision is announced in a status region (WCAG 4.1.3), visually hidden, in the language shown', async (t) => {
  const { page } = await env.open(t, { config: baseConfig() });
  await waitForBanner(page);
  const status = page.locator('#consentry [role="status"]');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  assert.equal((await status.textContent()).trim(), '', 'silent before any decision');
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor();
  await dialog(page).locator('[data-action="save"]').click();
  await page.waitForFunction(() => window.__e2e.events.some((e) => e.type === 'consentry:change'));
  assert.equal((await status.textContent()).trim(), 'Your choices have been saved.');
  const box = await status.boundingBox();
  assert.ok(box && box.width <= 1 && box.height <= 1, `visually hidden (${JSON.stringify(box)})`);
  await audit(t, page, 'after Save');
  const fr = await env.open(t, { config: baseConfig(), lang: 'fr' });
  await waitForBanner(fr.page);
  await bannerButton(fr.page, 'reject-all').click();
  await fr.page.waitForFunction(() => window.__e2e.events.some((e) => e.type === 'consentry:change'));
  assert.equal((await fr.page.locator('#consentry [role="status"]').textContent()).trim(), 'Vos choix ont été enregistrés.');
});

test("a site's theme colours below 4.5:1 are replaced by the built-in ones, with a warning; good ones are kept", async (t) => {
  const head = `<style>#consentry { --consentry-button-bg: #ffeb3b; --consentry-button-fg: #ffffff; --consentry-fg: #202020; }</style>`;
  const { page } = await env.open(t, { config: baseConfig(), head });
  await waitForBanner(page);
  const colours = await page.evaluate(() => {
    const root = document.getElementById('consentry').shadowRoot;
    const button = getComputedStyle(root.querySelector('[data-action="accept-all"]'));
    const reject = getComputedStyle(root.querySelector('[data-action="reject-all"]'));
    const text = getComputedStyle(root.querySelector('.cs-root'));
    return { bg: button.backgroundColor, fg: button.color, rejectBg: reject.backgroundColor, text: text.color };
  });
  assert.deepEqual(colours, { bg: 'rgb(31, 79, 209)', fg: 'rgb(255, 255, 255)', rejectBg: 'rgb(31, 79, 209)', text: 'rgb(32, 32, 32)' });
  const warnings = page.consoleMessages.filter((m) => m.type === 'warning' && m.text.startsWith('consentry:'));
  assert.equal(warnings.length, 1, JSON.stringify(warnings));
  assert.match(warnings[0].text, /--consentry-button-fg on --consentry-button-bg has a contrast of 1\.\d\d:1, below the 4\.5:1/);
  await audit(t, page, 'replaced theme colours');
});

test('forced colours keep an edge on every button and on the switches', async (t) => {
  const { page } = await env.open(t, { config: baseConfig() }, { contextOptions: { forcedColors: 'active' } });
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor();
  const edges = await page.evaluate(() => {
    const root = document.getElementById('consentry').shadowRoot;
    const width = (el) => getComputedStyle(el).borderTopWidth;
    return {
      button: width(root.querySelector('[role="dialog"] [data-action="save"]')),
      switch: width(root.querySelector('[role="switch"]')),
    };
  });
  assert.deepEqual(edges, { button: '2px', switch: '2px' });
});

for (const lang of ['de', 'fr', 'ar']) {
  test(`axe in ${lang}, light and dark: banner, preference center and the persistent control`, async (t) => {
    for (const theme of ['light', 'dark']) {
      const config = { ...baseConfig(), languages: ['en', 'fr', ...(lang === 'fr' ? [] : [lang])], ui: { theme } };
      const { page } = await env.open(t, { config, lang });
      await waitForBanner(page);
      await audit(t, page, `banner, ${lang}, ${theme}`);
      await bannerButton(page, 'customize').click();
      await dialog(page).waitFor({ state: 'visible' });
      await page.waitForTimeout(300);
      await audit(t, page, `preference center, ${lang}, ${theme}`);
      await dialog(page).locator('[data-action="reject-all"]').click();
      await page.locator('#consentry .cs-floating').waitFor();
      await audit(t, page, `persistent control, ${lang}, ${theme}`);
    }
  });
}

test('axe: the blocking mode banner (a modal dialog over an inert page)', async (t) => {
  const { page } = await env.open(t, { config: { ...baseConfig(), ui: { mode: 'blocking' } } });
  await waitForBanner(page);
  await audit(t, page, 'blocking banner');
});
