//! Wrapping the wasm-bindgen glue in `src/loader.js` to make the embeddable `consentry.js`.
//!
//! The template is a plain IIFE with one marker comment; the glue goes there, so its
//! `let wasm_bindgen` is local to the IIFE and the script leaks no global. The checks below refuse
//! glue that would break that promise (another `--target`, or a future glue that assigns a global).

use crate::error::{bail, Result};

/// The line in `src/loader.js` that the glue replaces.
pub const GLUE_MARKER: &str = "/* @@CONSENTRY_WASM_BINDGEN_GLUE@@ */";

/// The template with `glue` pasted at the marker.
pub fn wrap(template: &str, glue: &str) -> Result<String> {
    match template.matches(GLUE_MARKER).count() {
        1 => {}
        n => {
            bail!("src/loader.js must contain the marker `{GLUE_MARKER}` exactly once (found {n})")
        }
    }
    if !glue.contains("let wasm_bindgen") {
        bail!(
            "the wasm-bindgen glue does not declare `let wasm_bindgen`; was it built with \
             `--target no-modules`? (wrapping it could leak a global)"
        );
    }
    if glue.contains("import.meta") || glue.lines().any(|l| l.starts_with("export ")) {
        bail!("the wasm-bindgen glue is an ES module; `consentry.js` must be a classic script");
    }
    Ok(template.replacen(GLUE_MARKER, glue.trim_end(), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "(function () {\n  /* @@CONSENTRY_WASM_BINDGEN_GLUE@@ */\n  go();\n})();\n";

    #[test]
    fn pastes_the_glue_inside_the_iife() {
        let out = wrap(TEMPLATE, "let wasm_bindgen;\n(function () {})();\n").expect("wraps");
        assert!(out.starts_with("(function () {\n  let wasm_bindgen;"));
        assert!(out.ends_with("go();\n})();\n"));
    }

    #[test]
    fn refuses_module_glue_and_bad_templates() {
        assert!(wrap(TEMPLATE, "export function boot() {}\nlet wasm_bindgen;").is_err());
        assert!(wrap(TEMPLATE, "var wasm_bindgen = 1;").is_err());
        assert!(wrap("(function () {})();", "let wasm_bindgen;").is_err());
    }
}
