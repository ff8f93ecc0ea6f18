// The notice registry and the signed audit report, end to end: the site's configuration is registered
// with `consentry-server notices add`, the built widget posts its receipts to the real server, and the
// report finds every receipt's noticeHash in the registry (the hash the widget computes in the browser is
// the registry's), counts the withdrawal, and is signed: its detached JWS (RFC 7515 appendix F) verifies
// with npm `jose` against the server's JWKS, over the exact bytes of the JSON and of the PDF, over HTTP
// and from the `report` command.
//
// Needs the server binary: `cargo build -p consentry-server` (cargo xtask test builds it), or
// CONSENTRY_SERVER_BIN pointing at one.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as jose from 'jose';
import { useEnvironment, waitForBanner, bannerButton, floatingButton, dialogButton, state, eventually, expectNoPageErrors } from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';
import { SERVER_BIN, startReceiptServer } from './support/receipt-server.mjs';

const env = useEnvironment();
const BIN = SERVER_BIN;
const TOKEN = 'e2e-report-admin-token-0123456789-abcdefghij';
let server;
let base;
let dir;
let database;

async function startServer() {
  server = await startReceiptServer({ token: TOKEN, allowOrigin: env.site.origin, name: 'report' });
  ({ base, dir, database } = server);
}

after(async () => server?.stop());

/// Verifies a detached JWS over `bytes` with jose: the payload goes back between the dots.
async function verifyDetached(signature, bytes, jwks) {
  const [protectedPart, empty, sig] = signature.trim().split('.');
  assert.equal(empty, '', 'the payload part of a detached JWS is empty');
  const compact = `${protectedPart}.${Buffer.from(bytes).toString('base64url')}.${sig}`;
  const { protectedHeader } = await jose.compactVerify(compact, jwks, { algorithms: ['ES256'] });
  // The flattened form with the payload given separately verifies too.
  await jose.flattenedVerify({ protected: protectedPart, payload: Buffer.from(bytes).toString('base64url'), signature: sig }, jwks);
  return protectedHeader;
}

test('registered notices match the widget\'s receipts; the report counts them and its signature verifies with jose', async (t) => {
  await startServer();
  const config = baseConfig();
  config.endpoint = `${base}/v1/receipts`;
  const configFile = path.join(dir, 'consent.json');
  writeFileSync(configFile, JSON.stringify(config));
  const added = spawnSync(BIN, ['notices', 'add', '--database', database, '--config', configFile], { encoding: 'utf8' });
  assert.equal(added.status, 0, added.stdout + added.stderr);
  assert.match(added.stdout, /registered/);

  const from = Math.floor(Date.now() / 1000) - 60;
  const { page } = await env.open(t, { config });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await eventually(async () => (await state(page)).receipts.delivered === 1, { timeout: 15_000, message: 'the first receipt acknowledged' });
  await floatingButton(page).click();
  await dialogButton(page, 'reject-all').click();
  await eventually(async () => (await state(page)).receipts.delivered === 2, { timeout: 15_000, message: 'the withdrawal acknowledged' });
  const to = Math.floor(Date.now() / 1000) + 60;

  const jwks = jose.createLocalJWKSet(await (await fetch(`${base}/.well-known/jwks.json`)).json());
  const auth = { authorization: `Bearer ${TOKEN}` };
  const json = await fetch(`${base}/v1/reports?from=${from}&to=${to}&format=json`, { headers: auth });
  assert.equal(json.status, 200);
  const jsonBytes = new Uint8Array(await json.arrayBuffer());
  const header = await verifyDetached(json.headers.get('consentry-signature'), jsonBytes, jwks);
  assert.equal(header.typ, 'consentry-report+jws');
  assert.equal(header.cty, 'application/json');
  const report = JSON.parse(new TextDecoder().decode(jsonBytes));
  assert.equal(report.receipts, 2);
  assert.equal(report.unknownNotices.receipts, 0, `the widget's noticeHash is the registry's: ${JSON.stringify(report.unknownNotices)}`);
  assert.equal(report.notices.length, 1);
  assert.equal(report.notices[0].receipts, 2);
  assert.equal(report.withdrawals.receipts, 1);
  assert.equal(report.log.verify.status, 'passed');

  // A tampered byte fails.
  const tampered = jsonBytes.slice();
  tampered[5] ^= 1;
  await assert.rejects(verifyDetached(json.headers.get('consentry-signature'), tampered, jwks));

  const pdf = await fetch(`${base}/v1/reports?from=${from}&to=${to}&format=pdf`, { headers: auth });
  assert.equal(pdf.status, 200);
  const pdfBytes = new Uint8Array(await pdf.arrayBuffer());
  assert.equal(new TextDecoder().decode(pdfBytes.slice(0, 5)), '%PDF-');
  assert.equal((await verifyDetached(pdf.headers.get('consentry-signature'), pdfBytes, jwks)).cty, 'application/pdf');

  // The command writes the same report with its signature beside it; verify-report checks it.
  const out = path.join(dir, 'report.html');
  const made = spawnSync(BIN, ['report', '--database', database, '--from', String(from), '--to', String(to), '--format', 'html', '--out', out], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stdout + made.stderr);
  await verifyDetached(readFileSync(`${out}.jws`, 'utf8'), readFileSync(out), jwks);
  const jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(jwksFile, await (await fetch(`${base}/.well-known/jwks.json`)).text());
  const checked = spawnSync(BIN, ['verify-report', '--jwks', jwksFile, out], { encoding: 'utf8' });
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  expectNoPageErrors(page);
});
