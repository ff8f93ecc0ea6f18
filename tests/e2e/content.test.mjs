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
