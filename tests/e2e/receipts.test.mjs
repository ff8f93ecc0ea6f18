// Signed consent receipts on the built widget: every decision is signed in the browser (ES256,
// WebCrypto, key in IndexedDB) and POSTed to a real HTTP endpoint, where an independent JOSE
// implementation (npm `jose`, EmbeddedJWK) verifies it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as jose from 'jose';
import { useEnvironment, waitForBanner, bannerButton, dialogButton, floatingButton, dialog, state, eventually, expectNoPageErrors, waitForWidget } from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';
import { useEndpoint } from './support/endpoint.mjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { ROOT } from './support/harness.mjs';

// The receipt JSON Schema (receipt/schema/receipt.schema.json): every payload the widget signs must match it.
const validatePayload = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(path.join(ROOT, 'receipt', 'schema', 'receipt.schema.json'), 'utf8')),
);

const env = useEnvironment();
const endpoint = useEndpoint();

function configWithEndpoint() {
  const c = baseConfig();
  c.endpoint = endpoint.url;
  return c;
}

async function verify(compact) {
  const { payload, protectedHeader } = await jose.compactVerify(compact, jose.EmbeddedJWK, { algorithms: ['ES256'] });
  const parsed = JSON.parse(new TextDecoder().decode(payload));
  assert.ok(validatePayload(parsed), `the payload matches the receipt JSON Schema: ${JSON.stringify(validatePayload.errors)}`);
  return { header: protectedHeader, payload: parsed };
}

const sha256b64url = (s) => createHash('sha256').update(s).digest('base64url');

/** Accepts all while the endpoint is down, waits until the receipt is pending, then brings it back. */
async function acceptWhileEndpointDown(page) {
  endpoint.setDown(true);
  try {
    await bannerButton(page, 'accept-all').click();
    await eventually(async () => (await state(page)).receipts.pending === 1, { message: 'a pending receipt' });
  } finally {
    endpoint.setDown(false);
  }
}

async function receiptsFor(count, from = 0) {
  return eventually(() => endpoint.received.length >= from + count && endpoint.received.slice(from, from + count), {
    timeout: 15_000,
    message: `${count} receipt(s) at the endpoint`,
  });
}

/** The first `count` different receipts received since `from`, in order of first arrival. A receipt may
 * legitimately arrive twice (a keepalive on `pagehide` whose answer was never seen is sent again on the
 * next page view; the server is idempotent), so order is judged on first arrivals. */
async function distinctReceiptsFor(count, from = 0) {
  return eventually(() => {
    const seen = new Map();
    for (const post of endpoint.received.slice(from)) if (!seen.has(post.body)) seen.set(post.body, post);
    return seen.size >= count && [...seen.values()].slice(0, count);
  }, { timeout: 15_000, message: `${count} different receipt(s) at the endpoint` });
}

test('accept all posts a receipt that an independent JOSE library verifies, with every field', async (t) => {
  const from = endpoint.received.length;
  const { page } = await env.open(t, { config: configWithEndpoint(), lang: 'fr' });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  const [post] = await receiptsFor(1, from);
  assert.equal(post.contentType, 'application/jose');
  const { header, payload } = await verify(post.body);
  assert.equal(header.alg, 'ES256');
  assert.equal(header.typ, 'consent-receipt+jws');
  assert.equal(header.jwk.kty, 'EC');
  assert.equal(header.jwk.crv, 'P-256');
  assert.equal(header.jwk.d, undefined, 'no private key material in the header');
  assert.equal(payload.piiPrincipalId, await jose.calculateJwkThumbprint(header.jwk, 'sha256'));
  assert.equal(payload.version, 'KI-CR-v1.1.0');
  assert.match(payload.consentReceiptID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(payload.collectionMethod, 'banner:accept-all');
  assert.equal(payload.language, 'fr');
  assert.equal(payload.jurisdiction, 'EU');
  assert.equal(payload.policyVersion, '2025-01');
  assert.equal(payload.policyUrl, 'https://example.test/privacy');
  assert.equal(payload.piiControllers[0].piiController, 'Boulangerie Test SARL');
  assert.deepEqual(payload.decisions.purposes, { necessary: true, analytics: true, marketing: true });
  assert.deepEqual(payload.decisions.services, { 'analytics/matomo': true, 'marketing/video': true });
  assert.ok(payload.services.some((s) => s.serviceId === 'analytics/matomo' && s.purposes[0].consentType === 'EXPLICIT'));
  assert.ok(payload.services.some((s) => s.serviceId === 'necessary' && s.purposes[0].consentType === 'STRICTLY_NECESSARY'));
  assert.match(payload.noticeHash, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(payload.prevReceiptHash, null, 'the first receipt of this browser');
  assert.equal(payload.gpc, false);
  assert.ok(Math.abs(payload.consentTimestamp - Date.now() / 1000) < 120);
  assert.equal(payload.expiresAt - payload.consentTimestamp, 182 * 86400);
  assert.equal(payload.consentId, (await state(page)).id);

  // A tampered payload no longer verifies.
  const [h, , s] = post.body.split('.');
  const forged = { ...payload, decisions: { ...payload.decisions, purposes: { ...payload.decisions.purposes, marketing: false } } };
  const tampered = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`;
  await assert.rejects(verify(tampered), /signature verification failed/);

  const st = await eventually(async () => {
    const x = await state(page);
    return x.receipts.delivered === 1 && x;
  }, { message: 'the receipt acknowledged in state()' });
  assert.equal(st.receipts.latest.id, payload.consentReceiptID);
  assert.equal(st.receipts.pending, 0);
  expectNoPageErrors(page);
});

test('refusals and withdrawals are receipts too; the chain and the key hold across a reload', async (t) => {
  const from = endpoint.received.length;
  const context = await env.context(t);
  const page = await env.page(context);
  const url = env.pageUrl({ config: configWithEndpoint() });
  await page.goto(url);
  await waitForBanner(page);
  await bannerButton(page, 'reject-all').click();
  const [first] = await receiptsFor(1, from);
  const one = await verify(first.body);
  assert.equal(one.payload.collectionMethod, 'banner:reject-all');
  assert.deepEqual(one.payload.decisions.purposes, { necessary: true, analytics: false, marketing: false });

  await page.reload();
  await waitForWidget(page);
  await floatingButton(page).click();
  await dialog(page).waitFor({ state: 'visible' });
  await dialog(page).locator('[data-purpose="analytics"]').click();
  await dialogButton(page, 'save').click();
  const [, second] = await receiptsFor(2, from);
  const two = await verify(second.body);
  assert.equal(two.payload.collectionMethod, 'preferences:save');
  assert.equal(two.payload.decisions.purposes.analytics, true);
  assert.equal(two.payload.prevReceiptHash, sha256b64url(first.body), 'the second receipt links to the first');
  assert.equal(two.payload.piiPrincipalId, one.payload.piiPrincipalId, 'the same key after a reload');
  assert.equal(two.payload.consentId, one.payload.consentId);

  // Withdrawal from the preference center is one more receipt in the chain.
  await floatingButton(page).click();
  await dialogButton(page, 'reject-all').click();
  const [, , third] = await receiptsFor(3, from);
  const three = await verify(third.body);
  assert.equal(three.payload.collectionMethod, 'preferences:reject-all');
  assert.equal(three.payload.prevReceiptHash, sha256b64url(second.body));

  // The private key is in IndexedDB, non-extractable, and not in localStorage.
  const key = await page.evaluate(async () => {
    const db = await new Promise((res, rej) => {
      const r = indexedDB.open('consentry');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const pair = await new Promise((res, rej) => {
      const r = db.transaction('keys').objectStore('keys').get('receipt-signing-key');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    let exported = 'exported';
    try {
      await crypto.subtle.exportKey('jwk', pair.privateKey);
    } catch (e) {
      exported = e.name;
    }
    const storage = Object.keys(localStorage).map((k) => localStorage.getItem(k)).join('\n');
    return { extractable: pair.privateKey.extractable, type: pair.privateKey.type, exported, storageHasD: /"d"\s*:/.test(storage) };
  });
  assert.deepEqual(key, { extractable: false, type: 'private', exported: 'InvalidAccessError', storageHasD: false });
  expectNoPageErrors(page);
});

test('endpoint down, page reloaded, endpoint back: every receipt arrives, in chain order', async (t) => {
  const from = endpoint.received.length;
  const context = await env.context(t);
  const page = await env.page(context);
  await page.goto(env.pageUrl({ config: configWithEndpoint() }));
  await waitForBanner(page);
  endpoint.setDown(true);
  try {
    await bannerButton(page, 'accept-all').click();
    await eventually(async () => (await state(page)).receipts.count === 1, { message: 'the first receipt made' });
    await floatingButton(page).click();
    await dialogButton(page, 'reject-all').click();
    const pending = await eventually(async () => {
      const s = await state(page);
      return s.receipts.count === 2 && !s.receipts.signing && s.receipts;
    }, { message: 'two receipts made while the endpoint is down' });
    assert.equal(pending.pending, 2);
    assert.equal(pending.delivered, 0);
    await page.reload();
    await waitForWidget(page);
    await page.waitForTimeout(300);
    assert.equal((await state(page)).receipts.pending, 2, 'still pending after a reload while down');
    assert.equal(endpoint.received.length, from);
  } finally {
    endpoint.setDown(false);
  }
  await page.reload();
  await waitForWidget(page);
  const [a, b] = await distinctReceiptsFor(2, from);
  const ra = await verify(a.body);
  const rb = await verify(b.body);
  assert.equal(ra.payload.collectionMethod, 'banner:accept-all');
  assert.equal(rb.payload.collectionMethod, 'preferences:reject-all');
  assert.equal(rb.payload.prevReceiptHash, sha256b64url(a.body));
  await eventually(async () => (await state(page)).receipts.pending === 0, { message: 'the outbox emptied' });
  const arrived = endpoint.received.slice(from).map((post) => post.body);
  assert.deepEqual([...new Set(arrived)], [a.body, b.body], 'nothing else arrived, and b never before a');
  expectNoPageErrors(page);
});

test('the online event flushes the outbox without a reload', async (t) => {
  const from = endpoint.received.length;
  const { page } = await env.open(t, { config: configWithEndpoint() });
  await waitForBanner(page);
  await acceptWhileEndpointDown(page);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  const [post] = await receiptsFor(1, from);
  await verify(post.body);
});

test('without an endpoint receipts are still made, shown and downloadable; GPC is recorded', async (t) => {
  const context = await env.context(t);
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  const page = await env.page(context);
  await page.goto(env.pageUrl({ config: baseConfig() }));
  await waitForBanner(page);
  await bannerButton(page, 'reject-all').click();
  const s = await eventually(async () => {
    const x = await state(page);
    return x.receipts.count === 1 && x;
  }, { message: 'a local receipt' });
  assert.equal(s.receipts.pending, 0);
  await floatingButton(page).click();
  const shown = dialog(page).locator('[data-receipt-id]');
  await shown.waitFor({ state: 'visible' });
  assert.equal(await shown.textContent(), s.receipts.latest.id);
  const [download] = await Promise.all([page.waitForEvent('download'), dialogButton(page, 'download-receipts').click()]);
  assert.equal(download.suggestedFilename(), 'consent-receipts.json');
  const file = JSON.parse(await (await import('node:fs/promises')).readFile(await download.path(), 'utf8'));
  assert.equal(file.receipts.length, 1);
  assert.equal(file.receipts[0].delivery, 'local');
  const { payload } = await verify(file.receipts[0].jws);
  assert.equal(payload.gpc, true, 'a Global Privacy Control signal is recorded');
  assert.equal(payload.consentReceiptID, s.receipts.latest.id);
  expectNoPageErrors(page);
});

test('the committed test vectors verify with jose and match the receipt JSON Schema', async () => {
  const vectors = JSON.parse(readFileSync(path.join(ROOT, 'receipt', 'vectors', 'chain-1.json'), 'utf8'));
  const [first, second] = vectors.receipts;
  const one = await verify(first);
  const two = await verify(second);
  assert.equal(one.payload.piiPrincipalId, vectors.thumbprint);
  assert.equal(await jose.calculateJwkThumbprint(vectors.public_jwk, 'sha256'), vectors.thumbprint);
  assert.equal(two.payload.prevReceiptHash, sha256b64url(first));
  assert.equal(sha256b64url(vectors.notice_canonical), vectors.notice_hash);
});

test('pending receipts leave with keepalive when the page goes away', async (t) => {
  const from = endpoint.received.length;
  const context = await env.context(t);
  const page = await env.page(context);
  await page.goto(env.pageUrl({ config: configWithEndpoint() }));
  await waitForBanner(page);
  await acceptWhileEndpointDown(page);
  // The first retry is due two seconds after the failure at the earliest; leaving now means only
  // the pagehide flush can deliver it.
  await page.goto(env.site.route('/elsewhere.html', '<!doctype html><title>elsewhere</title><p>gone</p>'));
  const [post] = await receiptsFor(1, from);
  const { payload } = await verify(post.body);
  assert.equal(payload.collectionMethod, 'banner:accept-all');
});

// P-256's group order; a signature whose s is above n/2 has a twin (n − s) that verifies too.
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

test('every signature is low-S (no malleable twin), across several receipts', async (t) => {
  const from = endpoint.received.length;
  const { page } = await env.open(t, { config: configWithEndpoint() });
  await waitForBanner(page);
  for (let i = 0; i < 4; i++) {
    await page.evaluate((n) => (n % 2 ? window.consentry.rejectAll() : window.consentry.acceptAll()), i);
    await distinctReceiptsFor(i + 1, from);
  }
  const posts = await distinctReceiptsFor(4, from);
  for (const post of posts) {
    await verify(post.body);
    const s = BigInt('0x' + Buffer.from(post.body.split('.')[2], 'base64url').subarray(32).toString('hex'));
    assert.ok(s <= P256_N / 2n, `s is in the lower half (${s.toString(16)})`);
  }
  expectNoPageErrors(page);
});

test('a receipt the endpoint refuses (409) is kept, reported and downloadable; the next one is still sent', async (t) => {
  const from = endpoint.received.length;
  const { page } = await env.open(t, { config: configWithEndpoint() });
  await waitForBanner(page);
  endpoint.setStatus(409);
  t.after(() => endpoint.setStatus(null));
  await bannerButton(page, 'accept-all').click();
  const [refused] = await distinctReceiptsFor(1, from);
  const refusedId = (await verify(refused.body)).payload.consentReceiptID;
  const errors = await eventually(async () => {
    const e = await page.evaluate(() => window.__e2e.events.filter((x) => x.type === 'consentry:error'));
    return e.length > 0 && e;
  }, { message: 'the refusal to be reported' });
  assert.match(errors[0].detail.message, new RegExp(`refused receipt ${refusedId} \\(HTTP 409`));
  const st = await state(page);
  assert.equal(st.receipts.rejected, 1, 'kept, marked rejected');
  assert.equal(st.receipts.latest.id, refusedId, 'still the latest receipt the visitor can see and download');
  endpoint.setStatus(null);
  await page.evaluate(() => window.consentry.rejectAll());
  const [, next] = await distinctReceiptsFor(2, from);
  const { payload } = await verify(next.body);
  assert.equal(payload.prevReceiptHash, sha256b64url(refused.body), 'the browser chain links through the refused receipt');
  await eventually(async () => (await state(page)).receipts.delivered === 1, { message: 'the next receipt delivered' });
});

test("a page that replaced JSON.stringify and added Object.prototype.toJSON cannot change the receipt's key", async (t) => {
  const from = endpoint.received.length;
  const tamper = `<script>
    const original = JSON.stringify;
    JSON.stringify = (v, ...rest) => (v && v.kty ? original({ ...v, x: 'AAAA', y: 'BBBB' }) : original(v, ...rest));
    Object.defineProperty(Object.prototype, 'toJSON', { value() { return { forged: true }; }, configurable: true });
  </script>`;
  const { page } = await env.open(t, { config: configWithEndpoint(), head: tamper });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  const [post] = await receiptsFor(1, from);
  const { header, payload } = await verify(post.body);
  assert.equal(payload.piiPrincipalId, await jose.calculateJwkThumbprint(header.jwk, 'sha256'));
  assert.notEqual(header.jwk.x, 'AAAA');
});

test('a sustained 503 storm: the outbox fills to 50, the next receipt is kept locally and the overflow is reported', async (t) => {
  const { page } = await env.open(t, { config: configWithEndpoint() });
  await waitForBanner(page);
  endpoint.setStatus(503);
  t.after(() => endpoint.setStatus(null));
  for (let i = 0; i < 51; i++) {
    await page.evaluate((n) => (n % 2 ? window.consentry.rejectAll() : window.consentry.acceptAll()), i);
    // One decision's receipt at a time, as a visitor would make them.
    await eventually(async () => (await state(page)).receipts.count === i + 1, { timeout: 10_000, message: `receipt ${i + 1}` });
  }
  const st = await state(page);
  assert.equal(st.receipts.pending, 50, 'the outbox holds 50');
  assert.equal(st.receipts.overflow, 1, 'the 51st is kept but not queued');
  const errors = await page.evaluate(() => window.__e2e.events.filter((x) => x.type === 'consentry:error').map((x) => x.detail.message));
  assert.ok(errors.some((m) => /the receipt outbox is full \(50 receipts wait/.test(m)), JSON.stringify(errors));
});
