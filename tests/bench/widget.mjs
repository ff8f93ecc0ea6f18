// Benchmark of the built widget (prints figures; asserts nothing), embedded with the README snippet
// (`dist/snippet.html`, first in <head>): time from navigation to the banner on screen (unthrottled and
// with 4x CPU throttling, as for a mid-range phone); from a real click on "Accept all" (its pointerdown) to the banner closing,
// to the receipt POST starting and to its acknowledgment; a returning visitor (stored choice, files
// cached as README tells site owners to serve them) until the stored choice is applied; and, on the
// phone profile of `cargo xtask bench-widget` (Slow 4G, CPU 4x), Customize -> preference center
// visible, clicked once the page is quiet and clicked as soon as the banner shows.
//
// Run: `cargo xtask dist && node tests/bench/widget.mjs [runs]`. The side-by-side comparison with the
// peer banners is `cargo xtask bench-widget`.

import { chromium } from 'playwright-core';
import { startWidgetServer, startSiteServer } from '../e2e/support/server.mjs';
import { startEndpoint } from '../e2e/support/endpoint.mjs';
import { baseConfig } from '../e2e/support/config.mjs';
import { DIST, requireDist, snippetOn } from '../e2e/support/harness.mjs';

const RUNS = Number(process.argv[2] ?? 15);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  return { median: q(0.5), p90: q(0.9), min: v[0], max: v[v.length - 1] };
}

const fmt = (s) => `median ${s.median.toFixed(1)} ms   p90 ${s.p90.toFixed(1)} ms   (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`;

// The bench's "mobile" profile: Slow 4G as DevTools applies it.
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8, uploadThroughput: (750 * 1024 * 0.9) / 8 };

// In the page before any script: note when the banner first appears in the widget's shadow root, when
// the first consentry:change comes, and (from the page's gated script) when gated content runs.
function watchBanner() {
  window.__bench = {};
  document.addEventListener('consentry:change', () => {
    if (window.__bench.change === undefined) window.__bench.change = performance.now();
  });
  const seen = () => {
    const host = document.getElementById('consentry');
    if (host?.shadowRoot?.querySelector('.cs-banner')) {
      window.__bench.banner = performance.now();
      return true;
    }
    return false;
  };
  new MutationObserver((_, obs) => {
    const host = document.getElementById('consentry');
    if (host?.shadowRoot && !host.__benchWatched) {
      host.__benchWatched = true;
      new MutationObserver((__, inner) => seen() && inner.disconnect()).observe(host.shadowRoot, { childList: true, subtree: true });
    }
    if (seen()) obs.disconnect();
  }).observe(document, { childList: true, subtree: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') window.__bench.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
}

async function main() {
  requireDist();
  const widget = await startWidgetServer(DIST, { caching: true });
  const site = await startSiteServer();
  const endpoint = await startEndpoint();
  const config = baseConfig();
  config.endpoint = endpoint.url;
  const tags = snippetOn(widget.origin);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<script type="application/json" id="consentry-config">${JSON.stringify(config)}</script>
${tags}</head>
<body><h1>A page</h1><p>Some content that paints first.</p>
<script type="text/plain" data-consent="analytics">window.__bench.gated = performance.now();</script>
</body></html>`;
  const url = site.route('/bench.html', html);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });

  const results = { banner: [], bannerThrottled: [], fcpToBannerThrottled: [], close: [], postStart: [], postAck: [] };
  for (const throttled of [false, true]) {
    for (let i = 0; i < RUNS; i += 1) {
      const context = await browser.newContext();
      await context.addInitScript(watchBanner);
      const page = await context.newPage();
      if (throttled) {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      }
      await page.goto(url);
      await page.waitForFunction(() => window.__bench.banner !== undefined, null, { timeout: 30_000 });
      const b = await page.evaluate(() => window.__bench);
      if (throttled) {
        results.bannerThrottled.push(b.banner);
        if (b.fcp !== undefined) results.fcpToBannerThrottled.push(b.banner - b.fcp);
      } else {
        results.banner.push(b.banner);
        // A real click (only the visitor's own gesture decides), timed from its pointerdown.
        const timed = page.evaluate((endpointUrl) => new Promise((resolve) => {
          const root = document.getElementById('consentry').shadowRoot;
          const button = root.querySelector('.cs-banner [data-action="accept-all"]');
          const out = {};
          let t0;
          button.addEventListener('pointerdown', () => (t0 = performance.now()), { capture: true, once: true });
          new MutationObserver((_, obs) => {
            if (t0 !== undefined && !root.querySelector('.cs-banner')) {
              out.close = performance.now() - t0;
              obs.disconnect();
            }
          }).observe(root, { childList: true, subtree: true });
          const poll = () => {
            const entry = t0 !== undefined && performance.getEntriesByType('resource').find((e) => e.name === endpointUrl && e.responseEnd > 0 && e.startTime >= t0);
            if (entry && out.close !== undefined) {
              resolve({ ...out, postStart: entry.startTime - t0, postAck: entry.responseEnd - t0 });
            } else {
              setTimeout(poll, 5);
            }
          };
          poll();
        }), endpoint.url);
        await page.locator('#consentry .cs-banner [data-action="accept-all"]').click();
        const t = await timed;
        results.close.push(t.close);
        results.postStart.push(t.postStart);
        results.postAck.push(t.postAck);
      }
      await context.close();
    }
  }

  // A returning visitor: the same context (storage and HTTP cache kept) decides once, then comes back.
  const back = { unthrottled: [], throttled: [], gatedUnthrottled: [], gatedThrottled: [], bytes: [] };
  for (const throttled of [false, true]) {
    const context = await browser.newContext();
    await context.addInitScript(watchBanner);
    const page = await context.newPage();
    if (throttled) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(url);
    await page.waitForFunction(() => window.__bench.banner !== undefined, null, { timeout: 30_000 });
    await page.locator('#consentry .cs-banner [data-action="accept-all"]').click();
    await page.waitForFunction(() => window.consentry.state().receipts.count === 1, null, { timeout: 30_000 });
    for (let i = 0; i < RUNS; i += 1) {
      await page.goto(url);
      await page.waitForFunction(() => window.__bench.change !== undefined && window.__bench.gated !== undefined, null, { timeout: 30_000 });
      const b = await page.evaluate((origin) => ({
        ...window.__bench,
        bytes: performance.getEntriesByType('resource').filter((e) => e.name.startsWith(origin)).reduce((n, e) => n + e.transferSize, 0),
      }), widget.origin);
      (throttled ? back.throttled : back.unthrottled).push(b.change);
      (throttled ? back.gatedThrottled : back.gatedUnthrottled).push(b.gated);
      back.bytes.push(b.bytes);
    }
    await context.close();
  }

  // Customize -> preference center on the phone profile, clicked when the page is quiet (the chunk was
  // prefetched while the banner showed) and as soon as the banner is there (the chunk is still on its way).
  const customize = { quiet: [], early: [] };
  for (const when of ['quiet', 'early']) {
    for (let i = 0; i < Math.min(RUNS, 7); i += 1) {
      const context = await browser.newContext();
      await context.addInitScript(watchBanner);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto(url);
      await page.waitForFunction(() => window.__bench.banner !== undefined, null, { timeout: 60_000 });
      if (when === 'quiet') {
        await page.waitForFunction(
          () => performance.getEntriesByType('resource').some((e) => e.name.includes('-preferences.wasm') && e.responseEnd > 0),
          null,
          { timeout: 60_000 },
        );
        await page.waitForTimeout(1000);
      }
      const ms = await page.evaluate(() => new Promise((resolve) => {
        const root = document.getElementById('consentry').shadowRoot;
        const t0 = performance.now();
        new MutationObserver((_, obs) => {
          if (root.querySelector('[role="dialog"]')) {
            obs.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - t0));
          }
        }).observe(root, { childList: true, subtree: true });
        root.querySelector('.cs-banner [data-action="customize"]').click();
      }));
      customize[when].push(ms);
      await context.close();
    }
  }
  await browser.close();
  await Promise.all([widget.close(), site.close(), endpoint.close()]);

  console.log(`Consentry widget benchmark (${RUNS} runs each, headless Chromium, widget and page on loopback)`);
  console.log(`  navigation -> banner on screen              ${fmt(stats(results.banner))}`);
  console.log(`  navigation -> banner, CPU throttled 4x      ${fmt(stats(results.bannerThrottled))}`);
  if (results.fcpToBannerThrottled.length) {
    console.log(`  first paint -> banner, CPU throttled 4x     ${fmt(stats(results.fcpToBannerThrottled))}`);
  }
  console.log(`  click "Accept all" -> banner closed          ${fmt(stats(results.close))}`);
  console.log(`  click -> receipt POST sent (signed)          ${fmt(stats(results.postStart))}`);
  console.log(`  click -> receipt acknowledged by endpoint    ${fmt(stats(results.postAck))}`);
  console.log(`  returning visitor: navigation -> stored choice applied (consentry:change)`);
  console.log(`    unthrottled                                ${fmt(stats(back.unthrottled))}`);
  console.log(`    CPU throttled 4x                           ${fmt(stats(back.throttled))}`);
  console.log(`  returning visitor: navigation -> gated script ran`);
  console.log(`    unthrottled                                ${fmt(stats(back.gatedUnthrottled))}`);
  console.log(`    CPU throttled 4x                           ${fmt(stats(back.gatedThrottled))}`);
  console.log(`  returning visitor: bytes transferred from the widget's origin  median ${stats(back.bytes).median} B`);
  console.log(`  phone (Slow 4G, CPU 4x): Customize -> preference center visible`);
  console.log(`    clicked once the page is quiet             ${fmt(stats(customize.quiet))}`);
  console.log(`    clicked as soon as the banner shows        ${fmt(stats(customize.early))}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
