// Google Consent Mode v2 and the vendors' consent APIs (INTEGRATIONS.md §1(e): GCM-01…07, 09…13), on the
// built files. No Google, Microsoft or Meta script can be fetched here, so the tests record what the page's
// queues (`dataLayer`, `uetq`, `fbq`, `clarity`, `_paq`) receive, in order, and what a tag-manager stand-in
// placed after the loader in <head> sees when it runs, and assert the contract: the default is there first,
// with all seven types; each update comes before its `consentry:change`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment, waitForWidget, waitForBanner, bannerButton, dialogButton, purposeSwitch, waitForChange, events,
  expectNoPageErrors, eventually, stored, runs,
} from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';

const env = useEnvironment();

const SEVEN = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage', 'functionality_storage', 'personalization_storage', 'security_storage'];

function gcmConfig(extra = {}, vendors = {}) {
  const config = baseConfig();
  config.integrations = {
    google_consent_mode: {
      map: {
        necessary: ['security_storage', 'functionality_storage'],
        analytics: ['analytics_storage'],
        marketing: ['ad_storage', 'ad_user_data', 'ad_personalization'],
      },
      ...extra,
    },
    ...vendors,
  };
  return config;
}

const VENDORS = {
  microsoft_uet: { ad_storage: 'marketing' },
  meta_pixel: { consent: 'marketing' },
  microsoft_clarity: { ad_storage: 'marketing', analytics_storage: 'analytics' },
  matomo: { consent: 'analytics/matomo' },
};

// Runs before any page script: records every push onto `dataLayer`, `uetq` and `_paq` and every
// `consentry:change`, in one ordered log (`window.__signals`). A gtag command is an `arguments` object;
// it is logged as `{ gtag: [...] }` so the test sees that it was one.
function instrument() {
  const log = [];
  Object.defineProperty(window, '__signals', { value: log, enumerable: false });
  const plain = (x) =>
    Object.prototype.toString.call(x) === '[object Arguments]' ? { gtag: Array.from(x) } : x;
  for (const name of ['dataLayer', 'uetq', '_paq']) {
    const queue = [];
    const push = Array.prototype.push;
    queue.push = function (...items) {
      log.push({ q: name, v: JSON.parse(JSON.stringify(items.map(plain))) });
      return push.apply(this, items);
    };
    window[name] = queue;
  }
  document.addEventListener('consentry:change', (e) => log.push({ q: 'change', v: e.detail.source }));
}

// The tag manager stand-in: what `dataLayer` holds when the first script after the loader runs.
const TAG_MANAGER = `<script>
window.__tm = Array.from(window.dataLayer || [], (e) =>
  Object.prototype.toString.call(e) === '[object Arguments]' ? { gtag: Array.from(e) } : e);
window.dataLayer.push({ event: 'gtm.js' });
</script>`;

async function openInstrumented(t, pageOptions, context) {
  context ??= await env.context(t);
  await context.addInitScript(instrument);
  const page = await env.page(context);
  await page.goto(env.pageUrl({ afterWidget: TAG_MANAGER, snippetFile: 'snippet-signals.html', ...pageOptions }));
  return { context, page };
}

async function log(page) {
  return page.evaluate(() => window.__signals);
}

/** The gtag commands pushed so far, as arrays. */
async function gtagCommands(page) {
  return (await log(page)).filter((e) => e.q === 'dataLayer' && e.v[0]?.gtag).map((e) => e.v[0].gtag);
}

function warnings(page) {
  return page.consoleMessages.filter((m) => m.type === 'warning' && m.text.startsWith('consentry:'));
}

function consentObject(granted, extra = {}) {
  return { ...Object.fromEntries(SEVEN.map((t) => [t, granted.includes(t) ? 'granted' : 'denied'])), ...extra };
}

const REQUIRED = ['functionality_storage', 'security_storage'];

test('GCM-01: the first consent command is the default, with all seven types, before the tag manager runs', async (t) => {
  const { page } = await openInstrumented(t, { config: gcmConfig() });
  assert.equal(await waitForWidget(page), 'consentry:ready');
  const seen = await page.evaluate(() => window.__tm);
  const consent = seen.filter((e) => e.gtag?.[0] === 'consent');
  assert.ok(consent.length >= 1, `the tag manager saw a consent command (${JSON.stringify(seen)})`);
  assert.deepEqual(consent[0].gtag, ['consent', 'default', consentObject(REQUIRED, { wait_for_update: 500 })]);
  assert.deepEqual(Object.keys(consent[0].gtag[2]).slice(0, 7).sort(), [...SEVEN].sort());
  // Nothing else was pushed by the widget on a first visit: the loader's default was right.
  assert.deepEqual(await gtagCommands(page), [consent[0].gtag]);
  assert.equal(await page.evaluate(() => typeof window.gtag), 'function', 'a gtag shim exists');
  assert.deepEqual(warnings(page), []);
  expectNoPageErrors(page);
});

test('GCM-03: a stored accept gives a granted default without wait_for_update, and no update', async (t) => {
  const context = await env.context(t);
  const first = await openInstrumented(t, { config: gcmConfig() }, context);
  await waitForBanner(first.page);
  await first.page.evaluate(() => window.consentry.acceptAll());
  await waitForChange(first.page);
  await first.page.close();
  const { page } = await openInstrumented(t, { config: gcmConfig() }, context);
  assert.equal(await waitForWidget(page), 'consentry:ready');
  const seen = (await page.evaluate(() => window.__tm)).filter((e) => e.gtag);
  assert.deepEqual(seen.map((e) => e.gtag), [['consent', 'default', consentObject([...SEVEN].filter((t) => t !== 'personalization_storage'))]]);
  await waitForChange(page); // the stored choice, announced
  assert.deepEqual(await gtagCommands(page), [seen[0].gtag], 'no update: the widget agrees with the loader');
  assert.deepEqual(warnings(page), []);
});

test('GCM-04: reject, grant one purpose, withdraw: three updates in order, each before its consentry:change', async (t) => {
  const { page } = await openInstrumented(t, { config: gcmConfig() });
  await waitForBanner(page);
  await bannerButton(page, 'reject-all').click();
  await waitForChange(page, 1);
  await page.evaluate(() => window.consentry.show());
  await purposeSwitch(page, 'analytics').click();
  await dialogButton(page, 'save').click();
  await waitForChange(page, 2);
  await page.evaluate(() => window.consentry.rejectAll());
  await waitForChange(page, 3);
  const entries = (await log(page)).filter((e) => e.q === 'change' || (e.q === 'dataLayer' && (e.v[0]?.gtag?.[1] === 'update' || e.v[0]?.event === 'consentry_consent_update')));
  const shape = entries.map((e) => (e.q === 'change' ? `change:${e.v}` : e.v[0].gtag ? 'update' : 'event'));
  assert.deepEqual(shape, ['update', 'event', 'change:banner', 'update', 'event', 'change:preferences', 'update', 'event', 'change:api']);
  const updates = entries.filter((e) => e.v[0]?.gtag).map((e) => e.v[0].gtag[2]);
  assert.deepEqual(updates, [consentObject(REQUIRED), consentObject([...REQUIRED, 'analytics_storage']), consentObject(REQUIRED)]);
  const event = entries.find((e) => e.v[0]?.event)?.v[0];
  assert.deepEqual(event.consentry.purposes, { necessary: true, analytics: false, marketing: false });
  assert.equal(event.consentry.services['analytics/matomo'], false);
});

test('GCM-05: region defaults come first, then the fallback; "EU" is refused', async (t) => {
  const regions = [{ region: ['US-CA', 'US-CO'], granted: ['analytics_storage'] }, { region: ['ES'] }];
  const { page } = await openInstrumented(t, { config: gcmConfig({ regions, wait_for_update: 800 }) });
  assert.equal(await waitForWidget(page), 'consentry:ready');
  const defaults = (await page.evaluate(() => window.__tm)).filter((e) => e.gtag?.[1] === 'default').map((e) => e.gtag[2]);
  assert.deepEqual(defaults, [
    consentObject([...REQUIRED, 'analytics_storage'], { region: ['US-CA', 'US-CO'], wait_for_update: 800 }),
    consentObject(REQUIRED, { region: ['ES'], wait_for_update: 800 }),
    consentObject(REQUIRED, { wait_for_update: 800 }),
  ]);
  const refused = await openInstrumented(t, { config: gcmConfig({ regions: [{ region: ['EU'] }] }) });
  assert.equal(await waitForWidget(refused.page), 'consentry:error');
  const [error] = await events(refused.page, 'consentry:error');
  assert.match(error.detail.message, /integrations\.google_consent_mode\.regions\[0\]\.region\[0\]: "EU" is not an ISO 3166-2 code/);
});

test('a region default can never grant in the EEA, even before the widget refuses the configuration', async (t) => {
  const { page } = await openInstrumented(t, { config: gcmConfig({ regions: [{ region: ['DE'], granted: ['ad_storage'] }] }) });
  assert.equal(await waitForWidget(page), 'consentry:error');
  const [error] = await events(page, 'consentry:error');
  assert.match(error.detail.message, /nothing can be granted by default in DE/);
  const commands = await gtagCommands(page);
  assert.ok(commands.every((c) => !JSON.stringify(c).includes('granted"') || c[2].security_storage), JSON.stringify(commands));
  assert.equal(commands[0][2].ad_storage, 'denied');
});

test('GCM-06: ads_data_redaction and url_passthrough are set before the default and before any tag', async (t) => {
  const { page } = await openInstrumented(t, { config: gcmConfig({ ads_data_redaction: true, url_passthrough: true }) });
  await waitForWidget(page);
  const seen = (await page.evaluate(() => window.__tm)).filter((e) => e.gtag).map((e) => e.gtag.slice(0, 3));
  assert.deepEqual(seen, [['set', 'ads_data_redaction', true], ['set', 'url_passthrough', true], ['consent', 'default', seen[2][2]]]);
});

test('GCM-07: the loader included twice pushes one default', async (t) => {
  const { page } = await openInstrumented(t, { config: gcmConfig(), beforeWidget: env.snippet('', '', 'snippet-signals.html') });
  assert.equal(await waitForWidget(page), 'consentry:ready');
  assert.equal((await gtagCommands(page)).filter((c) => c[1] === 'default').length, 1);
});

test("a renamed dataLayer is used, and a page's own gtag that is not the shim is kept and warned about", async (t) => {
  const head = `<script>window.gtag = function () { window.__ownGtag = (window.__ownGtag || 0) + 1; };</script>`;
  const { page } = await openInstrumented(t, { config: gcmConfig({ data_layer: 'tmQueue' }), head });
  assert.equal(await waitForWidget(page), 'consentry:ready');
  const queue = await page.evaluate(() => Array.from(window.tmQueue, (e) => Array.from(e)));
  assert.equal(queue[0][1], 'default');
  assert.equal(await page.evaluate(() => window.__ownGtag ?? 0), 0, 'the page\'s gtag was not called');
  assert.ok(warnings(page).some((w) => w.text.includes('window.gtag is not the dataLayer shim')), JSON.stringify(warnings(page)));
});

test('GCM-09…12: UET, Meta, Clarity and Matomo get their defaults before their tags and updates after decisions', async (t) => {
  const context = await env.context(t);
  const fbevents = '<script type="text/plain" data-consent="marketing" src="https://connect.facebook.net/en_US/fbevents.js"></script>';
  const { page } = await openInstrumented(t, { config: gcmConfig({}, VENDORS), body: fbevents }, context);
  await waitForBanner(page);
  const queues = () =>
    page.evaluate(() => ({
      uetq: Array.from(window.uetq),
      paq: Array.from(window._paq),
      fbq: Array.from(window.fbq.queue, (a) => Array.from(a)),
      clarity: Array.from(window.clarity.q, (a) => Array.from(a)),
    }));
  let q = await queues();
  assert.deepEqual(q.uetq, ['consent', 'default', { ad_storage: 'denied' }]);
  assert.deepEqual(q.fbq, [['consent', 'revoke']]);
  assert.deepEqual(q.clarity, [['consentv2', { ad_Storage: 'denied', analytics_Storage: 'denied' }]]);
  assert.deepEqual(q.paq, [['requireConsent']]);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  q = await queues();
  assert.deepEqual(q.uetq.slice(3), ['consent', 'update', { ad_storage: 'granted' }]);
  assert.deepEqual(q.fbq.slice(1), [['consent', 'grant']]);
  assert.deepEqual(q.clarity.slice(1), [['consentv2', { ad_Storage: 'granted', analytics_Storage: 'granted' }]]);
  assert.deepEqual(q.paq.slice(1), [['setConsentGiven']]);
  await page.evaluate(() => window.consentry.rejectAll());
  await waitForChange(page, 2);
  q = await queues();
  assert.deepEqual(q.uetq.slice(6), ['consent', 'update', { ad_storage: 'denied' }]);
  assert.deepEqual(q.fbq.slice(2), [['consent', 'revoke']]);
  assert.deepEqual(q.paq.slice(2), [['forgetConsentGiven']]);
  assert.ok(q.clarity.every((c) => c[0] === 'consentv2'), 'never the v1 clarity("consent") call');
  assert.deepEqual(warnings(page), []);
  // A returning visitor's pixel is granted before init, Matomo's consent given for this page only.
  const next = await openInstrumented(t, { config: gcmConfig({}, VENDORS), body: fbevents }, context);
  await next.page.evaluate(() => window.consentry.acceptAll());
  await waitForChange(next.page);
  const third = await openInstrumented(t, { config: gcmConfig({}, VENDORS), body: fbevents }, context);
  await waitForWidget(third.page);
  const early = await third.page.evaluate(() => ({ fbq: Array.from(window.fbq.queue[0]), paq: Array.from(window._paq).slice(0, 2) }));
  assert.deepEqual(early, { fbq: ['consent', 'grant'], paq: [['requireConsent'], ['setConsentGiven']] });
});

test('the Meta stub is warned about when the page has no fbevents.js to take it over', async (t) => {
  const { page } = await openInstrumented(t, { config: gcmConfig({}, { meta_pixel: { consent: 'marketing' } }) });
  await waitForWidget(page);
  await eventually(async () => warnings(page).some((w) => w.text.includes('fbevents.js')), { message: 'the fbevents.js warning' });
});

test('GCM-13: basic mode: a gated Google tag makes no request before a decision and none after a reject', async (t) => {
  const context = await env.context(t);
  let requests = 0;
  await context.route(/googletagmanager\.com/, (route) => {
    requests += 1;
    route.fulfill({ contentType: 'text/javascript', body: "window.__e2e.runs.push('gtag.js');" });
  });
  const body = '<script type="text/plain" data-consent="analytics" src="https://www.googletagmanager.com/gtag/js?id=G-TEST"></script>';
  const { page } = await openInstrumented(t, { config: gcmConfig(), body }, context);
  await waitForBanner(page);
  await page.waitForTimeout(300);
  assert.equal(requests, 0, 'no request before a decision');
  await bannerButton(page, 'reject-all').click();
  await waitForChange(page);
  await page.waitForTimeout(300);
  assert.equal(requests, 0, 'no request after a reject');
  await page.evaluate(() => window.consentry.acceptAll());
  await eventually(async () => (await runs(page)).includes('gtag.js'), { message: 'the Google tag after a grant' });
  assert.equal(requests, 1);
});

test('a start that fails withdraws what the defaults granted', async (t) => {
  const context = await env.context(t);
  const first = await openInstrumented(t, { config: gcmConfig({}, VENDORS) }, context);
  await waitForBanner(first.page);
  await first.page.evaluate(() => window.consentry.acceptAll());
  await waitForChange(first.page);
  // The same stored choice, but the configuration is now refused (an unknown field).
  const broken = gcmConfig({}, VENDORS);
  broken.controller.phone = '+33 1 23 45 67 89';
  const { page } = await openInstrumented(t, { config: broken }, context);
  assert.equal(await waitForWidget(page), 'consentry:error');
  const commands = await gtagCommands(page);
  assert.equal(commands[0][1], 'default');
  assert.equal(commands[0][2].analytics_storage, 'granted', 'the loader trusted the stored choice');
  assert.deepEqual(commands.at(-1), ['consent', 'update', consentObject(REQUIRED)]);
  const q = await page.evaluate(() => ({ fbq: Array.from(window.fbq.queue, (a) => Array.from(a)), paq: Array.from(window._paq) }));
  assert.deepEqual(q.fbq.at(-1), ['consent', 'revoke']);
  assert.deepEqual(q.paq.at(-1), ['forgetConsentGiven']);
});

test('a stored record the loader accepts but the widget does not is corrected with an update', async (t) => {
  const context = await env.context(t);
  const first = await openInstrumented(t, { config: gcmConfig() }, context);
  await waitForBanner(first.page);
  await first.page.evaluate(() => window.consentry.acceptAll());
  await waitForChange(first.page);
  await first.page.evaluate(() => {
    const r = JSON.parse(localStorage.getItem('consentry'));
    r.extra = 1;
    localStorage.setItem('consentry', JSON.stringify(r));
  });
  const { page } = await openInstrumented(t, { config: gcmConfig() }, context);
  await waitForBanner(page);
  const commands = await gtagCommands(page);
  assert.equal(commands[0][2].analytics_storage, 'granted');
  assert.deepEqual(commands.slice(1), [['consent', 'update', consentObject(REQUIRED)]]);
  assert.ok(warnings(page).some((w) => w.text.includes('differ from what the widget read')), JSON.stringify(warnings(page)));
  assert.ok((await stored(page)).includes('"extra"'), 'nothing was written without a decision');
});

test('a configuration fetched from data-config sets the defaults late, and says so', async (t) => {
  const url = env.route('/config/gcm.json', JSON.stringify(gcmConfig()), 'application/json');
  const { page } = await openInstrumented(t, { config: null, scriptAttrs: `data-config="${url}"` });
  assert.equal(await waitForWidget(page), 'consentry:ready');
  const seen = (await page.evaluate(() => window.__tm)).filter((e) => e.gtag);
  assert.deepEqual(seen, [], 'the tag manager ran before any default');
  const commands = await gtagCommands(page);
  assert.deepEqual(commands, [['consent', 'default', consentObject(REQUIRED, { wait_for_update: 500 })]]);
  assert.ok(warnings(page).some((w) => w.text.includes('set late')), JSON.stringify(warnings(page)));
});

test('the plain loader carries no vendor code, and a configuration with integrations says it needs the other one', async (t) => {
  const { page } = await openInstrumented(t, { config: gcmConfig(), snippetFile: 'snippet.html' });
  await waitForWidget(page);
  await page.waitForFunction(() => window.__e2e.events.some((e) => e.type === 'consentry:ready'));
  assert.deepEqual(await gtagCommands(page), []);
  assert.equal(await page.evaluate(() => typeof window.gtag), 'undefined');
  const errors = await events(page, 'consentry:error');
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0].detail.message, /consentry-signals\.js/);
});
