//! `cargo xtask bench`: the receipt server's throughput figures (`server/benches/throughput.rs`:
//! receipts per second and p50/p99 latency on SQLite and PostgreSQL, beside
//! `openssl speed ecdsap256`), then the time to build an audit report over 1,000,000 receipts
//! (`server/benches/report.rs`: the report without its full `verify`, the `verify`, and the
//! dashboard's 30 days; the receipts are generated on the first run, a few minutes, and kept under
//! `target/tmp` for the next). Prints figures; asserts nothing about speed. Not part of
//! `cargo xtask test`.
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

/// The server's benchmarks that `cargo xtask bench` runs, in order.
const BENCHES: [&str; 2] = ["throughput", "report"];

/// Starts PostgreSQL if needed, then runs the benchmarks.
pub fn run_bench() -> Result<()> {
    setup::run_postgres()?;
    for bench in BENCHES {
        run(Command::new("cargo")
            .current_dir(root())
            .args(["bench", "--package", SERVER_PACKAGE, "--bench", bench])
            .env("CARGO_PROFILE_BENCH_OPT_LEVEL", "3")
            .env("CONSENTRY_TEST_POSTGRES_URL", postgres::test_url()))?;
    }
    Ok(())
}
