// The whole product end to end: the built widget on a stranger's page posts its signed receipts to the
// real `consentry-server` (SQLite), which verifies, acknowledges and logs them; the receipts come back
// in the auditors' export and `consentry-server verify` checks the whole log.
//
// Needs the server binary: `cargo build -p consentry-server` (cargo xtask test builds it), or
// CONSENTRY_SERVER_BIN pointing at one.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as jose from 'jose';
import { useEnvironment, waitForBanner, bannerButton, floatingButton, dialogButton, state, eventually, expectNoPageErrors } from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';
import { SERVER_BIN, startReceiptServer } from './support/receipt-server.mjs';

const env = useEnvironment();
const BIN = SERVER_BIN;
const TOKEN = 'e2e-admin-token-0123456789-abcdefghij';
let server;
let base;
let database;

// Started from the test (not a `before` hook) because it needs the site origin, which the shared
// environment only knows once its own hook has run.
async function startServer() {
  server = await startReceiptServer({ token: TOKEN, allowOrigin: env.site.origin, name: 'server' });
  ({ base, database } = server);
}

after(async () => server?.stop());

test('the widget posts to consentry-server; acks verify with its JWKS; the export returns every receipt; verify passes', async (t) => {
  await startServer();
  const config = baseConfig();
  config.endpoint = `${base}/v1/receipts`;
  const { page } = await env.open(t, { config });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await eventually(async () => (await state(page)).receipts.delivered === 1, { timeout: 15_000, message: 'the first receipt acknowledged' });
  await floatingButton(page).click();
  await dialogButton(page, 'reject-all').click();
  await eventually(async () => (await state(page)).receipts.delivered === 2, { timeout: 15_000, message: 'the withdrawal acknowledged' });

  // What the widget kept: the compact JWS it posted and the server's answer to each.
  const log = await page.evaluate(() => JSON.parse(localStorage.getItem('consentry.receipts')));
  assert.equal(log.items.length, 2);
  const jwks = jose.createLocalJWKSet(await (await fetch(`${base}/.well-known/jwks.json`)).json());
  for (const [i, item] of log.items.entries()) {
    assert.equal(item.delivery, 'delivered');
    const answer = JSON.parse(item.ack);
    assert.equal(answer.consentReceiptID, item.id);
    assert.equal(answer.leafIndex, i);
    const { payload, protectedHeader } = await jose.compactVerify(answer.ack, jwks, { algorithms: ['ES256'] });
    assert.equal(protectedHeader.typ, 'consentry-ack+jws');
    const acked = JSON.parse(new TextDecoder().decode(payload));
    assert.equal(acked.consentReceiptID, item.id);
    assert.equal(acked.leafIndex, i);
  }

  // Posting the same receipt again is idempotent: the same answer.
  const again = await fetch(`${base}/v1/receipts`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: log.items[0].jws });
  assert.ok(again.ok, `re-post answered ${again.status}`);
  assert.deepEqual(await again.json(), JSON.parse(log.items[0].ack));

  // The auditors' export holds exactly the posted receipts, in log order.
  const denied = await fetch(`${base}/v1/export?format=jsonl`);
  assert.equal(denied.status, 401);
  const exported = await fetch(`${base}/v1/export?format=jsonl`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(exported.status, 200);
  const lines = (await exported.text()).trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.jws), log.items.map((i) => i.jws));
  assert.equal(lines[1].collectionMethod, 'preferences:reject-all');
  assert.equal(lines[1].chain, 'linked');

  // The command-line verifier recomputes the log from the database.
  const verify = spawnSync(BIN, ['verify', '--database', database], { encoding: 'utf8' });
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /verify: ok: 2 receipts/);
  expectNoPageErrors(page);
});
