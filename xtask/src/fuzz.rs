//! `cargo xtask fuzz [--seconds N] [TARGET...]`: run the cargo-fuzz targets of `fuzz/` with libFuzzer.
//!
//! The targets are the `fuzz/fuzz_targets/*.rs` files (all of them, or those named). After the
//! fuzzing set-up (the dated nightly [`NIGHTLY`] and cargo-fuzz, see [`setup::run_fuzz_tools`])
//! they are built once, then each runs for N seconds (default 60), one after another:
//!
//! ```text
//! cargo +nightly-2026-05-19 fuzz run TARGET fuzz/corpus/TARGET -- -max_total_time=N -print_final_stats=1
//! ```
//!
//! libFuzzer adds the inputs that reach new code to `fuzz/corpus/TARGET/` and writes each failing
//! input to `fuzz/artifacts/TARGET/` (`crash-*`, `leak-*`, `timeout-*`, `oom-*`). Its output is
//! shown as it comes and read on the way for the number of executions. At the end a summary table
//! gives, per target: seconds fuzzed, executions, corpus files and new failing inputs; the command
//! fails if a target wrote a failing input or exited non-zero, naming the files and how to replay
//! them. xtask imposes no time limit of its own: `-max_total_time` is the only one.
//!
//! [`replay`] is the deterministic variant that `cargo xtask test` runs last: every target built,
//! then run once over `fuzz/corpus/TARGET/` and `fuzz/regressions/TARGET/` with `-runs=0` (no
//! mutation), so no target can rot and a committed failing input fails the suite. On a fresh clone
//! those directories hold only the committed inputs; locally they also hold what earlier fuzz runs
//! added (ignored by git), which all passed when they were found.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::args::FuzzArgs;
use crate::error::{bail, Context, Result};
use crate::process::{format_duration, run, run_watching};
use crate::setup::{self, NIGHTLY};
use crate::workspace::root;

/// The file name prefixes of the inputs libFuzzer writes when a target fails (it also writes
/// `slow-unit-*`, which are only slow).
const FINDING_PREFIXES: [&str; 4] = ["crash-", "leak-", "timeout-", "oom-"];

/// What one target's run did.
struct Outcome {
    /// The fuzz target.
    target: String,
    /// Wall time from libFuzzer's first line (`INFO: Seed: …`) to the exit, so a rebuild that
    /// `cargo fuzz run` may do first is not counted; the whole run when libFuzzer never started.
    took: Duration,
    /// Inputs executed, as libFuzzer reported them.
    executions: Option<u64>,
    /// Files in its corpus directory after the run.
    corpus: usize,
    /// Failing inputs this run wrote, relative to the workspace root.
    findings: Vec<PathBuf>,
    /// The exit status, when it was not success.
    failure: Option<String>,
}

impl Outcome {
    fn ok(&self) -> bool {
        self.findings.is_empty() && self.failure.is_none()
    }

    fn status(&self) -> &'static str {
        match (self.findings.is_empty(), self.failure.is_none()) {
            (true, true) => "ok",
            (false, _) => "CRASHED",
            (true, false) => "FAILED",
        }
    }
}

/// Fuzzes the chosen targets for `args.seconds` each and prints the summary.
pub fn run_fuzz(args: &FuzzArgs) -> Result<()> {
    let all = targets()?;
    let chosen = choose(&all, &args.targets)?;
    setup::run_fuzz_tools()?;
    build(&args.targets)?;
    let mut outcomes = Vec::new();
    for target in &chosen {
        println!("\n==> fuzz {target} ({}s)", args.seconds);
        outcomes.push(fuzz_one(target, args.seconds)?);
    }
    println!("\nfuzz summary ({}s per target):\n{}", args.seconds, summary_table(&outcomes));
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.ok()).collect();
    if failed.is_empty() {
        return Ok(());
    }
    let mut message = format!("fuzz: {} of {} targets failed:", failed.len(), outcomes.len());
    for outcome in failed {
        message.push_str(&failure_lines(outcome));
    }
    bail!("{message}")
}

/// Builds every target, then runs each once over its corpus and regressions (`-runs=0`): no
/// mutation, so the result depends only on the inputs present. `prepare` adjusts each command.
pub fn replay(prepare: impl Fn(&mut Command)) -> Result<()> {
    let all = targets()?;
    let mut build = cargo_fuzz(&["build"]);
    prepare(&mut build);
    run(&mut build)?;
    for target in &all {
        let mut inputs = vec![corpus_dir(target)?];
        let regressions = fuzz_dir().join("regressions").join(target);
        if regressions.is_dir() {
            inputs.push(regressions);
        }
        let mut cmd = cargo_fuzz(&["run", target]);
        cmd.args(&inputs).args(["--", "-runs=0"]);
        prepare(&mut cmd);
        run(&mut cmd)?;
        let count: usize = inputs.iter().map(|dir| count_files(dir)).sum();
        println!("fuzz replay: {target}: {count} inputs (corpus + regressions) ok");
    }
    Ok(())
}

/// The names of the `fuzz/fuzz_targets/*.rs` files, sorted; an error when there are none.
fn targets() -> Result<Vec<String>> {
    let dir = fuzz_dir().join("fuzz_targets");
    if !dir.is_dir() {
        bail!(
            "no fuzz/fuzz_targets directory in {}: the cargo-fuzz crate (fuzz/Cargo.toml and \
             fuzz/fuzz_targets/*.rs) does not exist yet",
            root().display()
        );
    }
    let entries = std::fs::read_dir(&dir).context(|| format!("listing {}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry.context(|| format!("listing {}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            if let Some(stem) = path.file_stem() {
                names.push(stem.to_string_lossy().into_owned());
            }
        }
    }
    if names.is_empty() {
        bail!("no fuzz targets: {} has no *.rs files", dir.display());
    }
    names.sort();
    Ok(names)
}

/// The targets to run: every one when none is named, else the named ones, which must exist.
fn choose(all: &[String], named: &[String]) -> Result<Vec<String>> {
    if named.is_empty() {
        return Ok(all.to_vec());
    }
    for name in named {
        if !all.contains(name) {
            bail!("unknown fuzz target `{name}`; fuzz/fuzz_targets/ has: {}", all.join(", "));
        }
    }
    Ok(named.to_vec())
}

/// Builds the named targets, or all of them, before any runs, so the run times are fuzzing only.
fn build(named: &[String]) -> Result<()> {
    let started = Instant::now();
    if named.is_empty() {
        run(&mut cargo_fuzz(&["build"]))?;
    } else {
        for target in named {
            run(&mut cargo_fuzz(&["build", target]))?;
        }
    }
    println!("fuzz: built in {}", format_duration(started.elapsed()));
    Ok(())
}

fn fuzz_one(target: &str, seconds: u64) -> Result<Outcome> {
    let corpus = corpus_dir(target)?;
    let artifacts = fuzz_dir().join("artifacts").join(target);
    let before = findings_in(&artifacts);
    let mut cmd = cargo_fuzz(&["run", target]);
    cmd.arg(&corpus).arg("--").arg(format!("-max_total_time={seconds}")).arg("-print_final_stats=1");
    let mut stats = LibFuzzerStats::default();
    let mut started = Instant::now();
    let mut fuzzing = false;
    let status = run_watching(&mut cmd, |line| {
        if !fuzzing && line.starts_with("INFO: Seed:") {
            (started, fuzzing) = (Instant::now(), true);
        }
        stats.observe(line);
    })?;
    let took = started.elapsed();
    let findings = findings_in(&artifacts).difference(&before).map(|p| relative(p)).collect();
    Ok(Outcome {
        target: target.to_string(),
        took,
        executions: stats.executions(),
        corpus: count_files(&corpus),
        findings,
        failure: (!status.success()).then(|| status.to_string()),
    })
}

/// `cargo +NIGHTLY fuzz ARGS` from the workspace root.
fn cargo_fuzz(args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root()).arg(format!("+{NIGHTLY}")).arg("fuzz").args(args);
    cmd
}

fn fuzz_dir() -> PathBuf {
    root().join("fuzz")
}

/// `fuzz/corpus/TARGET`, created if missing (libFuzzer refuses a corpus directory that does not exist).
fn corpus_dir(target: &str) -> Result<PathBuf> {
    let dir = fuzz_dir().join("corpus").join(target);
    std::fs::create_dir_all(&dir).context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The failing inputs in an artifacts directory (none when it does not exist).
fn findings_in(dir: &Path) -> BTreeSet<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeSet::new();
    };
    entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            FINDING_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
        })
        .collect()
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| entries.filter(|e| e.as_ref().is_ok_and(|e| e.path().is_file())).count())
}

fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(root()).map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// The summary: one row per target, fixed-width columns.
fn summary_table(outcomes: &[Outcome]) -> String {
    let width = outcomes.iter().map(|o| o.target.len()).chain([6]).max().unwrap_or(6);
    let mut table = format!(
        "  {:<width$}  {:>9}  {:>12}  {:>7}  {:>7}  status",
        "target", "seconds", "executions", "corpus", "crashes"
    );
    for o in outcomes {
        let executions = o.executions.map_or_else(|| "?".to_string(), |n| n.to_string());
        table.push_str(&format!(
            "\n  {:<width$}  {:>9.1}  {:>12}  {:>7}  {:>7}  {}",
            o.target,
            o.took.as_secs_f64(),
            executions,
            o.corpus,
            o.findings.len(),
            o.status()
        ));
    }
    table
}

/// The error lines for one failed target: its failing inputs and how to replay each.
fn failure_lines(o: &Outcome) -> String {
    if o.findings.is_empty() {
        let status = o.failure.as_deref().unwrap_or("failed");
        return format!(
            "\n  {}: `cargo fuzz run` ended with {status} and wrote no failing input (a build error \
             or a libFuzzer failure: see its output above)",
            o.target
        );
    }
    let mut lines = format!("\n  {}: {} failing input(s):", o.target, o.findings.len());
    for path in &o.findings {
        lines.push_str(&format!(
            "\n    {}  (replay: cargo +{NIGHTLY} fuzz run {} {})",
            path.display(),
            o.target,
            path.display()
        ));
    }
    lines
}

/// What libFuzzer reports about executions, from its output lines.
#[derive(Debug, Default, PartialEq, Eq)]
struct LibFuzzerStats {
    /// `stat::number_of_executed_units: N` (with `-print_final_stats=1`, also printed on a crash).
    final_units: Option<u64>,
    /// `Done N runs in S second(s)`.
    done_runs: Option<u64>,
    /// The last `#N <event> ...` status line.
    last_status: Option<u64>,
}

impl LibFuzzerStats {
    fn observe(&mut self, line: &str) {
        let line = line.trim();
        if let Some(value) = line.strip_prefix("stat::number_of_executed_units:") {
            self.final_units = value.trim().parse().ok().or(self.final_units);
        } else if let Some(rest) = line.strip_prefix("Done ") {
            if let Some((runs, _)) = rest.split_once(" runs in ") {
                self.done_runs = runs.trim().parse().ok().or(self.done_runs);
            }
        } else if let Some(rest) = line.strip_prefix('#') {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let followed_by_event = rest[digits.len()..].starts_with(char::is_whitespace);
            if !digits.is_empty() && followed_by_event {
                self.last_status = digits.parse().ok().or(self.last_status);
            }
        }
    }

    /// The best figure seen: the final stats, else the closing line, else the last status line.
    fn executions(&self) -> Option<u64> {
        self.final_units.or(self.done_runs).or(self.last_status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats_of(output: &str) -> LibFuzzerStats {
        let mut stats = LibFuzzerStats::default();
        output.lines().for_each(|line| stats.observe(line));
        stats
    }

    #[test]
    fn executions_come_from_the_final_stats_first() {
        let output = "\
INFO: Seed: 1234
#2\tINITED cov: 31 ft: 32 corp: 1/1b exec/s: 0 rss: 31Mb
#1024\tpulse  cov: 80 ft: 120 corp: 9/40b lim: 14 exec/s: 512 rss: 33Mb
#65536\tNEW    cov: 81 ft: 121 corp: 10/44b lim: 652 exec/s: 6553 rss: 40Mb L: 4/8 MS: 1 ChangeBit-
Done 70123 runs in 11 second(s)
stat::number_of_executed_units: 70125
stat::average_exec_per_sec:     6375
stat::new_units_added:          9
";
        let stats = stats_of(output);
        assert_eq!(
            stats,
            LibFuzzerStats { final_units: Some(70125), done_runs: Some(70123), last_status: Some(65536) }
        );
        assert_eq!(stats.executions(), Some(70125));
    }

    #[test]
    fn executions_fall_back_to_done_then_the_last_status_line() {
        assert_eq!(stats_of("#8\tINITED cov: 3\nDone 99 runs in 1 second(s)\n").executions(), Some(99));
        let crashed = "#4096\tpulse  cov: 80\n#5000\tNEW    cov: 81\n==123== ERROR: libFuzzer: deadly signal\n";
        assert_eq!(stats_of(crashed).executions(), Some(5000));
        // Not status lines: a comment, a count without an event, cargo's output.
        assert_eq!(stats_of("# comment\n#12\n   Compiling libfuzzer-sys v0.4.10\n").executions(), None);
    }

    #[test]
    fn targets_must_exist() {
        let all = vec!["b64".to_string(), "jws".to_string()];
        assert_eq!(choose(&all, &[]).unwrap(), all);
        assert_eq!(choose(&all, &["jws".to_string()]).unwrap(), ["jws"]);
        let e = choose(&all, &["json".to_string()]).unwrap_err().to_string();
        assert_eq!(e, "unknown fuzz target `json`; fuzz/fuzz_targets/ has: b64, jws");
    }

    #[test]
    fn the_summary_names_each_target_and_its_failures() {
        let ok = Outcome {
            target: "json_roundtrip".into(),
            took: Duration::from_millis(10_400),
            executions: Some(812_345),
            corpus: 412,
            findings: vec![],
            failure: None,
        };
        let crashed = Outcome {
            target: "jws".into(),
            took: Duration::from_millis(3_100),
            executions: None,
            corpus: 40,
            findings: vec![PathBuf::from("fuzz/artifacts/jws/crash-0a1b")],
            failure: Some("exit status: 77".into()),
        };
        assert_eq!(
            summary_table(&[ok, crashed]),
            "  target            seconds    executions   corpus  crashes  status\n  \
             json_roundtrip       10.4        812345      412        0  ok\n  \
             jws                   3.1             ?       40        1  CRASHED"
        );
    }

    #[test]
    fn failures_say_how_to_replay() {
        let crashed = Outcome {
            target: "b64".into(),
            took: Duration::ZERO,
            executions: None,
            corpus: 0,
            findings: vec![PathBuf::from("fuzz/artifacts/b64/crash-ff")],
            failure: Some("exit status: 77".into()),
        };
        assert_eq!(
            failure_lines(&crashed),
            format!(
                "\n  b64: 1 failing input(s):\n    fuzz/artifacts/b64/crash-ff  (replay: cargo +{NIGHTLY} fuzz run b64 \
                 fuzz/artifacts/b64/crash-ff)"
            )
        );
        let broken = Outcome { findings: vec![], failure: Some("exit status: 101".into()), ..crashed };
        assert!(
            failure_lines(&broken).starts_with("\n  b64: `cargo fuzz run` ended with exit status: 101 and wrote no")
        );
        assert_eq!(broken.status(), "FAILED");
    }
}
