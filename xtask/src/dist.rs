//! `cargo xtask dist [--out DIR] [--dev]`: build the two files a site owner embeds.
//!
//! Pipeline: `cargo build` (wasm32) → `wasm-bindgen --target no-modules` → `wasm-opt -Oz`
//! (release; binaryen 132 from npm, never Debian's 108, which emits a module that fails at run time)
//! → glue pasted into `src/loader.js` → `esbuild --minify` (release) → `DIR/consentry.js` and
//! `DIR/consentry.wasm`, then a size table. Intermediate files live in `target/xtask-dist/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::error::{bail, Context, Result};
use crate::process::{format_duration, names_version, run, version_of};
use crate::workspace::{locked_version, root, target_dir, WASM_TARGET, WIDGET_PACKAGE};
use crate::{loader, sizes, wasm_features};

/// The binaryen release whose `wasm-opt` is known to produce working modules.
const WASM_OPT_VERSION: &str = "version_132";

/// Which cargo profile to build, and whether to optimise and minify.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `--release`, `wasm-opt -Oz`, minified script: what ships.
    Release,
    /// The dev profile, no wasm-opt, readable script: fast rebuilds for the demo.
    Dev,
}

impl Profile {
    /// How reports name the profile.
    fn label(self) -> &'static str {
        match self {
            Profile::Release => "release",
            Profile::Dev => "dev",
        }
    }

    /// Cargo's output directory name for the profile.
    fn dir_name(self) -> &'static str {
        match self {
            Profile::Release => "release",
            Profile::Dev => "debug",
        }
    }
}

/// Where to write and how to build.
pub struct Options {
    /// Output directory for `consentry.js` and `consentry.wasm`.
    pub out: PathBuf,
    /// Release or dev build.
    pub profile: Profile,
}

impl Options {
    /// The options Trunk's `post_build` hook implies: write into `$TRUNK_STAGING_DIR`; a
    /// `trunk serve`/`build` without `--release` (`TRUNK_PROFILE=debug`) gets a dev build.
    pub fn from_trunk_env() -> Result<Options> {
        let Some(out) = std::env::var_os("TRUNK_STAGING_DIR").filter(|d| !d.is_empty()) else {
            bail!("--trunk-hook needs TRUNK_STAGING_DIR (it is set by Trunk when it runs hooks)");
        };
        let profile = match std::env::var("TRUNK_PROFILE").as_deref() {
            Ok("debug") => Profile::Dev,
            _ => Profile::Release,
        };
        Ok(Options { out: PathBuf::from(out), profile })
    }
}

/// Builds the embeddable files into `opts.out` and prints their sizes.
pub fn run_dist(opts: &Options) -> Result<()> {
    let started = Instant::now();
    let root = root();
    let tools = Tools::check(opts.profile)?;
    let work = target_dir().join("xtask-dist").join(opts.profile.dir_name());
    recreate_dir(&work)?;

    let compiled = cargo_build(opts.profile)?;
    run(Command::new("wasm-bindgen")
        .args(["--target", "no-modules", "--no-typescript"])
        .args(["--remove-name-section", "--remove-producers-section"])
        .args(["--out-name", "consentry", "--out-dir"])
        .arg(&work)
        .arg(&compiled))?;
    let mut wasm = work.join("consentry_bg.wasm");
    if let Some(wasm_opt) = &tools.wasm_opt {
        wasm = optimize(wasm_opt, &wasm, &compiled, &work)?;
    }

    let template_path = root.join("src/loader.js");
    let template = read_text(&template_path)?;
    let glue = read_text(&work.join("consentry.js"))?;
    let wrapped = work.join("consentry.wrapped.js");
    fs::write(&wrapped, loader::wrap(&template, &glue)?).context(|| format!("writing {}", wrapped.display()))?;

    fs::create_dir_all(&opts.out).context(|| format!("creating {}", opts.out.display()))?;
    let out_js = opts.out.join("consentry.js");
    let out_wasm = opts.out.join("consentry.wasm");
    match &tools.esbuild {
        Some(esbuild) => run(Command::new(esbuild)
            .arg(&wrapped)
            .args(["--minify", "--log-level=warning", "--legal-comments=inline"])
            .arg(format!("--outfile={}", out_js.display())))?,
        None => copy(&wrapped, &out_js)?,
    }
    copy(&wasm, &out_wasm)?;

    let kind = opts.profile.label();
    println!(
        "dist: {kind} build of {} and {} in {}",
        out_js.display(),
        out_wasm.display(),
        format_duration(started.elapsed())
    );
    sizes::print_table(&[out_js, out_wasm])
}

/// The tools `dist` needs, checked up front so a missing one fails in a second, not after a build.
struct Tools {
    wasm_opt: Option<PathBuf>,
    esbuild: Option<PathBuf>,
}

impl Tools {
    fn check(profile: Profile) -> Result<Tools> {
        let wanted = locked_version("wasm-bindgen")?;
        match version_of("wasm-bindgen") {
            Some(v) if names_version(&v, &wanted) => {}
            Some(v) => bail!("wasm-bindgen CLI is `{}` but Cargo.lock has {wanted}; run `cargo xtask setup`", v.trim()),
            None => bail!("wasm-bindgen CLI not found; run `cargo xtask setup`"),
        }
        if profile == Profile::Dev {
            return Ok(Tools { wasm_opt: None, esbuild: None });
        }
        let bin = root().join("node_modules/.bin");
        let wasm_opt = bin.join("wasm-opt");
        if !version_of(&wasm_opt).is_some_and(|v| v.contains(WASM_OPT_VERSION)) {
            bail!("{} ({WASM_OPT_VERSION}) is missing; run `cargo xtask setup`", wasm_opt.display());
        }
        let esbuild = bin.join("esbuild");
        if version_of(&esbuild).is_none() {
            bail!("{} is missing; run `cargo xtask setup`", esbuild.display());
        }
        Ok(Tools { wasm_opt: Some(wasm_opt), esbuild: Some(esbuild) })
    }
}

/// `cargo build` of the widget library for wasm32; returns the compiled module.
fn cargo_build(profile: Profile) -> Result<PathBuf> {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root()).args(["build", "--lib", "--package", WIDGET_PACKAGE, "--target", WASM_TARGET]);
    if profile == Profile::Release {
        cmd.arg("--release");
    }
    run(&mut cmd)?;
    let module = target_dir().join(WASM_TARGET).join(profile.dir_name()).join(format!("{WIDGET_PACKAGE}.wasm"));
    if !module.is_file() {
        bail!("cargo build succeeded but {} does not exist", module.display());
    }
    Ok(module)
}

/// `wasm-opt -Oz` with exactly the features the module was compiled with.
fn optimize(wasm_opt: &Path, input: &Path, compiled: &Path, work: &Path) -> Result<PathBuf> {
    // wasm-bindgen normally keeps `target_features`; fall back to rustc's own output if not.
    let flags = match wasm_features::wasm_opt_flags(&read_bytes(input)?) {
        Ok(flags) => flags,
        Err(_) => wasm_features::wasm_opt_flags(&read_bytes(compiled)?)?,
    };
    let output = work.join("consentry.opt.wasm");
    run(Command::new(wasm_opt)
        .arg("-Oz")
        .args(&flags)
        .args(["--strip-debug", "--strip-producers", "--strip-target-features"])
        .arg(input)
        .arg("-o")
        .arg(&output))?;
    Ok(output)
}

fn recreate_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    fs::copy(from, to).context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).context(|| format!("reading {}", path.display()))
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).context(|| format!("reading {}", path.display()))
}
