//! Replaying committed fuzz inputs through a target's check on stable Rust, without libFuzzer: the
//! shared part of `receipt/tests/fuzz_regressions.rs` and `model/tests/fuzz_regressions.rs`, which
//! compile this file in through `#[path]`.

use std::path::{Path, PathBuf};

/// A target's check: panics when its property fails.
pub type Check = fn(&[u8]);

/// The files of `dir` whose names pass `keep`, sorted; none when `dir` does not exist.
pub fn files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    files.sort();
    files
}

/// Runs `check` on each file, naming the file when it fails.
pub fn replay(target: &str, check: Check, inputs: &[PathBuf]) {
    for path in inputs {
        let data = std::fs::read(path).expect("a readable input");
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            panic!("fuzz target {target} fails on {}", path.display());
        }
    }
}
