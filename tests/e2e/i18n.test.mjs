// Interface language: <html lang>, then the browser's languages, then the first configured language.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useEnvironment,
  bannerButton,
  dialog,
  waitForBanner,
  state,
  expectNoPageErrors,
} from './support/harness.mjs';
import { CONTROLLER_NAME, baseConfig } from './support/config.mjs';

const env = useEnvironment();

async function bannerTexts(page) {
  await waitForBanner(page);
  const texts = {};
  for (const a of ['accept-all', 'reject-all', 'customize']) texts[a] = (await bannerButton(page, a).innerText()).trim();
  return texts;
}

async function dialogText(page) {
  await bannerButton(page, 'customize').click();
  await dialog(page).waitFor({ state: 'visible' });
  return dialog(page).innerText();
}

// Reference labels per language, from a page with <html lang>, computed on first use so that any test can run alone.
const references = new Map();
async function reference(t, lang) {
  if (!references.has(lang)) {
    const { page } = await env.open(t, { lang });
    references.set(lang, await bannerTexts(page));
  }
  return references.get(lang);
}

test('<html lang="en"> shows English', async (t) => {
  const { page } = await env.open(t, { lang: 'en' });
  const english = await bannerTexts(page);
  for (const [k, v] of Object.entries(english)) assert.ok(v.length > 0, `${k} has a label`);
  assert.equal((await state(page)).language, 'en');
  const text = await dialogText(page);
  assert.ok(text.includes('Audience measurement'), 'English purpose name in the center');
  assert.ok(!text.includes("Mesure d'audience"), 'no French purpose name');
  expectNoPageErrors(page);
});

test('<html lang="fr"> shows French (built-in interface texts and the configured texts)', async (t) => {
  const { page } = await env.open(t, { lang: 'fr' });
  const french = await bannerTexts(page);
  assert.equal((await state(page)).language, 'fr');
  const english = await reference(t, 'en');
  for (const k of Object.keys(french)) {
    assert.ok(french[k].length > 0, `${k} has a French label`);
    assert.notEqual(french[k], english[k], `${k} is translated (en "${english[k]}", fr "${french[k]}")`);
  }
  const text = await dialogText(page);
  assert.ok(text.includes("Mesure d'audience"), 'French purpose name in the center');
  assert.ok(!text.includes('Audience measurement'), 'no English purpose name');
  expectNoPageErrors(page);
});

test('<html lang="fr-CA"> matches the configured "fr"', async (t) => {
  const { page } = await env.open(t, { lang: 'fr-CA' });
  assert.deepEqual(await bannerTexts(page), await reference(t, 'fr'));
  assert.equal((await state(page)).language, 'fr');
});

test('no <html lang>: the browser language fr-FR picks French', async (t) => {
  const { page } = await env.open(t, { lang: null }, { contextOptions: { locale: 'fr-FR' } });
  assert.equal(await page.evaluate(() => navigator.language), 'fr-FR');
  assert.deepEqual(await bannerTexts(page), await reference(t, 'fr'));
  assert.equal((await state(page)).language, 'fr');
});

test('no <html lang> and an unconfigured browser language (de-DE): the first configured language', async (t) => {
  const { page } = await env.open(t, { lang: null }, { contextOptions: { locale: 'de-DE' } });
  assert.deepEqual(await bannerTexts(page), await reference(t, 'en'));
  assert.equal((await state(page)).language, 'en');
});

test('<html lang> wins over the browser language', async (t) => {
  const { page } = await env.open(t, { lang: 'en' }, { contextOptions: { locale: 'fr-FR' } });
  assert.deepEqual(await bannerTexts(page), await reference(t, 'en'));
});

test('ui.texts overrides interface strings per language, and {controller} is filled in', async (t) => {
  const config = baseConfig();
  config.ui = {
    texts: {
      accept_all: { en: 'Yes to everything', fr: 'Oui à tout' },
      banner_body: { en: '{controller} asks for your consent.', fr: '{controller} vous demande votre accord.' },
    },
  };
  const { page } = await env.open(t, { config, lang: 'fr' });
  await waitForBanner(page);
  assert.equal((await bannerButton(page, 'accept-all').innerText()).trim(), 'Oui à tout');
  const body = page.locator('#consentry').getByText(`${CONTROLLER_NAME} vous demande votre accord.`).filter({ visible: true });
  assert.ok((await body.count()) >= 1, 'banner_body shown with the controller name substituted');
  const raw = page.locator('#consentry').getByText('{controller}');
  assert.equal(await raw.count(), 0, 'no unreplaced {controller} placeholder');

  const { page: en } = await env.open(t, { config, lang: 'en' });
  await waitForBanner(en);
  assert.equal((await bannerButton(en, 'accept-all').innerText()).trim(), 'Yes to everything');
});
