// Subject lookup end to end (issue 12, CRM hooks): the built widget, told `consentry.identify('cust-123')`,
// signs receipts carrying `subjectId`; the real `consentry-server` indexes them and
// `GET /v1/subjects/cust-123/consent` answers granted with that receipt's id. An e-mail address is
// refused with a `consentry:` warning and changes nothing.
//
// Needs the server binary: `cargo build -p consentry-server`, or CONSENTRY_SERVER_BIN pointing at one.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { useEnvironment, waitForBanner, bannerButton, state, eventually } from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';
import { startReceiptServer } from './support/receipt-server.mjs';

const env = useEnvironment();
const TOKEN = 'e2e-admin-token-0123456789-subjects';
let server;

after(async () => server?.stop());

test('identify(id) puts subjectId in the receipt and the server answers the subject\'s consent; an e-mail is refused', async (t) => {
  server = await startReceiptServer({ token: TOKEN, allowOrigin: env.site.origin, name: 'subjects' });
  const config = baseConfig();
  config.endpoint = `${server.base}/v1/receipts`;
  const { page } = await env.open(t, { config });
  const warnings = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  await waitForBanner(page);
  await page.evaluate(() => window.consentry.identify('cust-123'));
  await page.evaluate(() => window.consentry.identify('ana@example.com'));
  await eventually(async () => warnings.some((w) => w.startsWith('consentry:') && w.includes('e-mail')), {
    timeout: 5_000,
    message: 'the e-mail address is refused with a consentry: warning'
  });
  await bannerButton(page, 'accept-all').click();
  await eventually(async () => (await state(page)).receipts.delivered === 1, { timeout: 15_000, message: 'the receipt acknowledged' });

  const log = await page.evaluate(() => JSON.parse(localStorage.getItem('consentry.receipts')));
  const [item] = log.items;
  const payload = JSON.parse(Buffer.from(item.jws.split('.')[1], 'base64url').toString());
  assert.equal(payload.subjectId, 'cust-123', 'the refused e-mail changed nothing');
  assert.ok(!JSON.stringify(log).includes('ana@example.com'));
  assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes('cust-123'), 'the id is not stored in the browser');

  const auth = { authorization: `Bearer ${TOKEN}` };
  const reply = await fetch(`${server.base}/v1/subjects/cust-123/consent`, { headers: auth });
  assert.equal(reply.status, 200);
  const body = await reply.json();
  const optional = config.purposes.find((p) => !p.required).id;
  assert.equal(body.purposes[optional].granted, true);
  assert.equal(body.purposes[optional].receiptId, item.id);
  assert.equal(body.purposes[optional].collectionMethod, 'banner:accept-all');
  assert.equal((await fetch(`${server.base}/v1/subjects/cust-999/consent`, { headers: auth })).status, 404);
  assert.equal((await fetch(`${server.base}/v1/subjects/cust-123/consent`)).status, 401);
});
