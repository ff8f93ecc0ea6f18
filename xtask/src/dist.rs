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
use crate::setup::{self, NIGHTLY, WASM_SPLIT_VERSION};
use crate::workspace::{locked_version, root, target_dir, WASM_TARGET, WIDGET_PACKAGE};
use crate::{glue, loader, sizes, sri, wasm_module};

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
    // The release build is split: the main module and one chunk per `#[wasm_split]` module, plus the
    // link module that fetches them.
    let split_dir = work.join("split");
    let (main_input, chunk_files) = match &tools.wasm_split {
        Some(wasm_split) => {
            run(Command::new(wasm_split).arg(&compiled).arg(&split_dir).args([
                "--target",
                "web",
                "--out-name",
                "consentry",
            ]))?;
            (split_dir.join("consentry.wasm"), chunks_in(&split_dir)?)
        }
        None => (compiled.clone(), Vec::new()),
    };
    let bindgen_dir = work.join("bindgen");
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen.args(["--target", "web", "--no-typescript"]).args(["--remove-name-section", "--remove-producers-section"]);
    if tools.wasm_split.is_some() {
        // The chunks call into the main module through exports the linker made; keep them.
        bindgen.arg("--keep-lld-exports");
    }
    run(bindgen.args(["--out-name", "consentry", "--out-dir"]).arg(&bindgen_dir).arg(&main_input))?;

    // The wasm-streams classes Leptos drags in: exports in the module, classes in the glue.
    let (module, dropped) =
        wasm_module::drop_exports(&read_bytes(&bindgen_dir.join("consentry_bg.wasm"))?, glue::is_stream_export)?;
    let glue_js = glue::drop_stream_classes(&read_text(&bindgen_dir.join("consentry.js"))?)?;
    if dropped.is_empty() {
        bail!("the module exports no wasm-streams class although the glue had them");
    }
    let lean = work.join("consentry.lean.wasm");
    write(&lean, &module)?;
    let flags = features(&lean, &compiled)?;
    let main_wasm = read_bytes(&optimize(tools.wasm_opt.as_deref(), &flags, &lean, &work.join("main.opt.wasm"))?)?;
    let link = match chunk_files.is_empty() {
        true => String::new(),
        false => read_text(&split_dir.join("__wasm_split.js"))?,
    };
    let (main_wasm, glue_js) = match opts.profile {
        Profile::Release => shorten(&main_wasm, &glue_js, &link)?,
        Profile::Dev => (main_wasm, glue_js),
    };
    let mut chunks = Vec::new();
    for chunk in &chunk_files {
        let input = split_dir.join(&chunk.file);
        let output = work.join(format!("{}.opt.wasm", chunk.name));
        chunks.push((chunk.name.clone(), read_bytes(&optimize(tools.wasm_opt.as_deref(), &flags, &input, &output)?)?));
    }

    // One stem for the whole build: a new main module, chunk or glue renames every file.
    let mut hashed = main_wasm.clone();
    for (_, bytes) in &chunks {
        hashed.extend_from_slice(bytes);
    }
    let stem = loader::stem(&hashed, glue_js.as_bytes());
    let glue_name = format!("{stem}.js");
    fs::create_dir_all(&opts.out).context(|| format!("creating {}", opts.out.display()))?;
    remove_other_builds(&opts.out, &stem)?;
    let out_loader = opts.out.join("consentry.js");
    let out_signals_loader = opts.out.join(loader::SIGNALS_LOADER);
    let out_glue = opts.out.join(&glue_name);
    let out_wasm = opts.out.join(format!("{stem}.wasm"));
    write(&out_wasm, &main_wasm)?;
    let mut files = vec![out_loader.clone(), out_signals_loader.clone(), out_glue.clone(), out_wasm.clone()];
    for (name, bytes) in &chunks {
        let path = opts.out.join(format!("{stem}-{name}.wasm"));
        write(&path, bytes)?;
        files.push(path);
    }
    // Integrity, inside out: the chunks' hashes go into the bindings script (which bundles the split
    // link module), the module's and the bindings script's into the loader; pinning the loader with
    // `integrity=` pins every file.
    let wasm_hashes = sri::sha384(&files[3..].iter().map(PathBuf::as_path).collect::<Vec<_>>())?;

    // The chunks the loader may fetch beside the module: the language packs' code (when the page's
    // language is likely to need a pack) and the cookie storage mode's (when the configuration says so).
    let preloads = |point: &str| -> Result<Vec<(String, String)>> {
        if !chunk_files.iter().any(|c| c.name == point) {
            return Ok(Vec::new());
        }
        let mut pinned = Vec::new();
        for name in glue::chunks_of(&link, point)? {
            let Some(at) = chunks.iter().position(|(n, _)| *n == name) else {
                bail!("the split point `{point}` loads the chunk `{name}`, which wasm-split did not write");
            };
            pinned.push((name, wasm_hashes[at + 1].clone()));
        }
        Ok(pinned)
    };
    let (pack_chunks, cookie_chunks) = (preloads("packs")?, preloads("cookies")?);
    let mut preloadable: Vec<String> = pack_chunks.iter().chain(&cookie_chunks).map(|(n, _)| n.clone()).collect();
    preloadable.sort();
    preloadable.dedup();
    let bundle_dir = work.join("bundle");
    fs::create_dir_all(&bundle_dir).context(|| format!("creating {}", bundle_dir.display()))?;
    write(&bundle_dir.join("consentry.js"), &glue::rebase(&glue_js)?)?;
    write(&bundle_dir.join("script_url.js"), glue::SCRIPT_URL_MODULE)?;
    write(&bundle_dir.join("entry.js"), glue::entry(&glue_name))?;
    if !chunk_files.is_empty() {
        let pinned: Vec<(glue::Chunk, String)> = chunk_files
            .iter()
            .map(|c| {
                let at = chunks.iter().position(|(n, _)| *n == c.name).map(|i| i + 1);
                (c.clone(), at.map(|i| wasm_hashes[i].clone()).unwrap_or_default())
            })
            .collect();
        write(
            &bundle_dir.join("__wasm_split.js"),
            &glue::rebase(&glue::rename_chunks(&link, &stem, &pinned, &preloadable)?)?,
        )?;
    }
    let minify = opts.profile == Profile::Release;
    esbuild(&tools.esbuild, &bundle_dir.join("entry.js"), &out_glue, minify, true)?;
    let glue_hash = sri::sha384(&[out_glue.as_path()])?.remove(0);
    let template = read_text(&root.join("src/loader.js"))?;
    for (signals, out) in [(false, &out_loader), (true, &out_signals_loader)] {
        let loader_js = work.join(if signals { "loader-signals.js" } else { "loader.js" });
        let rendered = loader::render(&loader::variant(&template, signals)?, &stem, &wasm_hashes[0], &glue_hash)?;
        let rendered = loader::with_chunks(&rendered, loader::PACK_CHUNKS_MARKER, &pack_chunks)?;
        let rendered = loader::with_chunks(&rendered, loader::COOKIE_CHUNKS_MARKER, &cookie_chunks)?;
        write(&loader_js, &rendered)?;
        esbuild(&tools.esbuild, &loader_js, out, minify, false)?;
    }
    let snippet_file = opts.out.join("snippet.html");
    let tags = snippet(&opts.out, "", None)?;
    write(&snippet_file, format!("{tags}\n"))?;
    let signals_tags = snippet_for(&opts.out, "", None, loader::SIGNALS_LOADER)?;
    write(&opts.out.join("snippet-signals.html"), format!("{signals_tags}\n"))?;

    let kind = opts.profile.label();
    println!(
        "dist: {kind} build in {} of {}: the loader consentry.js, {glue_name}, {stem}.wasm{}",
        format_duration(started.elapsed()),
        opts.out.display(),
        chunks.iter().map(|(n, _)| format!(", the chunk {stem}-{n}.wasm")).collect::<String>(),
    );
    println!("dist: put these tags first in <head> (URLs relative to the files; {}):", snippet_file.display());
    println!("{tags}");
    let packs = write_language_packs(&root, &opts.out)?;
    crate::package::write(&opts.out, &files)?;
    sizes::print_table(&files)?;
    println!(
        "dist: {} language packs beside them (a page view fetches the one it shows, unless English), e.g.:",
        packs.len()
    );
    let german: Vec<PathBuf> = packs.into_iter().filter(|p| file_name_starts(p, "consentry-lang-de-")).collect();
    sizes::print_table(&german)
}

/// Copies every language pack (`model/src/i18n/packs/<tag>.json`) into `out` as
/// `consentry-lang-<tag>-<first 16 hex digits of its SHA-256>.json`, the name and digest `build.rs`
/// compiled into the module, and removes packs of other builds.
fn write_language_packs(root: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join("model/src/i18n/packs");
    let mut sources: Vec<PathBuf> = fs::read_dir(&dir)
        .context(|| format!("listing {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    sources.sort();
    let hashes = sri::sha256_hex(&sources.iter().map(PathBuf::as_path).collect::<Vec<_>>())?;
    let mut written = Vec::new();
    for (source, hash) in sources.iter().zip(&hashes) {
        let tag = source.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let target = out.join(format!("consentry-lang-{tag}-{}.json", &hash[..16]));
        fs::copy(source, &target).context(|| format!("copying {} to {}", source.display(), target.display()))?;
        written.push(target);
    }
    for entry in fs::read_dir(out).context(|| format!("listing {}", out.display()))? {
        let path = entry.context(|| format!("listing {}", out.display()))?.path();
        if file_name_starts(&path, "consentry-lang-") && !written.contains(&path) {
            fs::remove_file(&path).context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(written)
}

fn file_name_starts(path: &Path, prefix: &str) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix))
}

/// The chunks wasm-split wrote, sorted by file name.
fn chunks_in(split_dir: &Path) -> Result<Vec<glue::Chunk>> {
    let entries = fs::read_dir(split_dir).context(|| format!("listing {}", split_dir.display()))?;
    let mut chunks = Vec::new();
    for entry in entries {
        let file = entry.context(|| format!("listing {}", split_dir.display()))?.file_name();
        let Some(file) = file.to_str() else { continue };
        if file == "consentry.wasm" || !file.ends_with(".wasm") {
            continue;
        }
        match glue::Chunk::of_file(file) {
            Some(chunk) => chunks.push(chunk),
            None => bail!("wasm-split wrote a file with an unexpected name: {file}"),
        }
    }
    chunks.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(chunks)
}

/// `esbuild FROM --outfile=TO`, bundling ES modules into one IIFE when `bundle`, minifying when `minify`.
fn esbuild(esbuild: &Path, from: &Path, to: &Path, minify: bool, bundle: bool) -> Result<()> {
    let mut cmd = Command::new(esbuild);
    cmd.arg(from).args(["--log-level=warning", "--legal-comments=inline", "--target=es2020"]);
    if bundle {
        cmd.args(["--bundle", "--format=iife"]);
    }
    if minify {
        cmd.arg("--minify");
    }
    run(cmd.arg(format!("--outfile={}", to.display())))
}

/// Removes the files of earlier builds from `out` (`consentry-<other hash>.js/.wasm` and their chunks,
/// and the single `consentry.wasm` of the layout before the loader), so a directory never holds two
/// builds.
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

/// `consentry-<16 hex>` for the files of a build (`consentry-<16 hex>.js`, `.wasm`, or a chunk
/// `consentry-<16 hex>-<name>.wasm`), else `None`.
fn build_stem(file_name: &str) -> Option<&str> {
    let hash = file_name.strip_prefix("consentry-")?.get(..16)?;
    if !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let rest = &file_name["consentry-".len() + 16..];
    let chunk = rest.strip_prefix('-').and_then(|r| r.strip_suffix(".wasm"));
    let known = rest == ".js" || rest == ".wasm" || chunk.is_some_and(|c| !c.is_empty());
    known.then(|| &file_name[.."consentry-".len() + 16])
}

/// Short names for the bindings' imports and the glue's exports (see
/// `wasm_module::shorten_names`), in the module and the glue alike; exports the split link module
/// uses keep their names.
fn shorten(module: &[u8], glue_js: &str, link: &str) -> Result<(Vec<u8>, String)> {
    let renamed = |name: &str| {
        ["wasm_bindgen_", "__wbindgen_", "__externref_"].iter().any(|p| name.starts_with(p)) && !link.contains(name)
    };
    let short = wasm_module::shorten_names(module, "./consentry_bg.js", renamed)?;
    if short.imports.is_empty() {
        bail!("the module imports nothing from ./consentry_bg.js: has wasm-bindgen changed its module name?");
    }
    let glue_js = glue::rename_bindings(glue_js, &short.imports, &short.exports)?;
    Ok((short.module, glue_js))
}

/// The tools `dist` needs, checked up front so a missing one fails in a second, not after a build.
struct Tools {
    wasm_opt: Option<PathBuf>,
    wasm_split: Option<PathBuf>,
    esbuild: PathBuf,
}

impl Tools {
    fn check(profile: Profile) -> Result<Tools> {
        let wanted = locked_version("wasm-bindgen")?;
        match version_of("wasm-bindgen") {
            Some(v) if names_version(&v, &wanted) => {}
            Some(v) => bail!("wasm-bindgen CLI is `{}` but Cargo.lock has {wanted}; run `cargo xtask setup`", v.trim()),
            None => bail!("wasm-bindgen CLI not found; run `cargo xtask setup`"),
        }
        let bin = root().join("node_modules/.bin");
        let esbuild = bin.join("esbuild");
        if version_of(&esbuild).is_none() {
            bail!("{} is missing; run `cargo xtask setup`", esbuild.display());
        }
        if profile == Profile::Dev {
            return Ok(Tools { wasm_opt: None, wasm_split: None, esbuild });
        }
        let wasm_opt = bin.join("wasm-opt");
        if !version_of(&wasm_opt).is_some_and(|v| v.contains(WASM_OPT_VERSION)) {
            bail!("{} ({WASM_OPT_VERSION}) is missing; run `cargo xtask setup`", wasm_opt.display());
        }
        if !setup::wasm_split_installed() {
            bail!("wasm-split-cli {WASM_SPLIT_VERSION} is missing; run `cargo xtask setup`");
        }
        Ok(Tools { wasm_opt: Some(wasm_opt), wasm_split: Some(PathBuf::from("wasm-split-cli")), esbuild })
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
                .args(["--features", "split"])
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

/// The compiler flags of the shipped wasm (with `-Zbuild-std`; see [`cargo_build`]). `--emit-relocs`
/// keeps the relocations wasm-split reads to find what each split point reaches.
const SHIPPED_RUSTFLAGS: &str =
    "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none -Clink-args=--emit-relocs";

/// The `wasm-opt --enable-*` flags of the build: wasm-bindgen normally keeps `target_features`; fall
/// back to rustc's own output if not. Chunks have no section of their own and get the same flags.
fn features(module: &Path, compiled: &Path) -> Result<Vec<String>> {
    match wasm_module::wasm_opt_flags(&read_bytes(module)?) {
        Ok(flags) => Ok(flags),
        Err(_) => wasm_module::wasm_opt_flags(&read_bytes(compiled)?),
    }
}

/// `wasm-opt -Oz` with exactly the features the module was compiled with; `input` itself without
/// wasm-opt (dev builds).
fn optimize(wasm_opt: Option<&Path>, flags: &[String], input: &Path, output: &Path) -> Result<PathBuf> {
    let Some(wasm_opt) = wasm_opt else { return Ok(input.to_path_buf()) };
    run(Command::new(wasm_opt)
        .arg("-Oz")
        .args(flags)
        .args(["--strip-debug", "--strip-producers", "--strip-target-features"])
        .arg(input)
        .arg("-o")
        .arg(output))?;
    Ok(output.to_path_buf())
}

fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    fs::write(path, contents).context(|| format!("writing {}", path.display()))
}

fn recreate_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))
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
    snippet_for(dist_dir, base, data_config, "consentry.js")
}

/// [`snippet`] with the loader `loader` (`consentry.js`, or [`loader::SIGNALS_LOADER`] for a site
/// that signals vendors' consent APIs).
pub fn snippet_for(dist_dir: &Path, base: &str, data_config: Option<&str>, loader: &str) -> Result<String> {
    let stem = built_stem(dist_dir)?;
    let url = |name: &str| escape_attribute(&format!("{base}{name}"));
    let (wasm, glue) = (format!("{stem}.wasm"), format!("{stem}.js"));
    let hashes = sri::sha384(&[&dist_dir.join(&glue), &dist_dir.join(loader)])?;
    let mut tags = vec![
        // No `integrity` here: a preload `as="fetch"` ignores it (crbug.com/981419); the loader checks
        // the module's hash itself.
        format!("<link rel=\"preload\" href=\"{}\" as=\"fetch\" crossorigin>", url(&wasm)),
        format!("<link rel=\"preload\" href=\"{}\" as=\"script\" crossorigin integrity=\"{}\">", url(&glue), hashes[0]),
    ];
    let mut config = String::new();
    if let Some(data_config) = data_config {
        let href = escape_attribute(data_config);
        tags.push(format!("<link rel=\"preload\" href=\"{href}\" as=\"fetch\" crossorigin>"));
        config = format!(" data-config=\"{href}\"");
    }
    tags.push(format!("<script src=\"{}\"{config} integrity=\"{}\" crossorigin></script>", url(loader), hashes[1]));
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
        let Some(name) = name.to_str() else { continue };
        // The main module only: a chunk (`<stem>-<name>.wasm`) is part of the same build.
        if let Some(stem) = build_stem(name).filter(|stem| name == format!("{stem}.wasm")) {
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
        // The three files are empty here: each has the integrity value of the empty input.
        let empty = "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb";
        assert_eq!(
            snippet(&dir, "/vendor/", None).unwrap(),
            format!(
                "<link rel=\"preload\" href=\"/vendor/consentry-0123456789abcdef.wasm\" as=\"fetch\" crossorigin>\n\
                 <link rel=\"preload\" href=\"/vendor/consentry-0123456789abcdef.js\" as=\"script\" crossorigin integrity=\"{empty}\">\n\
                 <script src=\"/vendor/consentry.js\" integrity=\"{empty}\" crossorigin></script>"
            )
        );
        let with_config = snippet(&dir, "https://cdn.example.net/c/", Some(r#"/c.json?a=1&b="x"<y>'"#)).unwrap();
        let escaped = "/c.json?a=1&amp;b=&quot;x&quot;&lt;y&gt;&#39;";
        assert!(with_config.contains(&format!("<link rel=\"preload\" href=\"{escaped}\" as=\"fetch\" crossorigin>\n")));
        assert!(with_config.ends_with(&format!(
            "<script src=\"https://cdn.example.net/c/consentry.js\" data-config=\"{escaped}\" integrity=\"{empty}\" crossorigin></script>"
        )));
        // A chunk of the same build is not a second build.
        fs::write(dir.join(format!("{stem}-preferences.wasm")), "").unwrap();
        assert!(snippet(&dir, "/", None).is_ok());
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
        assert_eq!(build_stem("consentry-0123456789abcdef-preferences.wasm"), Some("consentry-0123456789abcdef"));
        assert_eq!(build_stem("consentry-0123456789abcdef-.wasm"), None);
        assert_eq!(build_stem("consentry-0123456789abcdef-preferences.js"), None);
        assert_eq!(build_stem("consentry-0123456789abcdef.css"), None);
    }
}
