//! `cargo +nightly fuzz run b64`: see [`consentry_fuzz::b64`] for what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| consentry_fuzz::b64(data));
