//! `cargo xtask setup [--demo]`: install the pinned tools that are missing, skip the rest.
//!
//! Each step checks first (a `TOOL --version` that names the pinned version, a file that exists)
//! and installs only when the check fails, so a warm machine finishes in about a second.
//! Every step prints exactly one result line: `setup: <what>: installed (…)`, `started (…)` or
//! `skipped (…)`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::error::{bail, Result};
use crate::process::{capture, format_duration, is_root, names_version, run, version_of};
use crate::workspace::{locked_version, WASM_TARGET};
use crate::{npm, postgres};

/// The Trunk release that builds with this toolchain (0.22 needs a newer rustc).
pub const TRUNK_VERSION: &str = "0.21.14";
/// Headless browser used by the browser and end-to-end tests.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The `WebDriver` server used by `wasm-bindgen-test-runner`.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What `cargo xtask setup` should install.
pub struct Options {
    /// Also install Trunk, needed only by `cargo xtask demo`.
    pub demo: bool,
    /// Install and start PostgreSQL for the receipt server's tests.
    pub postgres: bool,
}

/// What one step did.
pub enum Outcome {
    /// The step installed something.
    Installed,
    /// The step started a service that was installed but not running.
    Started,
    /// Nothing to do; the text says what was found.
    Skipped(String),
}

/// Runs every step in order and stops at the first failure.
pub fn run_all(opts: &Options) -> Result<()> {
    step("wasm32-unknown-unknown target", wasm_target)?;
    let wbg = locked_version("wasm-bindgen")?;
    step(&format!("wasm-bindgen-cli {wbg}"), || wasm_bindgen_cli(&wbg))?;
    step("chromium + chromedriver (apt)", chromium)?;
    step("npm packages (package-lock.json)", npm::install)?;
    if opts.postgres {
        run_postgres()?;
    }
    if opts.demo {
        step(&format!("trunk {TRUNK_VERSION}"), trunk)?;
    }
    Ok(())
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

/// `apt-get ARGS`, non-interactive, through `sudo` unless already root.
pub fn apt_get(args: &[&str]) -> Command {
    let mut cmd = if is_root() {
        Command::new("env")
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg("env");
        sudo
    };
    cmd.arg("DEBIAN_FRONTEND=noninteractive").arg("apt-get").args(args);
    cmd
}

fn trunk() -> Result<Outcome> {
    if version_of("trunk").is_some_and(|v| names_version(&v, TRUNK_VERSION)) {
        return Ok(Outcome::Skipped("already installed".into()));
    }
    run(Command::new("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    Ok(Outcome::Installed)
}
