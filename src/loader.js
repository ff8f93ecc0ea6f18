/*! Consentry | MIT OR Apache-2.0 */
// Template of the embeddable `consentry.js`. `cargo xtask dist` pastes the wasm-bindgen
// `--target no-modules` glue where the GLUE marker is, then minifies the result.
//
// A site owner adds `<script src=".../consentry.js" data-config="..." async></script>`.
// This wrapper:
// - captures `document.currentScript` synchronously (it is null once anything has awaited);
// - loads `consentry.wasm` from the script's own directory, carrying the script's `?query`
//   over (so `consentry.js?v=3` fetches `consentry.wasm?v=3` and caches bust together);
// - calls the widget's `boot(configUrl)` with the absolute `data-config` URL, or undefined;
// - reports any failure as `consentry: ...` on the console and as a `consentry:error` event
//   (detail `{message}`) on `document`;
// - keeps the glue's `let wasm_bindgen` local to this function: it defines no global itself.
(function () {
  'use strict';

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

  if (!script || !script.src) {
    report(
      'cannot locate consentry.wasm: document.currentScript is null or has no src; ' +
        'load consentry.js with a classic <script src="..."> tag (not type="module")'
    );
    return;
  }

  var wasmUrl;
  var configUrl;
  try {
    var scriptUrl = new URL(script.src, document.baseURI);
    wasmUrl = new URL('consentry.wasm', scriptUrl);
    wasmUrl.search = scriptUrl.search;
    var config = (script.getAttribute('data-config') || '').trim();
    configUrl = config ? new URL(config, document.baseURI).href : undefined;
  } catch (error) {
    report('invalid script src or data-config URL: ' + describe(error));
    return;
  }

  /* @@CONSENTRY_WASM_BINDGEN_GLUE@@ */

  function fetchWasm() {
    return fetch(wasmUrl.href).then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status + ' for ' + wasmUrl.href);
      }
      return response;
    });
  }

  Promise.resolve()
    .then(function () {
      return wasm_bindgen({ module_or_path: fetchWasm() });
    })
    .then(function () {
      return wasm_bindgen.boot(configUrl);
    })
    .catch(function (error) {
      report('failed to start: ' + describe(error));
    });
})();
