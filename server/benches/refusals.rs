//! What a refusal costs the server: `intake::admit` (the checks every POST goes through before the
//! writer) on the widest receipt a client may send (32 KiB, an object of 2,100 members, the review's
//! finding #11), with a garbage signature and with a valid one, beside a normal receipt.
//!
//! `cargo bench -p consentry-server --bench refusals`. It prints figures; it asserts nothing about
//! speed (a refusal costing far more than a normal receipt would show here, not in a timed test).

// A benchmark harness: a failure to set up ends the run with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use consentry_receipt::json::Value;
use consentry_receipt::jws::{self, MAX_JWS_BYTES};
use consentry_receipt::testing::{key_from_seed, parts, rebuild, sample_jws};
use consentry_server::intake;

fn main() {
    let key = key_from_seed("refusal cost");
    let now = 1_800_000_000;
    let normal = sample_jws(&key, "0d9c2f4e-8a61-4b7e-9c3d-2f1e0a9b8c7d", now, None, true);
    // The widest payload: as many members as fit under the size limit once signed.
    let mut members = 0;
    let mut wide = String::new();
    for n in (100..=4000).step_by(100) {
        let payload = Value::Object((0..n).map(|i| (format!("k{i:05}"), Value::String("v".repeat(4)))).collect());
        let signed = jws::sign(&key, &payload);
        if signed.len() > MAX_JWS_BYTES {
            break;
        }
        (members, wide) = (n, signed);
    }
    let (header, payload, signature) = parts(&wide);
    let mut garbage = signature.into_bytes();
    garbage[10] = if garbage[10] == b'A' { b'B' } else { b'A' };
    let forged = rebuild(&header, &payload, &String::from_utf8(garbage).unwrap());
    println!("intake::admit per call (median of 9 runs of 200 calls; {members}-member payload, {} bytes)", wide.len());
    for (what, body, refused) in [
        ("normal receipt (admitted)", normal.as_str(), false),
        ("widest payload, garbage signature (refused)", forged.as_str(), true),
        ("widest payload, valid signature (refused by the schema)", wide.as_str(), true),
    ] {
        assert_eq!(intake::admit(body.as_bytes(), now).is_err(), refused, "{what}");
        let per_call = median(body, now);
        println!("  {what:<58} {:>8.1} µs", per_call.as_secs_f64() * 1e6);
    }
}

fn median(body: &str, now: i64) -> Duration {
    let mut runs: Vec<Duration> = (0..9)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..200 {
                let _ = black_box(intake::admit(black_box(body.as_bytes()), now));
            }
            started.elapsed() / 200
        })
        .collect();
    runs.sort();
    runs[4]
}
