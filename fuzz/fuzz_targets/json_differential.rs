//! `cargo +nightly fuzz run json_differential`: see [`consentry_fuzz::json_differential`] for what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consentry_fuzz::json_differential(data));
