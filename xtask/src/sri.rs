//! Subresource Integrity: the `sha384-…` value of a file, as `integrity=` attributes and
//! `fetch(url, { integrity })` take it. Computed by Node's `crypto` (Node is already one of the
//! build's tools, for esbuild), so xtask stays std-only and implements no cryptography itself.

use std::path::Path;
use std::process::Command;

use crate::error::{bail, Result};

const SCRIPT: &str = "const c = require('crypto'), fs = require('fs');\
    for (const f of process.argv.slice(1)) \
    console.log('sha384-' + c.createHash('sha384').update(fs.readFileSync(f)).digest('base64'));";

const SHA256_SCRIPT: &str = "const c = require('crypto'), fs = require('fs');\
    for (const f of process.argv.slice(1)) console.log(c.createHash('sha256').update(fs.readFileSync(f)).digest('hex'));";

/// The SHA-256 of each file, in hex, in order (the language packs' content-addressed names).
pub fn sha256_hex(files: &[&Path]) -> Result<Vec<String>> {
    let output = Command::new("node").arg("-e").arg(SHA256_SCRIPT).args(files).output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) => bail!("hashing with node failed: {}", String::from_utf8_lossy(&output.stderr).trim()),
        Err(e) => bail!("could not run node to hash the language packs: {e}"),
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let hashes: Vec<String> = text.lines().map(str::to_string).collect();
    if hashes.len() != files.len() || hashes.iter().any(|h| h.len() != 64) {
        bail!("node printed unexpected hashes: {text}");
    }
    Ok(hashes)
}

/// The integrity value of each file, in order.
pub fn sha384(files: &[&Path]) -> Result<Vec<String>> {
    let output = Command::new("node").arg("-e").arg(SCRIPT).args(files).output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            bail!("hashing {} files with node failed: {}", files.len(), String::from_utf8_lossy(&output.stderr).trim())
        }
        Err(e) => bail!("could not run node to hash the built files: {e}"),
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let hashes: Vec<String> = text.lines().map(str::to_string).collect();
    // 48 bytes of SHA-384 are 64 base64 characters.
    if hashes.len() != files.len() || hashes.iter().any(|h| h.len() != "sha384-".len() + 64) {
        bail!("node printed unexpected hashes: {text}");
    }
    Ok(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_the_sri_examples() {
        let dir = std::env::temp_dir().join(format!("xtask-sri-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a"), dir.join("b"));
        std::fs::write(&a, "").unwrap();
        std::fs::write(&b, "abc").unwrap();
        let hashes = sha384(&[&a, &b]).unwrap();
        // SHA-384("") and SHA-384("abc") (FIPS 180-2 test vector), base64.
        assert_eq!(hashes[0], "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb");
        assert_eq!(hashes[1], "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn");
        assert!(sha384(&[&dir.join("missing")]).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
