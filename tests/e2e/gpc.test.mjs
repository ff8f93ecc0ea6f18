// Global Privacy Control on the built files (INTEGRATIONS.md §2(e): GPC-01…06). The signal is injected as the
// browser sends it: the `Sec-GPC: 1` header and `navigator.globalPrivacyControl`, set by an init script that
// reads a per-context switch (so one context can have a stored choice made without the signal, then the signal).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import {
  useEnvironment, waitForWidget, waitForBanner, bannerButton, dialog, dialogButton, purposeSwitch, expectNoBanner,
  state, stored, runs, waitForChange, eventually, expectNoPageErrors, events, ROOT,
} from './support/harness.mjs';
import { baseConfig, GATED_MARKUP } from './support/config.mjs';
import { useEndpoint } from './support/endpoint.mjs';

// Every payload the widget signs must match the receipt JSON Schema.
const validatePayload = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(path.join(ROOT, 'receipt', 'schema', 'receipt.schema.json'), 'utf8')),
);

const env = useEnvironment();
const endpoint = useEndpoint();

/** `marketing` is a sale/share purpose; `jurisdiction` and `gpc` as given. */
function gpcConfig(jurisdiction, gpc) {
  const config = baseConfig();
  config.jurisdiction = jurisdiction;
  config.endpoint = endpoint.url;
  config.purposes[2].gpc = true;
  if (gpc) config.gpc = gpc;
  return config;
}

/** A context whose pages send the signal while `localStorage.__test_gpc` is not "0" (`value` is what the property gives). */
async function gpcContext(t, value = true) {
  const context = await env.context(t, { extraHTTPHeaders: { 'Sec-GPC': '1' } });
  await context.addInitScript((v) => {
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
      configurable: true,
      get: () => (localStorage.getItem('__test_gpc') === '0' ? false : v),
    });
  }, value);
  return context;
}

async function open(t, context, pageOptions) {
  const page = await env.page(context);
  await page.goto(env.pageUrl(pageOptions));
  await waitForWidget(page);
  return page;
}

async function receiptPayloads(from) {
  return Promise.all(
    endpoint.received.slice(from).map(async (r) => {
      const { payload } = await jose.compactVerify(r.body, jose.EmbeddedJWK, { algorithms: ['ES256'] });
      const parsed = JSON.parse(new TextDecoder().decode(payload));
      assert.ok(validatePayload(parsed), `the payload matches the receipt JSON Schema: ${JSON.stringify(validatePayload.errors)}`);
      return parsed;
    }),
  );
}

test('GPC-01/02: in an opt-out jurisdiction the signal keeps covered purposes off, with no banner and nothing stored', async (t) => {
  const context = await gpcContext(t);
  const page = await open(t, context, { config: gpcConfig('US-CA'), body: GATED_MARKUP });
  await expectNoBanner(page);
  const s = await state(page);
  assert.equal(s.gpc, true);
  assert.deepEqual(s.gpcApplied, ['marketing']);
  assert.equal(s.decided, true);
  assert.equal(s.purposes.marketing, false);
  assert.equal(await stored(page), null, 'nothing stored as if the visitor had clicked');
  assert.ok(!(await runs(page)).includes('inline:marketing'));
  await page.evaluate(() => window.consentry.show());
  const note = dialog(page).locator('[data-gpc="honored"]');
  await note.waitFor();
  assert.match(await note.textContent(), /Opt-out preference signal honored/);
  assert.equal(await purposeSwitch(page, 'marketing').getAttribute('aria-checked'), 'false');
  assert.equal(await stored(page), null);
  expectNoPageErrors(page);
});

test('GPC-03: a stored grant gives way to the signal; granting again in the preference center is recorded', async (t) => {
  const context = await gpcContext(t);
  await context.addInitScript(() => {
    if (localStorage.getItem('__test_gpc') === null) localStorage.setItem('__test_gpc', '0');
  });
  const before = endpoint.received.length;
  const first = await open(t, context, { config: gpcConfig('US'), body: GATED_MARKUP });
  await waitForBanner(first);
  await bannerButton(first, 'accept-all').click();
  await waitForChange(first);
  await eventually(async () => endpoint.received.length > before, { timeout: 15_000, message: 'the first receipt' });
  await first.evaluate(() => localStorage.setItem('__test_gpc', '1'));
  await first.close();

  const from = endpoint.received.length;
  const page = await open(t, context, { config: gpcConfig('US'), body: GATED_MARKUP });
  await expectNoBanner(page);
  let s = await state(page);
  assert.equal(s.purposes.marketing, false, 'the signal wins over the earlier grant');
  assert.equal(s.purposes.analytics, true, 'uncovered purposes keep the stored choice');
  assert.ok(!(await runs(page)).includes('inline:marketing'));
  // Accept all through the API leaves covered purposes off.
  await page.evaluate(() => window.consentry.acceptAll());
  await waitForChange(page, 2);
  assert.equal((await state(page)).purposes.marketing, false);
  await page.evaluate(() => window.consentry.show());
  const note = dialog(page).locator('[data-gpc="honored"]');
  await note.waitFor();
  await purposeSwitch(page, 'marketing').click();
  await dialogButton(page, 'save').click();
  await waitForChange(page, 3);
  s = await state(page);
  assert.equal(s.purposes.marketing, true);
  assert.deepEqual(s.gpcApplied, []);
  assert.ok((await runs(page)).includes('inline:marketing'), 'the explicit grant runs the marketing script');
  assert.match(await stored(page), /"gpc_override":true/);
  const payloads = await eventually(async () => {
    const p = await receiptPayloads(from);
    return p.length >= 2 && p;
  }, { timeout: 15_000, message: 'two receipts' });
  assert.equal(payloads[0].overridesGpc, undefined, 'accept all did not override');
  assert.equal(payloads[0].gpc, true);
  assert.equal(payloads[1].overridesGpc, true);
  assert.equal(payloads[1].decisions.purposes.marketing, true);
  // The next page view keeps the override while the signal is present.
  const next = await open(t, context, { config: gpcConfig('US'), body: GATED_MARKUP });
  assert.equal((await state(next)).purposes.marketing, true);
});

test('the conflict with an earlier grant is said in the preference center', async (t) => {
  const context = await gpcContext(t);
  await context.addInitScript(() => {
    if (localStorage.getItem('__test_gpc') === null) localStorage.setItem('__test_gpc', '0');
  });
  const first = await open(t, context, { config: gpcConfig('US') });
  await waitForBanner(first);
  await bannerButton(first, 'accept-all').click();
  await waitForChange(first);
  await first.evaluate(() => localStorage.setItem('__test_gpc', '1'));
  const page = await open(t, context, { config: gpcConfig('US') });
  await page.evaluate(() => window.consentry.show());
  const note = dialog(page).locator('[data-gpc="honored"]');
  await note.waitFor();
  assert.match(await note.textContent(), /overrides a choice you made earlier/);
});

test('GPC-04: in an opt-in jurisdiction the signal is recorded and the banner asks as usual', async (t) => {
  const context = await gpcContext(t, '1');
  const from = endpoint.received.length;
  const page = await open(t, context, { config: gpcConfig('EU') });
  await waitForBanner(page);
  assert.deepEqual((await state(page)).gpcApplied, []);
  assert.equal((await state(page)).gpc, true, 'the string "1" counts as the signal');
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  assert.equal((await state(page)).purposes.marketing, true, 'an explicit grant in an opt-in jurisdiction stands');
  const [payload] = await eventually(async () => {
    const p = await receiptPayloads(from);
    return p.length >= 1 && p;
  }, { timeout: 15_000, message: 'a receipt' });
  assert.equal(payload.gpc, true);
  assert.equal(payload.overridesGpc, undefined);
});

test('GPC-05: treat_as_reject in an opt-in jurisdiction: no banner, decided, nothing granted, show() still works', async (t) => {
  const context = await gpcContext(t);
  const page = await open(t, context, { config: gpcConfig('EU', { opt_in: 'treat_as_reject' }), body: GATED_MARKUP });
  await expectNoBanner(page);
  const s = await state(page);
  assert.equal(s.decided, true);
  assert.deepEqual(Object.entries(s.purposes).filter(([, on]) => on).map(([id]) => id), ['necessary']);
  assert.equal(await stored(page), null);
  await page.evaluate(() => window.consentry.show());
  await dialog(page).waitFor();
  assert.deepEqual(await runs(page), []);
});

test('GPC-06: the Consent Mode default already denies what the signal covers, even for a stored grant', async (t) => {
  const config = gpcConfig('US-CO');
  config.integrations = {
    google_consent_mode: { map: { analytics: ['analytics_storage'], marketing: ['ad_storage', 'ad_user_data', 'ad_personalization'] } },
  };
  const context = await gpcContext(t);
  await context.addInitScript(() => {
    if (localStorage.getItem('__test_gpc') === null) localStorage.setItem('__test_gpc', '0');
  });
  const first = await open(t, context, { config, snippetFile: 'snippet-signals.html' });
  await waitForBanner(first);
  await bannerButton(first, 'accept-all').click();
  await waitForChange(first);
  await first.evaluate(() => localStorage.setItem('__test_gpc', '1'));
  const page = await open(t, context, { config, snippetFile: 'snippet-signals.html' });
  const commands = await page.evaluate(() => Array.from(window.dataLayer, (e) => Array.from(e)));
  assert.deepEqual(commands.map((c) => c.slice(0, 2)), [['consent', 'default']], JSON.stringify(commands));
  const d = commands[0][2];
  assert.deepEqual([d.ad_storage, d.ad_user_data, d.ad_personalization, d.analytics_storage], ['denied', 'denied', 'denied', 'granted']);
  assert.equal(d.wait_for_update, undefined, 'a stored choice: no waiting');
  assert.deepEqual(page.consoleMessages.filter((m) => m.type === 'warning'), [], 'the loader and the widget agree');
  const change = (await events(page, 'consentry:change'))[0].detail;
  assert.equal(change.gpc, true);
  assert.deepEqual(change.gpcApplied, ['marketing']);
});

/** The receipts posted since `from`, once there are `n` of them (verified and schema-checked). */
async function receiptsFrom(from, n, message) {
  return eventually(async () => {
    const p = await receiptPayloads(from);
    return p.length >= n && p;
  }, { timeout: 15_000, message });
}

test('GPC-R4: with gpc.receipts the signal-derived state is posted once per browser as gpc:opt-out, and never after a decision', async (t) => {
  const context = await gpcContext(t);
  const config = gpcConfig('US-CA', { receipts: true });
  const from = endpoint.received.length;
  const first = await open(t, context, { config, body: GATED_MARKUP });
  await expectNoBanner(first);
  const [signal] = await receiptsFrom(from, 1, 'the gpc:opt-out receipt');
  assert.equal(signal.collectionMethod, 'gpc:opt-out');
  assert.equal(signal.gpc, true);
  assert.equal(signal.decisions.purposes.marketing, false, 'the covered purpose is off');
  assert.equal(signal.decisions.purposes.necessary, true);
  assert.equal(signal.overridesGpc, undefined);
  assert.equal(await stored(first), null, 'the signal is never stored as a choice');
  await eventually(async () => /"signal":/.test((await first.evaluate(() => localStorage.getItem('consentry.receipts'))) ?? ''),
    { message: 'the receipt log remembers the signal receipt' });
  expectNoPageErrors(first);
  await first.close();

  // A second page view posts nothing new: the next receipt is the visitor's own decision.
  const second = await open(t, context, { config, body: GATED_MARKUP });
  await expectNoBanner(second);
  await second.evaluate(() => window.consentry.rejectAll());
  await waitForChange(second);
  let payloads = await receiptsFrom(from, 2, 'the reject receipt');
  assert.deepEqual(payloads.map((p) => p.collectionMethod), ['gpc:opt-out', 'api:reject-all']);
  assert.equal(payloads[1].gpc, true);
  assert.notEqual(await stored(second), null, 'the visitor\'s decision is stored');
  await second.close();

  // After a decision the signal alone makes no receipt.
  const third = await open(t, context, { config, body: GATED_MARKUP });
  await expectNoBanner(third);
  await third.evaluate(() => window.consentry.acceptAll());
  await waitForChange(third);
  payloads = await receiptsFrom(from, 3, 'the accept receipt');
  assert.deepEqual(payloads.map((p) => p.collectionMethod), ['gpc:opt-out', 'api:reject-all', 'api:accept-all']);
  assert.equal(payloads[2].decisions.purposes.marketing, false, 'accept all leaves the covered purpose off');
  await third.close();

  // A new policy version voids that decision: the signal-derived state under it is posted once more.
  const later = { ...config, policy_version: `${config.policy_version}-2` };
  const fourth = await open(t, context, { config: later, body: GATED_MARKUP });
  await expectNoBanner(fourth);
  await fourth.evaluate(() => window.consentry.rejectAll());
  await waitForChange(fourth);
  payloads = await receiptsFrom(from, 5, 'the receipts under the new policy');
  assert.deepEqual(payloads.slice(3).map((p) => [p.collectionMethod, p.policyVersion]),
    [['gpc:opt-out', later.policy_version], ['api:reject-all', later.policy_version]]);
});

test('GPC-R4: without gpc.receipts the signal posts nothing until the visitor decides', async (t) => {
  const context = await gpcContext(t);
  const from = endpoint.received.length;
  const page = await open(t, context, { config: gpcConfig('US-CA'), body: GATED_MARKUP });
  await expectNoBanner(page);
  assert.equal((await state(page)).purposes.marketing, false);
  await page.evaluate(() => window.consentry.rejectAll());
  await waitForChange(page);
  const payloads = await receiptsFrom(from, 1, 'the reject receipt');
  assert.deepEqual(payloads.map((p) => p.collectionMethod), ['api:reject-all']);
  assert.doesNotMatch((await page.evaluate(() => localStorage.getItem('consentry.receipts'))) ?? '', /"signal":/);
});
