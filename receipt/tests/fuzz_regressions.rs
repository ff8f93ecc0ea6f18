//! The fuzz targets' checks (`fuzz/src/lib.rs`, compiled in here) over every committed input: the
//! seeds (`fuzz/corpus/<target>/seed-*`) and the inputs that once failed (`fuzz/regressions/<target>/*`).
//! This replays them on stable Rust, without cargo-fuzz or libFuzzer, so CI keeps every bug found fixed.
//! Here serde_json has its default features (no `arbitrary_precision`): the checks adapt (see
//! `serde_keeps_number_text`).

// The checks panic (assert) by design, like the fuzz targets; helpers here unwrap for the same reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod checks;
#[path = "../../fuzz/src/replay.rs"]
mod replay;

use replay::{files, replay, Check};

/// Targets whose checks need `consentry-model`, replayed by `model/tests/fuzz_regressions.rs` instead.
const REPLAYED_BY_MODEL: [&str; 1] = ["config_parse"];

/// `(target, check)`: every file of `fuzz/fuzz_targets/` must be listed here or in [`REPLAYED_BY_MODEL`]
/// (see `every_target_is_replayed`).
const TARGETS: [(&str, Check); 5] = [
    ("b64", checks::b64),
    ("json_differential", checks::json_differential),
    ("json_roundtrip", checks::json_roundtrip),
    ("jws", checks::jws),
    ("receipt_from_json", checks::receipt_from_json),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

#[test]
fn every_target_is_replayed() {
    let mut on_disk: Vec<String> = files(&fuzz_dir().join("fuzz_targets"), |n| n.ends_with(".rs"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|name| !REPLAYED_BY_MODEL.contains(&name.as_str()))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(on_disk, listed, "fuzz/fuzz_targets/ and this file's TARGETS differ");
}

#[test]
fn the_seed_corpus_passes_every_check() {
    for (target, check) in TARGETS {
        let seeds = files(&fuzz_dir().join("corpus").join(target), |n| n.starts_with("seed-"));
        assert!(!seeds.is_empty(), "fuzz/corpus/{target}/ has no seed-* files");
        replay(target, check, &seeds);
    }
}

#[test]
fn inputs_that_once_failed_pass_every_check() {
    for (target, check) in TARGETS {
        let inputs = files(&fuzz_dir().join("regressions").join(target), |n| !n.starts_with('.'));
        replay(target, check, &inputs);
    }
}
