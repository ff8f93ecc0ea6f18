//! The `consentry-server` command: parses the command line, sets up logging, runs one of
//! `serve`, `verify`, `export`, `notices`, `report` or `verify-report` from the library, and turns
//! failures into a message and exit status 1.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use consentry_server::db::{Db, Open};
use consentry_server::export::{self, parse_bound, Format};
use consentry_server::report::command::{self as report_command, ReportOptions};
use consentry_server::serve::{serve, ServeOptions};
use consentry_server::verify::{parse_jwks, parse_tree_head, verify_trusting, Trust};
use futures_util::TryStreamExt;

/// Consentry receipt server: verifies, keeps and proves consent receipts.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Log as JSON lines instead of text (filter with CONSENTRY_LOG, e.g. `info,sqlx=warn`).
    #[arg(long, global = true)]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API.
    Serve(Box<ServeOptions>),
    /// Recompute the whole log and check every receipt, node, tree head and ack.
    Verify {
        /// The database to check.
        #[arg(long)]
        database: String,
        /// The server's JWKS obtained earlier (a file): signatures must be by that key, not merely
        /// by the key the database holds.
        #[arg(long, value_name = "FILE")]
        jwks: Option<std::path::PathBuf>,
        /// A tree head obtained earlier, `TREE_SIZE:ROOT_HASH`: the log must contain it.
        #[arg(long, value_name = "SIZE:ROOT", value_parser = parse_tree_head)]
        expect_sth: Option<(u64, [u8; 32])>,
    },
    /// Write every receipt (or a range of consentTimestamp) to standard output.
    Export {
        /// The database to read.
        #[arg(long)]
        database: String,
        /// `jsonl` or `csv`.
        #[arg(long, default_value = "jsonl")]
        format: Format,
        /// From this day (YYYY-MM-DD) or second, inclusive.
        #[arg(long, value_parser = parse_bound)]
        from: Option<i64>,
        /// Up to this day or second, exclusive.
        #[arg(long, value_parser = parse_bound)]
        to: Option<i64>,
    },
    /// The notice registry: what each noticeHash stands for.
    #[command(subcommand)]
    Notices(NoticesCommand),
    /// Write the signed audit report of a period (JSON, HTML or PDF).
    Report(Box<ReportOptions>),
    /// Check a report's detached signature against a saved JWKS.
    VerifyReport {
        /// The server's JWKS (a saved copy of /.well-known/jwks.json).
        #[arg(long, value_name = "FILE")]
        jwks: std::path::PathBuf,
        /// The detached JWS (default: REPORT.jws).
        #[arg(long, value_name = "FILE")]
        signature: Option<std::path::PathBuf>,
        /// The report file, exactly as received.
        report: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum NoticesCommand {
    /// Register the notice of every language of a site configuration (the widget's JSON).
    Add {
        /// The database.
        #[arg(long)]
        database: String,
        /// The configuration file.
        #[arg(long, value_name = "FILE")]
        config: std::path::PathBuf,
    },
    /// List the registered notices.
    List {
        /// The database.
        #[arg(long)]
        database: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_json);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("consentry-server: error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("consentry-server: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Records what `verify` found, for the dashboard's "last verify"; a database it cannot write to
/// (a read-only copy) only gets a note.
async fn record_verification(db: &Db, report: &consentry_server::verify::Report, started: i64) {
    let finished = consentry_server::time::now_ms();
    let record = consentry_server::db::verifications::Verification {
        finished_ms: finished,
        source: "command".into(),
        tree_size: report.receipts,
        status: if report.problem_count == 0 { "passed" } else { "failed" }.into(),
        receipts: report.receipts,
        problem_count: report.problem_count,
        duration_ms: u64::try_from(finished - started).unwrap_or(0),
    };
    if let Err(e) = consentry_server::db::verifications::record(db, &record).await {
        println!("verify: note: the result could not be recorded for the dashboard: {e}");
    }
}

async fn run(command: Command) -> Result<ExitCode, Box<dyn std::error::Error>> {
    match command {
        Command::Serve(options) => {
            serve(*options).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { database, jwks, expect_sth } => {
            let key = match jwks {
                Some(path) => {
                    Some(parse_jwks(&std::fs::read_to_string(&path)?).map_err(|e| format!("{}: {e}", path.display()))?)
                }
                None => None,
            };
            if key.is_none() {
                println!(
                    "verify: note: checking signatures with the key stored in the database; pass --jwks to pin it"
                );
            }
            let db = Db::connect(&database, Open::Existing).await?;
            let started = consentry_server::time::now_ms();
            let report = verify_trusting(&db, &Trust { key, tree_head: expect_sth }).await?;
            record_verification(&db, &report, started).await;
            let root = consentry_receipt::b64::encode(&report.root);
            for p in &report.problems {
                println!("problem: {p}");
            }
            if report.problem_count > 0 {
                println!("verify: FAILED: {} problems in {} receipts", report.problem_count, report.receipts);
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "verify: ok: {} receipts, {} inner Merkle nodes, {} signed tree heads, {} chain breaks, root {root}",
                report.receipts, report.nodes, report.tree_heads, report.chain_breaks
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { database, format, from, to } => {
            let db = Db::connect(&database, Open::Existing).await?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let mut chunks =
                std::pin::pin!(export::chunks(db, format, from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX)));
            while let Some(chunk) = chunks.try_next().await? {
                out.write_all(chunk.as_bytes())?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Notices(NoticesCommand::Add { database, config }) => {
            let text = std::fs::read_to_string(&config).map_err(|e| format!("{}: {e}", config.display()))?;
            let db = Db::connect(&database, Open::Existing).await?;
            let now = consentry_server::time::now_ms();
            for n in consentry_server::notices::register(&db, &text, now).await? {
                let state = if n.new { "registered" } else { "already registered" };
                println!("notices: {} {} {}: {state}", n.policy_version, n.language, n.notice_hash);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Notices(NoticesCommand::List { database }) => {
            let db = Db::connect(&database, Open::Existing).await?;
            for n in consentry_server::db::notices::all(&db).await? {
                println!("{}\t{}\t{}", n.policy_version, n.language, n.notice_hash);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report(options) => {
            Ok(if report_command::run(&options).await? { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::VerifyReport { jwks, signature, report } => {
            let signature = signature.unwrap_or_else(|| format!("{}.jws", report.display()).into());
            if report_command::verify_report(&jwks, &report, &signature)? {
                println!("verify-report: ok: {} is signed by the key of {}", report.display(), jwks.display());
                Ok(ExitCode::SUCCESS)
            } else {
                println!("verify-report: FAILED: the signature does not match these bytes and this key");
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CONSENTRY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
