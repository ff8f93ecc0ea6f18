//! The WebAssembly features a module was compiled with, as `wasm-opt --enable-*` flags.
//!
//! rustc records them in the `target_features` custom section (kept by `strip = "debuginfo"`,
//! lost with `strip = true`). wasm-opt must be told about every one of them — bulk memory,
//! reference types, … — or it refuses the module or emits one that fails at run time.

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

    #[test]
    fn a_module_without_the_section_is_refused() {
        assert!(wasm_opt_flags(b"\0asm\x01\0\0\0").is_err());
        assert!(wasm_opt_flags(b"not wasm").is_err());
    }
}
