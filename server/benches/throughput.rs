//! Receipt throughput of the real `consentry-server` binary (release build), on a SQLite file
//! and on PostgreSQL, beside the machine's ES256 verification rate (`openssl speed ecdsap256`).
//!
//! `cargo bench -p consentry-server` (PostgreSQL from `CONSENTRY_TEST_POSTGRES_URL` or the one
//! `cargo xtask setup` starts). It prints figures; it asserts nothing about speed. It exits
//! non-zero if a backend could not be measured, so a missing PostgreSQL is never passed over.
//!
//! The load: 2,048 browsers with chains of 10 receipts each (20,480 receipts, signed before the
//! clock starts), posted over 64 keep-alive connections (then 256), each connection one browser at
//! a time so chains arrive in order. Client and server share the machine's cores, as in any single-box
//! measurement; the CPU each used is printed so the split is visible.

// A benchmark harness, like a test: a failure to set up (no runtime, a signer thread that panicked)
// ends the run with a message, which is what a failed measurement should do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::client::Client;
use common::process::Server;
use common::{fresh_postgres, temp_dir};
use consentry_receipt::jws;
use consentry_receipt::testing::{key_from_seed, sample_jws};

const BINARY: &str = env!("CARGO_BIN_EXE_consentry-server");
/// Connections posting at once: a fixed level, and a higher one that shows what batching gains.
const CONCURRENCY: [usize; 2] = [64, 256];
const BROWSERS: usize = 2048;
const PER_BROWSER: usize = 10;

/// What one backend achieved.
struct Figures {
    receipts: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    server_cpu: f64,
    client_cpu: f64,
    batches: f64,
    commit_mean: f64,
}

fn main() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    runtime.block_on(run())
}

async fn run() -> ExitCode {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "consentry-server throughput ({cores} cores, {} receipts per run, each run on a fresh database)",
        BROWSERS * PER_BROWSER
    );
    let openssl = openssl_verify_rate();
    let started = Instant::now();
    let browsers = generate();
    println!("  signed the load in {:.1}s", started.elapsed().as_secs_f64());
    let sample = &browsers[0][0];
    let ring = rate(|| consentry_server::intake::admit(sample.as_bytes(), i64::MAX / 2).is_ok());
    let p256 = rate(|| consentry_receipt::verify(sample).is_ok());

    let mut results = Vec::new();
    for concurrency in CONCURRENCY {
        let sqlite = format!("sqlite:{}", temp_dir().join("bench.db").display());
        results.push(("SQLite (WAL, synchronous=FULL)", concurrency, load(&sqlite, &browsers, concurrency).await));
        let pg = match tokio::spawn(fresh_postgres()).await {
            Ok(url) => load(&url, &browsers, concurrency).await,
            Err(e) => Err(format!("no PostgreSQL: {e}")),
        };
        results.push(("PostgreSQL (synchronous_commit=on)", concurrency, pg));
    }

    println!();
    println!("ES256 verification, one core:");
    match openssl {
        Some(v) => println!("  openssl speed -seconds 3 ecdsap256   {v:>9.0} verify/s"),
        None => println!("  openssl speed -seconds 3 ecdsap256   not available"),
    }
    println!("  server intake (ring + receipt rules) {ring:>9.0} receipts/s");
    println!("  verify (RustCrypto p256)             {p256:>9.0} receipts/s");
    println!();
    println!(
        "{:<36} {:>5} {:>10} {:>9} {:>9} {:>12} {:>12} {:>10} {:>11}",
        "backend", "conns", "receipts/s", "p50 ms", "p99 ms", "server CPU", "client CPU", "batch avg", "commit ms"
    );
    let mut failed = false;
    for (name, concurrency, result) in &results {
        match result {
            Ok(f) => {
                let mut l = f.latencies.clone();
                l.sort();
                let pct = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)].as_secs_f64() * 1e3;
                let per = |cpu: f64| cpu / f.receipts as f64 * 1e6;
                println!(
                    "{name:<36} {concurrency:>5} {:>10.0} {:>9.1} {:>9.1} {:>9.0} µs {:>9.0} µs {:>10.1} {:>11.2}",
                    f.receipts as f64 / f.elapsed.as_secs_f64(),
                    pct(0.50),
                    pct(0.99),
                    per(f.server_cpu),
                    per(f.client_cpu),
                    f.receipts as f64 / f.batches.max(1.0),
                    f.commit_mean * 1e3
                );
            }
            Err(e) => {
                failed = true;
                println!("{name:<36} {concurrency:>5} NOT MEASURED: {e}");
            }
        }
    }
    println!("(server/client CPU: CPU time per receipt over the run; batch avg: receipts per commit)");
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `verify/s` of `openssl speed -seconds 3 ecdsap256`.
fn openssl_verify_rate() -> Option<f64> {
    let out = std::process::Command::new("openssl").args(["speed", "-seconds", "3", "ecdsap256"]).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains("ecdsa (nistp256)"))?;
    line.split_whitespace().last()?.parse().ok()
}

/// The browsers' receipt chains, signed on every core.
fn generate() -> Vec<Vec<String>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t..BROWSERS)
                        .step_by(threads)
                        .map(|b| {
                            let key = key_from_seed(&format!("bench browser {b}"));
                            let mut chain: Vec<String> = Vec::with_capacity(PER_BROWSER);
                            for i in 0..PER_BROWSER {
                                let id = format!("00000000-0000-4000-8000-{:012x}", b * PER_BROWSER + i);
                                let prev = chain.last().map(|p| jws::receipt_hash(p));
                                chain.push(sample_jws(&key, &id, now - 600 + i as i64, prev, i % 3 != 0));
                            }
                            (b, chain)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<(usize, Vec<String>)> =
            handles.into_iter().flat_map(|h| h.join().expect("signer thread")).collect();
        all.sort_by_key(|(b, _)| *b);
        all.into_iter().map(|(_, c)| c).collect()
    })
}

/// Calls per second of `f` on this thread over about a second.
fn rate(f: impl Fn() -> bool) -> f64 {
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(1) {
        assert!(f());
        n += 1;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

async fn load(database: &str, browsers: &[Vec<String>], concurrency: usize) -> Result<Figures, String> {
    let mut server = Server::start(BINARY, database).await;
    let client = Client::new(&server.base);
    let browsers = Arc::new(browsers.to_vec());
    let (server_cpu0, client_cpu0) = (cpu_seconds(server.pid()), cpu_seconds(std::process::id()));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|w| {
            let (client, browsers) = (client.clone(), browsers.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for chain in browsers.iter().skip(w).step_by(concurrency) {
                    for jws in chain {
                        let t = Instant::now();
                        match client.post_receipt(jws).await {
                            Ok((200, _)) => latencies.push(t.elapsed()),
                            Ok((status, body)) => return Err(format!("HTTP {status}: {body}")),
                            Err(e) => return Err(e),
                        }
                    }
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    let (server_cpu, client_cpu) =
        (cpu_seconds(server.pid()) - server_cpu0, cpu_seconds(std::process::id()) - client_cpu0);
    let (_, metrics) = client.get("/metrics", None).await?;
    let metric = |name: &str| {
        metrics.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse::<f64>().ok()).unwrap_or(0.0)
    };
    let batches = metric("consentry_batches_total");
    let commit_mean = metric("consentry_commit_seconds_sum") / metric("consentry_commit_seconds_count").max(1.0);
    server.stop();
    Ok(Figures { receipts: latencies.len(), elapsed, latencies, server_cpu, client_cpu, batches, commit_mean })
}

/// User + system CPU seconds of a process so far (Linux `/proc`; 0 elsewhere).
fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0.0 };
    let Some((_, rest)) = stat.rsplit_once(')') else { return 0.0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
