//! The two things `dist` reads or changes in a WebAssembly module's bytes.
//!
//! - [`wasm_opt_flags`]: the features the module was compiled with, as `wasm-opt --enable-*` flags.
//!   rustc records them in the `target_features` custom section (kept by `strip = "debuginfo"`,
//!   lost with `strip = true`). wasm-opt must be told about every one of them — bulk memory,
//!   reference types, … — or it refuses the module or emits one that fails at run time.
//! - [`drop_exports`]: a copy of the module without some exports, so that wasm-opt can remove the
//!   code only they reach (see `crate::glue` for why the widget has exports it never uses).

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
    if module.len() < 8 || &module[..4] != b"\0asm" {
        bail!("not a WebAssembly module");
    }
    let mut out = module[..8].to_vec();
    let mut dropped = Vec::new();
    let mut r = Reader { bytes: module, pos: 8 };
    while r.pos < module.len() {
        let start = r.pos;
        let id = r.byte()?;
        let size = r.leb()? as usize;
        let body = r.pos;
        let Some(end) = body.checked_add(size).filter(|&e| e <= module.len()) else {
            bail!("truncated WebAssembly section")
        };
        if id != 7 {
            out.extend_from_slice(&module[start..end]);
            r.pos = end;
            continue;
        }
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
        out.push(7);
        write_leb(&mut out, section.len() as u32);
        out.extend(section);
    }
    Ok((out, dropped))
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
    if module.len() < 8 || &module[..4] != b"\0asm" {
        bail!("not a WebAssembly module");
    }
    let mut r = Reader { bytes: module, pos: 8 };
    while r.pos < module.len() {
        let id = r.byte()?;
        let size = r.leb()? as usize;
        let end = r.pos.checked_add(size).filter(|&e| e <= module.len());
        let Some(end) = end else { bail!("truncated WebAssembly section") };
        if id == 0 && r.name()? == "target_features" {
            let count = r.leb()?;
            let mut features = Vec::new();
            for _ in 0..count {
                let prefix = r.byte()?;
                features.push((prefix, r.name()?));
            }
            return Ok(Some(features));
        }
        r.pos = end;
    }
    Ok(None)
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
        let mut truncated = with_exports(&["boot"]);
        truncated.truncate(12);
        assert!(drop_exports(&truncated, |_| true).is_err());
    }

    #[test]
    fn a_module_without_the_section_is_refused() {
        assert!(wasm_opt_flags(b"\0asm\x01\0\0\0").is_err());
        assert!(wasm_opt_flags(b"not wasm").is_err());
    }
}
