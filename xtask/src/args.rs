//! The command line: the usage text, and one typed value per command parsed from the arguments.
//!
//! Parsing is pure (no environment, no file system), so every message below is unit-tested; `main`
//! turns the parsed [`Cmd`] into work.

use std::path::PathBuf;

use crate::error::{bail, Error, Result};

/// What `cargo xtask help` prints, and every argument error after its own sentence.
pub const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup [--demo] [--fuzz]
                        install missing tools at their pinned versions and start PostgreSQL
                        for the server tests (--demo: also trunk; --fuzz: also the pinned
                        nightly toolchain and cargo-fuzz)
  dist [--out DIR] [--dev] [--trunk-hook]
                        build DIR/consentry.js and DIR/consentry.wasm (default DIR: dist/)
                        --dev: dev profile, no wasm-opt, no minification
                        --trunk-hook: DIR from $TRUNK_STAGING_DIR, --dev when $TRUNK_PROFILE=debug
  lint                  cargo fmt --check (workspace and fuzz/), cargo deny (licenses, bans,
                        sources), cargo clippy -D warnings (workspace natively, and the widget
                        for wasm32)
  audit --db DIR        cargo deny's advisories check against DIR, a local git clone of the
                        RustSec advisory database (github.com/RustSec/advisory-db)
  test                  setup (with Trunk), lint, native tests, server tests (SQLite +
                        PostgreSQL), browser tests, dist, the Leptos example (Trunk),
                        end-to-end tests, fuzz replay (each target over its committed inputs)
  fuzz [--seconds N] [TARGET...]
                        run every cargo-fuzz target of fuzz/fuzz_targets/ (or the ones named)
                        for N seconds each (default 60), then print a summary; fails if one crashed
  demo [--no-open]      setup --demo, then serve the demo on http://127.0.0.1:8080/ and the
                        receipt server on http://127.0.0.1:8787/, and open the page and the
                        server's dashboard in the desktop's browser once they answer
  bench                 receipt server throughput on SQLite and PostgreSQL (prints figures)
  bench-widget [--dist DIR] [--compare DIR] [--runs N] [--throttle P] [-- ARGS...]
                        the widget beside peer consent banners in headless Chromium, with
                        ../shared/bench (prints figures): a release dist into
                        target/bench-widget/dist, or the built one in --dist DIR;
                        --compare DIR: also an older dist, with the old embed, for before/after;
                        N measured rounds (default 11), throttle profiles P (default none,mobile);
                        ARGS go to run.mjs as they are (e.g. -- --only orejime, -- --validate)
  help                  show this text";

/// How long each target runs when `cargo xtask fuzz` is not given `--seconds`.
pub const DEFAULT_FUZZ_SECONDS: u64 = 60;

/// Measured rounds of `cargo xtask bench-widget` without `--runs`.
pub const DEFAULT_BENCH_RUNS: u32 = 11;

/// Throttling profiles of `cargo xtask bench-widget` without `--throttle`.
pub const DEFAULT_BENCH_THROTTLE: &str = "none,mobile";

/// One `cargo xtask` invocation.
#[derive(Debug, PartialEq, Eq)]
pub enum Cmd {
    /// `setup [--demo] [--fuzz]`.
    Setup(SetupArgs),
    /// `dist [--out DIR] [--dev] [--trunk-hook]`.
    Dist(DistArgs),
    /// `lint`.
    Lint,
    /// `test`.
    Test,
    /// `fuzz [--seconds N] [TARGET...]`.
    Fuzz(FuzzArgs),
    /// `demo [--no-open]`: `true` opens the demo page and the dashboard in a browser.
    Demo { open: bool },
    /// `bench`.
    Bench,
    /// `bench-widget [--dist DIR] [--compare DIR] [--runs N] [--throttle P] [-- ARGS...]`.
    BenchWidget(BenchWidgetArgs),
    /// `audit --db DIR`.
    Audit(PathBuf),
    /// `help`, `-h`, `--help`, or no command at all.
    Help,
}

/// `cargo xtask setup`'s flags.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SetupArgs {
    /// `--demo`: also install Trunk.
    pub demo: bool,
    /// `--fuzz`: also install the pinned nightly toolchain and cargo-fuzz.
    pub fuzz: bool,
}

/// `cargo xtask dist`'s flags, as given (`main` resolves the defaults and Trunk's environment).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DistArgs {
    /// `--out DIR` / `--out=DIR`.
    pub out: Option<PathBuf>,
    /// `--dev`.
    pub dev: bool,
    /// `--trunk-hook` (never together with `--out` or `--dev`).
    pub trunk_hook: bool,
}

/// `cargo xtask fuzz`'s arguments.
#[derive(Debug, PartialEq, Eq)]
pub struct FuzzArgs {
    /// `--seconds N`: how long each target runs (at least 1; libFuzzer reads 0 as "forever").
    pub seconds: u64,
    /// The targets named, in order and without repeats; empty means every target.
    pub targets: Vec<String>,
}

/// `cargo xtask bench-widget`'s arguments.
#[derive(Debug, PartialEq, Eq)]
pub struct BenchWidgetArgs {
    /// `--dist DIR`: an already built dist to measure (no build); `None` builds one.
    pub dist: Option<PathBuf>,
    /// `--compare DIR`: an older dist, measured too with the old embed.
    pub compare: Option<PathBuf>,
    /// `--runs N`: measured rounds (at least 1).
    pub runs: u32,
    /// `--throttle P`: the harness's profiles, comma-separated.
    pub throttle: String,
    /// Everything after `--`, passed to `run.mjs` verbatim.
    pub harness_args: Vec<String>,
}

impl Default for BenchWidgetArgs {
    fn default() -> Self {
        BenchWidgetArgs {
            dist: None,
            compare: None,
            runs: DEFAULT_BENCH_RUNS,
            throttle: DEFAULT_BENCH_THROTTLE.to_string(),
            harness_args: Vec::new(),
        }
    }
}

/// Parses the arguments after `cargo xtask`.
pub fn parse(args: &[String]) -> Result<Cmd> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Cmd::Help);
    };
    match command.as_str() {
        "setup" => parse_setup(rest).map(Cmd::Setup),
        "dist" => parse_dist(rest).map(Cmd::Dist),
        "lint" => no_arguments(rest).map(|()| Cmd::Lint),
        "test" => no_arguments(rest).map(|()| Cmd::Test),
        "fuzz" => parse_fuzz(rest).map(Cmd::Fuzz),
        "demo" => match rest {
            [] => Ok(Cmd::Demo { open: true }),
            [flag] if flag == "--no-open" => Ok(Cmd::Demo { open: false }),
            [other, ..] => bail!("unknown argument `{other}`\n\n{USAGE}"),
        },
        "bench" => no_arguments(rest).map(|()| Cmd::Bench),
        "bench-widget" => parse_bench_widget(rest).map(Cmd::BenchWidget),
        "audit" => parse_audit(rest).map(Cmd::Audit),
        "help" | "-h" | "--help" => Ok(Cmd::Help),
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

fn parse_audit(args: &[String]) -> Result<PathBuf> {
    match args {
        [flag, dir] if flag == "--db" => Ok(PathBuf::from(dir)),
        [one] if one.starts_with("--db=") => Ok(PathBuf::from(&one["--db=".len()..])),
        [] => bail!(
            "`audit` needs `--db DIR`, a local clone of https://github.com/RustSec/advisory-db \
             (the registry mirrors here do not serve it)\n\n{USAGE}"
        ),
        _ => bail!("usage: `audit --db DIR`\n\n{USAGE}"),
    }
}

fn parse_setup(args: &[String]) -> Result<SetupArgs> {
    let mut setup = SetupArgs::default();
    for arg in args {
        match arg.as_str() {
            "--demo" => setup.demo = true,
            "--fuzz" => setup.fuzz = true,
            other => bail!("unknown argument `{other}`\n\n{USAGE}"),
        }
    }
    Ok(setup)
}

/// `--trunk-hook` takes the output directory and profile from Trunk, so it excludes `--out`/`--dev`.
fn parse_dist(args: &[String]) -> Result<DistArgs> {
    let mut dist = DistArgs::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dev" => dist.dev = true,
            "--trunk-hook" => dist.trunk_hook = true,
            "--out" => match args.next() {
                Some(dir) => dist.out = Some(PathBuf::from(dir)),
                None => bail!("`--out` needs a directory\n\n{USAGE}"),
            },
            other => match other.strip_prefix("--out=") {
                Some(dir) => dist.out = Some(PathBuf::from(dir)),
                None => bail!("unknown argument `{other}` for `dist`\n\n{USAGE}"),
            },
        }
    }
    if dist.trunk_hook && (dist.out.is_some() || dist.dev) {
        bail!("`--trunk-hook` takes the directory and profile from Trunk; drop --out/--dev");
    }
    Ok(dist)
}

fn parse_fuzz(args: &[String]) -> Result<FuzzArgs> {
    let mut fuzz = FuzzArgs { seconds: DEFAULT_FUZZ_SECONDS, targets: Vec::new() };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--seconds" {
            let Some(value) = args.next() else { bail!("`--seconds` needs a number\n\n{USAGE}") };
            fuzz.seconds = parse_seconds(value)?;
        } else if let Some(value) = arg.strip_prefix("--seconds=") {
            fuzz.seconds = parse_seconds(value)?;
        } else if arg.starts_with('-') {
            bail!("unknown argument `{arg}` for `fuzz`\n\n{USAGE}");
        } else if !fuzz.targets.contains(arg) {
            fuzz.targets.push(arg.clone());
        }
    }
    Ok(fuzz)
}

fn parse_seconds(value: &str) -> Result<u64> {
    match value.parse::<u64>() {
        Ok(seconds) if seconds > 0 => Ok(seconds),
        _ => bail!("`--seconds` needs a whole number of seconds, at least 1 (got `{value}`)\n\n{USAGE}"),
    }
}

/// Flags take `--flag VALUE` or `--flag=VALUE`; everything after `--` belongs to the harness.
fn parse_bench_widget(args: &[String]) -> Result<BenchWidgetArgs> {
    let mut bench = BenchWidgetArgs::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            bench.harness_args = args.cloned().collect();
            break;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value =
            |what: &str| match inline.clone().or_else(|| args.next().filter(|v| !v.starts_with("--")).cloned()) {
                Some(value) if !value.is_empty() => Ok(value),
                _ => Err(Error::new(format!("`{flag}` needs {what}\n\n{USAGE}"))),
            };
        match flag {
            "--dist" => bench.dist = Some(PathBuf::from(value("a directory")?)),
            "--compare" if bench.compare.is_some() => {
                bail!("`--compare` is given once (the one older dist)\n\n{USAGE}")
            }
            "--compare" => bench.compare = Some(PathBuf::from(value("a directory")?)),
            "--runs" => bench.runs = parse_runs(&value("a number")?)?,
            "--throttle" => bench.throttle = value("profiles such as none,mobile")?,
            _ => bail!("unknown argument `{arg}` for `bench-widget` (harness arguments go after `--`)\n\n{USAGE}"),
        }
    }
    Ok(bench)
}

fn parse_runs(value: &str) -> Result<u32> {
    match value.parse::<u32>() {
        Ok(runs) if runs > 0 => Ok(runs),
        _ => bail!("`--runs` needs a whole number of rounds, at least 1 (got `{value}`)\n\n{USAGE}"),
    }
}

/// For the commands that take no arguments.
fn no_arguments(args: &[String]) -> Result<()> {
    match args.first() {
        Some(arg) => bail!("unknown argument `{arg}`\n\n{USAGE}"),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Cmd> {
        parse(&line.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    fn error_of(line: &str) -> String {
        match parse_words(line) {
            Ok(cmd) => panic!("`{line}` parsed as {cmd:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn no_command_is_help() {
        assert_eq!(parse_words("").unwrap(), Cmd::Help);
        assert_eq!(parse_words("--help").unwrap(), Cmd::Help);
    }

    #[test]
    fn setup_flags_are_typed() {
        assert_eq!(parse_words("setup").unwrap(), Cmd::Setup(SetupArgs { demo: false, fuzz: false }));
        assert_eq!(parse_words("setup --fuzz").unwrap(), Cmd::Setup(SetupArgs { demo: false, fuzz: true }));
        assert_eq!(parse_words("setup --fuzz --demo").unwrap(), Cmd::Setup(SetupArgs { demo: true, fuzz: true }));
        assert!(error_of("setup --trunk").starts_with("unknown argument `--trunk`\n\nusage:"));
    }

    #[test]
    fn dist_flags_are_typed() {
        assert_eq!(parse_words("dist").unwrap(), Cmd::Dist(DistArgs::default()));
        let out = Some(PathBuf::from("site"));
        assert_eq!(
            parse_words("dist --out site --dev").unwrap(),
            Cmd::Dist(DistArgs { out, dev: true, trunk_hook: false })
        );
        let out = Some(PathBuf::from("site"));
        assert_eq!(parse_words("dist --out=site").unwrap(), Cmd::Dist(DistArgs { out, dev: false, trunk_hook: false }));
        assert!(error_of("dist --out").starts_with("`--out` needs a directory"));
        assert!(error_of("dist --fast").starts_with("unknown argument `--fast` for `dist`"));
        assert!(error_of("dist --trunk-hook --dev").starts_with("`--trunk-hook` takes the directory"));
    }

    #[test]
    fn fuzz_takes_seconds_and_targets() {
        let all = FuzzArgs { seconds: DEFAULT_FUZZ_SECONDS, targets: vec![] };
        assert_eq!(parse_words("fuzz").unwrap(), Cmd::Fuzz(all));
        let two = FuzzArgs { seconds: 3600, targets: vec!["jws".into(), "b64".into()] };
        assert_eq!(parse_words("fuzz jws --seconds 3600 b64 jws").unwrap(), Cmd::Fuzz(two));
        let one = FuzzArgs { seconds: 10, targets: vec!["b64".into()] };
        assert_eq!(parse_words("fuzz --seconds=10 b64").unwrap(), Cmd::Fuzz(one));
    }

    #[test]
    fn fuzz_refuses_bad_seconds_and_flags() {
        assert!(error_of("fuzz --seconds").starts_with("`--seconds` needs a number"));
        for bad in ["0", "-5", "1.5", "ten", "99999999999999999999"] {
            let message = error_of(&format!("fuzz --seconds {bad}"));
            assert!(
                message.starts_with(&format!("`--seconds` needs a whole number of seconds, at least 1 (got `{bad}`)"))
            );
        }
        assert!(error_of("fuzz --jobs 2").starts_with("unknown argument `--jobs` for `fuzz`"));
    }

    #[test]
    fn bench_widget_takes_dirs_runs_throttle_and_harness_arguments() {
        assert_eq!(parse_words("audit --db /srv/advisory-db").unwrap(), Cmd::Audit(PathBuf::from("/srv/advisory-db")));
        assert_eq!(parse_words("audit --db=db").unwrap(), Cmd::Audit(PathBuf::from("db")));
        assert!(parse_words("audit").unwrap_err().to_string().contains("advisory-db"));
        assert_eq!(parse_words("bench-widget").unwrap(), Cmd::BenchWidget(BenchWidgetArgs::default()));
        let all = BenchWidgetArgs {
            dist: Some(PathBuf::from("/tmp/new")),
            compare: Some(PathBuf::from("old")),
            runs: 3,
            throttle: "mobile".into(),
            harness_args: vec!["--only".into(), "orejime".into(), "--".into(), "--runs".into()],
        };
        assert_eq!(
            parse_words(
                "bench-widget --dist /tmp/new --compare=old --runs 3 --throttle mobile -- --only orejime -- --runs"
            )
            .unwrap(),
            Cmd::BenchWidget(all)
        );
        let validate =
            BenchWidgetArgs { runs: 1, harness_args: vec!["--validate".into()], ..BenchWidgetArgs::default() };
        assert_eq!(parse_words("bench-widget --runs=1 -- --validate").unwrap(), Cmd::BenchWidget(validate));
    }

    #[test]
    fn bench_widget_refuses_bad_values_and_flags() {
        assert!(error_of("bench-widget --dist").starts_with("`--dist` needs a directory\n\nusage:"));
        assert!(error_of("bench-widget --dist -- --validate").starts_with("`--dist` needs a directory"));
        assert!(error_of("bench-widget --compare=").starts_with("`--compare` needs a directory"));
        assert!(error_of("bench-widget --compare a --compare b").starts_with("`--compare` is given once"));
        assert!(error_of("bench-widget --throttle").starts_with("`--throttle` needs profiles such as none,mobile"));
        assert!(error_of("bench-widget --runs").starts_with("`--runs` needs a number"));
        for bad in ["0", "-1", "2.5", "many"] {
            let message = error_of(&format!("bench-widget --runs={bad}"));
            assert!(message.starts_with(&format!("`--runs` needs a whole number of rounds, at least 1 (got `{bad}`)")));
        }
        assert!(error_of("bench-widget --only orejime").starts_with("unknown argument `--only` for `bench-widget`"));
        assert!(error_of("bench-widget /tmp/dist").starts_with("unknown argument `/tmp/dist` for `bench-widget`"));
    }

    #[test]
    fn commands_without_arguments_refuse_any() {
        for command in ["lint", "test", "demo", "bench"] {
            assert_eq!(error_of(&format!("{command} --quick")), format!("unknown argument `--quick`\n\n{USAGE}"));
        }
        assert_eq!(parse_words("lint").unwrap(), Cmd::Lint);
        assert_eq!(parse_words("test").unwrap(), Cmd::Test);
        assert_eq!(parse_words("demo").unwrap(), Cmd::Demo { open: true });
        assert_eq!(parse_words("demo --no-open").unwrap(), Cmd::Demo { open: false });
        assert!(error_of("deploy").starts_with("unknown command `deploy`"));
    }
}
