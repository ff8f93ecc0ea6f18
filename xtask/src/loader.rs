//! `consentry.js`, the loader a site owner embeds, from its template `src/loader.js`.
//!
//! The template is a plain IIFE with one marker, the file stem of the build's two other files
//! (`consentry-<hash>` → `consentry-<hash>.wasm` and `consentry-<hash>.js`, see `crate::glue`).

use crate::error::{bail, Result};

/// The string in `src/loader.js` that the file stem replaces.
pub const MODULE_MARKER: &str = "@@CONSENTRY_MODULE@@";

/// The template with `stem` at the marker.
pub fn render(template: &str, stem: &str) -> Result<String> {
    match template.matches(MODULE_MARKER).count() {
        1 => {}
        n => bail!("src/loader.js must contain the marker `{MODULE_MARKER}` exactly once (found {n})"),
    }
    if !stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        bail!("the module file stem `{stem}` must be letters, digits and dashes (it is pasted into a JS string)");
    }
    Ok(template.replacen(MODULE_MARKER, stem, 1))
}

/// `consentry-<16 hex digits>`: a stem that changes whenever the wasm or the glue changes, so both
/// files can be served as immutable (FNV-1a 64 of their bytes: a cache key, not a security check).
pub fn stem(wasm: &[u8], glue: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in wasm.iter().chain(glue) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("consentry-{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pastes_the_stem_once() {
        let out = render("var MODULE = '@@CONSENTRY_MODULE@@';", "consentry-00ff").expect("renders");
        assert_eq!(out, "var MODULE = 'consentry-00ff';");
        assert!(render("var MODULE = '';", "consentry-00ff").is_err());
        assert!(render("'@@CONSENTRY_MODULE@@' '@@CONSENTRY_MODULE@@'", "consentry-00ff").is_err());
        assert!(render("'@@CONSENTRY_MODULE@@'", "x'; alert(1); '").is_err());
    }

    #[test]
    fn the_stem_follows_both_files() {
        let a = stem(b"wasm", b"glue");
        assert_eq!(a.len(), "consentry-".len() + 16);
        assert_eq!(a, stem(b"wasm", b"glue"));
        assert_ne!(a, stem(b"wasm", b"glue2"));
        assert_ne!(a, stem(b"wasm2", b"glue"));
        // FNV-1a 64 of the empty input is its offset basis.
        assert_eq!(stem(b"", b""), "consentry-cbf29ce484222325");
    }

    #[test]
    fn the_shipped_template_renders() {
        let template = include_str!("../../src/loader.js");
        let out = render(template, "consentry-0123456789abcdef").expect("renders");
        assert!(out.contains("var MODULE = 'consentry-0123456789abcdef';"));
    }
}
