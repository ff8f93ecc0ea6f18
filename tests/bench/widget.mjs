// Benchmark of the built widget (prints figures; asserts nothing): time from navigation to the banner
// on screen (unthrottled and with 4x CPU throttling, as for a mid-range phone), and from a click on
// "Accept all" to the banner closing, to the receipt POST starting and to its acknowledgment.
//
// Run: `cargo xtask dist && node tests/bench/widget.mjs [runs]`.

import { chromium } from 'playwright-core';
import { startWidgetServer, startSiteServer } from '../e2e/support/server.mjs';
import { startEndpoint } from '../e2e/support/endpoint.mjs';
import { baseConfig } from '../e2e/support/config.mjs';
import { DIST, requireDist } from '../e2e/support/harness.mjs';

const RUNS = Number(process.argv[2] ?? 15);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  return { median: q(0.5), p90: q(0.9), min: v[0], max: v[v.length - 1] };
}

const fmt = (s) => `median ${s.median.toFixed(1)} ms   p90 ${s.p90.toFixed(1)} ms   (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)})`;

// In the page before any script: note when the banner first appears in the widget's shadow root.
function watchBanner() {
  window.__bench = {};
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
  const widget = await startWidgetServer(DIST);
  const site = await startSiteServer();
  const endpoint = await startEndpoint();
  const config = baseConfig();
  config.endpoint = endpoint.url;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<script type="application/json" id="consentry-config">${JSON.stringify(config)}</script></head>
<body><h1>A page</h1><p>Some content that paints first.</p>
<script src="${widget.origin}/consentry.js" async></script></body></html>`;
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
        const t = await page.evaluate((endpointUrl) => new Promise((resolve) => {
          const root = document.getElementById('consentry').shadowRoot;
          const button = root.querySelector('.cs-banner [data-action="accept-all"]');
          const out = {};
          const t0 = performance.now();
          new MutationObserver((_, obs) => {
            if (!root.querySelector('.cs-banner')) {
              out.close = performance.now() - t0;
              obs.disconnect();
            }
          }).observe(root, { childList: true, subtree: true });
          const poll = () => {
            const entry = performance.getEntriesByType('resource').find((e) => e.name === endpointUrl && e.responseEnd > 0 && e.startTime >= t0);
            if (entry && out.close !== undefined) {
              resolve({ ...out, postStart: entry.startTime - t0, postAck: entry.responseEnd - t0 });
            } else {
              setTimeout(poll, 5);
            }
          };
          button.click();
          poll();
        }), endpoint.url);
        results.close.push(t.close);
        results.postStart.push(t.postStart);
        results.postAck.push(t.postAck);
      }
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
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
