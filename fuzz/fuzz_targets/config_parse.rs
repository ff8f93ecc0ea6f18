//! `cargo +nightly fuzz run config_parse`: see `fuzz/src/config.rs` for what it checks.

#![no_main]

#[path = "../src/config.rs"]
mod config;

libfuzzer_sys::fuzz_target!(|data: &[u8]| config::config_parse(data));
