// Keyboard-only flows on the built widget: the notice comes first in the Tab order, and every decision
// can be made, changed and withdrawn with Tab, Shift+Tab, Enter, Space and Escape alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEnvironment, waitForBanner, focusedInWidget, state, eventually, dialog, expectNoPageErrors } from './support/harness.mjs';
import { OPEN_LINK, baseConfig } from './support/config.mjs';

const env = useEnvironment();

async function tabTo(page, predicate, max = 40, key = 'Tab') {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(key);
    const f = await focusedInWidget(page);
    if (f && predicate(f)) return f;
  }
  throw new Error(`no focusable control matched after ${max} x ${key}`);
}

test('the first Tab reaches the notice, before the page content', async (t) => {
  const { page } = await env.open(t, { body: '<p><a href="#one">first page link</a> <button>page button</button></p>' });
  await waitForBanner(page);
  await page.keyboard.press('Tab');
  const f = await focusedInWidget(page);
  assert.ok(f, 'focus is inside the widget after one Tab');
});

test('keyboard only: customize, switch a purpose with Space, save with Enter, then withdraw', async (t) => {
  const { page } = await env.open(t, { body: OPEN_LINK });
  await waitForBanner(page);
  await tabTo(page, (f) => f.action === 'customize');
  await page.keyboard.press('Enter');
  await dialog(page).waitFor({ state: 'visible' });
  await eventually(async () => (await focusedInWidget(page))?.inDialog, { message: 'focus in the center' });
  await tabTo(page, (f) => f.purpose === 'analytics');
  await page.keyboard.press('Space');
  const sw = dialog(page).locator('[data-purpose="analytics"]');
  assert.equal(await sw.getAttribute('aria-checked'), 'true');
  await tabTo(page, (f) => f.action === 'save');
  await page.keyboard.press('Enter');
  await dialog(page).waitFor({ state: 'hidden' });
  let s = await state(page);
  assert.equal(s.purposes.analytics, true);
  assert.equal(s.purposes.marketing, false);

  // Withdraw: the floating button takes focus after the center closes; Enter opens, reject-all withdraws.
  const back = await eventually(() => focusedInWidget(page), { message: 'focus back in the widget' });
  assert.equal(back.action, 'open-preferences');
  await page.keyboard.press('Enter');
  await dialog(page).waitFor({ state: 'visible' });
  await tabTo(page, (f) => f.action === 'reject-all');
  await page.keyboard.press('Enter');
  await dialog(page).waitFor({ state: 'hidden' });
  s = await state(page);
  assert.equal(s.purposes.analytics, false);
  expectNoPageErrors(page);
});

test('WCAG 2.4.11: a page link focused under the banner is scrolled above it', async (t) => {
  const body = `<div style="height: 2000px">tall</div>
    <p style="position: absolute; top: calc(100vh - 60px); left: 40px; margin: 0"><a id="low" href="#x">A link near the bottom</a></p>`;
  const { page } = await env.open(t, { config: baseConfig(), body });
  await waitForBanner(page);
  const covered = await page.evaluate(() => {
    const link = document.getElementById('low').getBoundingClientRect();
    const banner = document.getElementById('consentry').shadowRoot.querySelector('.cs-banner').getBoundingClientRect();
    return link.bottom > banner.top;
  });
  assert.ok(covered, 'the test page puts the link under the banner');
  await page.evaluate(() => document.getElementById('low').focus());
  const after = await page.evaluate(() => {
    const link = document.getElementById('low').getBoundingClientRect();
    const banner = document.getElementById('consentry').shadowRoot.querySelector('.cs-banner').getBoundingClientRect();
    return { linkBottom: link.bottom, bannerTop: banner.top, scrolled: window.scrollY };
  });
  assert.ok(after.linkBottom <= after.bannerTop, JSON.stringify(after));
  assert.ok(after.scrolled > 0);
});

test('blocking mode: a modal banner, the page inert behind it, Tab kept inside, the page given back after a choice', async (t) => {
  const config = { ...baseConfig(), ui: { mode: 'blocking' } };
  const body = '<a id="page-link" href="#x">A page link</a><aside id="own" inert>already inert</aside>';
  const { page } = await env.open(t, { config, body });
  await waitForBanner(page);
  const banner = page.locator('#consentry .cs-banner');
  assert.equal(await banner.getAttribute('role'), 'dialog');
  assert.equal(await banner.getAttribute('aria-modal'), 'true');
  assert.equal(await page.evaluate(() => document.querySelector('main').inert), true, 'the page is inert');
  assert.ok(await focusedInWidget(page), 'focus moved into the banner');
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
    assert.ok(await focusedInWidget(page), `Tab ${i} stays in the banner`);
  }
  await page.locator('#consentry .cs-banner [data-action="reject-all"]').focus();
  await page.keyboard.press('Enter');
  await eventually(async () => (await state(page)).decided, { message: 'decided' });
  assert.equal(await page.evaluate(() => document.querySelector('main').inert), false, 'the page is given back');
  assert.equal(await page.evaluate(() => document.getElementById('own').inert), true, 'what the page made inert stays so');
  expectNoPageErrors(page);
});
