//! Writes `$OUT_DIR/packs.rs`: every language pack (`model/src/i18n/packs/<tag>.json`) with the
//! SHA-256 of its bytes. `cargo xtask dist` copies each pack under a content-addressed name
//! (`consentry-lang-<tag>-<first 16 hex digits>.json`), and the widget fetches it with that digest
//! as its Subresource Integrity, so the browser refuses any other bytes.

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};

fn main() {
    let dir = Path::new("model/src/i18n/packs");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut tags: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".json").map(str::to_string))
        .collect();
    tags.sort();
    let mut out = String::from(
        "/// Every language pack: its tag and the SHA-256 of its file (written by `build.rs`).\n\
         pub const PACKS: &[(&str, [u8; 32])] = &[\n",
    );
    for tag in &tags {
        let path = dir.join(format!("{tag}.json"));
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let digest = Sha256::digest(&bytes);
        let bytes: Vec<String> = digest.iter().map(|b| format!("{b}")).collect();
        let _ = writeln!(out, "    (\"{tag}\", [{}]),", bytes.join(", "));
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}"))).join("packs.rs");
    std::fs::write(&target, out).unwrap_or_else(|e| panic!("writing {}: {e}", target.display()));
}
