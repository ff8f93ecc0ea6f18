//! `cargo xtask test`: every tier of tests, in order, stopping at the first failure.
//!
//! Stages: set-up (PostgreSQL included) → native unit tests → receipt server tests (on a SQLite
//! file and on the PostgreSQL set-up started, each test in a fresh database; this also builds the
//! `target/debug/consentry-server` that `tests/e2e/server.test.mjs` runs) → browser tests
//! (`wasm-bindgen-test` in headless Chromium) → `dist` (release) → end-to-end tests
//! (`node --test tests/e2e/*.test.mjs`, which load `dist/` the way a site owner's page does).
//! Each stage's wall time is printed, and a summary at the end.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::dist::{self, Profile};
use crate::error::{Context, Result};
use crate::postgres;
use crate::process::{format_duration, run};
use crate::setup::{self, CHROMEDRIVER};
use crate::workspace::{root, SERVER_PACKAGE, WASM_TARGET, WIDGET_PACKAGE};

/// Seconds a browser test may take before `wasm-bindgen-test-runner` gives up (the machine is slow).
const BROWSER_TEST_TIMEOUT: &str = "120";

/// Runs all stages; prints the timing summary even when one fails.
pub fn run_tests() -> Result<()> {
    let mut timings = Vec::new();
    let result = run_stages(&mut timings);
    println!("\ntest summary:");
    for (name, took, ok) in &timings {
        let status = if *ok { "ok" } else { "FAILED" };
        println!("  {name:<16} {status:<7} {}", format_duration(*took));
    }
    let total: Duration = timings.iter().map(|(_, took, _)| *took).sum();
    println!("  {:<16} {:<7} {}", "total", "", format_duration(total));
    result
}

type Timings = Vec<(&'static str, Duration, bool)>;

fn run_stages(timings: &mut Timings) -> Result<()> {
    stage(timings, "setup", || setup::run_all(&setup::Options { demo: false, postgres: true }))?;
    stage(timings, "native tests", native_tests)?;
    stage(timings, "server tests", server_tests)?;
    stage(timings, "browser tests", browser_tests)?;
    stage(timings, "dist", || dist::run_dist(&dist::Options { out: dist_dir(), profile: Profile::Release }))?;
    stage(timings, "e2e tests", e2e_tests)
}

/// Runs one stage between two banner lines and records its wall time.
fn stage(timings: &mut Timings, name: &'static str, body: impl FnOnce() -> Result<()>) -> Result<()> {
    println!("\n==> {name}");
    let started = Instant::now();
    let result = body();
    let took = started.elapsed();
    let status = if result.is_ok() { "ok" } else { "FAILED" };
    println!("==> {name}: {status} in {}", format_duration(took));
    timings.push((name, took, result.is_ok()));
    result
}

fn native_tests() -> Result<()> {
    run(Command::new("cargo").current_dir(root()).args(["test", "--workspace", "--exclude", SERVER_PACKAGE]))
}

/// The server's unit and integration tests; those on PostgreSQL fail (never skip) without it.
fn server_tests() -> Result<()> {
    run(Command::new("cargo")
        .current_dir(root())
        .args(["test", "--package", SERVER_PACKAGE])
        .env("CONSENTRY_TEST_POSTGRES_URL", postgres::test_url()))
}

/// The runner is `wasm-bindgen-test-runner`, set for the wasm32 target in `.cargo/config.toml`.
fn browser_tests() -> Result<()> {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root())
        .args(["test", "--target", WASM_TARGET, "--package", WIDGET_PACKAGE])
        .env("CHROMEDRIVER", CHROMEDRIVER);
    if std::env::var_os("WASM_BINDGEN_TEST_TIMEOUT").is_none() {
        cmd.env("WASM_BINDGEN_TEST_TIMEOUT", BROWSER_TEST_TIMEOUT);
    }
    run(&mut cmd)
}

/// `node --test` over `tests/e2e/*.test.mjs`; the tests find the built files via `CONSENTRY_DIST`.
fn e2e_tests() -> Result<()> {
    let files = e2e_files()?;
    if files.is_empty() {
        println!("e2e: no tests/e2e/*.test.mjs yet: skipped");
        return Ok(());
    }
    run(Command::new("node").current_dir(root()).arg("--test").args(&files).env("CONSENTRY_DIST", dist_dir()))
}

fn e2e_files() -> Result<Vec<PathBuf>> {
    let dir = root().join("tests/e2e");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(&dir).context(|| format!("listing {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.context(|| format!("listing {}", dir.display()))?.path();
        if path.to_string_lossy().ends_with(".test.mjs") {
            files.push(path.strip_prefix(root()).map(PathBuf::from).unwrap_or(path));
        }
    }
    files.sort();
    Ok(files)
}

/// Where `cargo xtask test` builds the release files that the e2e tests load.
fn dist_dir() -> PathBuf {
    root().join("dist")
}
