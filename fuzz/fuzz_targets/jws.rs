//! `cargo +nightly fuzz run jws`: see [`consentry_fuzz::jws`] for what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consentry_fuzz::jws(data));
