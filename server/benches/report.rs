//! How long the audit report takes over 1,000,000 receipts (SQLite), the two parts timed apart:
//! the report without its full `verify` (reading and counting every receipt, the registry, the
//! tree heads, the JSON rendering and its signature) and the full `verify` of the log; and the
//! dashboard's 30 days on the same log.
//!
//! `cargo bench -p consentry-server --bench report` (`cargo xtask bench` runs it after the
//! throughput figures). The receipts are real: signed by 200,000 browsers (chains of 5, over 30
//! days, in English and French, accept all / reject all / customised / API, GPC on some, grants
//! later refused), built with the widget's model, checked by the server's intake and appended by
//! its log writer in process (the HTTP layer is the only part skipped). Generating them takes a
//! few minutes, so the database is kept under Cargo's `target/tmp` and reused by later runs (a
//! marker file says it is complete). `CONSENTRY_BENCH_REPORT_RECEIPTS=N` runs on N receipts.

// A benchmark harness, like a test: a failure to set up ends the run with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use consentry_model::choice::{Action, Choice, Layer, Method};
use consentry_model::config::Config;
use consentry_model::consent::Decisions;
use consentry_model::notice::{build, Signer};
use consentry_receipt::jws;
use consentry_receipt::testing::key_from_seed;
use consentry_server::db::{tree, Db, Open};
use consentry_server::report::build::{build_with, Verify};
use consentry_server::report::{Format, PreviousHead, ReportRequest};
use consentry_server::verify::{verify_trusting, Trust};
use consentry_server::{AppState, Settings};

const CHAIN: usize = 5;
/// Receipts signed per round while the previous round is being written.
const ROUND: usize = 20_000;
/// Receipts in flight to the writer.
const CONCURRENCY: usize = 256;
const DAY: i64 = 86_400;

const CONFIG: &str = r#"{
  "policy_version": "2026-03",
  "controller": {"name": "Fromagerie Bench", "contact": "dpo@fromagerie.example", "policy_url": "https://fromagerie.example/privacy"},
  "languages": ["en", "fr"],
  "purposes": [
    {"id": "necessary", "required": true, "name": {"en": "Strictly necessary", "fr": "Strictement nécessaires"},
     "description": {"en": "Keeps your basket.", "fr": "Garde votre panier."}, "retention": "Session", "recipients": "Us"},
    {"id": "analytics", "name": {"en": "Audience measurement", "fr": "Mesure d'audience"},
     "description": {"en": "Counts visits.", "fr": "Compte les visites."}, "retention": "13 months", "recipients": "Matomo",
     "services": [{"id": "matomo", "name": "Matomo", "description": "Visit statistics", "cookies": ["_pk_id.*"]}]},
    {"id": "marketing", "name": {"en": "Embedded videos", "fr": "Vidéos intégrées"},
     "description": {"en": "Shows videos.", "fr": "Affiche des vidéos."}, "retention": "Set by the host", "recipients": "The video host"}
  ]
}"#;

fn main() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(run())
}

async fn run() -> ExitCode {
    let receipts: usize =
        std::env::var("CONSENTRY_BENCH_REPORT_RECEIPTS").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let receipts = receipts.div_ceil(CHAIN) * CHAIN;
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("report-bench-{receipts}.db"));
    let marker = path.with_extension("complete");
    println!();
    println!("consentry-server audit report over {receipts} receipts (SQLite, {})", path.display());
    let url = format!("sqlite:{}", path.display());
    let period = match std::fs::read_to_string(&marker).ok().and_then(|m| parse_marker(&m)) {
        Some(period) => {
            println!("  reusing the receipts generated earlier (delete {} to make them again)", marker.display());
            period
        }
        None => {
            for stale in [path.clone(), path.with_extension("db-wal"), path.with_extension("db-shm")] {
                let _ = std::fs::remove_file(stale);
            }
            match generate(&url, receipts).await {
                Ok(period) => {
                    std::fs::write(&marker, format!("{} {}\n", period.0, period.1)).expect("write the marker");
                    period
                }
                Err(e) => {
                    println!("  NOT MEASURED: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    match measure(&url, period).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("  NOT MEASURED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_marker(text: &str) -> Option<(i64, i64)> {
    let mut it = text.split_whitespace().map(|n| n.parse::<i64>().ok());
    Some((it.next()??, it.next()??))
}

/// Signs and appends `receipts` receipts; returns the period `[from, to)` they fall in.
async fn generate(url: &str, receipts: usize) -> Result<(i64, i64), String> {
    let started = Instant::now();
    let db = Db::connect(url, Open::CreateAndMigrate).await.map_err(|e| e.to_string())?;
    let (state, _writer) = AppState::start(db, Settings::unrestricted()).await.map_err(|e| e.to_string())?;
    let now = consentry_server::time::now_ms() / 1000;
    let from = (now / DAY - 31) * DAY;
    let browsers = receipts / CHAIN;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<String>>>(2);
    let signer = std::thread::spawn(move || {
        let config = Config::from_json(CONFIG).expect("the bench configuration");
        let per_round = ROUND / CHAIN;
        for first in (0..browsers).step_by(per_round) {
            let round = sign_round(&config, first..(first + per_round).min(browsers), browsers, from);
            if tx.blocking_send(round).is_err() {
                return;
            }
        }
    });
    let mut written = 0usize;
    while let Some(round) = rx.recv().await {
        let chains = Arc::new(round);
        let tasks: Vec<_> = (0..CONCURRENCY)
            .map(|w| {
                let (chains, state) = (chains.clone(), state.clone());
                tokio::spawn(async move {
                    for chain in chains.iter().skip(w).step_by(CONCURRENCY) {
                        for jws in chain {
                            let admitted =
                                consentry_server::intake::admit(jws.as_bytes(), now + 60).map_err(|r| r.message())?;
                            state.writer.submit(admitted, now * 1000).await.map_err(|e| e.to_string())?;
                        }
                    }
                    Ok::<usize, String>(chains.iter().skip(w).step_by(CONCURRENCY).map(Vec::len).sum())
                })
            })
            .collect();
        for t in tasks {
            written += t.await.map_err(|e| e.to_string())??;
        }
        if written % 100_000 < ROUND && written < receipts {
            println!("  generated {written} receipts in {:.0} s", started.elapsed().as_secs_f64());
        }
    }
    signer.join().map_err(|_| "the signer thread panicked".to_string())?;
    println!(
        "  generated {written} receipts in {:.0} s ({:.0}/s: model, ES256 signing, intake and the log writer)",
        started.elapsed().as_secs_f64(),
        written as f64 / started.elapsed().as_secs_f64()
    );
    Ok((from, from + 31 * DAY))
}

/// The chains of browsers `range` (of `browsers`), signed on every core.
fn sign_round(config: &Config, range: std::ops::Range<usize>, browsers: usize, from: i64) -> Vec<Vec<String>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let ids: Vec<usize> = range.collect();
    std::thread::scope(|s| {
        let parts: Vec<_> = ids
            .chunks(ids.len().div_ceil(threads).max(1))
            .map(|part| s.spawn(move || part.iter().map(|b| chain(config, *b, browsers, from)).collect::<Vec<_>>()))
            .collect();
        parts.into_iter().flat_map(|p| p.join().expect("signer")).collect()
    })
}

/// Browser `b`'s receipts: its first visit on a day of the month, later changes of mind.
fn chain(config: &Config, b: usize, browsers: usize, from: i64) -> Vec<String> {
    let key = key_from_seed(&format!("report bench browser {b}"));
    let principal = jws::public_jwk(&key).thumbprint();
    let lang = if b.is_multiple_of(3) { "fr" } else { "en" };
    let start = from + (b as i64 * 30 * DAY) / browsers as i64;
    let mut out: Vec<String> = Vec::with_capacity(CHAIN);
    for i in 0..CHAIN {
        let (method, decisions) = decision(config, b + i);
        let ts = start + i as i64 * 3 * 3600;
        let n = (b * CHAIN + i) as u64;
        let id = format!("00000000-0000-4000-8000-{n:012x}");
        let choice = Choice::decide(None, config, decisions, method, lang, ts * 1000, || format!("{id}-c"));
        let prev = out.last().map(|p| jws::receipt_hash(p));
        let signer = Signer { principal: principal.clone(), prev_receipt_hash: prev, gpc: (b + i).is_multiple_of(10) };
        out.push(jws::sign(&key, &build(config, &choice, &id, signer).to_json()));
    }
    out
}

/// A mix of decisions: accept all, reject all, customised in the preferences, accept all by API.
fn decision(config: &Config, k: usize) -> (Method, Decisions) {
    match k % 7 {
        0 | 3 | 5 => (Method { layer: Layer::Banner, action: Action::AcceptAll }, Decisions::accept_all(config)),
        1 | 4 => (Method { layer: Layer::Banner, action: Action::RejectAll }, Decisions::reject_all(config)),
        2 => {
            let mut d = Decisions::reject_all(config);
            d.set(config, &"analytics".parse().expect("a purpose id"), true);
            (Method { layer: Layer::Preferences, action: Action::Save }, d)
        }
        _ => (Method { layer: Layer::Api, action: Action::AcceptAll }, Decisions::accept_all(config)),
    }
}

async fn measure(url: &str, (from, to): (i64, i64)) -> Result<(), String> {
    let db = Db::connect(url, Open::Existing).await.map_err(|e| e.to_string())?;
    let (state, _writer) = AppState::start(db, Settings::unrestricted()).await.map_err(|e| e.to_string())?;
    let db = &state.db;
    let size = tree::head(db).await.map_err(|e| e.to_string())?.0;
    let request = ReportRequest { from, to, previous: PreviousHead::LastReport };

    let started = Instant::now();
    let report = build_with(db, &state.key, &request, Verify::Skip).await.map_err(|e| e.to_string())?;
    let bytes = Format::Json.render(&report).map_err(|e| e.to_string())?;
    let signature = state.key.sign_detached(consentry_server::report::TYP, Format::Json.content_type(), &bytes);
    signature.map_err(|e| e.to_string())?;
    let report_time = started.elapsed();

    let started = Instant::now();
    let head = tree::latest_tree_head(db).await.map_err(|e| e.to_string())?;
    let trust =
        Trust { key: Some(state.key.public_jwk().clone()), tree_head: head.map(|h| (h.head.size, h.head.root)) };
    let verified = verify_trusting(db, &trust).await.map_err(|e| e.to_string())?;
    let verify_time = started.elapsed();

    let started = Instant::now();
    let dashboard = consentry_server::dashboard::build(db, to - 30 * DAY, to).await.map_err(|e| e.to_string())?;
    let dashboard_time = started.elapsed();

    let secs = |d: std::time::Duration| d.as_secs_f64();
    println!(
        "  log: {size} receipts; the report's period holds {} receipts of {} principals",
        report.receipts, report.principals
    );
    println!(
        "  report without verify (read and count every receipt, JSON, signature) {:>7.1} s  ({:.0} receipts/s)",
        secs(report_time),
        report.receipts as f64 / secs(report_time)
    );
    println!(
        "  full verify of the log ({} problems)                               {:>7.1} s  ({:.0} receipts/s)",
        verified.problem_count,
        secs(verify_time),
        verified.receipts as f64 / secs(verify_time)
    );
    println!(
        "  a report as the server makes it (the two together)                   {:>7.1} s",
        secs(report_time + verify_time)
    );
    println!(
        "  dashboard, last 30 days ({} receipts)                           {:>7.1} s",
        dashboard.receipts.iter().sum::<u64>(),
        secs(dashboard_time)
    );
    if verified.problem_count != 0 {
        return Err(format!("verify found problems: {:?}", verified.problems));
    }
    Ok(())
}
