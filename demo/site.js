// Atelier Lumen's own page script (not part of Consentry).
//
// Loaded as a classic script in <head>, after the configuration and before consentry.js, so that
// its listeners are on `document` before the widget can fire anything. It only uses the public
// contract: the `consentry:*` events and `window.consentry`.
(function () {
  'use strict';

  var params = new URLSearchParams(location.search);

  // Demo switches, applied before the widget reads the page --------------------------------------

  // ?lang=fr / ?lang=en: the widget picks its language from <html lang>.
  var lang = params.get('lang');
  if (lang === 'fr' || lang === 'en') document.documentElement.lang = lang;

  // ?demo=refused: turn the configuration into one Consentry must refuse (a pre-ticked purpose),
  // to show that the widget then renders nothing, grants nothing and reports the error.
  if (params.get('demo') === 'refused') {
    var el = document.getElementById('consentry-config');
    if (el) {
      var cfg = JSON.parse(el.textContent);
      cfg.purposes.forEach(function (p) {
        if (p.id === 'analytics') p['default'] = true;
      });
      el.textContent = JSON.stringify(cfg);
    }
  }

  // Status panel ----------------------------------------------------------------------------------

  var last = { widget: 'Consentry: loading…', error: null, change: null };

  function $(id) {
    return document.getElementById(id);
  }

  function text(id, value) {
    var node = $(id);
    if (node) node.textContent = value;
  }

  function when(ms) {
    if (ms === null || ms === undefined) return '–';
    var d = new Date(ms);
    return isNaN(d) ? String(ms) : d.toLocaleString(document.documentElement.lang || undefined);
  }

  function cookieNames() {
    return document.cookie
      .split(';')
      .map(function (c) { return c.trim().split('=')[0]; })
      .filter(Boolean);
  }

  function render() {
    if (!$('consent-status')) return; // not parsed yet: DOMContentLoaded renders again
    text('status-widget', last.widget);
    var err = $('status-error');
    err.hidden = !last.error;
    err.textContent = last.error ? 'Configuration refused: ' + last.error : '';
    $('consent-status').classList.toggle('status--error', !!last.error);

    var api = window.consentry;
    var s = api && typeof api.state === 'function' ? api.state() : null;
    if (s) {
      text('status-decided', s.decided ? 'yes' : 'no (banner shown)');
      text('status-storage', s.storage);
      text('status-language', s.language);
      text('status-policy', s.policyVersion);
      text('status-expires', s.decided ? when(s.expiresAt) : '–');
      var r = s.receipts;
      if (r) {
        // Signed in this browser, posted to the receipt server that `cargo xtask demo` runs on :8787.
        text('status-receipts', r.count === 0 ? 'none yet' :
          r.count + ' signed, ' + r.delivered + ' verified and logged by the server, ' + r.pending + ' waiting' +
          (r.rejected ? ', ' + r.rejected + ' refused' : '') +
          (r.latest ? ' (latest ' + r.latest.id.slice(0, 8) + '…)' : ''));
      }
      var list = $('status-purposes');
      list.textContent = '';
      Object.keys(s.purposes || {}).forEach(function (id) {
        var li = document.createElement('li');
        li.className = s.purposes[id] ? 'on' : 'off';
        li.textContent = id + ': ' + (s.purposes[id] ? 'granted' : 'not granted');
        list.appendChild(li);
      });
      Object.keys(s.services || {}).forEach(function (id) {
        var li = document.createElement('li');
        li.className = 'service ' + (s.services[id] ? 'on' : 'off');
        li.textContent = id + ': ' + (s.services[id] ? 'granted' : 'not granted');
        list.appendChild(li);
      });
    }
    if (last.change) {
      text('status-last', last.change.source + (last.change.action ? ' / ' + last.change.action : '') +
        ' at ' + new Date().toLocaleTimeString());
    }
    if (api && typeof api.get === 'function' && !api.get('analytics')) {
      var box = $('analytics-status');
      if (box.classList.contains('status__box--on')) {
        box.textContent = 'Analytics consent withdrawn: its cookies were deleted. (The tracker already loaded on this page stops at the next page load.)';
        box.classList.remove('status__box--on');
      }
    }
    var names = cookieNames();
    text('status-cookies', names.length ? names.join(', ') : '(none)');
  }

  document.addEventListener('consentry:ready', function () {
    last.widget = 'Consentry: ready';
    render();
  });
  document.addEventListener('consentry:change', function (e) {
    last.change = e.detail || {};
    // Let the widget finish gating and cookie clean-up before reading the page again.
    setTimeout(render, 0);
  });
  document.addEventListener('consentry:error', function (e) {
    last.widget = 'Consentry: stopped';
    last.error = (e.detail && e.detail.message) || 'unknown error';
    render();
  });
  document.addEventListener('demo:cookies', render);
  // Receipts are signed and delivered in the background: refresh their line for a little while.
  setInterval(render, 1000);

  document.addEventListener('DOMContentLoaded', function () {
    // French texts for the page itself when <html lang="fr">.
    if (document.documentElement.lang === 'fr') {
      document.querySelectorAll('[data-fr]').forEach(function (node) {
        node.textContent = node.getAttribute('data-fr');
      });
      document.querySelectorAll('[data-fr-title]').forEach(function (node) {
        node.setAttribute('title', node.getAttribute('data-fr-title'));
      });
      document.querySelectorAll('[data-fr-aria-label]').forEach(function (node) {
        node.setAttribute('aria-label', node.getAttribute('data-fr-aria-label'));
      });
      document.title = 'Atelier Lumen — Boulangerie, Paris 11e';
    }

    $('forget-choice').addEventListener('click', function () {
      try {
        localStorage.removeItem('consentry');
      } catch (e) {
        // storage blocked: the choice only lived in memory anyway
      }
      location.reload();
    });
    render();
  });
})();
