// How the configuration reaches the widget, and configurations it must refuse.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment,
  waitForBanner,
  waitForWidget,
  expectNoPageErrors,
  events,
  runs,
  state,
} from './support/harness.mjs';
import { CONTROLLER_NAME, GATED_MARKUP, baseConfig } from './support/config.mjs';

const env = useEnvironment();

function variant(mutate) {
  const c = baseConfig();
  mutate(c);
  return c;
}

// Each refused configuration, and (optionally) words its error message must contain.
const REFUSED = {
  'missing controller contact': [variant((c) => delete c.controller.contact)],
  'controller contact that is not an email address': [variant((c) => (c.controller.contact = 'call us'))],
  'a purpose with "default": true': [variant((c) => (c.purposes[1].default = true)), 'cannot be enabled by default'],
  'a service with "enabled": true': [variant((c) => (c.purposes[1].services[0].enabled = true)), 'cannot be enabled by default'],
  'a purpose with "legal_basis"': [variant((c) => (c.purposes[2].legal_basis = 'legitimate_interest')), 'consent or strictly necessary only'],
  'an unknown top-level field': [variant((c) => (c.colour = 'red'))],
  'an unknown field in a purpose': [variant((c) => (c.purposes[1].colour = 'red'))],
  'expiry_days 400': [variant((c) => (c.expiry_days = 400))],
  'expiry_days 0': [variant((c) => (c.expiry_days = 0))],
  'a javascript: policy URL': [variant((c) => (c.controller.policy_url = 'javascript:alert(1)'))],
  'an ftp: service policy URL': [variant((c) => (c.purposes[1].services[0].policy_url = 'ftp://example.test/p'))],
  'no purpose that needs consent': [variant((c) => (c.purposes = [c.purposes[0]]))],
  'duplicate purpose ids': [variant((c) => (c.purposes[2].id = 'analytics'))],
  'a purpose without description': [variant((c) => delete c.purposes[1].description), 'description'],
  'a Text object without the default language': [variant((c) => (c.purposes[1].name = { fr: 'Mesure' }))],
  'an empty Text': [variant((c) => (c.purposes[1].retention = ''))],
  'a language without built-in texts and no ui.texts': [variant((c) => (c.languages = ['en', 'fr', 'ja']))],
  'an empty policy_version': [variant((c) => (c.policy_version = ''))],
  'invalid JSON': ['{"policy_version": "1",'],
};

async function expectRefused(page, mustContain) {
  const outcome = await waitForWidget(page);
  assert.equal(outcome, 'consentry:error', 'consentry:error fires');
  const [error] = await events(page, 'consentry:error');
  assert.match(String(error.detail?.message), /^consentry/, `the event's message starts with "consentry" (${JSON.stringify(error.detail)})`);
  if (mustContain) assert.ok(error.detail.message.includes(mustContain), `the message mentions "${mustContain}": ${error.detail.message}`);

  await page.waitForTimeout(400);
  const logged = page.consoleMessages.filter((m) => m.type === 'error' && m.text.startsWith('consentry'));
  assert.ok(logged.length >= 1, `a console error starting with "consentry" (console: ${JSON.stringify(page.consoleMessages)})`);

  const ui = await page.evaluate(() => {
    const host = document.getElementById('consentry');
    if (!host) return { present: false };
    const root = host.shadowRoot;
    let text = '';
    if (root) {
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (!['STYLE', 'SCRIPT', 'TEMPLATE'].includes(n.parentElement?.tagName)) text += n.data;
      }
    }
    return { present: true, buttons: root ? root.querySelectorAll('button').length : 0, text: text.trim(), light: host.childElementCount };
  });
  assert.ok(!ui.present || (ui.buttons === 0 && ui.text === '' && ui.light === 0), `no banner is rendered (${JSON.stringify(ui)})`);

  const api = await page.evaluate(() =>
    window.consentry && typeof window.consentry.get === 'function'
      ? { analytics: window.consentry.get('analytics'), marketing: window.consentry.get('marketing') }
      : null,
  );
  if (api) assert.deepEqual(api, { analytics: false, marketing: false }, 'window.consentry grants nothing');
  assert.deepEqual(await runs(page), [], 'no gated script ran');
  assert.equal(await page.locator('#video').getAttribute('src'), null, 'the gated iframe stays empty');
  assert.deepEqual(await events(page, 'consentry:change'), []);
  expectNoPageErrors(page);
}

test('control: the base configuration is accepted', async (t) => {
  const { page } = await env.open(t, { body: GATED_MARKUP });
  await waitForBanner(page);
  assert.deepEqual(await events(page, 'consentry:error'), []);
  assert.deepEqual(page.consoleMessages.filter((m) => m.type === 'error'), [], 'no console errors');
});

for (const [label, [config, mustContain]] of Object.entries(REFUSED)) {
  test(`refused configuration: ${label}`, async (t) => {
    const { page } = await env.open(t, { config, body: GATED_MARKUP }, { wait: false });
    await expectRefused(page, mustContain);
  });
}

test('refused: no configuration at all', async (t) => {
  const { page } = await env.open(t, { config: null, body: GATED_MARKUP }, { wait: false });
  await expectRefused(page);
});

test('a language without built-in texts is accepted when ui.texts covers every key for it', async (t) => {
  const keys = [
    'banner_title', 'banner_body', 'purposes_heading', 'accept_all', 'reject_all', 'customize', 'save', 'close',
    'preferences_title', 'preferences_body', 'always_active', 'retention', 'recipients', 'services', 'cookies',
    'policy_link', 'controller', 'contact', 'open_preferences', 'withdraw_note', 'latest_receipt', 'download_receipts',
    'gpc_honored', 'gpc_conflict', 'choices_saved',
  ];
  const config = baseConfig();
  config.languages = ['en', 'fr', 'ja'];
  // A Text object must hold the default (first) language, here "en".
  config.ui = { texts: Object.fromEntries(keys.map((k) => [k, { en: `EN ${k}`, ja: `JA ${k}` }])) };
  const { page } = await env.open(t, { config, lang: 'ja' });
  await waitForBanner(page);
  assert.equal((await state(page)).language, 'ja');
  const accept = page.locator('#consentry [data-action="accept-all"]:not([role="dialog"] *)');
  assert.equal((await accept.innerText()).trim(), 'JA accept_all');
});

test('configuration from data-config="/consent.json" instead of inline JSON', async (t) => {
  const config = baseConfig();
  config.controller.name = 'Fetched Config Ltd';
  env.route('/consent.json', JSON.stringify(config), 'application/json');
  const before = env.site.requests('/consent.json');
  const { page } = await env.open(t, { config: null, scriptAttrs: 'data-config="/consent.json"' });
  await waitForBanner(page);
  assert.ok(env.site.requests('/consent.json') - before >= 1, 'the config was fetched from the site origin');
  const name = page.locator('#consentry').getByText('Fetched Config Ltd').filter({ visible: true });
  assert.ok((await name.count()) >= 1, 'the fetched controller name is shown');
  assert.equal((await events(page, 'consentry:error')).length, 0);
  expectNoPageErrors(page);
});

test('data-config pointing at a missing file fails closed with consentry:error', async (t) => {
  const { page } = await env.open(t, { config: null, scriptAttrs: 'data-config="/missing.json"', body: GATED_MARKUP }, { wait: false });
  await expectRefused(page);
});

test('data-config serving a refused configuration fails closed', async (t) => {
  env.route('/refused.json', JSON.stringify(variant((c) => (c.expiry_days = 400))), 'application/json');
  const { page } = await env.open(t, { config: null, scriptAttrs: 'data-config="/refused.json"', body: GATED_MARKUP }, { wait: false });
  await expectRefused(page);
});
