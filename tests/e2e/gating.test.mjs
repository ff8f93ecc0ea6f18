// Gated scripts (inline and src) and iframes: run or load once, and only after consent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment,
  bannerButton,
  dialog,
  dialogButton,
  purposeSwitch,
  floatingButton,
  waitForBanner,
  waitForWidget,
  waitForChange,
  expectNoPageErrors,
  runs,
  eventually,
} from './support/harness.mjs';
import { GATED_MARKUP, ALL_GATED_RUNS } from './support/config.mjs';

const env = useEnvironment();

function sorted(a) {
  return [...a].sort();
}

async function iframeSrc(page) {
  return page.locator('#video').getAttribute('src');
}

test('nothing gated runs or loads before a choice', async (t) => {
  const frames = env.site.requests('/frame.html');
  const scripts = env.site.requests('/gated/analytics.js');
  const { page } = await env.open(t, { body: GATED_MARKUP });
  await waitForBanner(page);
  await page.waitForTimeout(500);
  assert.deepEqual(await runs(page), []);
  assert.equal(await iframeSrc(page), null, 'the iframe has no src');
  assert.equal(env.site.requests('/frame.html') - frames, 0, 'the iframe page was not requested');
  assert.equal(env.site.requests('/gated/analytics.js') - scripts, 0, 'the gated src script was not requested');
  expectNoPageErrors(page);
});

test('accept all: each gated script runs exactly once, the iframe gets its src; later decisions do not re-run them', async (t) => {
  const frames = env.site.requests('/frame.html');
  const scripts = env.site.requests('/gated/analytics.js');
  const { page } = await env.open(t, { body: GATED_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await eventually(async () => (await runs(page)).length >= ALL_GATED_RUNS.length, { message: 'the gated scripts to run' });
  await eventually(async () => (await iframeSrc(page)) === '/frame.html', { message: 'the iframe to get its src' });
  await eventually(() => env.site.requests('/frame.html') - frames === 1, { message: 'the iframe page to load' });

  // Further decisions: save again, reject, accept again, API accept.
  await floatingButton(page).click();
  await dialogButton(page, 'save').click();
  await waitForChange(page, 2);
  await floatingButton(page).click();
  await dialogButton(page, 'reject-all').click();
  await waitForChange(page, 3);
  await floatingButton(page).click();
  await dialogButton(page, 'accept-all').click();
  await waitForChange(page, 4);
  await page.evaluate(() => window.consentry.acceptAll());
  await waitForChange(page, 5);
  await page.waitForTimeout(500);

  assert.deepEqual(sorted(await runs(page)), sorted(ALL_GATED_RUNS), 'each gated script ran exactly once');
  assert.equal(env.site.requests('/gated/analytics.js') - scripts, 1, 'the src script was fetched once');
  assert.equal(env.site.requests('/frame.html') - frames, 1, 'the iframe loaded once');
  expectNoPageErrors(page);
});

test('a purpose granted alone runs only its own scripts', async (t) => {
  const frames = env.site.requests('/frame.html');
  const { page } = await env.open(t, { body: GATED_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'customize').click();
  await purposeSwitch(page, 'analytics').click();
  await dialogButton(page, 'save').click();
  await waitForChange(page);
  await eventually(async () => (await runs(page)).includes('src:analytics'), { message: 'the analytics src script to run' });
  await page.waitForTimeout(400);
  const r = await runs(page);
  assert.equal(r.filter((x) => x === 'inline:analytics').length, 1, 'inline analytics ran once');
  assert.equal(r.filter((x) => x === 'src:analytics').length, 1, 'src analytics ran once');
  assert.ok(!r.includes('inline:marketing'), 'marketing did not run');
  assert.equal(await iframeSrc(page), null, 'the marketing iframe stays without src');
  assert.equal(env.site.requests('/frame.html') - frames, 0);
  await dialog(page).waitFor({ state: 'hidden' });
});

test('a stored consent runs the gated content once at start-up of each page', async (t) => {
  const { page } = await env.open(t, { body: GATED_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await eventually(async () => (await runs(page)).length >= ALL_GATED_RUNS.length, { message: 'the gated scripts to run' });

  await page.reload();
  await waitForWidget(page);
  await waitForChange(page);
  await eventually(async () => (await runs(page)).length >= ALL_GATED_RUNS.length, { message: 'the gated scripts to run after reload' });
  await eventually(async () => (await iframeSrc(page)) === '/frame.html', { message: 'the iframe to get its src after reload' });
  await page.waitForTimeout(400);
  assert.deepEqual(sorted(await runs(page)), sorted(ALL_GATED_RUNS), 'each ran once on the reloaded page');
  expectNoPageErrors(page);
});

test('a stored refusal keeps everything blocked after reload', async (t) => {
  const { page } = await env.open(t, { body: GATED_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'reject-all').click();
  await waitForChange(page);
  await page.reload();
  await waitForWidget(page);
  await page.waitForTimeout(500);
  assert.deepEqual(await runs(page), []);
  assert.equal(await iframeSrc(page), null);
});

// Security review #5 and #17: a gated element activates only what can be trusted, and markup that is
// marked for gating but not inert is named in the console.
const UNSAFE_MARKUP = `
<iframe id="js" data-consent="marketing" data-src="javascript:parent.__e2e.runs.push('iframe:javascript')"></iframe>
<iframe id="js-tab" data-consent="marketing" data-src="java&#9;script:parent.__e2e.runs.push('iframe:javascript-tab')"></iframe>
<iframe id="data" data-consent="marketing" data-src="data:text/html,<script>parent.__e2e.runs.push('iframe:data')</script>"></iframe>
<iframe id="blob" data-consent="marketing" data-src="blob:https://example.com/x"></iframe>
<script type="text/plain" data-consent="analytics" src="data:text/javascript,window.__e2e.runs.push('script:data')"></script>
<script type="text/plain" data-consent="analytics" data-type="text/plain">window.__e2e.runs.push('script:text-plain')</script>
<script type="text/plain" data-consent="analytics" data-type="module">window.__e2e.runs.push('script:module')</script>
<script type="text/plain" data-consent="necessary">window.__e2e.runs.push('script:necessary')</script>
<iframe id="relative" data-consent="marketing" data-src="frame.html"></iframe>
<iframe id="eager" data-consent="marketing" src="/frame.html?eager"></iframe>
<script data-consent="analytics">window.__e2e.runs.push('script:eager')</script>
`;

test('gated elements load only http(s) URLs and script types; misgated markup is named in the console', async (t) => {
  const { page } = await env.open(t, { body: UNSAFE_MARKUP });
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  await waitForChange(page);
  await eventually(async () => (await runs(page)).includes('script:module'), { message: 'the module script to run' });
  await eventually(async () => (await page.locator('#relative').getAttribute('src')) === 'frame.html', {
    message: 'the relative iframe to load',
  });
  await page.waitForTimeout(300);
  assert.deepEqual(
    sorted(await runs(page)),
    sorted(['script:eager', 'script:necessary', 'script:module']),
    'nothing but the eager script (not gated at all), the required purpose and the module ran',
  );
  for (const id of ['js', 'js-tab', 'data', 'blob']) {
    assert.equal(await page.locator(`#${id}`).getAttribute('src'), null, `iframe #${id} got no src`);
    assert.equal(await page.locator(`#${id}`).getAttribute('data-consentry-done'), 'refused');
  }
  const warnings = page.consoleMessages.filter((m) => m.type === 'warning').map((m) => m.text);
  const has = (...parts) => warnings.some((w) => w.startsWith('consentry:') && parts.every((p) => w.includes(p)));
  assert.ok(has('<iframe data-consent="marketing">', 'a javascript: URL'), `javascript: named (${JSON.stringify(warnings)})`);
  assert.ok(has('a data: URL') && has('a blob: URL'), 'data: and blob: named');
  assert.ok(has('<script data-consent="analytics">', 'its src is a data: URL'), 'a data: script src is named');
  assert.ok(has('data-type="text/plain" is not a script type'), 'a non-script data-type is named');
  assert.ok(has('<iframe data-consent="marketing">', 'runs before any consent', 'data-src instead of src'), 'the eager iframe is named');
  assert.ok(has('<script data-consent="analytics">', 'runs before any consent', 'type="text/plain"'), 'the eager script is named');
  assert.equal(warnings.filter((w) => w.includes('data-src instead of src')).length, 1, 'each misgated element is named once');
  expectNoPageErrors(page);
});
