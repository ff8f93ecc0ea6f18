//! The two things `dist` reads or changes in a WebAssembly module's bytes.
//!
//! - [`wasm_opt_flags`]: the features the module was compiled with, as `wasm-opt --enable-*` flags.
//!   rustc records them in the `target_features` custom section (kept by `strip = "debuginfo"`,
//!   lost with `strip = true`). wasm-opt must be told about every one of them — bulk memory,
//!   reference types, … — or it refuses the module or emits one that fails at run time.
//! - [`drop_exports`]: a copy of the module without some exports, so that wasm-opt can remove the
//!   code only they reach (see `crate::glue` for why the widget has exports it never uses).
//! - [`shorten_names`]: a copy with short names for the imports from the bindings and for some
//!   exports. wasm-bindgen names each import after the JS function with a 16-digit hash
//!   (`__wbg_new_with_str_sequence_and_options_ea4ce88081790553`) and each closure shim after its
//!   full Rust type; the names travel twice (module and glue) and brotli cannot shrink hashes.

use crate::error::{bail, Result};

/// The `--enable-*` flags for every feature the module declares as used (`+`).
pub fn wasm_opt_flags(module: &[u8]) -> Result<Vec<String>> {
    let Some(features) = target_features(module)? else {
        bail!(
            "the module has no `target_features` section, so wasm-opt cannot know its features \
             (is `strip = true` set in the release profile? use `strip = \"debuginfo\"`)"
        );
    };
    let flags = features
        .iter()
        .filter(|(prefix, _)| *prefix == b'+')
        .map(|(_, name)| format!("--enable-{}", binaryen_name(name)))
        .collect();
    Ok(flags)
}

/// The module without the exports whose names `drop` accepts, and the names it dropped. Only the
/// export section changes; the functions become unreachable and `wasm-opt` removes them.
pub fn drop_exports(module: &[u8], drop: impl Fn(&str) -> bool) -> Result<(Vec<u8>, Vec<String>)> {
    let sections = sections(module)?;
    let mut out = module[..8].to_vec();
    let mut dropped = Vec::new();
    for Section { id, start, body, end } in sections {
        if id != 7 {
            out.extend_from_slice(&module[start..end]);
            continue;
        }
        let mut r = Reader { bytes: module, pos: body };
        let count = r.leb()?;
        let mut kept = Vec::new();
        let mut kept_count = 0u32;
        for _ in 0..count {
            let entry = r.pos;
            let name = r.name()?;
            let _kind = r.byte()?;
            let _index = r.leb()?;
            if drop(&name) {
                dropped.push(name);
            } else {
                kept.extend_from_slice(&module[entry..r.pos]);
                kept_count += 1;
            }
        }
        if r.pos != end {
            bail!("malformed export section");
        }
        let mut section = Vec::new();
        write_leb(&mut section, kept_count);
        section.extend(kept);
        push_section(&mut out, 7, &section);
    }
    Ok((out, dropped))
}

/// The module with the function imports of `module_name` and the exports `export` accepts renamed to
/// short names (`a`, `b`, … `aa`, …; imports and exports numbered apart), and the `(old, new)` pairs
/// of each. Nothing but those names changes.
pub fn shorten_names(module: &[u8], module_name: &str, export: impl Fn(&str) -> bool) -> Result<Shortened> {
    let sections = sections(module)?;
    let mut out = module[..8].to_vec();
    let mut names = Shortened::default();
    for Section { id, start, body, end } in sections {
        if id != 2 && id != 7 {
            out.extend_from_slice(&module[start..end]);
            continue;
        }
        let mut r = Reader { bytes: module, pos: body };
        let count = r.leb()?;
        let mut section = Vec::new();
        write_leb(&mut section, count);
        for _ in 0..count {
            if id == 2 {
                let module_at = r.pos;
                let from = r.name()?;
                let field_at = r.pos;
                let field = r.name()?;
                let desc_at = r.pos;
                let kind = r.byte()?;
                r.import_descriptor(kind)?;
                section.extend_from_slice(&module[module_at..field_at]);
                if kind == 0 && from == module_name {
                    let short = short_name(names.imports.len());
                    write_name(&mut section, &short);
                    names.imports.push((field, short));
                } else {
                    section.extend_from_slice(&module[field_at..desc_at]);
                }
                section.extend_from_slice(&module[desc_at..r.pos]);
            } else {
                let name = r.name()?;
                let rest = r.pos;
                r.byte()?;
                r.leb()?;
                if export(&name) {
                    let short = short_name(names.exports.len());
                    write_name(&mut section, &short);
                    names.exports.push((name, short));
                } else {
                    write_name(&mut section, &name);
                }
                section.extend_from_slice(&module[rest..r.pos]);
            }
        }
        if r.pos != end {
            bail!("malformed import or export section");
        }
        push_section(&mut out, id, &section);
    }
    names.module = out;
    Ok(names)
}

/// What [`shorten_names`] made: the module and the renamings.
#[derive(Debug, Default)]
pub struct Shortened {
    /// The module with the short names.
    pub module: Vec<u8>,
    /// `(old, new)` for each renamed import.
    pub imports: Vec<(String, String)>,
    /// `(old, new)` for each renamed export.
    pub exports: Vec<(String, String)>,
}

/// The `n`th short name: `a` … `z`, `A` … `Z`, `aa`, `ab`, …, skipping JS keywords (`do`, `if`, `in`).
fn short_name(n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut seen = 0;
    for len in 1.. {
        let total = LETTERS.len().pow(len);
        for i in 0..total {
            let mut name = String::new();
            let mut rest = i;
            for _ in 0..len {
                name.insert(0, LETTERS[rest % LETTERS.len()] as char);
                rest /= LETTERS.len();
            }
            if matches!(name.as_str(), "do" | "if" | "in") {
                continue;
            }
            if seen == n {
                return name;
            }
            seen += 1;
        }
    }
    unreachable!("the name lengths are unbounded")
}

fn write_name(out: &mut Vec<u8>, name: &str) {
    write_leb(out, name.len() as u32);
    out.extend_from_slice(name.as_bytes());
}

fn write_leb(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// LLVM's feature name → binaryen's, where they differ.
fn binaryen_name(llvm: &str) -> &str {
    match llvm {
        "nontrapping-fptoint" => "nontrapping-float-to-int",
        "simd128" => "simd",
        other => other,
    }
}

/// The `(prefix, name)` entries of the `target_features` section, if the module has one.
fn target_features(module: &[u8]) -> Result<Option<Vec<(u8, String)>>> {
    for section in sections(module)?.into_iter().filter(|s| s.id == 0) {
        let mut r = Reader { bytes: module, pos: section.body };
        if r.name()? == "target_features" {
            let count = r.leb()?;
            let mut features = Vec::new();
            for _ in 0..count {
                let prefix = r.byte()?;
                features.push((prefix, r.name()?));
            }
            return Ok(Some(features));
        }
    }
    Ok(None)
}

/// One section of a module: its id, where it starts (its id byte), where its body starts and its end.
struct Section {
    id: u8,
    start: usize,
    body: usize,
    end: usize,
}

/// The sections of `module` in order, after its header (magic number and version).
fn sections(module: &[u8]) -> Result<Vec<Section>> {
    if module.len() < 8 || &module[..4] != b"\0asm" {
        bail!("not a WebAssembly module");
    }
    let mut out = Vec::new();
    let mut r = Reader { bytes: module, pos: 8 };
    while r.pos < module.len() {
        let start = r.pos;
        let id = r.byte()?;
        let size = r.leb()? as usize;
        let body = r.pos;
        let Some(end) = body.checked_add(size).filter(|&e| e <= module.len()) else {
            bail!("truncated WebAssembly section")
        };
        out.push(Section { id, start, body, end });
        r.pos = end;
    }
    Ok(out)
}

/// Appends a section: `id`, the size of `body`, `body`.
fn push_section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
    out.push(id);
    write_leb(out, body.len() as u32);
    out.extend_from_slice(body);
}

/// A cursor over the module bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8> {
        let Some(&b) = self.bytes.get(self.pos) else { bail!("truncated WebAssembly module") };
        self.pos += 1;
        Ok(b)
    }

    /// An unsigned LEB128 number of at most 32 bits.
    fn leb(&mut self) -> Result<u32> {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        bail!("malformed LEB128 number in WebAssembly module")
    }

    /// Skips an import's descriptor of `kind` (function, table, memory, global, tag).
    fn import_descriptor(&mut self, kind: u8) -> Result<()> {
        match kind {
            0 => _ = self.leb()?,
            1 => {
                self.byte()?;
                self.limits()?;
            }
            2 => self.limits()?,
            3 => {
                let valtype = self.byte()?;
                if !matches!(valtype, 0x7f | 0x7e | 0x7d | 0x7c | 0x7b | 0x70 | 0x6f) {
                    bail!("unsupported global type {valtype:#x} in an import");
                }
                self.byte()?;
            }
            4 => {
                self.byte()?;
                self.leb()?;
            }
            other => bail!("unknown import kind {other}"),
        }
        Ok(())
    }

    /// Table or memory limits (32-bit).
    fn limits(&mut self) -> Result<()> {
        let flags = self.byte()?;
        if flags & !0x03 != 0 {
            bail!("unsupported limits flags {flags:#x}");
        }
        self.leb()?;
        if flags & 0x01 != 0 {
            self.leb()?;
        }
        Ok(())
    }

    /// A length-prefixed UTF-8 name.
    fn name(&mut self) -> Result<String> {
        let len = self.leb()? as usize;
        let Some(bytes) = self.bytes.get(self.pos..self.pos + len) else {
            bail!("truncated name in WebAssembly module")
        };
        self.pos += len;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom_section(name: &str, payload: &[u8]) -> Vec<u8> {
        let mut body = vec![name.len() as u8];
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(payload);
        let mut section = vec![0, body.len() as u8];
        section.extend(body);
        section
    }

    #[test]
    fn reads_used_features_as_binaryen_flags() {
        let mut payload = vec![3];
        for (prefix, name) in [(b'+', "bulk-memory"), (b'-', "simd128"), (b'+', "nontrapping-fptoint")] {
            payload.push(prefix);
            payload.push(name.len() as u8);
            payload.extend_from_slice(name.as_bytes());
        }
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.extend(custom_section("producers", &[0]));
        module.extend(custom_section("target_features", &payload));
        let flags = wasm_opt_flags(&module).expect("valid module");
        assert_eq!(flags, ["--enable-bulk-memory", "--enable-nontrapping-float-to-int"]);
    }

    /// A module with one export section holding `names` (all functions 0..n) and a custom section after it.
    fn with_exports(names: &[&str]) -> Vec<u8> {
        let mut body = vec![names.len() as u8];
        for (i, name) in names.iter().enumerate() {
            body.push(name.len() as u8);
            body.extend_from_slice(name.as_bytes());
            body.extend([0, i as u8]);
        }
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.extend([7, body.len() as u8]);
        module.extend(body);
        module.extend(custom_section("producers", &[0]));
        module
    }

    #[test]
    fn drops_only_the_named_exports_and_keeps_the_rest_byte_for_byte() {
        let module = with_exports(&["boot", "intounderlyingsource_pull", "memory", "__wbg_intounderlyingsink_free"]);
        let (out, dropped) = drop_exports(&module, |n| n.contains("intounderlying")).expect("valid module");
        assert_eq!(dropped, ["intounderlyingsource_pull", "__wbg_intounderlyingsink_free"]);
        let mut expected = with_exports(&["boot", "memory"]);
        // Function indexes are kept as they were (0 and 2), not renumbered.
        let memory = expected.iter().position(|&b| b == b'y').expect("memory") + 2;
        expected[memory] = 2;
        assert_eq!(out, expected);
        let (same, none) = drop_exports(&module, |_| false).expect("valid module");
        assert_eq!((same, none.len()), (module, 0));
    }

    #[test]
    fn dropping_from_a_broken_module_fails() {
        assert!(drop_exports(b"not wasm", |_| true).is_err());
        assert!(drop_exports(b"\0as", |_| true).is_err(), "shorter than a header");
        let mut truncated = with_exports(&["boot"]);
        truncated.truncate(12);
        assert!(drop_exports(&truncated, |_| true).is_err());
    }

    /// A module with an import section (`(module, field, kind)`, functions of type 0, one memory)
    /// and an export section (all functions 0..n).
    fn with_imports_and_exports(imports: &[(&str, &str, u8)], exports: &[&str]) -> Vec<u8> {
        let mut body = vec![imports.len() as u8];
        for (module, field, kind) in imports {
            for name in [module, field] {
                body.push(name.len() as u8);
                body.extend_from_slice(name.as_bytes());
            }
            body.push(*kind);
            match kind {
                0 => body.push(0),
                2 => body.extend([1, 17, 32]),
                _ => unreachable!("only functions and memories in these tests"),
            }
        }
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.push(2);
        write_leb(&mut module, body.len() as u32);
        module.extend(body);
        let with_exports = with_exports(exports);
        module.extend_from_slice(&with_exports[8..]);
        module
    }

    #[test]
    fn shortens_only_the_bindings_imports_and_the_chosen_exports() {
        let module = with_imports_and_exports(
            &[
                ("./consentry_bg.js", "__wbg_new_ba40181b3f24ac80", 0),
                ("./__wasm_split.js", "__wasm_split_load", 0),
                ("./consentry_bg.js", "memory_is_not_a_function", 2),
                ("./consentry_bg.js", "__wbg_call_fc92fee6137d452d", 0),
            ],
            &["boot", "wasm_bindgen_invoke_long", "memory", "__wbindgen_malloc"],
        );
        let short = shorten_names(&module, "./consentry_bg.js", |n| {
            n.starts_with("wasm_bindgen_") || n.starts_with("__wbindgen_")
        })
        .expect("valid module");
        let pairs = |v: &[(String, String)]| v.iter().map(|(a, b)| format!("{a}>{b}")).collect::<Vec<_>>();
        assert_eq!(pairs(&short.imports), ["__wbg_new_ba40181b3f24ac80>a", "__wbg_call_fc92fee6137d452d>b"]);
        assert_eq!(pairs(&short.exports), ["wasm_bindgen_invoke_long>a", "__wbindgen_malloc>b"]);
        let expected = with_imports_and_exports(
            &[
                ("./consentry_bg.js", "a", 0),
                ("./__wasm_split.js", "__wasm_split_load", 0),
                ("./consentry_bg.js", "memory_is_not_a_function", 2),
                ("./consentry_bg.js", "b", 0),
            ],
            &["boot", "a", "memory", "b"],
        );
        assert_eq!(short.module, expected);
        assert!(shorten_names(b"not wasm", "m", |_| true).is_err());
    }

    #[test]
    fn short_names_are_unique_and_never_keywords() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!((names[0].as_str(), names[51].as_str(), names[52].as_str()), ("a", "Z", "aa"));
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        assert!(!names.iter().any(|n| ["do", "if", "in"].contains(&n.as_str())));
    }

    #[test]
    fn a_module_without_the_section_is_refused() {
        assert!(wasm_opt_flags(b"\0asm\x01\0\0\0").is_err());
        assert!(wasm_opt_flags(b"not wasm").is_err());
    }
}
