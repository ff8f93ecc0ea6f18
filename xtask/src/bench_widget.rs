//! `cargo xtask bench-widget`: the built widget beside peer consent banners, in headless Chromium.
//!
//! A benchmark only: it prints figures and asserts nothing (its exit status only says whether the
//! harness ran; with `-- --validate`, whether every contestant validated). CI never runs it.
//!
//! It drives the peer harness in `../shared/bench` (consent-banner-bench, see its README):
//!
//! 1. the release files: `cargo xtask dist` into `target/bench-widget/dist`, or the directory given
//!    with `--dist DIR` as it is (no build);
//! 2. a fresh, writable copy of the harness in `target/bench-widget/bench` on every run (the shared folder is
//!    read-only). Its `node_modules` survives from run to run while `package-lock.json` stays byte-identical to
//!    the one it was installed from, else `npm ci` reinstalls it (playwright-core and the four peers; never a
//!    browser download: the harness drives `/usr/bin/chromium`). Its `results/` survive too;
//! 3. two contestants in `target/bench-widget/contestants/`, as the harness README's "Consentry as a
//!    contestant" describes: `consentry-inline` (configuration in the page, before the script) and
//!    `consentry-file` (`data-config="/consent.json"`), both embedded with exactly the tags that
//!    [`dist::snippet`] gives site owners, first in `<head>`, with the same content as the peers
//!    (`candidates/consent.json`). With `--compare DIR`, also `consentry-inline-before` and
//!    `consentry-file-before`: the older dist in DIR with the old embed (`<script src=… async>`);
//! 4. `node run.mjs --runs N --throttle P --add <each contestant> [ARGS after --]` in the copy, with
//!    its output on the terminal, then the path of the results it wrote.
//!
//! Reading the output (the harness README's "What is measured" has the details): each profile
//! (`none` = unthrottled desktop, `mobile` = Slow 4G and CPU 4×) gets tables of **median \[p90\]**
//! in ms from navigation start, over interleaved rounds, each in a fresh browser with a cold cache;
//! a baseline page without a banner runs in every round. Δ columns are paired differences against
//! that baseline in the same round, so machine drift cancels: Δ ScriptDuration and Δ JS heap are
//! the banner's own cost. `wire`/`encoded`/`raw` KB count the banner's own requests only (the page is
//! not counted, so inline configuration is free and `consentry-file` pays for `consent.json`);
//! wasm has its own column. "banner visible" / "interactive" are the first frames where the banner
//! paints and its accept button can be clicked (wasm compilation is inside them, not in
//! ScriptDuration); "accept → gone / persisted" follow a real click; the wasm linear memory shows
//! up in the backing-store column, not the JS heap. "failed runs" and a `FAIL` cell mean a
//! measurement is missing, not slow. Compare contestants within one results file only; the
//! `calib` drift check should be about the same for every contestant.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::args::BenchWidgetArgs;
use crate::dist;
use crate::error::{bail, Context, Result};
use crate::process::{capture, run, run_watching, version_of};
use crate::workspace::{root, target_dir};

/// The URL prefix the contestants serve a dist directory under.
const VENDOR: &str = "/vendor/";

/// The embed before [`dist::snippet`], kept for `--compare`: configuration inline.
const OLD_EMBED_INLINE: &str = r#"<script src="/vendor/consentry.js" async></script>"#;

/// The embed before [`dist::snippet`], kept for `--compare`: configuration in `/consent.json`.
const OLD_EMBED_FILE: &str = r#"<script src="/vendor/consentry.js" data-config="/consent.json" async></script>"#;

/// The configuration URL of the `-file` contestants (the file sits in the contestant folder).
const CONFIG_URL: &str = "/consent.json";

/// Top-level entries of the harness that are not copied (its `.gitignore`).
const NOT_COPIED: [&str; 3] = ["node_modules", "results", ".cache"];

/// Written into `node_modules` after `npm ci`: the `package-lock.json` it was installed from.
const INSTALLED_FROM: &str = ".bench-widget-package-lock.json";

/// Where the widget's configuration goes in a contestant page.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Config {
    /// `<script type="application/json" id="consentry-config">` before the script tag.
    Inline,
    /// `consent.json` in the contestant folder, named by `data-config`.
    File,
}

impl Config {
    /// The contestant folder's name without the `-before` suffix.
    fn id(self) -> &'static str {
        match self {
            Config::Inline => "consentry-inline",
            Config::File => "consentry-file",
        }
    }
}

/// Builds or finds the dist, refreshes the harness copy, writes the contestants and runs the harness.
pub fn run_bench_widget(args: &BenchWidgetArgs) -> Result<()> {
    if version_of("node").is_none() {
        bail!(
            "`node` was not found on PATH: the widget benchmark runs the shared harness (run.mjs) with Node.js >= 20"
        );
    }
    let source = harness_source()?;
    let work = target_dir().join("bench-widget");
    let given = args.dist.as_deref().map(|dir| existing_dir(dir, "--dist")).transpose()?;
    let before = args.compare.as_deref().map(old_dist).transpose()?;
    let dist_dir = match given {
        Some(dir) => dir,
        None => {
            let out = work.join("dist");
            dist::run_dist(&dist::Options { out: out.clone(), profile: dist::Profile::Release })?;
            existing_dir(&out, "the dist build")?
        }
    };
    // Before the copy and `npm ci`: a dist the snippet cannot embed fails in a second.
    let mut embeds = Vec::new();
    for config in [Config::Inline, Config::File] {
        embeds.push((config, dist::snippet(&dist_dir, VENDOR, (config == Config::File).then_some(CONFIG_URL))?));
    }

    let bench = work.join("bench");
    let kept = work.join("kept");
    refresh_copy(&source, &bench, &kept)?;
    install(&bench, &kept)?;

    let version = workspace_version();
    let contestants_dir = work.join("contestants");
    recreate_dir(&contestants_dir)?;
    let consent = read_text(&bench.join("candidates/consent.json"))?;
    let mut contestants = Vec::new();
    for (config, embed) in embeds {
        let notes =
            format!("cargo xtask bench-widget: {}; embed from dist::snippet, first in <head>", dist_dir.display());
        let dir = contestants_dir.join(config.id());
        write_contestant(&dir, config, &version, &dist_dir, &embed, &consent, &notes)?;
        contestants.push(dir);
    }
    if let Some(before) = &before {
        for config in [Config::Inline, Config::File] {
            let embed = if config == Config::Inline { OLD_EMBED_INLINE } else { OLD_EMBED_FILE };
            let notes =
                format!("cargo xtask bench-widget --compare: {}; the old embed, first in <head>", before.display());
            let dir = contestants_dir.join(format!("{}-before", config.id()));
            write_contestant(&dir, config, "before", before, embed, &consent, &notes)?;
            contestants.push(dir);
        }
    }
    println!("bench-widget: measuring {} (version {version})", dist_dir.display());
    if let Some(before) = &before {
        println!("bench-widget: against {} (the -before contestants)", before.display());
    }
    run_harness(&bench, args, &contestants)
}

/// The shared harness, `../shared/bench` beside the workspace.
fn harness_source() -> Result<PathBuf> {
    let path = root().join("../shared/bench");
    let source = path.canonicalize().context(|| format!("finding the shared benchmark harness {}", path.display()))?;
    if !source.join("run.mjs").is_file() || !source.join("package-lock.json").is_file() {
        bail!("{} has no run.mjs and package-lock.json: is it the consent-banner-bench harness?", source.display());
    }
    Ok(source)
}

/// `dir` as an absolute path (the harness resolves mounts against the contestant folder).
fn existing_dir(dir: &Path, what: &str) -> Result<PathBuf> {
    let abs = dir.canonicalize().context(|| format!("{what} {}", dir.display()))?;
    if !abs.is_dir() {
        bail!("{what} {} is not a directory", dir.display());
    }
    Ok(abs)
}

/// A `--compare` directory: an older dist, whose files have the names the old embed uses.
fn old_dist(dir: &Path) -> Result<PathBuf> {
    let abs = existing_dir(dir, "--compare")?;
    for file in ["consentry.js", "consentry.wasm"] {
        if !abs.join(file).is_file() {
            bail!("--compare {} has no {file}: give it a directory written by `cargo xtask dist`", dir.display());
        }
    }
    Ok(abs)
}

/// Replaces `bench` with a fresh writable copy of `source`, keeping its `node_modules` and `results`
/// (moved to `kept` meanwhile; a run that stopped half-way left them there, and they are picked up).
fn refresh_copy(source: &Path, bench: &Path, kept: &Path) -> Result<()> {
    fs::create_dir_all(kept).context(|| format!("creating {}", kept.display()))?;
    for name in ["node_modules", "results"] {
        let inside = bench.join(name);
        if inside.is_dir() {
            let aside = kept.join(name);
            remove_if_exists(&aside)?;
            rename(&inside, &aside)?;
        }
    }
    remove_if_exists(bench)?;
    copy_tree(source, bench, &NOT_COPIED)?;
    let results = kept.join("results");
    if results.is_dir() {
        rename(&results, &bench.join("results"))?;
    }
    Ok(())
}

/// Puts the kept `node_modules` back if it was installed from this `package-lock.json`, else runs `npm ci`.
fn install(bench: &Path, kept: &Path) -> Result<()> {
    if restore_node_modules(bench, &kept.join("node_modules"))? {
        println!("bench-widget: node_modules kept (package-lock.json unchanged)");
        return Ok(());
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(bench))?;
    let lock = bench.join("package-lock.json");
    let stamp = bench.join("node_modules").join(INSTALLED_FROM);
    fs::copy(&lock, &stamp).context(|| format!("copying {} to {}", lock.display(), stamp.display()))?;
    Ok(())
}

/// Moves `aside` to `bench/node_modules` when its stamp matches `bench/package-lock.json` byte for byte;
/// otherwise removes it. Returns whether it was restored.
fn restore_node_modules(bench: &Path, aside: &Path) -> Result<bool> {
    if !aside.is_dir() {
        return Ok(false);
    }
    let lock = fs::read(bench.join("package-lock.json")).context(|| format!("reading {}", bench.display()))?;
    if fs::read(aside.join(INSTALLED_FROM)).is_ok_and(|installed_from| installed_from == lock) {
        rename(aside, &bench.join("node_modules"))?;
        return Ok(true);
    }
    remove_if_exists(aside)?;
    Ok(false)
}

/// Copies the tree `from` to `to` (which must not exist), skipping the top-level entries named in
/// `skip`; every copied file is made writable by its owner.
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    fs::create_dir(to).context(|| format!("creating {}", to.display()))?;
    let entries = fs::read_dir(from).context(|| format!("listing {}", from.display()))?;
    for entry in entries {
        let entry = entry.context(|| format!("listing {}", from.display()))?;
        if skip.iter().any(|name| entry.file_name() == *name) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_tree(&source, &target, &[])?;
        } else {
            fs::copy(&source, &target).context(|| format!("copying {} to {}", source.display(), target.display()))?;
            make_writable(&target)?;
        }
    }
    Ok(())
}

/// Adds the owner's write permission (`fs::copy` keeps the source's `r--r--r--`).
fn make_writable(path: &Path) -> Result<()> {
    let mut permissions = fs::metadata(path).context(|| format!("reading {}", path.display()))?.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        permissions.set_mode(permissions.mode() | 0o200);
    }
    #[cfg(not(unix))]
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    fs::set_permissions(path, permissions).context(|| format!("making {} writable", path.display()))
}

/// `git describe --always --dirty` of the workspace, or "working tree" without git.
fn workspace_version() -> String {
    let described = capture(Command::new("git").current_dir(root()).args(["describe", "--always", "--dirty"]));
    match described.map(|v| v.trim().to_string()) {
        Ok(version) if !version.is_empty() => version,
        _ => "working tree".to_string(),
    }
}

/// Writes one contestant folder: `contestant.json`, `page.html` and, for [`Config::File`], `consent.json`.
fn write_contestant(
    dir: &Path,
    config: Config,
    version: &str,
    dist_dir: &Path,
    embed: &str,
    consent: &str,
    notes: &str,
) -> Result<()> {
    fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))?;
    let Some(mount) = dist_dir.to_str() else {
        bail!("{} is not valid UTF-8, which contestant.json cannot name", dist_dir.display());
    };
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    write(&dir.join("contestant.json"), &contestant_json(&name, version, mount, notes))?;
    write(&dir.join("page.html"), &page_html(config, embed, consent)?)?;
    if config == Config::File {
        write(&dir.join("consent.json"), consent)?;
    }
    Ok(())
}

/// `contestant.json`: the candidates' selectors and persistence, `dist_dir` mounted at [`VENDOR`].
fn contestant_json(name: &str, version: &str, dist_dir: &str, notes: &str) -> String {
    let [name, version, vendor, dist_dir, notes] = [name, version, VENDOR, dist_dir, notes].map(json_string);
    format!(
        r##"{{
  "name": {name},
  "version": {version},
  "page": "page.html",
  "mounts": {{ {vendor}: {dist_dir} }},
  "selectors": {{
    "root": "#consentry >>> .cs-banner",
    "acceptAll": "#consentry >>> [data-action=accept-all]",
    "rejectAll": "#consentry >>> [data-action=reject-all]",
    "customize": "#consentry >>> [data-action=customize]"
  }},
  "persist": {{ "type": "localStorage", "key": "consentry", "contains": "\"marketing\":true" }},
  "notes": {notes}
}}
"##
    )
}

/// The shared host page with the embed first in `<head>` (after the inline configuration, if any).
fn page_html(config: Config, embed: &str, consent: &str) -> Result<String> {
    let mut head = String::new();
    if config == Config::Inline {
        if consent.to_ascii_lowercase().contains("</script") {
            bail!("candidates/consent.json contains `</script`, which would end the inline configuration tag");
        }
        head.push_str("<script type=\"application/json\" id=\"consentry-config\">\n");
        head.push_str(consent);
        if !consent.ends_with('\n') {
            head.push('\n');
        }
        head.push_str("</script>\n");
    }
    head.push_str(embed.trim_end());
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<!--#include head-->\n{head}\n</head>\n\
         <body>\n<!--#include article-->\n</body>\n</html>\n"
    ))
}

/// Runs the harness in `bench` with the contestants added, then names the results it wrote.
fn run_harness(bench: &Path, args: &BenchWidgetArgs, contestants: &[PathBuf]) -> Result<()> {
    let mut cmd = Command::new("node");
    cmd.current_dir(bench).arg("run.mjs").args(["--runs", &args.runs.to_string(), "--throttle", &args.throttle]);
    for dir in contestants {
        cmd.arg("--add").arg(dir);
    }
    cmd.args(&args.harness_args);
    let mut wrote = None;
    let status = run_watching(&mut cmd, |line| {
        if let Some(files) = line.trim().strip_prefix("wrote ") {
            wrote = Some(files.to_string());
        }
    })?;
    match wrote.as_deref().and_then(|files| files.split_once(" and ")) {
        Some((json, md)) => {
            println!("bench-widget: results (tables): {md}");
            println!("bench-widget: results (every measurement): {json}");
        }
        None => {
            println!("bench-widget: run.mjs named no results file; they are under {}", bench.join("results").display())
        }
    }
    if !status.success() {
        bail!("the harness `node run.mjs` in {} failed ({status})", bench.display());
    }
    Ok(())
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn recreate_dir(dir: &Path) -> Result<()> {
    remove_if_exists(dir)?;
    fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))
}

fn remove_if_exists(dir: &Path) -> Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).context(|| format!("removing {}", dir.display()))?;
    }
    Ok(())
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).context(|| format!("moving {} to {}", from.display(), to.display()))
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).context(|| format!("reading {}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh scratch directory for one test.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-bench-widget-{}-{name}", std::process::id()));
        recreate_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn pages_put_the_configuration_then_the_embed_first_in_head() {
        let inline =
            page_html(Config::Inline, "<script src=\"/vendor/consentry.js\" async></script>\n", "{}\n").unwrap();
        assert_eq!(
            inline,
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<!--#include head-->\n\
             <script type=\"application/json\" id=\"consentry-config\">\n{}\n</script>\n\
             <script src=\"/vendor/consentry.js\" async></script>\n</head>\n<body>\n<!--#include article-->\n\
             </body>\n</html>\n"
        );
        let file = page_html(Config::File, OLD_EMBED_FILE, "{}").unwrap();
        assert!(file.contains(&format!("<!--#include head-->\n{OLD_EMBED_FILE}\n</head>")), "{file}");
        assert!(!file.contains("consentry-config"));
        assert!(page_html(Config::Inline, OLD_EMBED_INLINE, "{\"a\": \"</SCRIPT>\"}").is_err());
    }

    #[test]
    fn contestant_json_escapes_and_mounts_the_dist() {
        let json = contestant_json("consentry-file", "abc-dirty", "/tmp/a \"b\"\\c", "x\ny");
        assert!(json.contains(r#""mounts": { "/vendor/": "/tmp/a \"b\"\\c" },"#), "{json}");
        assert!(json.contains(r#""name": "consentry-file","#));
        assert!(json.contains(r#""notes": "x\ny""#));
        assert!(json.contains(
            r#""persist": { "type": "localStorage", "key": "consentry", "contains": "\"marketing\":true" }"#
        ));
        assert_eq!(json_string("\u{1}"), "\"\\u0001\"");
    }

    #[test]
    fn the_copy_is_fresh_and_writable_and_keeps_results_and_matching_node_modules() {
        let dir = scratch("copy");
        let (source, bench, kept) = (dir.join("source"), dir.join("bench"), dir.join("kept"));
        fs::create_dir_all(source.join("lib")).unwrap();
        fs::create_dir_all(source.join("node_modules/x")).unwrap();
        fs::write(source.join("package-lock.json"), "lock 1").unwrap();
        fs::write(source.join("lib/a.mjs"), "a").unwrap();
        let mut read_only = fs::metadata(source.join("lib/a.mjs")).unwrap().permissions();
        read_only.set_readonly(true);
        fs::set_permissions(source.join("lib/a.mjs"), read_only).unwrap();

        refresh_copy(&source, &bench, &kept).unwrap();
        assert!(!bench.join("node_modules").exists(), "the source's node_modules is not copied");
        assert!(!fs::metadata(bench.join("lib/a.mjs")).unwrap().permissions().readonly());
        assert!(!install_is_kept(&bench, &kept));

        // As if `npm ci` had run: node_modules stamped with the lock file, and a result written.
        fs::create_dir_all(bench.join("node_modules/pkg")).unwrap();
        fs::write(bench.join("node_modules").join(INSTALLED_FROM), "lock 1").unwrap();
        fs::create_dir_all(bench.join("results")).unwrap();
        fs::write(bench.join("results/old.md"), "old").unwrap();
        fs::write(bench.join("stray"), "").unwrap();

        refresh_copy(&source, &bench, &kept).unwrap();
        assert!(!bench.join("stray").exists(), "the old copy is gone");
        assert!(bench.join("results/old.md").is_file(), "results survive");
        assert!(install_is_kept(&bench, &kept));
        assert!(bench.join("node_modules/pkg").is_dir());

        fs::write(source.join("package-lock.json"), "lock 2").unwrap();
        refresh_copy(&source, &bench, &kept).unwrap();
        assert!(!install_is_kept(&bench, &kept), "a changed lock file means a new install");
        assert!(!bench.join("node_modules").exists() && !kept.join("node_modules").exists());

        fs::remove_dir_all(&dir).unwrap();
    }

    fn install_is_kept(bench: &Path, kept: &Path) -> bool {
        restore_node_modules(bench, &kept.join("node_modules")).unwrap()
    }
}
