//! `cargo xtask lint`: formatting and lints, the first stage of `cargo xtask test` after set-up.
//!
//! The checks, each on the stable toolchain:
//!
//! - no import cycles between the modules of any crate (see [`crate::cycles`]);
//! - `cargo fmt --all --check`: every workspace crate, against `rustfmt.toml`;
//! - `cargo fmt --manifest-path fuzz/Cargo.toml --check`: the cargo-fuzz crate, which the workspace
//!   excludes (skipped while `fuzz/Cargo.toml` does not exist);
//! - `cargo deny --offline --workspace check bans licenses sources`: the dependency graph against
//!   `deny.toml` (licenses, banned crates, crates.io as the only source); advisories need a database
//!   the registry mirrors do not serve, see `cargo xtask audit`, whose plumbing is checked here
//!   against a scratch database with one made-up advisory;
//! - `cargo clippy --workspace --all-targets --keep-going -- -D warnings`: every crate natively,
//!   tests and benches included, with `[workspace.lints]` and `clippy.toml`;
//! - `cargo clippy --target wasm32-unknown-unknown --package consentry --package
//!   consentry-leptos-example --all-targets --features consentry/leptos-api --keep-going -- -D
//!   warnings`: the widget's browser half (`cfg(target_arch = "wasm32")`), its Leptos API, its
//!   `wasm-bindgen-test` browser tests and the Leptos example compile only for wasm32, so the native
//!   clippy never sees them;
//! - the same for the library with `--features split`, the code-split build `dist` ships.
//!
//! `--keep-going`: a crate that fails does not stop the others from being checked. Every check runs
//! even when an earlier one fails, so one run reports everything; each prints one result line,
//! `lint: <check>: ok (…)`, `FAILED (…)` or `skipped (…)`, and the stage then fails naming the
//! checks that failed.

use std::process::Command;
use std::time::Instant;

use crate::error::{bail, Result};
use crate::process::{format_duration, run};
use crate::workspace::{root, WASM_TARGET, WIDGET_PACKAGE};
use crate::{audit, cycles, setup};

/// One check: how the result line names it, and what it does.
pub struct Check {
    /// How the result line names it.
    pub name: &'static str,
    /// What it does.
    pub step: Step,
}

/// What a check does.
pub enum Step {
    /// Runs a tool (see [`run`]); it passes when the tool exits with status 0.
    Command(Command),
    /// A check done by xtask itself.
    InProcess(fn() -> Result<()>),
    /// Does not apply here; the text says why.
    Skip(String),
}

/// Installs what the checks need (wasm32 target, rustfmt, clippy), then runs them all.
pub fn run_lint() -> Result<()> {
    setup::run_lint_tools()?;
    run_checks(checks())
}

/// The checks, in the order they run.
pub fn checks() -> Vec<Check> {
    let fuzz_manifest = root().join("fuzz/Cargo.toml");
    let fuzz_fmt = if fuzz_manifest.is_file() {
        let mut cmd = cargo(&["fmt", "--manifest-path"]);
        cmd.arg(&fuzz_manifest).arg("--check");
        Step::Command(cmd)
    } else {
        Step::Skip("no fuzz/Cargo.toml".to_string())
    };
    vec![
        Check { name: "import cycles (every crate)", step: Step::InProcess(|| cycles::check(&root())) },
        Check { name: "rustfmt (workspace)", step: Step::Command(cargo(&["fmt", "--all", "--check"])) },
        Check { name: "rustfmt (fuzz crate)", step: fuzz_fmt },
        Check {
            name: "cargo xtask audit finds an advisory (scratch database)",
            step: Step::InProcess(audit::self_test),
        },
        Check {
            name: "cargo deny (licenses, bans, sources; deny.toml)",
            step: Step::Command(cargo(&["deny", "--offline", "--workspace", "check", "bans", "licenses", "sources"])),
        },
        Check {
            name: "clippy (native, workspace)",
            step: Step::Command(cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--keep-going",
                "--",
                "-D",
                "warnings",
            ])),
        },
        Check {
            name: "clippy (wasm32, consentry --features leptos-api, Leptos example)",
            step: Step::Command(wasm_clippy(&[
                "--package",
                "consentry-leptos-example",
                "--all-targets",
                "--features",
                "consentry/leptos-api",
            ])),
        },
        Check {
            name: "clippy (wasm32, consentry --features split)",
            step: Step::Command(wasm_clippy(&["--lib", "--features", "split"])),
        },
    ]
}

/// Runs every check, prints one result line each, and fails if any failed.
pub fn run_checks(checks: Vec<Check>) -> Result<()> {
    let total = checks.len();
    let mut failed = Vec::new();
    for Check { name, step } in checks {
        let started = Instant::now();
        let result = match step {
            Step::Command(mut command) => run(&mut command),
            Step::InProcess(check) => check(),
            Step::Skip(why) => {
                println!("lint: {name}: skipped ({why})");
                continue;
            }
        };
        let took = format_duration(started.elapsed());
        match result {
            Ok(()) => println!("lint: {name}: ok ({took})"),
            Err(e) => {
                println!("lint: {name}: FAILED ({took}): {e}");
                failed.push(name);
            }
        }
    }
    if !failed.is_empty() {
        bail!("lint: {} of {total} checks failed: {}", failed.len(), failed.join(", "));
    }
    Ok(())
}

/// `cargo clippy` of the widget for wasm32 with `targets` (which targets and features), `-D warnings`.
fn wasm_clippy(targets: &[&str]) -> Command {
    let mut cmd = cargo(&["clippy", "--target", WASM_TARGET, "--package", WIDGET_PACKAGE]);
    cmd.args(targets).args(["--keep-going", "--", "-D", "warnings"]);
    cmd
}

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root()).args(args);
    cmd
}
