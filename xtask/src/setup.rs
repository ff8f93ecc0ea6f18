//! `cargo xtask setup [--demo] [--fuzz]`: install the pinned tools that are missing, skip the rest.
//!
//! Each step checks first (a `TOOL --version` that names the pinned version, a file that exists)
//! and installs only when the check fails, so a warm machine finishes in about a second.
//! Every step prints exactly one result line: `setup: <what>: installed (…)`, `started (…)` or
//! `skipped (…)`.
//!
//! The steps: the wasm32 target and the `rustfmt` + `clippy` components of the active (stable)
//! toolchain, cargo-deny [`CARGO_DENY_VERSION`] (the dependency policy in `deny.toml`), the dated nightly [`NIGHTLY`] with `rust-src` (it builds the shipped wasm with
//! `-Cpanic=immediate-abort` and `-Zbuild-std`, see [`crate::dist`]), wasm-bindgen-cli, wasm-split-cli
//! (splits the shipped wasm into chunks), Chromium, the
//! npm packages, PostgreSQL; with `--demo` Trunk; with `--fuzz` cargo-fuzz [`CARGO_FUZZ_VERSION`],
//! which only the fuzz targets use (`cargo xtask fuzz`, and the fuzz replay of `cargo xtask test`).
//! Stable stays the toolchain of everything else: tests, clippy, the server, dev builds.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::error::{bail, Result};
use crate::process::{apt_get, capture, format_duration, names_version, run, version_of, Outcome};
use crate::workspace::{locked_version, root, WASM_TARGET};
use crate::{npm, postgres};

/// The Trunk release that builds with this toolchain (0.22 needs a newer rustc).
pub const TRUNK_VERSION: &str = "0.21.14";
/// Headless browser used by the browser and end-to-end tests.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The `WebDriver` server used by `wasm-bindgen-test-runner`.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The dated nightly for the two jobs stable cannot do: the shipped (release) wasm, built with
/// `-Cpanic=immediate-abort` and `-Zbuild-std`, and the fuzz targets (cargo-fuzz needs `-Zsanitizer`).
/// Pinned so both are reproducible; never used for anything else.
pub const NIGHTLY: &str = "nightly-2026-05-19";
/// The wasm-split release (`wasm_split_cli_support`, binary `wasm-split-cli`) that splits the shipped
/// wasm into its first module and lazily loaded chunks; it must match the `wasm_split_helpers` runtime
/// in Cargo.lock's generation (0.2.x).
pub const WASM_SPLIT_VERSION: &str = "0.2.4";
/// The cargo-deny release: the lint stage checks licenses, bans and sources with it, offline, and
/// `cargo xtask audit` the advisories (against a local advisory database).
pub const CARGO_DENY_VERSION: &str = "0.20.2";
/// The cargo-fuzz release `cargo xtask fuzz` drives.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// What `cargo xtask setup` should install.
pub struct Options {
    /// Also install Trunk, needed only by `cargo xtask demo`.
    pub demo: bool,
    /// Also install cargo-fuzz (`cargo xtask fuzz`, `cargo xtask test`).
    pub fuzz: bool,
    /// Install and start PostgreSQL for the receipt server's tests.
    pub postgres: bool,
}

/// Runs every step in order and stops at the first failure.
pub fn run_all(opts: &Options) -> Result<()> {
    run_lint_tools()?;
    run_nightly()?;
    let wbg = locked_version("wasm-bindgen")?;
    step(&format!("wasm-bindgen-cli {wbg}"), || wasm_bindgen_cli(&wbg))?;
    step(&format!("wasm-split-cli {WASM_SPLIT_VERSION}"), wasm_split_cli)?;
    step("chromium + chromedriver (apt)", chromium)?;
    step("npm packages (package-lock.json)", npm::install)?;
    if opts.postgres {
        run_postgres()?;
    }
    if opts.demo {
        step(&format!("trunk {TRUNK_VERSION}"), trunk)?;
    }
    if opts.fuzz {
        // The nightly is already there (`run_nightly` above).
        step(&format!("cargo-fuzz {CARGO_FUZZ_VERSION}"), cargo_fuzz)?;
    }
    Ok(())
}

/// The steps `cargo xtask lint` needs alone: the wasm32 target (for the widget's wasm clippy) and
/// the `rustfmt` and `clippy` components.
pub fn run_lint_tools() -> Result<()> {
    step("wasm32-unknown-unknown target", wasm_target)?;
    step("rustfmt + clippy components", lint_components)?;
    step(&format!("cargo-deny {CARGO_DENY_VERSION}"), cargo_deny)
}

/// Whether `cargo deny` of [`CARGO_DENY_VERSION`] runs.
pub fn cargo_deny_installed() -> bool {
    capture(Command::new("cargo").args(["deny", "--version"])).is_ok_and(|v| names_version(&v, CARGO_DENY_VERSION))
}

fn cargo_deny() -> Result<Outcome> {
    if cargo_deny_installed() {
        return Ok(Outcome::Skipped("already installed".into()));
    }
    run(Command::new("cargo").args(["install", "cargo-deny", "--version", CARGO_DENY_VERSION, "--locked"]))?;
    if !cargo_deny_installed() {
        bail!("`cargo install cargo-deny` finished but `cargo deny --version` does not name {CARGO_DENY_VERSION}");
    }
    Ok(Outcome::Installed)
}

/// The dated nightly and its `rust-src` (the release build of the widget and the fuzz targets).
pub fn run_nightly() -> Result<()> {
    step(&format!("{NIGHTLY} toolchain (shipped wasm, fuzzing)"), nightly)?;
    step(&format!("{NIGHTLY} rust-src (-Zbuild-std)"), nightly_rust_src)
}

/// The steps the fuzz targets need: the dated nightly and cargo-fuzz (run alone by `cargo xtask fuzz`).
pub fn run_fuzz_tools() -> Result<()> {
    step(&format!("{NIGHTLY} toolchain (shipped wasm, fuzzing)"), nightly)?;
    step(&format!("cargo-fuzz {CARGO_FUZZ_VERSION}"), cargo_fuzz)
}

/// The PostgreSQL steps alone (for `cargo xtask bench`).
pub fn run_postgres() -> Result<()> {
    step("postgresql (apt)", postgres::install)?;
    step("postgresql cluster running", postgres::start)?;
    step("postgresql role and database", postgres::role_and_database)
}

/// Runs one step and prints its result line.
fn step(what: &str, action: impl FnOnce() -> Result<Outcome>) -> Result<()> {
    let started = Instant::now();
    match action() {
        Ok(Outcome::Skipped(why)) => println!("setup: {what}: skipped ({why})"),
        Ok(Outcome::Installed) => println!("setup: {what}: installed ({})", format_duration(started.elapsed())),
        Ok(Outcome::Started) => println!("setup: {what}: started ({})", format_duration(started.elapsed())),
        Err(e) => bail!("setup: {what}: {e}"),
    }
    Ok(())
}

fn wasm_target() -> Result<Outcome> {
    let sysroot = capture(Command::new("rustc").args(["--print", "sysroot"]))?;
    let libdir = Path::new(sysroot.trim()).join("lib/rustlib").join(WASM_TARGET).join("lib");
    if libdir.is_dir() {
        return Ok(Outcome::Skipped("already installed".into()));
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    Ok(Outcome::Installed)
}

/// `rustfmt` and `clippy` of the toolchain the workspace builds with (rustup's default profile has
/// them; the minimal one does not).
fn lint_components() -> Result<Outcome> {
    let version = |tool: &str| capture(Command::new("cargo").current_dir(root()).args([tool, "--version"]));
    if let (Ok(fmt), Ok(clippy)) = (version("fmt"), version("clippy")) {
        return Ok(Outcome::Skipped(format!("{}, {}", tool_and_version(&fmt), tool_and_version(&clippy))));
    }
    run(Command::new("rustup").current_dir(root()).args(["component", "add", "rustfmt", "clippy"]))?;
    if version("fmt").is_err() || version("clippy").is_err() {
        bail!("`rustup component add rustfmt clippy` finished but `cargo fmt`/`cargo clippy` still do not run");
    }
    Ok(Outcome::Installed)
}

/// `rustfmt 1.9.0-stable (59807616e1 2026-04-14)` → `rustfmt 1.9.0-stable`.
fn tool_and_version(version_output: &str) -> String {
    version_output.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

/// The dated nightly, with the minimal profile (rustc, cargo, std: all cargo-fuzz needs).
fn nightly() -> Result<Outcome> {
    // RUSTUP_AUTO_INSTALL=0: the check must not install the toolchain itself.
    let check = || {
        capture(
            Command::new("rustup").env("RUSTUP_AUTO_INSTALL", "0").args(["run", NIGHTLY]).args(["rustc", "--version"]),
        )
    };
    if let Ok(version) = check() {
        return Ok(Outcome::Skipped(tool_and_version(&version)));
    }
    run(Command::new("rustup").args(["toolchain", "install", NIGHTLY, "--profile", "minimal"]))?;
    if let Err(e) = check() {
        bail!("`rustup toolchain install {NIGHTLY}` finished but its rustc does not run: {e}");
    }
    Ok(Outcome::Installed)
}

/// `-Zbuild-std` compiles the standard library from the `rust-src` component (the wasm32 target's
/// prebuilt std is not needed: build-std replaces it).
fn nightly_rust_src() -> Result<Outcome> {
    let sysroot = capture(Command::new("rustup").args(["run", NIGHTLY, "rustc", "--print", "sysroot"]))?;
    let library = Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library");
    if library.join("std/Cargo.toml").is_file() {
        return Ok(Outcome::Skipped("already installed".into()));
    }
    run(Command::new("rustup").args(["component", "add", "rust-src", "--toolchain", NIGHTLY]))?;
    if !library.join("std/Cargo.toml").is_file() {
        bail!("`rustup component add rust-src --toolchain {NIGHTLY}` finished but {} is missing", library.display());
    }
    Ok(Outcome::Installed)
}

/// Whether `wasm-split-cli` of [`WASM_SPLIT_VERSION`] is installed. It has no `--version`; cargo's own
/// record of installed packages says which release it is.
pub fn wasm_split_installed() -> bool {
    let listed = capture(Command::new("cargo").args(["install", "--list"])).unwrap_or_default();
    let release = listed.lines().any(|l| l.starts_with(&format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:")));
    release && capture(Command::new("wasm-split-cli").arg("--help")).is_ok()
}

fn wasm_split_cli() -> Result<Outcome> {
    if wasm_split_installed() {
        return Ok(Outcome::Skipped("already installed".into()));
    }
    run(Command::new("cargo").args(["install", "wasm_split_cli_support", "--version", WASM_SPLIT_VERSION]).args([
        "--features",
        "build-binary",
        "--locked",
    ]))?;
    if !wasm_split_installed() {
        bail!("`cargo install wasm_split_cli_support` finished but `wasm-split-cli --help` does not run");
    }
    Ok(Outcome::Installed)
}

fn cargo_fuzz() -> Result<Outcome> {
    if capture(Command::new("cargo").args(["fuzz", "--version"])).is_ok_and(|v| names_version(&v, CARGO_FUZZ_VERSION)) {
        return Ok(Outcome::Skipped("already installed".into()));
    }
    run(Command::new("cargo").args(["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION, "--locked"]))?;
    Ok(Outcome::Installed)
}

/// The CLI must match the `wasm-bindgen` crate in Cargo.lock exactly, or its output will not load.
fn wasm_bindgen_cli(version: &str) -> Result<Outcome> {
    let ok = |tool: &str| version_of(tool).is_some_and(|v| names_version(&v, version));
    if ok("wasm-bindgen") && ok("wasm-bindgen-test-runner") {
        return Ok(Outcome::Skipped("already installed".into()));
    }
    // Without --locked: the CLI's own lock file names a crate version the registry lacks.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", version]))?;
    Ok(Outcome::Installed)
}

fn chromium() -> Result<Outcome> {
    let present = |p: &str| Path::new(p).exists();
    if present(CHROMIUM) && present(CHROMEDRIVER) {
        return Ok(Outcome::Skipped(format!("{CHROMIUM} and {CHROMEDRIVER} present")));
    }
    let install = ["install", "-y", "chromium", "chromium-driver"];
    if run(&mut apt_get(&install)).is_err() {
        eprintln!("  apt-get install failed; refreshing the package lists and retrying");
        run(&mut apt_get(&["update"]))?;
        run(&mut apt_get(&install))?;
    }
    if !(present(CHROMIUM) && present(CHROMEDRIVER)) {
        bail!("apt-get finished but {CHROMIUM} or {CHROMEDRIVER} is still missing");
    }
    Ok(Outcome::Installed)
}

fn trunk() -> Result<Outcome> {
    if version_of("trunk").is_some_and(|v| names_version(&v, TRUNK_VERSION)) {
        return Ok(Outcome::Skipped("already installed".into()));
    }
    run(Command::new("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    Ok(Outcome::Installed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_lines_are_shortened_to_tool_and_version() {
        assert_eq!(tool_and_version("rustfmt 1.9.0-stable (59807616e1 2026-04-14)\n"), "rustfmt 1.9.0-stable");
        assert_eq!(tool_and_version("rustc 1.97.0-nightly (abcdef012 2026-05-18)"), "rustc 1.97.0-nightly");
        assert_eq!(tool_and_version("clippy"), "clippy");
    }
}
