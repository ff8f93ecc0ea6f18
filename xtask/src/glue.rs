//! The wasm-bindgen `--target no-modules` glue, made into the widget's second script
//! (`consentry-<hash>.js`), which only the loader (`consentry.js`, see `crate::loader`) loads.
//!
//! Two edits, each refused loudly if the glue no longer has the shape they expect:
//! - [`drop_stream_classes`]: Leptos always depends on `server_fn` with its `browser` feature, which
//!   pulls in `wasm-streams`; its `IntoUnderlying{Source,Sink,ByteSource}` are `#[wasm_bindgen]`
//!   classes, i.e. module *exports*, which neither LTO nor wasm-opt can remove. The widget never
//!   streams (no server functions), so `dist` drops the exports (`crate::wasm_module::drop_exports`)
//!   and their three JS classes here: about 5 KB raw wasm and 2 KB raw JS.
//! - [`wrap`]: the glue's `let wasm_bindgen` goes inside a function, so the script defines no global,
//!   and the glue hands its bindings to the loader through the `consentryStart` property the loader
//!   set on this very `<script>` element.

use crate::error::{bail, Result};

/// The `#[wasm_bindgen]` classes of `wasm-streams` the widget never uses.
const STREAM_CLASSES: [&str; 3] = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"];

/// Whether a module export belongs to one of [`STREAM_CLASSES`] (`intounderlyingsource_pull`,
/// `__wbg_intounderlyingsink_free`, …).
pub fn is_stream_export(name: &str) -> bool {
    name.trim_start_matches("__wbg_").starts_with("intounderlying")
}

/// The glue without the JS side of [`STREAM_CLASSES`]: each `class X { … }` block up to its
/// `exports.X = X;` line, and the three lines of its `XFinalization` registry.
pub fn drop_stream_classes(glue: &str) -> Result<String> {
    let mut lines: Vec<&str> = glue.lines().collect();
    for class in STREAM_CLASSES {
        let start = format!("    class {class} {{");
        let end = format!("    exports.{class} = {class};");
        let (Some(from), Some(to)) = (position(&lines, &start), position(&lines, &end)) else {
            bail!("the wasm-bindgen glue has no `{start}` … `{end}` block; has wasm-bindgen changed its output?");
        };
        if to < from {
            bail!("the wasm-bindgen glue's `{class}` block is not in the expected order");
        }
        lines.drain(from..=to);
        let registry = format!("    const {class}Finalization = ");
        let Some(at) = position(&lines, &registry) else {
            bail!("the wasm-bindgen glue has no `{}` line", registry.trim());
        };
        lines.drain(at..at + 3);
    }
    let out = lines.join("\n") + "\n";
    if out.to_lowercase().contains("intounderlying") {
        bail!("the wasm-bindgen glue still mentions a wasm-streams class after removing them");
    }
    Ok(out)
}

fn position(lines: &[&str], prefix: &str) -> Option<usize> {
    lines.iter().position(|l| l.starts_with(prefix))
}

/// The second script: `glue` inside a function that hands `wasm_bindgen` to the loader.
pub fn wrap(glue: &str, file_name: &str) -> Result<String> {
    if !glue.contains("let wasm_bindgen") {
        bail!(
            "the wasm-bindgen glue does not declare `let wasm_bindgen`; was it built with \
             `--target no-modules`? (wrapping it could leak a global)"
        );
    }
    if glue.contains("import.meta") || glue.lines().any(|l| l.starts_with("export ")) {
        bail!("the wasm-bindgen glue is an ES module; the widget's scripts must be classic scripts");
    }
    Ok(format!(
        "/*! Consentry | MIT OR Apache-2.0 */\n\
         (function () {{\n  \
         'use strict';\n  \
         var script = document.currentScript;\n  \
         var start = script && script.consentryStart;\n  \
         if (typeof start !== 'function') {{\n    \
         console.error('consentry: {file_name} is loaded by consentry.js; embed consentry.js, not this file');\n    \
         return;\n  \
         }}\n\
         {}\n  \
         start(wasm_bindgen);\n\
         }})();\n",
        glue.trim_end()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str) -> String {
        let lower = name.to_lowercase();
        format!("    class {name} {{\n        free() {{ wasm.__wbg_{lower}_free(0); }}\n    }}\n    exports.{name} = {name};\n")
    }

    fn registry(name: &str) -> String {
        format!(
            "    const {name}Finalization = (typeof FinalizationRegistry === 'undefined')\n        ? {{}}\n        : new FinalizationRegistry(ptr => wasm.__wbg_{}_free(ptr, 1));\n",
            name.to_lowercase()
        )
    }

    fn glue() -> String {
        let mut g = String::from("let wasm_bindgen = (function(exports) {\n");
        for c in STREAM_CLASSES {
            g += &class(c);
        }
        g += "    function boot() {}\n    exports.boot = boot;\n";
        for c in STREAM_CLASSES {
            g += &registry(c);
        }
        g += "    return exports;\n})({});\n";
        g
    }

    #[test]
    fn drops_the_three_stream_classes_and_their_registries_only() {
        let out = drop_stream_classes(&glue()).expect("expected shape");
        assert_eq!(
            out,
            "let wasm_bindgen = (function(exports) {\n    function boot() {}\n    exports.boot = boot;\n    return exports;\n})({});\n"
        );
    }

    #[test]
    fn refuses_glue_of_another_shape() {
        assert!(drop_stream_classes("let wasm_bindgen = 1;\n").is_err());
        let without_registry = glue().replace("    const IntoUnderlyingSinkFinalization = ", "    const Other = ");
        assert!(drop_stream_classes(&without_registry).is_err());
    }

    #[test]
    fn recognises_the_stream_exports() {
        assert!(is_stream_export("intounderlyingsource_pull"));
        assert!(is_stream_export("__wbg_intounderlyingsink_free"));
        assert!(!is_stream_export("boot"));
        assert!(!is_stream_export("__wbindgen_malloc"));
    }

    #[test]
    fn wraps_the_glue_in_a_function_that_hands_it_to_the_loader() {
        let out = wrap("let wasm_bindgen = (function(){})();\n", "consentry-0123.js").expect("wraps");
        assert!(out.starts_with("/*! Consentry"));
        assert!(out.contains("(function () {\n  'use strict';"));
        assert!(out.contains("let wasm_bindgen = (function(){})();\n  start(wasm_bindgen);\n})();\n"));
        assert!(out.contains("consentry-0123.js is loaded by consentry.js"));
        assert!(wrap("export function boot() {}\nlet wasm_bindgen;", "x.js").is_err());
        assert!(wrap("var wasm_bindgen = 1;", "x.js").is_err());
    }
}
