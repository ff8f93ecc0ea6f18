// The stored choice: corrupt or foreign records, blocked storage, expiry and policy versions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment,
  bannerButton,
  bannerVisible,
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
import { GATED_MARKUP, baseConfig } from './support/config.mjs';

const env = useEnvironment();
const DAY = 24 * 60 * 60 * 1000;

function toMs(x) {
  return typeof x === 'number' ? x : Date.parse(x);
}

/** Opens a page whose origin already holds `value` in localStorage["consentry"]. */
async function openWithStored(t, value, pageOptions = {}) {
  const context = await env.context(t);
  const page = await env.page(context);
  await page.goto(`${env.site.origin}/blank.html`);
  await page.evaluate((v) => localStorage.setItem('consentry', v), value);
  await page.goto(env.pageUrl({ body: GATED_MARKUP, ...pageOptions }));
  await waitForWidget(page);
  return page;
}

async function expectUndecided(page) {
  await waitForBanner(page);
  const s = await state(page);
  assert.equal(s.decided, false, 'state().decided is false');
  assert.equal(s.purposes.analytics, false);
  assert.equal(s.purposes.marketing, false);
  assert.equal(await get(page, 'analytics'), false);
  assert.equal(await get(page, 'marketing/video'), false);
  assert.deepEqual(await events(page, 'consentry:change'), [], 'no stored choice was applied');
  await page.waitForTimeout(300);
  assert.deepEqual(await runs(page), [], 'no gated script ran');
  expectNoPageErrors(page);
}

// A record written by the widget itself (accept all), made once per file and then altered per test,
// so the tests assume nothing about its id format or method names.
let genuine;
async function genuineRecord(t) {
  if (!genuine) {
    const { page } = await env.open(t);
    await waitForBanner(page);
    await bannerButton(page, 'accept-all').click();
    await waitForChange(page);
    genuine = JSON.parse(await stored(page));
    await page.context().close();
  }
  return structuredClone(genuine);
}

const BAD_RECORDS = {
  'corrupt JSON': () => '{garbage',
  'foreign JSON (another tool)': () => JSON.stringify({ analytics: true, marketing: true, necessary: true }),
  'a record with v: 99': (r) => JSON.stringify({ ...r, v: 99 }),
  'a record without v': (r) => JSON.stringify({ ...r, v: undefined }),
  'a v1 record without policy_version and expires': () => JSON.stringify({ v: 1, purposes: { analytics: true, marketing: true } }),
  'a v1 record with non-boolean purposes': (r) => JSON.stringify({ ...r, purposes: { necessary: true, analytics: 'yes', marketing: 1 } }),
  'a JSON array': () => '[1,2,3]',
  'the string "null"': () => 'null',
  'a record expiring in the year 275,760 (longer than any configuration allows)': (r) => JSON.stringify({ ...r, expires: 8.64e15 }),
};

for (const [label, make] of Object.entries(BAD_RECORDS)) {
  test(`stored ${label}: counts as no choice, banner shown, nothing granted`, async (t) => {
    const page = await openWithStored(t, make(await genuineRecord(t)));
    await expectUndecided(page);
  });
}

test("control: the widget's own record, copied into a fresh browser, is applied as a stored choice", async (t) => {
  const page = await openWithStored(t, JSON.stringify(await genuineRecord(t)));
  await expectNoBanner(page);
  assert.equal(await get(page, 'analytics'), true, `a well-formed record is applied (state: ${JSON.stringify(await state(page))})`);
  const [change] = await events(page, 'consentry:change');
  assert.equal(change?.detail.source, 'stored');
});

test('an expired stored choice re-prompts and grants nothing', async (t) => {
  const record = await genuineRecord(t);
  const page = await openWithStored(t, JSON.stringify({ ...record, updated: Date.now() - 2000, expires: Date.now() - 1000 }));
  await expectUndecided(page);
});

test('a stored choice lasts no longer than expiry_days since it was made, whatever its record says', async (t) => {
  const record = await genuineRecord(t);
  const config = baseConfig();
  config.expiry_days = 30;
  // Decided 31 days ago under a configuration that kept choices for 395 days.
  const updated = Date.now() - 31 * DAY;
  const page = await openWithStored(t, JSON.stringify({ ...record, created: updated, updated, expires: updated + 395 * DAY }), { config });
  await expectUndecided(page);
});

test('expiry_days sets how long a choice is kept', async (t) => {
  const config = baseConfig();
  config.expiry_days = 30;
  const { page } = await env.open(t, { config });
  await waitForBanner(page);
  await bannerButton(page, 'reject-all').click();
  await waitForChange(page);
  const record = JSON.parse(await stored(page));
  assert.ok(Math.abs(record.expires - record.updated - 30 * DAY) < 60_000, `expires = updated + 30 days (${record.updated} -> ${record.expires})`);
  const s = await state(page);
  assert.ok(Math.abs(toMs(s.expiresAt) - toMs(s.updatedAt) - 30 * DAY) < 60_000, 'state().expiresAt agrees');
});

test('a policy version change re-prompts and grants nothing until the new choice', async (t) => {
  const context = await env.context(t);
  const page = await env.page(context);
  await page.goto(env.pageUrl({ body: GATED_MARKUP }));
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);

  const next = baseConfig();
  next.policy_version = '2025-06';
  await page.goto(env.pageUrl({ config: next, body: GATED_MARKUP }));
  await waitForWidget(page);
  await expectUndecided(page);

  await bannerButton(page, 'reject-all').click();
  await waitForChange(page);
  const record = JSON.parse(await stored(page));
  assert.equal(record.policy_version, '2025-06');
  assert.equal((await state(page)).policyVersion, '2025-06');
});

// Storage that refuses to work (privacy modes, sandboxed iframes, full quota).
const BLOCKERS = {
  'localStorage getter throws': () => {
    Object.defineProperty(window, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
  },
  'setItem throws': () => {
    Storage.prototype.setItem = function setItem() {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  },
};

for (const [label, blocker] of Object.entries(BLOCKERS)) {
  test(`blocked storage (${label}): works in memory`, async (t) => {
    const context = await env.context(t);
    await context.addInitScript(blocker);
    const page = await env.page(context);
    await page.goto(env.pageUrl({ body: GATED_MARKUP }));
    const outcome = await waitForWidget(page);
    assert.equal(outcome, 'consentry:ready', `the widget starts (events: ${JSON.stringify(await events(page))})`);
    await waitForBanner(page);
    await bannerButton(page, 'accept-all').click();
    await waitForChange(page);
    await eventually(async () => !(await bannerVisible(page)), { message: 'the banner to close' });
    assert.equal(await get(page, 'analytics'), true, 'the choice holds in memory');
    const s = await state(page);
    assert.equal(s.decided, true);
    assert.equal(s.storage, 'memory', `state().storage is "memory" (got ${JSON.stringify(s.storage)})`);
    await eventually(async () => (await runs(page)).includes('inline:analytics'), { message: 'gated scripts to run' });
    expectNoPageErrors(page);
  });
}
