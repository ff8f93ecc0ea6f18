//! `cargo xtask dist [--out DIR] [--dev]`: build the files a site owner serves.
//!
//! Three files: `consentry.js`, the small synchronous loader they embed (its template is
//! `src/loader.js`, see `crate::loader`), and beside it `consentry-<hash>.wasm` and the glue
//! `consentry-<hash>.js` (see `crate::glue`), whose names change with every build so they can be
//! cached for ever. Plus `snippet.html`, the tags to paste, which [`snippet`] also gives the benchmark.
//!
//! Pipeline: `cargo build` (wasm32; release: the pinned nightly with `-Cpanic=immediate-abort` and
//! `-Zbuild-std`) → `wasm-bindgen --target no-modules` → the unused wasm-streams exports and classes
//! dropped → `wasm-opt -Oz` (release; binaryen 132 from npm, never Debian's 108, which emits a module
//! that fails at run time) → glue wrapped, loader rendered → `esbuild --minify` (release), then a size
//! table. Intermediate files live in `target/xtask-dist/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::error::{bail, Context, Result};
use crate::process::{format_duration, names_version, run, version_of};
use crate::setup::NIGHTLY;
use crate::workspace::{locked_version, root, target_dir, WASM_TARGET, WIDGET_PACKAGE};
use crate::{glue, loader, sizes, wasm_module};

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
    /// Output directory for the loader, the glue, the module and `snippet.html`.
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

    // The wasm-streams classes Leptos drags in: exports in the module, classes in the glue.
    let (module, dropped) =
        wasm_module::drop_exports(&read_bytes(&work.join("consentry_bg.wasm"))?, glue::is_stream_export)?;
    let glue_js = glue::drop_stream_classes(&read_text(&work.join("consentry.js"))?)?;
    if dropped.is_empty() {
        bail!("the module exports no wasm-streams class although the glue had them");
    }
    let mut wasm = work.join("consentry.lean.wasm");
    fs::write(&wasm, &module).context(|| format!("writing {}", wasm.display()))?;
    if let Some(wasm_opt) = &tools.wasm_opt {
        wasm = optimize(wasm_opt, &wasm, &compiled, &work)?;
    }

    let wasm_bytes = read_bytes(&wasm)?;
    let stem = loader::stem(&wasm_bytes, glue_js.as_bytes());
    let glue_name = format!("{stem}.js");
    let wrapped_glue = work.join("glue.wrapped.js");
    fs::write(&wrapped_glue, glue::wrap(&glue_js, &glue_name)?)
        .context(|| format!("writing {}", wrapped_glue.display()))?;
    let loader_js = work.join("loader.js");
    let template = read_text(&root.join("src/loader.js"))?;
    fs::write(&loader_js, loader::render(&template, &stem)?).context(|| format!("writing {}", loader_js.display()))?;

    fs::create_dir_all(&opts.out).context(|| format!("creating {}", opts.out.display()))?;
    remove_other_builds(&opts.out, &stem)?;
    let out_loader = opts.out.join("consentry.js");
    let out_glue = opts.out.join(&glue_name);
    let out_wasm = opts.out.join(format!("{stem}.wasm"));
    for (from, to) in [(&loader_js, &out_loader), (&wrapped_glue, &out_glue)] {
        match &tools.esbuild {
            Some(esbuild) => run(Command::new(esbuild)
                .arg(from)
                .args(["--minify", "--log-level=warning", "--legal-comments=inline"])
                .arg(format!("--outfile={}", to.display())))?,
            None => copy(from, to)?,
        }
    }
    fs::write(&out_wasm, &wasm_bytes).context(|| format!("writing {}", out_wasm.display()))?;
    let snippet_file = opts.out.join("snippet.html");
    fs::write(&snippet_file, snippet(&opts.out, "", None)? + "\n")
        .context(|| format!("writing {}", snippet_file.display()))?;

    let kind = opts.profile.label();
    println!(
        "dist: {kind} build in {} of {}: the loader consentry.js, {glue_name} and {stem}.wasm",
        format_duration(started.elapsed()),
        opts.out.display(),
    );
    println!("dist: put these tags first in <head> (URLs relative to the files; {}):", snippet_file.display());
    println!("{}", snippet(&opts.out, "", None)?);
    sizes::print_table(&[out_loader, out_glue, out_wasm])
}

/// Removes the files of earlier builds from `out` (`consentry-<other hash>.js/.wasm`, and the single
/// `consentry.wasm` of the layout before the loader), so a directory never holds two builds.
fn remove_other_builds(out: &Path, stem: &str) -> Result<()> {
    let entries = fs::read_dir(out).context(|| format!("listing {}", out.display()))?;
    for entry in entries {
        let path = entry.context(|| format!("listing {}", out.display()))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let old_layout = name == "consentry.wasm";
        let other_build = build_stem(name).is_some_and(|s| s != stem);
        if old_layout || other_build {
            fs::remove_file(&path).context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

/// `consentry-<16 hex>` for `consentry-<16 hex>.js` or `.wasm`, else `None`.
fn build_stem(file_name: &str) -> Option<&str> {
    let stem = file_name.strip_suffix(".wasm").or_else(|| file_name.strip_suffix(".js"))?;
    let hash = stem.strip_prefix("consentry-")?;
    (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(stem)
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
///
/// The release build uses the pinned nightly ([`NIGHTLY`]) to rebuild the standard library with
/// `-Cpanic=immediate-abort` (a panic becomes a bare trap: no panic machinery, messages or source
/// locations in the module) and without `Debug` formatting: about 12 % smaller after brotli, see
/// README. It has its own target directory, so it never invalidates the stable builds of tests and
/// clippy. The dev build stays on stable with panic messages, for debugging.
fn cargo_build(profile: Profile) -> Result<PathBuf> {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root());
    let target_dir = match profile {
        Profile::Release => {
            let dir = target_dir().join("wasm-shipped");
            cmd.arg(format!("+{NIGHTLY}"))
                .args(["build", "--lib", "--release", "--package", WIDGET_PACKAGE, "--target", WASM_TARGET])
                .args(["-Zbuild-std=std,panic_abort", "-Zbuild-std-features=optimize_for_size"])
                .arg("--target-dir")
                .arg(&dir)
                // `--target` is explicit, so these reach the widget and std, not build scripts.
                .env("RUSTFLAGS", SHIPPED_RUSTFLAGS)
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .env_remove("RUSTUP_TOOLCHAIN");
            dir
        }
        Profile::Dev => {
            cmd.args(["build", "--lib", "--package", WIDGET_PACKAGE, "--target", WASM_TARGET]);
            target_dir()
        }
    };
    run(&mut cmd)?;
    let module = target_dir.join(WASM_TARGET).join(profile.dir_name()).join(format!("{WIDGET_PACKAGE}.wasm"));
    if !module.is_file() {
        bail!("cargo build succeeded but {} does not exist", module.display());
    }
    Ok(module)
}

/// The compiler flags of the shipped wasm (with `-Zbuild-std`; see [`cargo_build`]).
const SHIPPED_RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none";

/// `wasm-opt -Oz` with exactly the features the module was compiled with.
fn optimize(wasm_opt: &Path, input: &Path, compiled: &Path, work: &Path) -> Result<PathBuf> {
    // wasm-bindgen normally keeps `target_features`; fall back to rustc's own output if not.
    let flags = match wasm_module::wasm_opt_flags(&read_bytes(input)?) {
        Ok(flags) => flags,
        Err(_) => wasm_module::wasm_opt_flags(&read_bytes(compiled)?)?,
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

/// The HTML tags a site owner puts in `<head>` to embed the build in `dist_dir`, with the files' URLs
/// prefixed by `base` (e.g. `/vendor/` or `https://cdn.example.net/consentry/`) and, when given, the
/// configuration URL in `data-config`: what the README's "Embedding" section tells site owners to write.
/// The benchmark (`cargo xtask bench-widget`) embeds the widget with exactly this text.
pub fn snippet(dist_dir: &Path, base: &str, data_config: Option<&str>) -> Result<String> {
    let stem = built_stem(dist_dir)?;
    let url = |name: &str| escape_attribute(&format!("{base}{name}"));
    let mut tags = vec![
        format!("<link rel=\"preload\" href=\"{}\" as=\"fetch\" crossorigin>", url(&format!("{stem}.wasm"))),
        format!("<link rel=\"preload\" href=\"{}\" as=\"script\">", url(&format!("{stem}.js"))),
    ];
    let mut config = String::new();
    if let Some(data_config) = data_config {
        let href = escape_attribute(data_config);
        tags.push(format!("<link rel=\"preload\" href=\"{href}\" as=\"fetch\" crossorigin>"));
        config = format!(" data-config=\"{href}\"");
    }
    tags.push(format!("<script src=\"{}\"{config}></script>", url("consentry.js")));
    Ok(tags.join("\n"))
}

/// The file stem of the build in `dist_dir` (`consentry-<hash>`), which must hold exactly one.
fn built_stem(dist_dir: &Path) -> Result<String> {
    if !dist_dir.join("consentry.js").is_file() {
        bail!("{} has no consentry.js; build it with `cargo xtask dist --out DIR`", dist_dir.display());
    }
    let entries = fs::read_dir(dist_dir).context(|| format!("listing {}", dist_dir.display()))?;
    let mut stems = Vec::new();
    for entry in entries {
        let name = entry.context(|| format!("listing {}", dist_dir.display()))?.file_name();
        if let Some(stem) =
            name.to_str().and_then(|n| n.strip_suffix(".wasm")).filter(|s| build_stem(&format!("{s}.wasm")).is_some())
        {
            stems.push(stem.to_string());
        }
    }
    match stems.as_slice() {
        [one] if dist_dir.join(format!("{one}.js")).is_file() => Ok(one.clone()),
        [one] => bail!("{} has {one}.wasm but not {one}.js", dist_dir.display()),
        [] => bail!("{} has no consentry-<hash>.wasm; build it with `cargo xtask dist --out DIR`", dist_dir.display()),
        _ => bail!("{} holds more than one build ({})", dist_dir.display(), stems.join(", ")),
    }
}

/// `value` made safe inside a double-quoted HTML attribute.
fn escape_attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_preloads_the_build_and_loads_the_loader() {
        let dir = std::env::temp_dir().join(format!("xtask-dist-snippet-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        assert!(snippet(&dir, "/vendor/", None).unwrap_err().to_string().contains("has no consentry.js"));
        fs::write(dir.join("consentry.js"), "").unwrap();
        assert!(snippet(&dir, "/vendor/", None).unwrap_err().to_string().contains("has no consentry-<hash>.wasm"));
        let stem = "consentry-0123456789abcdef";
        fs::write(dir.join(format!("{stem}.wasm")), "").unwrap();
        assert!(snippet(&dir, "/", None).unwrap_err().to_string().contains("but not consentry-0123456789abcdef.js"));
        fs::write(dir.join(format!("{stem}.js")), "").unwrap();
        assert_eq!(
            snippet(&dir, "/vendor/", None).unwrap(),
            "<link rel=\"preload\" href=\"/vendor/consentry-0123456789abcdef.wasm\" as=\"fetch\" crossorigin>\n\
             <link rel=\"preload\" href=\"/vendor/consentry-0123456789abcdef.js\" as=\"script\">\n\
             <script src=\"/vendor/consentry.js\"></script>"
        );
        let with_config = snippet(&dir, "https://cdn.example.net/c/", Some(r#"/c.json?a=1&b="x"<y>'"#)).unwrap();
        let escaped = "/c.json?a=1&amp;b=&quot;x&quot;&lt;y&gt;&#39;";
        assert!(with_config.contains(&format!("<link rel=\"preload\" href=\"{escaped}\" as=\"fetch\" crossorigin>\n")));
        assert!(with_config.ends_with(&format!(
            "<script src=\"https://cdn.example.net/c/consentry.js\" data-config=\"{escaped}\"></script>"
        )));
        fs::write(dir.join("consentry-fedcba9876543210.wasm"), "").unwrap();
        assert!(snippet(&dir, "/", None).unwrap_err().to_string().contains("more than one build"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_files_of_a_build_have_a_build_stem() {
        assert_eq!(build_stem("consentry-0123456789abcdef.js"), Some("consentry-0123456789abcdef"));
        assert_eq!(build_stem("consentry-0123456789abcdef.wasm"), Some("consentry-0123456789abcdef"));
        assert_eq!(build_stem("consentry.js"), None);
        assert_eq!(build_stem("consentry-config.js"), None);
        assert_eq!(build_stem("consentry-0123456789abcdeg.js"), None);
        assert_eq!(build_stem("snippet.html"), None);
    }
}
