//! `cargo +nightly fuzz run receipt_from_json`: see [`consentry_fuzz::receipt_from_json`] for what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consentry_fuzz::receipt_from_json(data));
