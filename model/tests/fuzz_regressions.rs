//! The `config_parse` fuzz target's check (`fuzz/src/config.rs`, compiled in here) over every committed
//! input: the seeds (`fuzz/corpus/config_parse/seed-*`) and the inputs that once failed
//! (`fuzz/regressions/config_parse/*`), on stable Rust without cargo-fuzz, so CI keeps every bug found
//! fixed. The receipt crate's targets are replayed by `receipt/tests/fuzz_regressions.rs`.

// The check panics (asserts) by design, like the fuzz target; helpers here unwrap for the same reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

#[path = "../../fuzz/src/config.rs"]
mod config;
#[path = "../../fuzz/src/replay.rs"]
mod replay;

use replay::{files, replay};

fn dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz").join(kind).join("config_parse")
}

fn replay_all(inputs: &[PathBuf]) {
    replay("config_parse", config::config_parse, inputs);
}

#[test]
fn the_target_exists_and_its_seeds_pass() {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/fuzz_targets/config_parse.rs");
    assert!(target.is_file(), "{} is missing", target.display());
    let seeds = files(&dir("corpus"), |n| n.starts_with("seed-"));
    assert!(seeds.len() >= 3, "fuzz/corpus/config_parse/ has too few seed-* files");
    replay_all(&seeds);
}

#[test]
fn the_seeds_include_an_accepted_configuration() {
    // Otherwise the check's properties would never run past the parser.
    let seeds = files(&dir("corpus"), |n| n.starts_with("seed-"));
    let accepted = seeds
        .iter()
        .filter(|p| consentry_model::config::Config::from_json(&std::fs::read_to_string(p).unwrap()).is_ok())
        .count();
    assert!(accepted >= 2, "{accepted} accepted seeds");
}

#[test]
fn inputs_that_once_failed_pass_the_check() {
    replay_all(&files(&dir("regressions"), |n| !n.starts_with('.')));
}
