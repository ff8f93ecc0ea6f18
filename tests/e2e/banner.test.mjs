// First layer: what a first-time visitor sees, and the three decisions it offers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment,
  bannerButton,
  bannerVisible,
  dialog,
  dialogButton,
  purposeSwitch,
  serviceSwitch,
  floatingButton,
  waitForBanner,
  waitForWidget,
  waitForChange,
  expectNoBanner,
  expectNoPageErrors,
  state,
  get,
  events,
  stored,
  runs,
  eventually,
} from './support/harness.mjs';
import { CONTROLLER_NAME, POLICY_URL, GATED_MARKUP, baseConfig } from './support/config.mjs';

const env = useEnvironment();
const DAY = 24 * 60 * 60 * 1000;
const STYLE_PROPS = [
  'background-color', 'color', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-decoration-line',
  'border-top-width', 'border-top-style', 'border-top-color', 'border-radius', 'padding-top', 'padding-left',
  'opacity', 'box-shadow', 'text-transform', 'letter-spacing',
];

function toMs(x) {
  return typeof x === 'number' ? x : Date.parse(x);
}

test('first visit: host in <body> with an open shadow root', async (t) => {
  const { page } = await env.open(t);
  const host = await page.evaluate(() => {
    const el = document.getElementById('consentry');
    return el && { tag: el.tagName, parentIsBody: el.parentElement === document.body, open: el.shadowRoot !== null };
  });
  assert.deepEqual(host, { tag: 'DIV', parentIsBody: true, open: true });
  assert.equal((await events(page, 'consentry:ready')).length, 1, 'consentry:ready fires once');
  expectNoPageErrors(page);
});

test('first visit: banner with three buttons of identical class, size and style; controller and policy link; nothing granted', async (t) => {
  const { page } = await env.open(t, { body: GATED_MARKUP });
  await waitForBanner(page);

  const actions = ['accept-all', 'reject-all', 'customize'];
  for (const a of actions) {
    assert.equal(await bannerButton(page, a).count(), 1, `exactly one banner button [data-action="${a}"]`);
    assert.ok(await bannerButton(page, a).isVisible(), `banner button ${a} is visible`);
  }
  const classes = await Promise.all(actions.map((a) => bannerButton(page, a).getAttribute('class')));
  assert.ok(classes[0], 'banner buttons have a class');
  assert.deepEqual(classes, [classes[0], classes[0], classes[0]], `identical class attributes: ${JSON.stringify(classes)}`);

  const boxes = await Promise.all(actions.map((a) => bannerButton(page, a).boundingBox()));
  for (const [i, box] of boxes.entries()) {
    assert.ok(Math.abs(box.width - boxes[0].width) < 1, `width of ${actions[i]} (${box.width}) equals accept-all (${boxes[0].width})`);
    assert.ok(Math.abs(box.height - boxes[0].height) < 1, `height of ${actions[i]} (${box.height}) equals accept-all (${boxes[0].height})`);
  }

  const styles = await Promise.all(
    actions.map((a) =>
      bannerButton(page, a).evaluate((el, props) => {
        const cs = getComputedStyle(el);
        return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
      }, STYLE_PROPS),
    ),
  );
  assert.deepEqual(styles[1], styles[0], 'reject-all is styled exactly like accept-all');
  assert.deepEqual(styles[2], styles[0], 'customize is styled exactly like accept-all');

  const name = page.locator('#consentry').getByText(CONTROLLER_NAME).filter({ visible: true });
  assert.ok((await name.count()) >= 1, `the controller name "${CONTROLLER_NAME}" is visible on the banner`);
  const policy = page.locator(`#consentry a[href="${POLICY_URL}"]`).filter({ visible: true });
  assert.ok((await policy.count()) >= 1, `a visible link to the policy ${POLICY_URL}`);

  const s = await state(page);
  assert.equal(s.decided, false, 'state().decided is false before any choice');
  assert.equal(s.purposes.analytics, false);
  assert.equal(s.purposes.marketing, false);
  for (const id of ['analytics', 'marketing', 'analytics/matomo', 'marketing/video']) {
    assert.equal(await get(page, id), false, `get("${id}") is false before any choice`);
  }
  assert.equal(await get(page, 'necessary'), true, 'the required purpose is always on');
  assert.equal(s.storage, 'local');

  await page.waitForTimeout(300);
  assert.deepEqual(await runs(page), [], 'no gated script ran');
  assert.equal(env.site.requests('/gated/analytics.js'), 0, 'the gated src script was not fetched');
  assert.equal(env.site.requests('/frame.html'), 0, 'the gated iframe was not loaded');
  assert.deepEqual(await events(page, 'consentry:change'), [], 'no consentry:change before a choice');
  expectNoPageErrors(page);
});

test('accept all: everything granted, stored for 182 days, banner replaced by the floating button', async (t) => {
  const { page } = await env.open(t);
  await waitForBanner(page);
  const before = Date.now();
  await bannerButton(page, 'accept-all').click();
  const change = await waitForChange(page);

  assert.equal(change.detail.source, 'banner');
  assert.ok(change.detail.action, 'the change event names the action');
  assert.deepEqual(change.detail.purposes, { necessary: true, analytics: true, marketing: true });
  assert.deepEqual(change.detail.services, { 'analytics/matomo': true, 'marketing/video': true });
  assert.ok(change.detail.id, 'the change event carries the consent id');

  await eventually(async () => !(await bannerVisible(page)), { message: 'the banner to close' });
  const s = await state(page);
  assert.equal(s.decided, true);
  assert.deepEqual(s.purposes, { necessary: true, analytics: true, marketing: true });
  assert.deepEqual(s.services, { 'analytics/matomo': true, 'marketing/video': true });
  assert.equal(s.policyVersion, baseConfig().policy_version);
  assert.equal(s.language, 'en');
  assert.equal(s.storage, 'local');
  assert.equal(s.id, change.detail.id);
  assert.ok(Math.abs(toMs(s.expiresAt) - toMs(s.updatedAt) - 182 * DAY) < 60_000, `expiresAt is 182 days after updatedAt (${s.updatedAt} -> ${s.expiresAt})`);

  const record = JSON.parse(await stored(page));
  assert.equal(record.v, 1);
  assert.equal(record.id, s.id);
  assert.equal(record.policy_version, baseConfig().policy_version);
  assert.equal(record.language, 'en');
  assert.deepEqual(record.purposes, { necessary: true, analytics: true, marketing: true });
  assert.ok(record.updated >= before - 1000 && record.updated <= Date.now() + 1000, 'updated is now, in ms since epoch');
  assert.ok(Math.abs(record.expires - record.updated - 182 * DAY) < 60_000, 'expires 182 days after updated');
  assert.ok(record.method && record.method.layer && record.method.action, 'method records layer and action');

  const fab = floatingButton(page);
  await fab.waitFor({ state: 'visible' });
  const box = await fab.boundingBox();
  const vp = page.viewportSize();
  assert.ok(box.x + box.width / 2 < vp.width / 2 && box.y + box.height / 2 > vp.height / 2, `the floating button sits bottom-left by default (${JSON.stringify(box)})`);
  expectNoPageErrors(page);
});

test('reject all: nothing optional granted, the refusal is stored and remembered', async (t) => {
  const { page } = await env.open(t, { body: GATED_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'reject-all').click();
  const change = await waitForChange(page);
  assert.equal(change.detail.source, 'banner');
  assert.deepEqual(change.detail.purposes, { necessary: true, analytics: false, marketing: false });
  assert.deepEqual(change.detail.services, { 'analytics/matomo': false, 'marketing/video': false });
  await eventually(async () => !(await bannerVisible(page)), { message: 'the banner to close' });

  const s = await state(page);
  assert.equal(s.decided, true);
  assert.deepEqual(s.purposes, { necessary: true, analytics: false, marketing: false });
  assert.equal(JSON.parse(await stored(page)).purposes.analytics, false);

  await page.reload();
  await waitForWidget(page);
  await expectNoBanner(page);
  const [stored1] = await events(page, 'consentry:change');
  assert.equal(stored1?.detail.source, 'stored', 'the stored refusal is applied at start-up');
  assert.equal(await get(page, 'analytics'), false);
  assert.deepEqual(await runs(page), [], 'still nothing ran');
  expectNoPageErrors(page);
});

test('customize: all optional switches start off, one purpose is enabled and saved', async (t) => {
  const { page } = await env.open(t);
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  assert.equal(await dialog(page).getAttribute('aria-modal'), 'true');

  const necessary = purposeSwitch(page, 'necessary');
  assert.equal(await necessary.getAttribute('aria-checked'), 'true', 'the required purpose shows on');
  assert.equal(await necessary.getAttribute('aria-disabled'), 'true', 'the required purpose cannot be changed');
  for (const id of ['analytics', 'marketing']) {
    assert.equal(await purposeSwitch(page, id).getAttribute('aria-checked'), 'false', `${id} starts off (no pre-ticked box)`);
  }
  for (const id of ['analytics/matomo', 'marketing/video']) {
    assert.equal(await serviceSwitch(page, id).count(), 1, `a switch for service ${id}`);
    assert.equal(await serviceSwitch(page, id).getAttribute('aria-checked'), 'false', `service ${id} starts off`);
  }
  for (const a of ['save', 'accept-all', 'reject-all', 'close']) {
    assert.equal(await dialogButton(page, a).count(), 1, `the preference center has a ${a} button`);
  }

  await necessary.click({ force: true });
  assert.equal(await necessary.getAttribute('aria-checked'), 'true', 'clicking the required switch changes nothing');

  await purposeSwitch(page, 'analytics').click();
  await eventually(async () => (await purposeSwitch(page, 'analytics').getAttribute('aria-checked')) === 'true', {
    message: 'the analytics switch to turn on',
  });
  assert.deepEqual(await events(page, 'consentry:change'), [], 'toggling a switch is not yet a decision');

  await dialogButton(page, 'save').click();
  const change = await waitForChange(page);
  assert.equal(change.detail.source, 'preferences');
  assert.equal(change.detail.purposes.analytics, true);
  assert.equal(change.detail.purposes.marketing, false);
  await dialog(page).waitFor({ state: 'hidden' });
  await expectNoBanner(page, 100);

  assert.equal(await get(page, 'analytics'), true);
  assert.equal(await get(page, 'marketing'), false);
  assert.equal(await get(page, 'marketing/video'), false);
  const record = JSON.parse(await stored(page));
  assert.equal(record.purposes.analytics, true);
  assert.equal(record.purposes.marketing, false);
  expectNoPageErrors(page);
});

test('reload remembers: no banner, consentry:change with source "stored" at start-up', async (t) => {
  const { page } = await env.open(t);
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  const first = await waitForChange(page);

  await page.reload();
  await waitForWidget(page);
  await expectNoBanner(page);
  const changes = await events(page, 'consentry:change');
  assert.equal(changes.length, 1, `one consentry:change at start-up (got ${JSON.stringify(changes)})`);
  assert.equal(changes[0].detail.source, 'stored');
  assert.deepEqual(changes[0].detail.purposes, { necessary: true, analytics: true, marketing: true });
  assert.equal(changes[0].detail.id, first.detail.id, 'the same consent id');
  const s = await state(page);
  assert.equal(s.decided, true);
  assert.equal(s.id, first.detail.id);
  assert.equal(await get(page, 'marketing/video'), true);
  await floatingButton(page).waitFor({ state: 'visible' });
  expectNoPageErrors(page);
});

test('JS API: show(), acceptAll() and rejectAll() with source "api"', async (t) => {
  const { page } = await env.open(t);
  await waitForBanner(page);
  await page.evaluate(() => window.consentry.acceptAll());
  let change = await waitForChange(page, 1);
  assert.equal(change.detail.source, 'api');
  assert.equal(await get(page, 'analytics'), true);
  await eventually(async () => !(await bannerVisible(page)), { message: 'the banner to close after acceptAll()' });

  await page.evaluate(() => window.consentry.rejectAll());
  change = await waitForChange(page, 2);
  assert.equal(change.detail.source, 'api');
  assert.equal(await get(page, 'analytics'), false);
  assert.equal(JSON.parse(await stored(page)).purposes.analytics, false);

  await page.evaluate(() => window.consentry.show());
  await dialog(page).waitFor({ state: 'visible' });
  assert.equal(await purposeSwitch(page, 'analytics').getAttribute('aria-checked'), 'false');
  expectNoPageErrors(page);
});

test("a page script's clicks decide nothing; the visitor's own click does", async (t) => {
  const { page } = await env.open(t, { body: GATED_MARKUP });
  await waitForBanner(page);
  // What a third-party script in the page could do inside the open shadow root.
  const forge = (selector) =>
    page.evaluate((sel) => {
      const el = document.getElementById('consentry').shadowRoot.querySelector(sel);
      el.click();
      el.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    }, selector);
  await forge('.cs-banner [data-action="accept-all"]');
  await forge('.cs-banner [data-action="reject-all"]');
  assert.ok(await bannerVisible(page), 'the question is still open');
  assert.equal(await stored(page), null, 'nothing stored');
  assert.deepEqual(await events(page, 'consentry:change'), []);
  assert.deepEqual(await runs(page), [], 'no gated script ran');
  const warnings = page.consoleMessages.filter((m) => m.type === 'warning' && m.text.startsWith('consentry:'));
  assert.ok(
    warnings.some((m) => m.text.includes('"accept-all"') && m.text.includes('window.consentry')),
    `a consentry: warning names the ignored action (got ${JSON.stringify(warnings)})`,
  );

  // Customize is navigation, not a decision; inside the preference center, switches and decisions
  // ignore a script's clicks too.
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  await forge('[role="switch"][data-service="analytics/matomo"]');
  assert.equal(await serviceSwitch(page, 'analytics/matomo').getAttribute('aria-checked'), 'false');
  for (const a of ['save', 'accept-all', 'reject-all']) await forge(`[role="dialog"] [data-action="${a}"]`);
  assert.ok(await dialog(page).isVisible(), 'the preference center is still open');
  assert.equal(await stored(page), null);

  // The visitor's clicks: one service on, saved, and recorded as the preference center's.
  await serviceSwitch(page, 'analytics/matomo').click();
  await eventually(async () => (await serviceSwitch(page, 'analytics/matomo').getAttribute('aria-checked')) === 'true', {
    message: 'the matomo switch to turn on',
  });
  await dialogButton(page, 'save').click();
  const change = await waitForChange(page);
  assert.equal(change.detail.source, 'preferences');
  assert.equal(await get(page, 'analytics/matomo'), true);
  assert.equal(await get(page, 'marketing/video'), false);
  assert.equal(JSON.parse(await stored(page)).method.action, 'save');
  expectNoPageErrors(page);
});
