// The consent dashboard: asks for the admin token, keeps it in one variable of this closure (never
// in a URL, a cookie or the page's storage), fetches GET /v1/dashboard for the chosen days with
// `Authorization: Bearer`, and draws each plot as SVG with DOM calls (no innerHTML, no inline
// style: the page runs under `default-src 'none'; script-src 'self'; style-src 'self'`).
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const DAY_MS = 86_400_000;
  const H = 220;
  const PAD = { top: 12, right: 12, bottom: 26, left: 44 };
  const number = new Intl.NumberFormat('en');
  const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 });

  /** The admin token, in memory only. */
  let token = null;
  /** Counts requests: only the latest one's answer is drawn. */
  let loading = 0;
  /** The answer drawn, drawn again when the window's width changes. */
  let shown = null;

  const $ = (id) => document.getElementById(id);

  function svg(name, attrs = {}, text) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function html(name, attrs = {}, text) {
    const e = document.createElement(name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function titled(e, text) {
    e.append(svg('title', {}, text));
    return e;
  }

  // ---- Requests -------------------------------------------------------------------------------

  async function api(path, method = 'GET') {
    const response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.message ?? `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  // ---- The date range -------------------------------------------------------------------------

  const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
  const dayMs = (iso) => Date.parse(`${iso}T00:00:00Z`);

  function preset(days) {
    const today = dayMs(isoDay(Date.now()));
    $('cd-to').value = isoDay(today);
    $('cd-from').value = isoDay(today - (days - 1) * DAY_MS);
  }

  /** `from` and `to` for the API: the picked days, `to` made exclusive. */
  function range() {
    const from = $('cd-from').value;
    const to = $('cd-to').value;
    if (!from || !to || dayMs(from) > dayMs(to)) return null;
    return { from, to: isoDay(dayMs(to) + DAY_MS) };
  }

  async function load() {
    const r = range();
    if (!r) {
      $('cd-status').textContent = 'Pick a start day on or before the end day.';
      return;
    }
    const ticket = ++loading;
    $('cd-status').textContent = 'Loading…';
    try {
      const data = await api(`v1/dashboard?from=${r.from}&to=${r.to}`);
      if (ticket !== loading) return;
      shown = data;
      draw(data);
      $('cd-status').textContent = `Computed at ${data.generatedAt.replace('T', ' ').slice(0, 19)} UTC.`;
    } catch (e) {
      if (ticket !== loading) return;
      if (e.status === 401 || e.status === 403) return lock(e.message);
      $('cd-status').textContent = `Could not load the dashboard: ${e.message}`;
    }
  }

  // ---- Signing in and out -----------------------------------------------------------------------

  function lock(message = '') {
    token = null;
    shown = null;
    loading += 1;
    $('cd-board').hidden = true;
    $('cd-login').hidden = false;
    $('cd-summary').textContent = '';
    $('cd-login-error').textContent = message;
    $('cd-token').focus();
  }

  async function unlock(event) {
    event.preventDefault();
    const input = $('cd-token');
    token = input.value.trim();
    input.value = '';
    $('cd-login-error').textContent = '';
    $('cd-login').hidden = true;
    $('cd-board').hidden = false;
    if (!$('cd-from').value) preset(30);
    await load();
  }

  async function verifyNow() {
    const button = $('cd-verify');
    button.disabled = true;
    $('cd-status').textContent = 'Verifying the whole log…';
    try {
      const v = await api('v1/verify', 'POST');
      $('cd-status').textContent = `Verify: ${v.status}, ${number.format(v.receipts)} receipts in ${number.format(v.durationMs)} ms.`;
      await load();
    } catch (e) {
      if (e.status === 401 || e.status === 403) return lock(e.message);
      $('cd-status').textContent = `Verify failed to run: ${e.message}`;
    } finally {
      button.disabled = false;
    }
  }

  // ---- Plots ------------------------------------------------------------------------------------

  /** The plot's width in CSS pixels, so that text keeps its size whatever the card's width. */
  const widthOf = (plot) => Math.max(320, Math.round(plot.clientWidth || 640));

  function frame(plot, label, height = H) {
    const w = widthOf(plot);
    plot.replaceChildren();
    const root = svg('svg', { viewBox: `0 0 ${w} ${height}`, role: 'img', 'aria-label': label });
    plot.append(root);
    root.w = w;
    return root;
  }

  function empty(plot, text = 'No receipts in this period.') {
    plot.replaceChildren(html('p', { class: 'cd-empty' }, text));
  }

  /** Horizontal grid lines and y labels for [0, max]; returns the y scale. */
  function yAxis(root, max, format) {
    const inner = H - PAD.top - PAD.bottom;
    const y = (v) => PAD.top + inner - (max === 0 ? 0 : (v / max) * inner);
    for (let i = 0; i <= 4; i += 1) {
      const v = (max * i) / 4;
      root.append(svg('line', { class: 'cd-gridline', x1: PAD.left, x2: root.w - PAD.right, y1: y(v), y2: y(v) }));
      root.append(svg('text', { class: 'cd-axis cd-axis--end', x: PAD.left - 6, y: y(v) + 4 }, format(v)));
    }
    return y;
  }

  /** Day labels under the plot, at most six; returns the x scale (centre of each day's slot). */
  function xAxis(root, days) {
    const inner = root.w - PAD.left - PAD.right;
    const slot = inner / days.length;
    const x = (i) => PAD.left + slot * (i + 0.5);
    const step = Math.max(1, Math.ceil(days.length / Math.max(2, Math.floor(inner / 70))));
    for (let i = 0; i < days.length; i += step) {
      root.append(svg('text', { class: 'cd-axis cd-axis--middle', x: x(i), y: H - 8 }, days[i].slice(5)));
    }
    return { x, slot };
  }

  /** A nice upper bound for counts. */
  function ceiling(max) {
    if (max <= 4) return 4;
    const magnitude = 10 ** Math.floor(Math.log10(max));
    const nice = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((m) => m >= max);
    return nice % 4 === 0 ? nice : Math.ceil(max / 4) * 4;
  }

  const whole = (v) => number.format(Math.round(v));

  function legend(figure, items) {
    const list = figure.querySelector('.cd-legend');
    list.replaceChildren(
      ...items.map(({ label, cls }) => {
        const li = html('li');
        li.append(html('span', { class: `cd-swatch ${cls}`, 'aria-hidden': 'true' }), document.createTextNode(label));
        return li;
      }),
    );
  }

  /** Lines over the days; `null` values break the line. */
  function lines(figure, days, series, { max, format, label }) {
    const plot = figure.querySelector('.cd-plot');
    const root = frame(plot, label);
    const y = yAxis(root, max, format);
    const { x } = xAxis(root, days);
    series.forEach((s, n) => {
      const cls = `cd-s${n % 8}`;
      let d = '';
      let pen = false;
      s.values.forEach((v, i) => {
        if (v === null) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
      });
      if (d) root.append(titled(svg('path', { class: `cd-line ${cls}`, d }), s.name));
      s.values.forEach((v, i) => {
        if (v === null) return;
        const dot = svg('circle', { class: `cd-dot ${cls}`, cx: x(i), cy: y(v), r: 3 });
        root.append(titled(dot, `${days[i]} · ${s.name}: ${format(v)}${s.note ? ` (${s.note(i)})` : ''}`));
      });
    });
  }

  /** One column per day. */
  function columns(figure, days, values, { max, format, label, tip, cls = 'cd-s0' }) {
    const plot = figure.querySelector('.cd-plot');
    const root = frame(plot, label);
    const y = yAxis(root, max, format);
    const { x, slot } = xAxis(root, days);
    const width = Math.max(1, slot * 0.7);
    values.forEach((v, i) => {
      if (!v) return;
      const top = y(v);
      const bar = svg('rect', { class: `cd-bar ${cls}`, x: x(i) - width / 2, y: top, width, height: y(0) - top, rx: Math.min(3, width / 3) });
      root.append(titled(bar, `${days[i]}: ${tip(v, i)}`));
    });
  }

  /** Horizontal bars, one row per item: `{label, value, tip}`; or one stacked 100 % bar. */
  function rows(figure, items, { label, stacked = false }) {
    const plot = figure.querySelector('.cd-plot');
    const total = items.reduce((a, b) => a + b.value, 0);
    if (total === 0) return empty(plot);
    const rowH = stacked ? 48 : 26;
    const height = stacked ? 64 : items.length * (rowH + 8) + 4;
    const root = frame(plot, label, height);
    const W = root.w;
    const left = stacked ? 0 : 90;
    const inner = W - left - (stacked ? 0 : 60);
    const max = Math.max(...items.map((i) => i.value));
    let offset = 0;
    items.forEach((item, n) => {
      const cls = `cd-s${n % 8}`;
      if (stacked) {
        const width = (item.value / total) * W;
        if (width > 0) {
          root.append(titled(svg('rect', { class: `cd-bar ${cls}`, x: offset, y: 8, width, height: rowH }), item.tip));
          if (width > 44) {
            const text = svg('text', { class: 'cd-label cd-label--light', x: offset + 8, y: 8 + rowH / 2 + 4 }, percent.format(item.value / total));
            root.append(text);
          }
        }
        offset += width;
        return;
      }
      const top = 4 + n * (rowH + 8);
      root.append(svg('text', { class: 'cd-label', x: 0, y: top + rowH / 2 + 4 }, item.label));
      const width = Math.max(2, (item.value / max) * inner);
      root.append(titled(svg('rect', { class: `cd-bar ${cls}`, x: left, y: top, width, height: rowH, rx: 3 }), item.tip));
      root.append(svg('text', { class: 'cd-label', x: left + width + 6, y: top + rowH / 2 + 4 }, number.format(item.value)));
    });
  }

  function facts(figure, pairs) {
    const list = figure.querySelector('.cd-facts');
    list.replaceChildren();
    for (const [term, value, cls] of pairs) {
      list.append(html('dt', {}, term));
      const dd = html('dd', cls ? { class: cls } : {}, value);
      list.append(dd);
    }
  }

  // ---- The dashboard ------------------------------------------------------------------------------

  const sum = (values) => values.reduce((a, b) => a + b, 0);

  function draw(data) {
    const { days } = data;
    const receipts = sum(data.receipts);
    $('cd-summary').textContent =
      `${number.format(receipts)} receipts from ${number.format(data.principals)} browsers, ` +
      `${days[0]} to ${days[days.length - 1]} (UTC).`;

    // Consent rate per optional purpose.
    const rates = $('cd-rates');
    const optional = data.purposes.filter((p) => !p.required);
    if (optional.length === 0) {
      empty(rates.querySelector('.cd-plot'));
      legend(rates, []);
    } else {
      const series = optional.map((p) => ({
        name: p.id,
        values: p.granted.map((g, i) => (g + p.refused[i] === 0 ? null : g / (g + p.refused[i]))),
        note: (i) => `${p.granted[i]} of ${p.granted[i] + p.refused[i]}`,
      }));
      lines(rates, days, series, { max: 1, format: (v) => percent.format(v), label: 'Consent rate per purpose per day' });
      legend(rates, optional.map((p, n) => ({ label: p.id, cls: `cd-s${n % 8}` })));
    }

    // How people decided.
    const split = [
      ['Accept all', sum(data.choices.acceptAll)],
      ['Reject all', sum(data.choices.rejectAll)],
      ['Customised', sum(data.choices.customised)],
    ];
    const decided = sum(split.map(([, v]) => v));
    const choices = $('cd-choices');
    rows(
      choices,
      split.map(([label, value]) => ({ label, value, tip: `${label}: ${number.format(value)} (${percent.format(decided ? value / decided : 0)})` })),
      { label: 'Accept all, reject all and customised decisions', stacked: true },
    );
    legend(choices, split.map(([label, value], n) => ({ label: `${label} ${number.format(value)}`, cls: `cd-s${n}` })));

    // Languages.
    const languages = $('cd-languages');
    const byLanguage = [...data.languages].sort((a, b) => b.receipts - a.receipts);
    rows(
      languages,
      byLanguage.map((l) => ({
        label: l.language,
        value: l.receipts,
        tip: `${l.language}: ${number.format(l.receipts)} receipts; ${percent.format(l.granted + l.refused ? l.granted / (l.granted + l.refused) : 0)} of purpose decisions granted`,
      })),
      { label: 'Receipts per language shown' },
    );
    legend(languages, []);

    // Receipts per day.
    const perDay = $('cd-receipts');
    if (receipts === 0) empty(perDay.querySelector('.cd-plot'));
    else {
      columns(perDay, days, data.receipts, {
        max: ceiling(Math.max(...data.receipts)),
        format: whole,
        label: 'Receipts per day',
        tip: (v) => `${number.format(v)} receipts`,
      });
    }

    // GPC share.
    const gpc = $('cd-gpc');
    if (receipts === 0) empty(gpc.querySelector('.cd-plot'));
    else {
      const shares = data.gpc.map((g, i) => (data.receipts[i] ? g / data.receipts[i] : 0));
      columns(gpc, days, shares, {
        max: Math.max(0.25, Math.ceil(Math.max(...shares) * 4) / 4),
        format: (v) => percent.format(v),
        label: 'Share of receipts with Global Privacy Control per day',
        tip: (v, i) => `${percent.format(v)} (${data.gpc[i]} of ${data.receipts[i]})`,
        cls: 'cd-s2',
      });
    }
    const optOuts = sum(data.gpcOptOut);
    $('cd-gpc-opt-out').textContent =
      `${number.format(optOuts)} ${optOuts === 1 ? 'state' : 'states'} set by the signal alone, with no click ` +
      '(gpc:opt-out receipts; not counted as visitors\' decisions).';

    // Withdrawals.
    const withdrawals = $('cd-withdrawals');
    const withdrawn = sum(data.withdrawals.perDay);
    if (withdrawn === 0) empty(withdrawals.querySelector('.cd-plot'), 'No withdrawals in this period.');
    else {
      columns(withdrawals, days, data.withdrawals.perDay, {
        max: ceiling(Math.max(...data.withdrawals.perDay)),
        format: whole,
        label: 'Receipts withdrawing a grant per day',
        tip: (v) => `${number.format(v)} withdrawals`,
        cls: 'cd-s6',
      });
    }
    legend(withdrawals, data.withdrawals.byTarget.map((t) => ({ label: `${t.id} ${number.format(t.withdrawals)}`, cls: 'cd-s6' })));

    // The log.
    const log = $('cd-log');
    const { sizes } = data.log;
    lines(log, days, [{ name: 'receipts in the log', values: sizes }], {
      max: ceiling(Math.max(...sizes)),
      format: whole,
      label: 'Log size at the end of each day',
    });
    const v = data.log.lastVerify;
    facts(log, [
      ['Log size', `${number.format(data.log.treeSize)} receipts`],
      ['Tree head', data.log.treeHeadAt ? data.log.treeHeadAt.replace('T', ' ').slice(0, 19) + ' UTC' : 'none yet'],
      ['Root', data.log.rootHash ?? '—'],
      v
        ? ['Last verify', `${v.status}: ${number.format(v.receipts)} receipts, ${number.format(v.problemCount)} problems (${v.source}, ${v.finishedAt.replace('T', ' ').slice(0, 19)} UTC)`, `cd-badge cd-badge--${v.status}`]
        : ['Last verify', 'never run', 'cd-badge cd-badge--none'],
    ]);
  }

  // ---- Wiring -------------------------------------------------------------------------------------

  function start() {
    $('cd-login').addEventListener('submit', unlock);
    $('cd-range').addEventListener('submit', (e) => e.preventDefault());
    $('cd-from').addEventListener('change', load);
    $('cd-to').addEventListener('change', load);
    for (const button of document.querySelectorAll('[data-days]')) {
      button.addEventListener('click', () => {
        preset(Number(button.dataset.days));
        load();
      });
    }
    $('cd-forget').addEventListener('click', () => lock());
    $('cd-verify').addEventListener('click', verifyNow);
    let resizing;
    window.addEventListener('resize', () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => shown && draw(shown), 150);
    });
    $('cd-token').focus();
  }

  start();
})();
