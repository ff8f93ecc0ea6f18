// Second layer: reopening the preference center, withdrawing, and its keyboard behaviour.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment,
  bannerButton,
  bannerVisible,
  dialog,
  dialogButton,
  purposeSwitch,
  floatingButton,
  waitForBanner,
  waitForChange,
  expectNoPageErrors,
  focusedInWidget,
  state,
  get,
  events,
  stored,
  eventually,
} from './support/harness.mjs';
import { OPEN_LINK, baseConfig } from './support/config.mjs';

const env = useEnvironment();

async function acceptAllFromBanner(page) {
  await waitForBanner(page);
  const before = (await events(page, 'consentry:change')).length;
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page, before + 1);
  await eventually(async () => !(await bannerVisible(page)), { message: 'the banner to close' });
}

async function cookieNames(page) {
  const cookie = await page.evaluate(() => document.cookie);
  return cookie.split(';').map((c) => c.trim().split('=')[0]).filter(Boolean).sort();
}

test('reopen via the floating button and withdraw everything with reject-all', async (t) => {
  const { page } = await env.open(t);
  await acceptAllFromBanner(page);

  await floatingButton(page).click();
  await dialog(page).waitFor({ state: 'visible' });
  assert.equal(await purposeSwitch(page, 'analytics').getAttribute('aria-checked'), 'true', 'the center shows the current choice');
  assert.equal(await purposeSwitch(page, 'marketing').getAttribute('aria-checked'), 'true');

  await dialogButton(page, 'reject-all').click();
  const change = await waitForChange(page, 2);
  assert.equal(change.detail.source, 'preferences');
  assert.deepEqual(change.detail.purposes, { necessary: true, analytics: false, marketing: false });
  await dialog(page).waitFor({ state: 'hidden' });
  assert.equal(await get(page, 'analytics'), false);
  assert.equal(await get(page, 'marketing'), false);
  assert.equal(JSON.parse(await stored(page)).purposes.marketing, false, 'the withdrawal is stored');
  assert.equal(await bannerVisible(page), false, 'withdrawing does not bring the banner back');
  expectNoPageErrors(page);
});

test('reopen via a [data-consentry-open] link and withdraw one purpose', async (t) => {
  const { page } = await env.open(t, { body: OPEN_LINK });
  await acceptAllFromBanner(page);

  await page.locator('#privacy-link').click();
  await dialog(page).waitFor({ state: 'visible' });
  await purposeSwitch(page, 'analytics').click();
  await eventually(async () => (await purposeSwitch(page, 'analytics').getAttribute('aria-checked')) === 'false', {
    message: 'the analytics switch to turn off',
  });
  await dialogButton(page, 'save').click();
  const change = await waitForChange(page, 2);
  assert.equal(change.detail.source, 'preferences');
  assert.equal(change.detail.purposes.analytics, false);
  assert.equal(change.detail.purposes.marketing, true);
  assert.equal(await get(page, 'analytics'), false);
  assert.equal(await get(page, 'marketing'), true);
  assert.equal(new URL(page.url()).hash, '', 'the link click does not navigate to "#"');
  expectNoPageErrors(page);
});

test('a [data-consentry-open] link also works before any choice', async (t) => {
  const { page } = await env.open(t, { body: OPEN_LINK });
  await waitForBanner(page);
  await page.locator('#privacy-link').click();
  await dialog(page).waitFor({ state: 'visible' });
  assert.equal(await purposeSwitch(page, 'analytics').getAttribute('aria-checked'), 'false');
});

test('withdrawal deletes the cookies listed for the service, and only those', async (t) => {
  const { page } = await env.open(t);
  await acceptAllFromBanner(page);
  await page.evaluate(() => {
    document.cookie = '_pk_id.test=abc; path=/';
    document.cookie = '_pk_ses.test=1; path=/';
    document.cookie = 'vid_token=v; path=/';
    document.cookie = 'unrelated=keep; path=/';
  });
  assert.deepEqual(await cookieNames(page), ['_pk_id.test', '_pk_ses.test', 'unrelated', 'vid_token']);

  // Withdraw analytics only: its Matomo cookies go, the video cookie (still granted) and the unrelated one stay.
  await floatingButton(page).click();
  await purposeSwitch(page, 'analytics').click();
  await dialogButton(page, 'save').click();
  await waitForChange(page, 2);
  await eventually(async () => !(await cookieNames(page)).includes('_pk_id.test'), { message: '_pk_id.test to be deleted' });
  assert.deepEqual(await cookieNames(page), ['unrelated', 'vid_token']);

  // Withdraw the rest.
  await floatingButton(page).click();
  await dialogButton(page, 'reject-all').click();
  await waitForChange(page, 3);
  await eventually(async () => !(await cookieNames(page)).includes('vid_token'), { message: 'vid_token to be deleted' });
  assert.deepEqual(await cookieNames(page), ['unrelated']);
  expectNoPageErrors(page);
});

test('the close button closes the center without recording a decision', async (t) => {
  const { page } = await env.open(t);
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  await purposeSwitch(page, 'analytics').click();
  await dialogButton(page, 'close').click();
  await dialog(page).waitFor({ state: 'hidden' });
  assert.deepEqual(await events(page, 'consentry:change'), [], 'closing is not consent');
  assert.equal((await state(page)).decided, false);
  assert.equal(await get(page, 'analytics'), false, 'a toggled but unsaved switch grants nothing');
  assert.equal(await bannerVisible(page), true, 'the banner is still waiting for a choice');
});

test('Escape closes the center and focus returns to the opener (banner, floating button, link)', async (t) => {
  const { page } = await env.open(t, { body: OPEN_LINK });
  await waitForBanner(page);

  // Opened from the banner's customize button.
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  const inside = await eventually(async () => (await focusedInWidget(page))?.inDialog && focusedInWidget(page), {
    message: 'focus to move into the preference center',
  });
  assert.ok(inside.inDialog);
  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'hidden' });
  const back = await eventually(() => focusedInWidget(page), { message: 'focus to come back into the widget' });
  assert.equal(back.action, 'customize', `focus returns to the customize button (got ${JSON.stringify(back)})`);
  assert.equal((await state(page)).decided, false, 'Escape is not a decision');

  // Opened from the floating button, after a choice.
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await floatingButton(page).click();
  await dialog(page).waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'hidden' });
  const back2 = await eventually(() => focusedInWidget(page), { message: 'focus to come back to the floating button' });
  assert.equal(back2.action, 'open-preferences');

  // Opened from the host page's link.
  await page.locator('#privacy-link').click();
  await dialog(page).waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'hidden' });
  await eventually(() => page.evaluate(() => document.activeElement?.id === 'privacy-link'), {
    message: 'focus to return to the [data-consentry-open] link',
  });
  expectNoPageErrors(page);
});

test('Tab and Shift+Tab stay inside the open preference center', async (t) => {
  const { page } = await env.open(t, { body: `<p><a href="#a">before</a></p>${OPEN_LINK}` });
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  await eventually(async () => (await focusedInWidget(page))?.inDialog, { message: 'focus to move into the center' });

  const focusable = await dialog(page).evaluate(
    (d) => d.querySelectorAll('button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])').length,
  );
  assert.ok(focusable >= 6, `the center has its switches and buttons (${focusable} focusable)`);
  const seen = new Set();
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < focusable + 3; i += 1) {
      await page.keyboard.press(key);
      const f = await focusedInWidget(page);
      assert.ok(f?.inDialog, `after ${i + 1} x ${key} focus is still in the center (got ${JSON.stringify(f)})`);
      seen.add(JSON.stringify(f));
    }
  }
  assert.ok(seen.size >= 4, 'Tab moves between several controls');
});

test('ui.floating_button "hidden" shows no floating button; "bottom-right" puts it on the right', async (t) => {
  const hidden = baseConfig();
  hidden.ui = { floating_button: 'hidden' };
  const { page } = await env.open(t, { config: hidden, body: OPEN_LINK });
  await acceptAllFromBanner(page);
  await page.waitForTimeout(300);
  assert.equal(await floatingButton(page).filter({ visible: true }).count(), 0, 'no visible floating button');
  await page.locator('#privacy-link').click();
  await dialog(page).waitFor({ state: 'visible' });

  const right = baseConfig();
  right.ui = { floating_button: 'bottom-right' };
  const { page: page2 } = await env.open(t, { config: right });
  await acceptAllFromBanner(page2);
  const fab = floatingButton(page2);
  await fab.waitFor({ state: 'visible' });
  const box = await fab.boundingBox();
  const vp = page2.viewportSize();
  assert.ok(box.x + box.width / 2 > vp.width / 2 && box.y + box.height / 2 > vp.height / 2, `bottom-right (${JSON.stringify(box)})`);
});

test('the preference center informs before the choice: descriptions, retention, recipients, services, cookies, controller', async (t) => {
  const config = baseConfig();
  const { page } = await env.open(t, { config });
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  // textContent, not innerText: details may sit in a disclosure the visitor opens.
  const text = (await dialog(page).evaluate((d) => d.textContent)).replace(/\s+/g, ' ');
  const expected = [config.controller.name, config.controller.contact];
  for (const p of config.purposes) {
    expected.push(p.name.en, p.description.en, p.retention.en, p.recipients.en);
    for (const s of p.services ?? []) {
      expected.push(typeof s.name === 'string' ? s.name : s.name.en, s.description.en, ...(s.cookies ?? []));
    }
  }
  const missing = expected.filter((x) => !text.includes(x));
  assert.deepEqual(missing, [], 'every configured detail appears in the preference center');
  const policy = dialog(page).locator(`a[href="${config.controller.policy_url}"]`);
  assert.ok((await policy.count()) >= 1, 'the center links to the policy');
});
