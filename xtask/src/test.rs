//! `cargo xtask test`: every tier of tests, in order, stopping at the first failure.
//!
//! Stages: set-up (PostgreSQL included) → lint (`cargo fmt --check`, clippy `-D warnings` native
//! and wasm32, see [`lint`]; first, so a style slip fails in a minute, not after the browser tests)
//! → native unit tests → receipt server tests (on a SQLite file and on the PostgreSQL set-up
//! started, each test in a fresh database; this also builds the `target/debug/consentry-server`
//! that `tests/e2e/server.test.mjs` runs) → browser tests (`wasm-bindgen-test` in headless
//! Chromium) → `dist` (release) → the Leptos example (`examples/leptos-app`, built by Trunk) → end-to-end tests (`node --test tests/e2e/*.test.mjs`, which load
//! `dist/` the way a site owner's page does) → fuzz replay (every cargo-fuzz target built with the
//! pinned nightly and run once over its committed corpus and regressions, `-runs=0`, see
//! [`fuzz::replay`]: deterministic, a few seconds once built). Each stage's wall time is printed,
//! and a summary at the end.
//!
//! Nothing is skipped: a stage whose tests are missing fails. `CONSENTRY_BLESS` (which makes the
//! receipt vector test write its own expectations) is removed from every command the stages run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::dist::{self, Profile};
use crate::error::{bail, Context, Result};
use crate::process::{format_duration, run};
use crate::setup::{self, CHROMEDRIVER};
use crate::workspace::{root, SERVER_PACKAGE, WASM_TARGET, WIDGET_PACKAGE};
use crate::{fuzz, lint, postgres};

/// Seconds a browser test may take before `wasm-bindgen-test-runner` gives up (the machine is slow).
const BROWSER_TEST_TIMEOUT: &str = "120";

/// Set by hand to regenerate `receipt/vectors/` (see `receipt/tests/receipts.rs`); a test run that
/// inherited it would compare the vectors with themselves.
const BLESS: &str = "CONSENTRY_BLESS";

/// Runs all stages; prints the timing summary even when one fails.
pub fn run_tests() -> Result<()> {
    if std::env::var_os(BLESS).is_some() {
        println!("test: {BLESS} is set; ignored (the test stages run without it)");
    }
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
    // `demo: true`: Trunk builds the Leptos example for its end-to-end test.
    stage(timings, "setup", || setup::run_all(&setup::Options { demo: true, fuzz: true, postgres: true }))?;
    stage(timings, "lint", lint_checks)?;
    stage(timings, "native tests", native_tests)?;
    stage(timings, "server tests", server_tests)?;
    stage(timings, "browser tests", browser_tests)?;
    stage(timings, "dist", || dist::run_dist(&dist::Options { out: dist_dir(), profile: Profile::Release }))?;
    stage(timings, "leptos example", build_leptos_example)?;
    stage(timings, "e2e tests", e2e_tests)?;
    stage(timings, "fuzz replay", || fuzz::replay(without_bless))
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

/// A command for a stage: run from the workspace root, without [`BLESS`].
fn command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root());
    without_bless(&mut cmd);
    cmd
}

fn without_bless(cmd: &mut Command) {
    cmd.env_remove(BLESS);
}

/// The checks of `cargo xtask lint`; set-up has already installed what they need.
fn lint_checks() -> Result<()> {
    let mut checks = lint::checks();
    for check in &mut checks {
        if let lint::Step::Command(cmd) = &mut check.step {
            without_bless(cmd);
        }
    }
    lint::run_checks(checks)
}

fn native_tests() -> Result<()> {
    run(command("cargo").args(["test", "--workspace", "--exclude", SERVER_PACKAGE]))
}

/// The server's unit and integration tests; those on PostgreSQL fail (never skip) without it.
fn server_tests() -> Result<()> {
    run(command("cargo")
        .args(["test", "--package", SERVER_PACKAGE])
        .env("CONSENTRY_TEST_POSTGRES_URL", postgres::test_url()))
}

/// The runner is `wasm-bindgen-test-runner`, set for the wasm32 target in `.cargo/config.toml`.
fn browser_tests() -> Result<()> {
    let mut cmd = command("cargo");
    // `leptos-api`: also the Leptos API's tests (`tests/leptos_api.rs`); the feature only adds a module.
    cmd.args(["test", "--target", WASM_TARGET, "--package", WIDGET_PACKAGE, "--features", "leptos-api"])
        .env("CHROMEDRIVER", CHROMEDRIVER);
    if std::env::var_os("WASM_BINDGEN_TEST_TIMEOUT").is_none() {
        cmd.env("WASM_BINDGEN_TEST_TIMEOUT", BROWSER_TEST_TIMEOUT);
    }
    run(&mut cmd)
}

/// `node --test` over `tests/e2e/*.test.mjs`; the tests find the built files via `CONSENTRY_DIST`,
/// and the Trunk-built Leptos example via `CONSENTRY_LEPTOS_EXAMPLE`.
fn e2e_tests() -> Result<()> {
    let root = root();
    let files = e2e_files(&root.join("tests/e2e"), &root)?;
    run(command("node")
        .arg("--test")
        .args(&files)
        .env("CONSENTRY_DIST", dist_dir())
        .env("CONSENTRY_LEPTOS_EXAMPLE", leptos_example_dir()))
}

/// Builds `examples/leptos-app` with Trunk (offline, see its `Trunk.toml`) into
/// [`leptos_example_dir`]. A dev build (no LTO, no wasm-opt), to keep the stage short; `trunk build
/// --release` is for deploying the example, not for testing it.
fn build_leptos_example() -> Result<()> {
    let dist = leptos_example_dir();
    let mut cmd = command("trunk");
    cmd.current_dir(root().join("examples/leptos-app")).args(["build", "--dist"]).arg(&dist);
    run(&mut cmd)
}

/// Where [`build_leptos_example`] writes the example's files.
fn leptos_example_dir() -> PathBuf {
    crate::workspace::target_dir().join("leptos-example")
}

/// The `*.test.mjs` files of `dir`, sorted, relative to `base`. No directory or no test file is an
/// error: an e2e stage that ran nothing must not pass.
fn e2e_files(dir: &Path, base: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        bail!("no end-to-end tests: {} does not exist", dir.display());
    }
    let entries = std::fs::read_dir(dir).context(|| format!("listing {}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.context(|| format!("listing {}", dir.display()))?.path();
        if path.to_string_lossy().ends_with(".test.mjs") {
            files.push(path.strip_prefix(base).map(PathBuf::from).unwrap_or(path));
        }
    }
    if files.is_empty() {
        bail!("no end-to-end tests: {} has no *.test.mjs files", dir.display());
    }
    files.sort();
    Ok(files)
}

/// Where `cargo xtask test` builds the release files that the e2e tests load.
fn dist_dir() -> PathBuf {
    root().join("dist")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leptos_example_pins_the_locked_wasm_bindgen() {
        // Trunk runs offline with the wasm-bindgen on PATH, which set-up installs at the locked version.
        let path = root().join("examples/leptos-app/Trunk.toml");
        let trunk = std::fs::read_to_string(&path).unwrap();
        let pinned = trunk.lines().find_map(|l| l.trim().strip_prefix("wasm_bindgen = ")).map(|v| v.trim_matches('"'));
        assert_eq!(
            pinned,
            Some(crate::workspace::locked_version("wasm-bindgen").unwrap().as_str()),
            "{}",
            path.display()
        );
    }

    #[test]
    fn a_missing_or_empty_e2e_directory_fails() {
        let base = std::env::temp_dir().join(format!("xtask-e2e-files-{}", std::process::id()));
        let dir = base.join("tests/e2e");
        let missing = e2e_files(&dir, &base).unwrap_err().to_string();
        assert_eq!(missing, format!("no end-to-end tests: {} does not exist", dir.display()));

        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("README.md"), "").unwrap();
        std::fs::write(dir.join("harness.mjs"), "").unwrap();
        let empty = e2e_files(&dir, &base).unwrap_err().to_string();
        assert_eq!(empty, format!("no end-to-end tests: {} has no *.test.mjs files", dir.display()));

        std::fs::write(dir.join("b.test.mjs"), "").unwrap();
        std::fs::write(dir.join("a.test.mjs"), "").unwrap();
        let found = e2e_files(&dir, &base);
        std::fs::remove_dir_all(&base).unwrap();
        assert_eq!(found.unwrap(), [PathBuf::from("tests/e2e/a.test.mjs"), PathBuf::from("tests/e2e/b.test.mjs")]);
    }
}
