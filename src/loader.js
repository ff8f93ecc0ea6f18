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
//   is ready (`show`, `acceptAll`, `rejectAll`, `whenReady(fn)`) and replays them in order once it
//   is; before that, `get(id)` is false and `state()` null (nothing is granted before the stored
//   choice has been read). Afterwards the stand-in forwards every call to the real API;
// - starts the widget once the module is instantiated and the page has a <body> (and the inline
//   configuration, if that is where the configuration is);
// - fails closed: any failure (network, HTTP status, a Content-Security-Policy without
//   'wasm-unsafe-eval', a trap) is reported once as `consentry: ...` on the console and as a
//   `consentry:error` event (detail `{message}`) on `document`, and nothing is granted.
// It defines no global other than `window.consentry`; the bindings script is one function (an esbuild
// IIFE) that receives the loader's callback through a property of its <script> element and hands
// back `{ init, boot }`. Chunks of a split build are fetched later, from this same directory.
(function () {
  'use strict';

  var MODULE = '@@CONSENTRY_MODULE@@';
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
  window.consentry = Object.freeze({
    get: later('get', false),
    state: later('state', null),
    show: later('show'),
    acceptAll: later('acceptAll'),
    rejectAll: later('rejectAll'),
    whenReady: later('whenReady')
  });

  function replay() {
    api = window.consentry;
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
  var compiled = fetch(wasmUrl).then(compile);
  compiled.catch(function () {});
  var pendingConfig = configUrl ? fetch(configUrl) : undefined;
  if (pendingConfig) pendingConfig.catch(function () {});

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

  var glue = document.createElement('script');
  glue.src = glueUrl;
  glue.onerror = function () {
    report('could not load ' + glueUrl);
  };
  glue.consentryStart = function (bindings) {
    compiled
      .then(function (module) {
        return bindings.init({ module_or_path: module });
      })
      .then(function () {
        whenPageAllows(function () {
          try {
            bindings.boot(configUrl, pendingConfig, replay);
          } catch (error) {
            failed(error);
          }
        });
      })
      .catch(failed);
  };
  (document.head || document.documentElement).appendChild(glue);
})();
