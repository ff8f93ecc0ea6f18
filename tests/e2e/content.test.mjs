// What the preference center shows: every owner text in the language shown, service links, and cookie
// deletion that also reaches cookies set on a sub-path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useEnvironment, waitForBanner, bannerButton, dialog, dialogButton, floatingButton, get } from './support/harness.mjs';
import { baseConfig } from './support/config.mjs';

const env = useEnvironment();

function texts(config, lang) {
  const pick = (t) => (typeof t === 'string' ? t : t[lang] ?? t[config.languages[0]]);
  const out = [];
  for (const p of config.purposes) {
    out.push(pick(p.name), pick(p.description), pick(p.retention), pick(p.recipients));
    for (const s of p.services ?? []) out.push(pick(s.name), pick(s.description));
  }
  return out;
}

for (const lang of ['fr', 'en']) {
  test(`the preference center shows every purpose and service text in ${lang}`, async (t) => {
    const config = baseConfig();
    const { page } = await env.open(t, { config, lang });
    await waitForBanner(page);
    await bannerButton(page, 'customize').click();
    await dialog(page).waitFor({ state: 'visible' });
    const shown = await dialog(page).innerText();
    for (const text of texts(config, lang)) {
      assert.ok(shown.includes(text), `"${text}" is shown in the ${lang} preference center`);
    }
    const other = lang === 'fr' ? 'en' : 'fr';
    for (const text of texts(config, other)) {
      if (!texts(config, lang).includes(text)) {
        assert.ok(!shown.includes(text), `"${text}" (${other}) is not shown in the ${lang} preference center`);
      }
    }
    // The service's own policy link and the cookies it sets are listed.
    const link = dialog(page).locator('a[href="https://matomo.org/privacy-policy/"]');
    assert.equal(await link.count(), 1);
    assert.equal(await link.getAttribute('rel'), 'noopener');
    assert.ok(shown.includes('_pk_id.*') && shown.includes('vid_*'));
  });
}

test('withdrawal deletes a listed cookie set on a sub-path too', async (t) => {
  const { page } = await env.open(t, {});
  await waitForBanner(page);
  await bannerButton(page, 'accept-all').click();
  // The page lives under /p/, so a cookie scoped to /p is visible to it.
  await page.evaluate(() => {
    document.cookie = '_pk_ses.sub=1; path=/p';
    document.cookie = '_pk_id.root=1; path=/';
  });
  assert.match(await page.evaluate(() => document.cookie), /_pk_ses\.sub=1/);
  await floatingButton(page).click();
  await dialogButton(page, 'reject-all').click();
  assert.equal(await get(page, 'analytics'), false);
  const left = await page.evaluate(() => document.cookie);
  assert.doesNotMatch(left, /_pk_ses\.sub|_pk_id\.root/, `cookies left: ${left}`);
});

// Security review #15: a withdrawal must reach every way a page can have written a cookie. The page is
// opened on `shop.example.localhost` (Chromium resolves *.localhost to the loopback and treats it as a
// secure context), so parent-domain, Secure, Partitioned and prefixed cookies can all be set.
test('withdrawal deletes Secure, __Host-, __Secure-, Partitioned, trailing-slash-path and parent-domain cookies', async (t) => {
  const config = baseConfig();
  config.purposes[1].services[0].cookies = ['_pk_id.*', '__Host-pk', '__Secure-pk'];
  const context = await env.context(t);
  const page = await env.page(context);
  const url = env.pageUrl({ config }).replace('//127.0.0.1:', '//shop.example.localhost:');
  assert.ok(url.includes('shop.example.localhost'), url);
  await page.goto(url);
  await waitForBanner(page);
  assert.equal(await page.evaluate(() => window.isSecureContext), true);
  await bannerButton(page, 'accept-all').click();
  const written = [
    '_pk_id.host=1; path=/',
    '_pk_id.parent=1; path=/; domain=example.localhost',
    '_pk_id.sub=1; path=/p',
    '_pk_id.slash=1; path=/p/',
    '_pk_id.secure=1; path=/; Secure',
    '_pk_id.parentsecure=1; path=/p/; domain=example.localhost; Secure',
    '_pk_id.part=1; path=/; Secure; Partitioned',
    '__Host-pk=1; path=/; Secure',
    '__Secure-pk=1; path=/p; domain=example.localhost; Secure',
    'keep=1; path=/',
  ];
  await page.evaluate((all) => all.forEach((c) => (document.cookie = c)), written);
  const before = await page.evaluate(() => document.cookie);
  for (const c of written) {
    const name = c.split('=')[0];
    assert.ok(before.split('; ').some((x) => x.startsWith(`${name}=`)), `the test could set ${name} (${before})`);
  }
  await floatingButton(page).click();
  await dialogButton(page, 'reject-all').click();
  assert.equal(await get(page, 'analytics'), false);
  const left = (await page.evaluate(() => document.cookie)).split('; ').filter(Boolean);
  assert.deepEqual(left, ['keep=1'], `only the unlisted cookie is left (${left.join('; ')})`);
});
