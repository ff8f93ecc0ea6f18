//! `cargo xtask bench`: the receipt server's throughput figures (`server/benches/throughput.rs`:
//! receipts per second and p50/p99 latency on SQLite and PostgreSQL, beside
//! `openssl speed ecdsap256`). Prints figures; asserts nothing about speed.
//!
//! The workspace's release profile is tuned for the widget's download size (`opt-level = "z"`),
//! which makes the server's crypto and parsing about twice as slow; the benchmark overrides the
//! optimisation level to 3, as a server deployment should be built.

use std::process::Command;

use crate::error::Result;
use crate::postgres;
use crate::process::run;
use crate::setup;
use crate::workspace::{root, SERVER_PACKAGE};

/// Starts PostgreSQL if needed, then runs the benchmark.
pub fn run_bench() -> Result<()> {
    setup::run_postgres()?;
    run(Command::new("cargo")
        .current_dir(root())
        .args(["bench", "--package", SERVER_PACKAGE, "--bench", "throughput"])
        .env("CARGO_PROFILE_BENCH_OPT_LEVEL", "3")
        .env("CONSENTRY_TEST_POSTGRES_URL", postgres::test_url()))
}
