/*! Consentry | MIT OR Apache-2.0 */
// `consentry.js`, the loader: the one script a site owner embeds. `cargo xtask dist` replaces the
// MODULE marker with the build's file stem (`consentry-<hash>`) and minifies this file.
//
// It is small and synchronous on purpose, so it can be the first script in <head> (before a tag
// manager): it does no work that blocks rendering beyond its own parse. When it runs it
// - starts, at once and in parallel, the download and streaming compile of `<MODULE>.wasm`, the
//   download of the wasm-bindgen glue `<MODULE>.js` (both next to this script, content-hashed, so
//   they can be cached forever), and the `data-config` URL if the tag has one;
// - defines `window.consentry` at once, as a stand-in that keeps the calls made before the module
//   is ready (`show`, `acceptAll`, `rejectAll`, `identify`, `whenReady(fn)`, `rescan`) and replays them in order once it
//   is; before that, `get(id)` is false and `state()` null (nothing is granted before the stored
//   choice has been read). Afterwards the stand-in forwards every call to the real API;
// - starts the widget once the module is instantiated and the page has a <body> (and the inline
//   configuration, if that is where the configuration is);
// - fails closed: any failure (network, HTTP status, a file that does not match its integrity hash,
//   a Content-Security-Policy without 'wasm-unsafe-eval', Trusted Types without the `consentry`
//   policy, a trap) is reported once as `consentry: ...` on the console and as a `consentry:error`
//   event (detail `{message}`) on `document`, and nothing is granted;
// - works on strict pages: it fetches the module and the bindings with their sha384 (Subresource
//   Integrity) and the bindings with this tag's nonce, creates the Trusted Types policy `consentry`,
//   and passes the policy and the nonce (`data-nonce`, else the gated original's) to the widget.
// It defines no global other than `window.consentry`; the bindings script is one function (an esbuild
// IIFE) that receives the loader's callback through a property of its <script> element and hands
// back `{ init, boot }`. Chunks of a split build are fetched later, from this same directory.
// The parts between signals markers are the vendors' consent signals (Consent Mode and others):
// `cargo xtask dist` keeps them in `consentry-signals.js` and drops them from `consentry.js`.
(function () {
  'use strict';

  var MODULE = '@@CONSENTRY_MODULE@@';
  // The sha384 of the module and of the bindings script (Subresource Integrity), written by
  // `cargo xtask dist`: a page that pins this file with `integrity=` pins everything it loads.
  var WASM_INTEGRITY = '@@CONSENTRY_WASM_INTEGRITY@@';
  var GLUE_INTEGRITY = '@@CONSENTRY_GLUE_INTEGRITY@@';
  var CONFIG_ID = 'consentry-config';
  var script = document.currentScript;

  function describe(error) {
    return error && error.message ? error.message : String(error);
  }

  function report(message) {
    var text = 'consentry: ' + message;
    console.error(text);
    try {
      document.dispatchEvent(new CustomEvent('consentry:error', { detail: { message: text } }));
    } catch (_) {
      // The error path must never throw into the host page.
    }
  }

  // Another copy of this loader (or the widget it started) already defined the API. Test for its shape:
  // `window.consentry` alone may also be an element with id="consentry" (named access on window).
  var existing = window.consentry;
  if (existing && typeof existing.whenReady === 'function') {
    console.warn('consentry: consentry.js is included more than once; only the first copy runs');
    return;
  }
  /*<signals>*/
  // Vendors' consent APIs (README "Consent Mode and vendor signals"): the one place their rule lives.
  // The defaults must be in the page's queues before any tag reads them, so they are pushed now, from
  // the inline configuration (which must come before this script) and the stored choice. The widget,
  // which validated the configuration and read the stored choice itself, calls `signals.start` (which
  // corrects the page if it sees things differently, or pushes the defaults late for a configuration
  // that was not inline) and `signals.update` after every decision, before it runs gated content and
  // dispatches `consentry:change`. Until the widget has started, a failure withdraws what was granted.
  var TYPES = ['ad_storage', 'ad_user_data', 'ad_personalization', 'analytics_storage', 'functionality_storage', 'personalization_storage', 'security_storage'];
  var DAY = 864e5;
  // Where consent must come first: a region default never grants there (the widget refuses it too).
  var OPT_IN = /(^|,)(AT|BE|BG|HR|CY|CZ|DK|EE|FI|FR|DE|GR|HU|IE|IT|LV|LT|LU|MT|NL|PL|PT|RO|SK|SI|ES|SE|IS|LI|NO|GB|CH|EU|UK|EL)\b/;
  var layerName = 'dataLayer';
  var signalConfig = null;
  var pushed = null;
  var started = false;
  var fbqStubbed = false;
  function vendorQueue(name) {
    return (window[name] = window[name] || []);
  }
  function gtagPush() {
    vendorQueue(layerName).push(arguments);
  }
  function vendorFn(name) {
    var f = window[name];
    if (typeof f === 'function') return f;
    if (name === 'clarity') {
      f = function () {
        (f.q = f.q || []).push(arguments);
      };
    } else {
      // The Meta pixel's queue: calls are kept until fbevents.js takes them over.
      f = function () {
        f.callMethod ? f.callMethod.apply(f, arguments) : f.queue.push(arguments);
      };
      f.push = f;
      f.loaded = true;
      f.version = '2.0';
      f.queue = [];
      if (!window._fbq) window._fbq = f;
      fbqStubbed = true;
    }
    return (window[name] = f);
  }
  function applySignals(list) {
    for (var i = 0; i < list.length; i++) {
      var c = list[i];
      var rest = c.slice(1);
      if (c[0] === 'gtag') gtagPush.apply(null, rest);
      else if (c[0] === 'dataLayer') vendorQueue(layerName).push(rest[0]);
      else if (c[0] === 'uetq') vendorQueue('uetq').push.apply(window.uetq, rest);
      else if (c[0] === '_paq') vendorQueue('_paq').push(rest[0]);
      else vendorFn(c[0]).apply(null, rest);
    }
  }
  function state(on) {
    return on ? 'granted' : 'denied';
  }
  function consentObject(granted, extra) {
    var o = {};
    for (var i = 0; i < TYPES.length; i++) o[TYPES[i]] = state(granted(TYPES[i]));
    for (var k in extra) o[k] = extra[k];
    return o;
  }
  // With `storage: "cookie"`, the newest `consentry` cookie as a record (model/src/record/compact.rs):
  // its bits follow the purposes then the services, when written for the same ones (`h`).
  function cookieRecord(cfg) {
    var ps = cfg.purposes, keys = [], h = 0x811c9dc5, best = null, i, j, s, r, f;
    for (i = 0; i < ps.length; i++) keys.push(ps[i].id);
    for (i = 0; i < ps.length; i++) for (s = ps[i].services || [], j = 0; j < s.length; j++) keys.push(ps[i].id + '/' + s[j].id);
    s = keys.join(' ') + ' ';
    for (i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
    s = document.cookie.split(';');
    for (i = 0; i < s.length; i++) {
      f = s[i].trim().split('=');
      if (f[0] !== 'consentry') continue;
      f = f[1].split('.');
      if (f.length !== 10 || f[0] !== '1' || f[8] !== h.toString(36)) continue;
      r = { purposes: {}, services: {}, policy_version: decodeURIComponent(f[2]), created: parseInt(f[4], 36), gpc_override: (parseInt(f[7], 36) & 2) > 0 };
      r.updated = r.created + parseInt(f[5], 36);
      r.expires = r.updated + parseInt(f[6], 36);
      for (j = 0; j < keys.length; j++) (j < ps.length ? r.purposes : r.services)[keys[j]] = (parseInt(f[9][j / 5 | 0], 32) >> j % 5 & 1) > 0;
      if (!(best && best.updated >= r.updated)) (best = r).v = 1;
    }
    return best;
  }
  // The stored record, if it is one the widget would keep (same format, policy and expiry rule).
  function storedRecord(cfg) {
    try {
      var r = cfg.storage === 'cookie' ? cookieRecord(cfg) : JSON.parse(window.localStorage.getItem('consentry'));
      var now = Date.now();
      var ok = r && r.v === 1 && r.policy_version === cfg.policy_version && r.purposes && r.services &&
        r.created <= r.updated && r.updated <= r.expires &&
        now < Math.min(r.expires, r.updated + (cfg.expiry_days || 182) * DAY) && now >= r.created - DAY;
      return ok ? r : null;
    } catch (_) {
      return null;
    }
  }
  // The commands for `cfg.integrations` under `rec` (`{purposes, services}` maps as stored, or null
  // for no choice): the defaults, or (`update`) what follows a decision.
  function commands(cfg, rec, update) {
    var integ = cfg.integrations;
    var signal = navigator.globalPrivacyControl;
    var jurisdiction = String(cfg.jurisdiction || '');
    var gpcApplies = (signal === true || signal === '1') &&
      (jurisdiction === 'US' || /^US-/.test(jurisdiction) || (cfg.gpc && cfg.gpc.opt_in) === 'treat_as_reject');
    var purposes = cfg.purposes || [];
    function purpose(id) {
      for (var i = 0; i < purposes.length; i++) if (purposes[i] && purposes[i].id === id) return purposes[i];
    }
    // Whether `target` ("p" or "p/s") is granted, as the widget decides it; `consent` leaves required
    // purposes out (a vendor's or an advertising type's consent never follows one).
    function on(target, consent) {
      var parts = String(target).split('/');
      var p = purpose(parts[0]);
      if (!p) return false;
      if (p.required === true) return !consent;
      // A Global Privacy Control signal keeps the purposes it covers off (the widget's `Gpc`).
      if (!update && gpcApplies && p.gpc === true && !(rec && rec.gpc_override === true)) return false;
      if (!rec || rec.purposes[parts[0]] !== true) return false;
      if (parts.length > 1) return rec.services[target] === true;
      var services = p.services || [];
      if (!services.length) return true;
      for (var i = 0; i < services.length; i++) if (rec.services[parts[0] + '/' + services[i].id] === true) return true;
      return false;
    }
    var out = [];
    var gcm = integ.google_consent_mode;
    if (gcm && gcm.map) {
      if (/^[A-Za-z_$][\w$]*$/.test(gcm.data_layer || '')) layerName = gcm.data_layer;
      // A type is granted when every target that maps it is; a type nothing maps is denied.
      var base = function (type) {
        var any = false;
        var all = true;
        for (var k in gcm.map) {
          if (gcm.map[k] && gcm.map[k].indexOf(type) >= 0) {
            any = true;
            all = all && on(k, type === 'ad_user_data' || type === 'ad_personalization');
          }
        }
        return any && all;
      };
      if (update) {
        out.push(['gtag', 'consent', 'update', consentObject(base, {})]);
      } else {
        if (gcm.ads_data_redaction === true) out.push(['gtag', 'set', 'ads_data_redaction', true]);
        if (gcm.url_passthrough === true) out.push(['gtag', 'set', 'url_passthrough', true]);
        if (rec) {
          // A returning visitor's tags never wait.
          out.push(['gtag', 'consent', 'default', consentObject(base, {})]);
        } else {
          var wait = gcm.wait_for_update || 500;
          var regions = gcm.regions || [];
          for (var i = 0; i < regions.length; i++) {
            var granted = (!OPT_IN.test(String(regions[i].region)) && regions[i].granted) || [];
            out.push(['gtag', 'consent', 'default', consentObject(
              function (type) {
                return base(type) || granted.indexOf(type) >= 0;
              },
              { region: regions[i].region, wait_for_update: wait }
            )]);
          }
          out.push(['gtag', 'consent', 'default', consentObject(base, { wait_for_update: wait })]);
        }
      }
    }
    var v;
    if ((v = integ.microsoft_uet)) out.push(['uetq', 'consent', update ? 'update' : 'default', { ad_storage: state(on(v.ad_storage, 1)) }]);
    if ((v = integ.meta_pixel)) out.push(['fbq', 'consent', on(v.consent, 1) ? 'grant' : 'revoke']);
    if ((v = integ.microsoft_clarity)) {
      out.push(['clarity', 'consentv2', { ad_Storage: state(on(v.ad_storage, 1)), analytics_Storage: state(on(v.analytics_storage, 1)) }]);
    }
    if ((v = integ.matomo)) {
      var cookies = v.mode === 'cookies' ? 'Cookie' : '';
      var given = on(v.consent, 1);
      if (!update) out.push(['_paq', ['require' + cookies + 'Consent']]);
      if (given || update) out.push(['_paq', [(given ? 'set' : 'forget') + cookies + 'ConsentGiven']]);
    }
    // Last, so that tag-manager triggers fire with every signal in place.
    if (update && gcm && rec) out.push(['dataLayer', { event: 'consentry_consent_update', consentry: { purposes: rec.purposes, services: rec.services } }]);
    return out;
  }
  var signals = {
    // At start-up, with the widget's configuration (JSON text) and the decisions of the stored choice
    // it keeps (JSON, or '' for none) and of the decisions in force.
    start: function (configText, stored, applied) {
      started = true;
      signalConfig = JSON.parse(configText);
      var expected = JSON.stringify(commands(signalConfig, stored ? JSON.parse(stored) : null));
      if (pushed === null) {
        console.warn('consentry: the vendors\' consent defaults were set late, after the page\'s tags could read them: put the configuration inline (<script type="application/json" id="consentry-config">) before consentry.js');
        applySignals(JSON.parse(expected));
      } else if (pushed !== expected) {
        console.warn('consentry: the consent defaults set from the stored choice differ from what the widget read; corrected with an update');
        signals.update(applied);
      }
    },
    // After a decision: `decisions` is the JSON of the decisions now in force.
    update: function (decisions) {
      applySignals(commands(signalConfig, JSON.parse(decisions), 1));
    }
  };
  try {
    var inline = document.getElementById(CONFIG_ID);
    var cfg = inline && JSON.parse(inline.textContent);
    if (cfg && cfg.integrations && typeof cfg.integrations === 'object') {
      var defaults = commands(cfg, storedRecord(cfg));
      var gtag = window.gtag;
      if (typeof gtag !== 'function') {
        window.gtag = gtagPush;
      } else if (!/\.push\(\s*arguments\s*\)/.test(Function.prototype.toString.call(gtag))) {
        console.warn('consentry: window.gtag is not the dataLayer shim (function gtag(){dataLayer.push(arguments);}); it is left alone and Consent Mode commands go to window.' + layerName + ' directly');
      }
      applySignals(defaults);
      pushed = JSON.stringify(defaults);
      // A start that fails withdraws what the defaults granted: nothing runs on a stored choice the
      // widget could not confirm.
      document.addEventListener('consentry:error', function () {
        if (started || !/"grant|Given"/.test(pushed)) return;
        started = true;
        applySignals(commands(cfg, null, 1));
      });
      document.addEventListener('DOMContentLoaded', function () {
        if (fbqStubbed && !document.querySelector('script[src*="fbevents.js"]')) {
          console.warn('consentry: integrations.meta_pixel is set but the page has no <script src="…/fbevents.js">: the Meta snippet does not load it once window.fbq exists (README "Consent Mode and vendor signals")');
        }
      });
    }
  } catch (error) {
    report("could not set the vendors' consent defaults: " + describe(error));
  }

  /*</signals>*/
  if (!script || !script.src) {
    report(
      'cannot locate ' + MODULE + '.wasm: document.currentScript is null or has no src; ' +
        'load consentry.js with a classic <script src="..."> tag (not type="module")'
    );
    return;
  }

  var wasmUrl;
  var glueUrl;
  var configUrl;
  var configIntegrity = (script.getAttribute('data-config-integrity') || '').trim();
  try {
    var scriptUrl = new URL(script.src, document.baseURI);
    wasmUrl = new URL(MODULE + '.wasm', scriptUrl).href;
    glueUrl = new URL(MODULE + '.js', scriptUrl).href;
    var config = (script.getAttribute('data-config') || '').trim();
    configUrl = config ? new URL(config, document.baseURI).href : undefined;
  } catch (error) {
    report('invalid script src or data-config URL: ' + describe(error));
    return;
  }

  // The stand-in `window.consentry`.
  var api = null;
  var queue = [];
  function later(name, before) {
    return function () {
      if (api) return api[name].apply(api, arguments);
      if (before === undefined) queue.push([name, arguments]);
      return before;
    };
  }
  // `on('change', fn)` / `off('change', fn)`: `fn(event)` for `consentry:change`, `:ready`, `:error`.
  function listen(method) {
    return function (name, fn) {
      if (/^(change|ready|error)$/.test(name) && typeof fn === 'function') document[method]('consentry:' + name, fn);
    };
  }
  // A page whose Trusted Types refuse this loader's policy includes the bindings script itself
  // (parser-inserted scripts are not a Trusted Types sink); that script finds the loader through this
  // hidden `_start`, which acts once, and only on such a page.
  var awaitingPageBindings = false;
  var standIn = Object.freeze(
    Object.defineProperty(
      {
        get: later('get', false),
        state: later('state', null),
        show: later('show'),
        acceptAll: later('acceptAll'),
        rejectAll: later('rejectAll'),
        identify: later('identify'),
        whenReady: later('whenReady'),
        rescan: later('rescan'),
        // The events are on `document` from the start: these need no widget.
        on: listen('addEventListener'),
        off: listen('removeEventListener')
      },
      '_start',
      {
        value: function (bindings) {
          if (!awaitingPageBindings) return;
          awaitingPageBindings = false;
          startWith(bindings);
        }
      }
    )
  );
  try {
    window.consentry = standIn;
  } catch (_) {
    // A page that made `window.consentry` read-only keeps its own; the widget works without its API.
  }
  if (window.consentry !== standIn) {
    console.warn('consentry: window.consentry is already defined by the page and cannot be replaced; the widget runs without its JavaScript API');
  }

  function replay() {
    api = window.consentry;
    if (api === standIn) return;
    var calls = queue;
    queue = [];
    for (var i = 0; i < calls.length; i++) {
      try {
        api[calls[i][0]].apply(api, calls[i][1]);
      } catch (error) {
        // A page's callback that throws is the page's error; it must not stop the others.
        setTimeout(function () {
          throw error;
        });
      }
    }
  }

  // Trusted Types: the one policy named `consentry`, created before any other script can take the
  // name. It vouches only for the bindings script's URL and for the exact src or text of a gated
  // element already in the page (it looks for itself), so no caller can make it trust anything else.
  // The widget gets it for the gated scripts it runs. If the page's `trusted-types` list refuses the
  // name, there is no policy: on a page that enforces Trusted Types this loader then cannot insert the
  // bindings (a message names the directive), and the widget starts only from bindings the page
  // includes itself (see `_start` above), with gated scripts unable to run.
  var policy = null;
  var refused = '';
  // The document and every open shadow root in it (`consentry.rescan(root)` runs gated content there).
  function gated(test) {
    var roots = [document];
    for (var r = 0; r < roots.length; r++) {
      var list = roots[r].querySelectorAll('script[type="text/plain"][data-consent]');
      for (var i = 0; i < list.length; i++) if (test(list[i])) return true;
      var all = roots[r].querySelectorAll('*');
      for (var j = 0; j < all.length; j++) if (all[j].shadowRoot) roots.push(all[j].shadowRoot);
    }
    return false;
  }
  if (window.trustedTypes && window.trustedTypes.createPolicy) {
    try {
      policy = window.trustedTypes.createPolicy('consentry', {
        createScriptURL: function (url) {
          if (url === glueUrl || gated(function (el) { return el.getAttribute('src') === url; })) return url;
          throw new TypeError('consentry: not the URL of a gated script: ' + url);
        },
        createScript: function (text) {
          if (gated(function (el) { return el.textContent === text; })) return text;
          throw new TypeError('consentry: not the text of a gated script');
        }
      });
    } catch (error) {
      refused = describe(error);
    }
  }

  // WebCrypto, for the integrity checks below (absent outside secure contexts).
  var subtle = window.crypto && window.crypto.subtle;
  function integrity(digest) {
    return 'sha384-' + btoa(String.fromCharCode.apply(null, new Uint8Array(digest)));
  }

  // Why a download with an integrity hash failed: fetched again without it (only on failure, and never
  // used), an HTTP error or a different hash is named as such; anything else is `error` itself.
  function diagnose(url, expected, error) {
    if (!expected || !subtle) return Promise.reject(error);
    return fetch(url, { cache: 'no-store' }).then(
      function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.arrayBuffer().then(function (bytes) {
          return subtle.digest('SHA-384', bytes).then(function (digest) {
            var got = integrity(digest);
            if (got !== expected) {
              throw new Error(url + ' does not match its integrity hash (expected ' + expected + ', got ' + got + ')');
            }
            throw error;
          });
        });
      },
      function () {
        throw error;
      }
    );
  }

  // Downloads, all started now.
  function compile(response) {
    if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + wasmUrl);
    var type = response.headers.get('Content-Type') || '';
    if (WebAssembly.compileStreaming && /^application\/wasm\b/.test(type)) {
      return WebAssembly.compileStreaming(response);
    }
    return response.arrayBuffer().then(function (bytes) {
      return WebAssembly.compile(bytes);
    });
  }
  // The module is checked against its integrity hash here rather than by `fetch(…, {integrity})`,
  // because a `<link rel="preload" as="fetch">` cannot carry integrity (crbug.com/981419): the
  // digest is computed beside the streaming compile, and the module is not used unless they agree.
  // Without WebCrypto (a page that is not a secure context), `fetch` checks it.
  function verified(response) {
    if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + wasmUrl);
    var check = response
      .clone()
      .arrayBuffer()
      .then(function (bytes) {
        return subtle.digest('SHA-384', bytes);
      })
      .then(function (digest) {
        var got = integrity(digest);
        if (got !== WASM_INTEGRITY) {
          throw new Error(wasmUrl + ' does not match its integrity hash (expected ' + WASM_INTEGRITY + ', got ' + got + ')');
        }
      });
    var compiling = compile(response);
    compiling.catch(function () {});
    // A module that does not match is reported as such, even when it does not compile either.
    return check.then(function () {
      return compiling;
    });
  }
  var compiled = subtle
    ? fetch(wasmUrl).then(verified)
    : fetch(wasmUrl, { integrity: WASM_INTEGRITY }).then(compile);
  compiled.catch(function () {});
  var pendingConfig = configUrl
    ? fetch(configUrl, configIntegrity ? { integrity: configIntegrity } : {}).catch(function (error) {
        return diagnose(configUrl, configIntegrity, error);
      })
    : undefined;
  if (pendingConfig) pendingConfig.catch(function () {});

  // The code that fetches and reads a language pack is a chunk of the module: fetched here, beside
  // the module, when the page's language (else the browser's first) has a built-in pack other than
  // English, so a visitor in German waits for no extra round trip and an English page never fetches
  // it. The bindings script takes these downloads (`consentryChunks`); when the guess misses, the
  // widget fetches the chunk itself. `cargo xtask dist` writes the list: [name, sha384], the file
  // being MODULE-<name>.wasm.
  var PACK_CHUNKS = /*@@CONSENTRY_PACK_CHUNKS@@*/[];
  var PACK_LANGUAGES = ' ar bg cs da de el es et fi fr ga he hr hu is it lt lv mt nb nl nn pl pt ro sk sl sv ';
  var chunks = {};
  function preload(list) {
    list.forEach(function (chunk) {
      var file = MODULE + '-' + chunk[0] + '.wasm';
      if (chunks[file]) return;
      var download = fetch(new URL(file, wasmUrl).href, { integrity: chunk[1] });
      download.catch(function () {});
      chunks[file] = download;
    });
  }
  var likely = (document.documentElement.lang || (navigator.languages || [])[0] || navigator.language || '')
    .trim()
    .split('-')[0]
    .toLowerCase();
  if (likely === 'no') likely = 'nb';
  if (likely && PACK_LANGUAGES.indexOf(' ' + likely + ' ') >= 0) preload(PACK_CHUNKS);
  // Likewise the cookie storage mode's code (`"storage": "cookie"`), read from the inline
  // configuration if it is already in the page, else from the configuration file once it arrives
  // (usually well before the module). Any other site never fetches it.
  var COOKIE_CHUNKS = /*@@CONSENTRY_COOKIE_CHUNKS@@*/[];
  function cookieMode(config) {
    if (config && config.storage === 'cookie') preload(COOKIE_CHUNKS);
  }
  try {
    var inlineConfig = !configUrl && document.getElementById(CONFIG_ID);
    if (inlineConfig) cookieMode(JSON.parse(inlineConfig.textContent));
  } catch (_) {
    // The widget reports a configuration it cannot read.
  }
  if (pendingConfig) {
    pendingConfig
      .then(function (response) {
        return response.ok && response.clone().json();
      })
      .then(cookieMode, function () {});
  }

  function failed(error) {
    var text = describe(error);
    if (/wasm-unsafe-eval|unsafe-eval/.test(text)) {
      report("the page's Content-Security-Policy blocks WebAssembly: it must allow 'wasm-unsafe-eval' in script-src");
    } else {
      report('failed to start: ' + text);
    }
  }

  // Runs `start` once the page has a <body> and, for an inline configuration, that element.
  function whenPageAllows(start) {
    var ready = document.body && (configUrl || document.getElementById(CONFIG_ID));
    if (ready || document.readyState !== 'loading') return start();
    document.addEventListener('DOMContentLoaded', start, { once: true });
  }

  // For the widget: how to write gated scripts into this page.
  // `base` and `pack`: where the language packs are (beside this script), and how the widget fetches
  // the one it shows (with the integrity value built into the module).
  var security = {
    policy: policy,
    refused: refused,
    nonce: script.getAttribute('data-nonce') || '',
    ownNonce: script.nonce || '',
    base: new URL('.', wasmUrl).href,
    pack: function (url, integrity) {
      return fetch(url, { integrity: integrity }).then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      });
    }
  };
  /*<signals>*/
  security.signals = signals;
  /*</signals>*/
  var glue = document.createElement('script');
  if (script.nonce) glue.nonce = script.nonce;
  glue.integrity = GLUE_INTEGRITY;
  glue.crossOrigin = 'anonymous';
  try {
    glue.src = policy ? policy.createScriptURL(glueUrl) : glueUrl;
  } catch (error) {
    report(
      'the page requires Trusted Types and does not allow the policy "consentry": add `trusted-types consentry` ' +
        'to its Content-Security-Policy; until then gated scripts cannot run, and the widget starts only if the ' +
        'page includes its bindings script ' + glueUrl + ' itself (' + (refused || describe(error)) + ')'
    );
    awaitingPageBindings = true;
    return;
  }
  glue.onerror = function () {
    diagnose(glueUrl, GLUE_INTEGRITY, null).catch(function (error) {
      report('could not load ' + glueUrl + (error ? ': ' + describe(error) : ''));
    });
  };
  glue.consentryStart = startWith;
  glue.consentryChunks = chunks;
  (document.head || document.documentElement).appendChild(glue);

  function startWith(bindings) {
    compiled
      .then(function (module) {
        return bindings.init({ module_or_path: module });
      })
      .then(function () {
        whenPageAllows(function () {
          try {
            bindings.boot(configUrl, pendingConfig, replay, security);
          } catch (error) {
            failed(error);
          }
        });
      })
      .catch(failed);
  }
})();
