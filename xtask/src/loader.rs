//! `consentry.js`, the loader a site owner embeds, from its template `src/loader.js`.
//!
//! The template is a plain IIFE with three markers: the file stem of the build's two other files
//! (`consentry-<hash>` → `consentry-<hash>.wasm` and `consentry-<hash>.js`, see `crate::glue`) and
//! their integrity values (`sha384-…`, see `crate::sri`), plus two lists of chunks it may fetch
//! beside the module ([`PACK_CHUNKS_MARKER`], [`COOKIE_CHUNKS_MARKER`]).

use crate::error::{bail, Result};

/// The string in `src/loader.js` that the file stem replaces.
pub const MODULE_MARKER: &str = "@@CONSENTRY_MODULE@@";
/// The strings the integrity values of the module and of the bindings script replace.
pub const WASM_INTEGRITY_MARKER: &str = "@@CONSENTRY_WASM_INTEGRITY@@";
/// See [`WASM_INTEGRITY_MARKER`].
pub const GLUE_INTEGRITY_MARKER: &str = "@@CONSENTRY_GLUE_INTEGRITY@@";

/// Opens a part of the template that only the loader with vendor signals keeps.
pub const SIGNALS_OPEN: &str = "/*<signals>*/";
/// Closes it.
pub const SIGNALS_CLOSE: &str = "/*</signals>*/";
/// The loader with the vendors' consent signals (`integrations`): the same loader plus their
/// defaults and updates. Sites that signal no vendor embed `consentry.js` and do not download them.
pub const SIGNALS_LOADER: &str = "consentry-signals.js";

/// The template for one of the two loaders: with `signals`, the marked parts stay (their markers
/// go); without, they go. Markers must pair up, in order, without nesting.
pub fn variant(template: &str, signals: bool) -> Result<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut parts = 0;
    while let Some(open) = rest.find(SIGNALS_OPEN) {
        let after = &rest[open + SIGNALS_OPEN.len()..];
        let Some(close) = after.find(SIGNALS_CLOSE) else {
            bail!("src/loader.js: {SIGNALS_OPEN} without {SIGNALS_CLOSE}")
        };
        if after[..close].contains(SIGNALS_OPEN) {
            bail!("src/loader.js: {SIGNALS_OPEN} inside another");
        }
        out.push_str(&rest[..open]);
        if signals {
            out.push_str(&after[..close]);
        }
        rest = &after[close + SIGNALS_CLOSE.len()..];
        parts += 1;
    }
    if rest.contains(SIGNALS_CLOSE) {
        bail!("src/loader.js: {SIGNALS_CLOSE} without {SIGNALS_OPEN}");
    }
    if parts == 0 {
        bail!("src/loader.js has no {SIGNALS_OPEN} part");
    }
    out.push_str(rest);
    Ok(out)
}

/// The template with `stem` and the two integrity values (`sha384-…`) at their markers.
pub fn render(template: &str, stem: &str, wasm_integrity: &str, glue_integrity: &str) -> Result<String> {
    for marker in [MODULE_MARKER, WASM_INTEGRITY_MARKER, GLUE_INTEGRITY_MARKER] {
        match template.matches(marker).count() {
            1 => {}
            n => bail!("src/loader.js must contain the marker `{marker}` exactly once (found {n})"),
        }
    }
    if !stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        bail!("the module file stem `{stem}` must be letters, digits and dashes (it is pasted into a JS string)");
    }
    for integrity in [wasm_integrity, glue_integrity] {
        let plain = integrity.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'/' | b'='));
        if !integrity.starts_with("sha384-") || !plain {
            bail!("`{integrity}` is not an sha384 integrity value (it is pasted into a JS string)");
        }
    }
    Ok(template.replacen(MODULE_MARKER, stem, 1).replacen(WASM_INTEGRITY_MARKER, wasm_integrity, 1).replacen(
        GLUE_INTEGRITY_MARKER,
        glue_integrity,
        1,
    ))
}

/// Where the chunks of the language packs' code go: `/*@@…@@*/[]`, a JS array literal.
pub const PACK_CHUNKS_MARKER: &str = "/*@@CONSENTRY_PACK_CHUNKS@@*/[]";
/// Where the chunks of the cookie storage mode go (see [`PACK_CHUNKS_MARKER`]).
pub const COOKIE_CHUNKS_MARKER: &str = "/*@@CONSENTRY_COOKIE_CHUNKS@@*/[]";

/// `rendered` with `marker` ([`PACK_CHUNKS_MARKER`], [`COOKIE_CHUNKS_MARKER`]) replaced by chunks
/// the loader may fetch beside the module (when the page's language is likely to need a language
/// pack; when the configuration asks for cookie storage): `[name, integrity]` pairs, the file being
/// `<stem>-<name>.wasm` (none in a build without code splitting).
pub fn with_chunks(rendered: &str, marker: &str, chunks: &[(String, String)]) -> Result<String> {
    match rendered.matches(marker).count() {
        1 => {}
        n => bail!("src/loader.js must contain the marker `{marker}` exactly once (found {n})"),
    }
    let mut list = Vec::new();
    for (name, integrity) in chunks {
        let plain_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let plain = integrity.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'/' | b'='));
        if !plain_name || !integrity.starts_with("sha384-") || !plain {
            bail!("`{name}` / `{integrity}` is not a chunk name and its sha384 (they are pasted into a JS array)");
        }
        list.push(format!("['{name}','{integrity}']"));
    }
    Ok(rendered.replacen(marker, &format!("[{}]", list.join(",")), 1))
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
    fn pastes_the_stem_and_the_integrity_values_once() {
        let template = "var MODULE = '@@CONSENTRY_MODULE@@'; var W = '@@CONSENTRY_WASM_INTEGRITY@@'; var G = '@@CONSENTRY_GLUE_INTEGRITY@@';";
        let out = render(template, "consentry-00ff", "sha384-AAAA+/=", "sha384-BBBB").expect("renders");
        assert_eq!(out, "var MODULE = 'consentry-00ff'; var W = 'sha384-AAAA+/='; var G = 'sha384-BBBB';");
        let ok = |t: &str| render(t, "consentry-00ff", "sha384-A", "sha384-B");
        assert!(ok("var MODULE = '';").is_err());
        assert!(ok(&template.replace("@@CONSENTRY_GLUE_INTEGRITY@@", "")).is_err());
        assert!(ok(&format!("{template} '@@CONSENTRY_MODULE@@'")).is_err());
        assert!(render(template, "x'; alert(1); '", "sha384-A", "sha384-B").is_err());
        assert!(render(template, "consentry-00ff", "sha384-A'; alert(1)", "sha384-B").is_err());
        assert!(render(template, "consentry-00ff", "md5-A", "sha384-B").is_err());
    }

    #[test]
    fn pastes_the_chunks_as_an_array() {
        let template = "var C = /*@@CONSENTRY_PACK_CHUNKS@@*/[];";
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
        let two = pairs(&[("shared-7", "sha384-A+/="), ("packs", "sha384-B")]);
        assert_eq!(
            with_chunks(template, PACK_CHUNKS_MARKER, &two).unwrap(),
            "var C = [['shared-7','sha384-A+/='],['packs','sha384-B']];"
        );
        assert_eq!(with_chunks(template, PACK_CHUNKS_MARKER, &[]).unwrap(), "var C = [];");
        assert!(with_chunks("var C = [];", PACK_CHUNKS_MARKER, &[]).is_err());
        assert!(with_chunks(template, PACK_CHUNKS_MARKER, &pairs(&[("x'];alert(1);//", "sha384-A")])).is_err());
        assert!(with_chunks(template, PACK_CHUNKS_MARKER, &pairs(&[("packs", "sha384-A'")])).is_err());
        assert!(with_chunks(template, PACK_CHUNKS_MARKER, &pairs(&[("", "sha384-A")])).is_err());
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
    fn the_signals_parts_stay_or_go_whole() {
        let t = "a /*<signals>*/b/*</signals>*/ c /*<signals>*/d/*</signals>*/";
        assert_eq!(variant(t, true).unwrap(), "a b c d");
        assert_eq!(variant(t, false).unwrap(), "a  c ");
        for bad in ["a", "a /*<signals>*/b", "a /*</signals>*/", "/*<signals>*/ /*<signals>*/ /*</signals>*/"] {
            assert!(variant(bad, true).is_err(), "{bad}");
        }
        let template = include_str!("../../src/loader.js");
        let plain = variant(template, false).unwrap();
        assert!(!plain.contains("consentObject") && !plain.contains("security.signals"), "no vendor code");
        assert!(variant(template, true).unwrap().contains("security.signals = signals"));
    }

    #[test]
    fn the_shipped_template_renders() {
        let template = include_str!("../../src/loader.js");
        let out = render(template, "consentry-0123456789abcdef", "sha384-W", "sha384-G").expect("renders");
        let out = with_chunks(&out, PACK_CHUNKS_MARKER, &[]).expect("has the pack chunks' marker");
        let out = with_chunks(&out, COOKIE_CHUNKS_MARKER, &[]).expect("has the cookie chunks' marker");
        assert!(out.contains("var MODULE = 'consentry-0123456789abcdef';"));
        assert!(out.contains("var WASM_INTEGRITY = 'sha384-W';") && out.contains("var GLUE_INTEGRITY = 'sha384-G';"));
    }
}
