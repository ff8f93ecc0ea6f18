//! `cargo xtask`: Consentry's set-up, build and test automation, in plain std-only Rust.
//!
//! The one entry point for humans and CI (`.ci/run` calls `cargo xtask test`):
//!
//! - `setup [--demo]`: install the pinned tools that are missing (see [`setup`]);
//! - `dist [--out DIR] [--dev] [--trunk-hook]`: build `consentry.js` + `consentry.wasm` (see [`dist`]);
//! - `test`: set-up, native tests, server tests, browser tests, dist, end-to-end tests (see [`test`]);
//! - `bench`: the receipt server's throughput figures (see [`bench`]);
//! - `demo`: set-up with Trunk, then serve the demo site and the receipt server (see [`demo`]).
//!
//! Failures are printed as `xtask: error: ...` with exit status 1; nothing here panics on purpose.

mod bench;
mod demo;
mod dist;
mod error;
mod loader;
mod npm;
mod postgres;
mod process;
mod setup;
mod sizes;
mod test;
mod wasm_features;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use error::{bail, Result};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup [--demo]        install missing tools at their pinned versions and start PostgreSQL
                        for the server tests (--demo: also trunk)
  dist [--out DIR] [--dev] [--trunk-hook]
                        build DIR/consentry.js and DIR/consentry.wasm (default DIR: dist/)
                        --dev: dev profile, no wasm-opt, no minification
                        --trunk-hook: DIR from $TRUNK_STAGING_DIR, --dev when $TRUNK_PROFILE=debug
  test                  setup, native tests, server tests (SQLite + PostgreSQL), browser tests,
                        dist, end-to-end tests
  demo                  setup --demo, then serve the demo on http://127.0.0.1:8080/ and the
                        receipt server on http://127.0.0.1:8787/
  bench                 receipt server throughput on SQLite and PostgreSQL (prints figures)
  help                  show this text";

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
    let Some((command, rest)) = args.split_first() else {
        println!("{USAGE}");
        return Ok(());
    };
    match command.as_str() {
        "setup" => {
            let demo = parse_flags(rest, &["--demo"])?.contains(&"--demo");
            setup::run_all(&setup::Options { demo, postgres: true })
        }
        "dist" => dist::run_dist(&parse_dist(rest)?),
        "test" => {
            parse_flags(rest, &[])?;
            test::run_tests()
        }
        "bench" => {
            parse_flags(rest, &[])?;
            bench::run_bench()
        }
        "demo" => {
            parse_flags(rest, &[])?;
            demo::run_demo()
        }
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// Parses `dist`'s arguments; `--trunk-hook` takes the output directory and profile from Trunk.
fn parse_dist(args: &[String]) -> Result<dist::Options> {
    let mut out = None;
    let mut dev = false;
    let mut trunk_hook = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dev" => dev = true,
            "--trunk-hook" => trunk_hook = true,
            "--out" => match args.next() {
                Some(dir) => out = Some(PathBuf::from(dir)),
                None => bail!("`--out` needs a directory\n\n{USAGE}"),
            },
            other => match other.strip_prefix("--out=") {
                Some(dir) => out = Some(PathBuf::from(dir)),
                None => bail!("unknown argument `{other}` for `dist`\n\n{USAGE}"),
            },
        }
    }
    if trunk_hook {
        if out.is_some() || dev {
            bail!("`--trunk-hook` takes the directory and profile from Trunk; drop --out/--dev");
        }
        return dist::Options::from_trunk_env();
    }
    let out = out.unwrap_or_else(|| workspace::root().join("dist"));
    let profile = if dev { dist::Profile::Dev } else { dist::Profile::Release };
    Ok(dist::Options { out, profile })
}

/// Checks that `args` holds only flags from `allowed`; returns the ones present.
fn parse_flags<'a>(args: &'a [String], allowed: &[&str]) -> Result<Vec<&'a str>> {
    let mut present = Vec::new();
    for arg in args {
        if !allowed.contains(&arg.as_str()) {
            bail!("unknown argument `{arg}`\n\n{USAGE}");
        }
        present.push(arg.as_str());
    }
    Ok(present)
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
