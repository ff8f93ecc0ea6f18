//! `cargo xtask`: Consentry's set-up, build and test automation, in plain std-only Rust.
//!
//! The one entry point for humans and CI (`.ci/run` calls `cargo xtask test`):
//!
//! - `setup [--demo] [--fuzz]`: install the pinned tools that are missing (see [`setup`]);
//! - `dist [--out DIR] [--dev] [--trunk-hook]`: build `consentry.js` + `consentry.wasm` (see [`dist`]);
//! - `lint`: `cargo fmt --check` and `cargo clippy -D warnings`, native and wasm32 (see [`lint`]);
//! - `test`: set-up, lint, native, server and browser tests, dist, end-to-end tests, fuzz replay (see [`test`]);
//! - `fuzz [--seconds N] [TARGET...]`: run the cargo-fuzz targets of `fuzz/` and summarise (see [`fuzz`]);
//! - `bench`: the receipt server's throughput and audit-report figures (see [`bench`]);
//! - `bench-widget [--dist DIR] [--compare DIR] [--runs N] [--throttle P] [-- ARGS...]`: the widget beside
//!   peer consent banners in headless Chromium, with the shared harness (see [`bench_widget`]);
//! - `demo`: set-up with Trunk, then serve the demo site and the receipt server (see [`demo`]).
//!
//! The command line is parsed into one typed value per command (see [`args`]). Failures are printed
//! as `xtask: error: ...` with exit status 1; nothing here panics on purpose.

mod args;
mod audit;
mod bench;
mod bench_widget;
mod cycles;
mod demo;
mod dist;
mod error;
mod fuzz;
mod glue;
mod lint;
mod loader;
mod npm;
mod package;
mod postgres;
mod process;
mod setup;
mod sizes;
mod sri;
mod test;
mod wasm_module;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use args::{Cmd, DistArgs, USAGE};
use error::Result;

fn main() -> ExitCode {
    put_cargo_bin_first_on_path();
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    match args::parse(args)? {
        Cmd::Setup(setup) => setup::run_all(&setup::Options { demo: setup.demo, fuzz: setup.fuzz, postgres: true }),
        Cmd::Dist(dist) => dist::run_dist(&dist_options(dist)?),
        Cmd::Lint => lint::run_lint(),
        Cmd::Test => test::run_tests(),
        Cmd::Fuzz(fuzz) => fuzz::run_fuzz(&fuzz),
        Cmd::Bench => bench::run_bench(),
        Cmd::BenchWidget(bench) => bench_widget::run_bench_widget(&bench),
        Cmd::Audit(db) => audit::run_audit(&db),
        Cmd::Demo { open } => demo::run_demo(open),
        Cmd::Help => {
            println!("{USAGE}");
            Ok(())
        }
    }
}

/// `dist`'s options: from Trunk's environment with `--trunk-hook`, else `dist/` and release by default.
fn dist_options(args: DistArgs) -> Result<dist::Options> {
    if args.trunk_hook {
        return dist::Options::from_trunk_env();
    }
    let out = args.out.unwrap_or_else(|| workspace::root().join("dist"));
    let profile = if args.dev { dist::Profile::Dev } else { dist::Profile::Release };
    Ok(dist::Options { out, profile })
}

/// Tools installed by `cargo install` land in `$CARGO_HOME/bin`; make sure they are found, and
/// found before any other copy of a different version.
fn put_cargo_bin_first_on_path() {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let Some(bin) = cargo_home.map(|home| home.join("bin")) else {
        return;
    };
    let old = std::env::var_os("PATH").unwrap_or_default();
    let paths = std::iter::once(bin.clone()).chain(std::env::split_paths(&old).filter(|p| *p != bin));
    if let Ok(joined) = std::env::join_paths(paths) {
        std::env::set_var("PATH", joined);
    }
}
