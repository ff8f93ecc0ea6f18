//! `cargo +nightly fuzz run json_roundtrip`: see [`consentry_fuzz::json_roundtrip`] for what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consentry_fuzz::json_roundtrip(data));
