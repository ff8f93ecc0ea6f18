//! Crash safety of the real binary: browsers post chains of receipts concurrently, the server is
//! killed with SIGKILL in the middle, restarted on the same database, and then
//!
//! * every receipt that was acknowledged (a 200 reached its client) is in the log at the position
//!   its answer gave, and posting it again returns the same answer;
//! * the browsers resume from their first unacknowledged receipt and the chains stay unbroken
//!   (a receipt committed but not answered before the kill is answered from the log);
//! * `consentry-server verify` passes on the result.
//!
//! Run on a SQLite file and on PostgreSQL.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::client::Client;
use common::process::Server;
use common::{chain, fresh_url, Kind};

const BINARY: &str = env!("CARGO_BIN_EXE_consentry-server");
const BROWSERS: usize = 16;
const PER_BROWSER: usize = 12;

/// Acknowledged receipts: the JWS and the answer body.
type Acked = Arc<Mutex<Vec<(String, String)>>>;

/// Posts one browser's receipts in order until one is not acknowledged; returns how many were.
async fn browse(client: Client, receipts: Vec<String>, acked: Acked, count: Arc<AtomicUsize>) -> usize {
    for (i, jws) in receipts.iter().enumerate() {
        match client.post_receipt(jws).await {
            Ok((200, body)) => {
                acked.lock().unwrap().push((jws.clone(), body));
                count.fetch_add(1, Ordering::Relaxed);
            }
            Ok((status, body)) => panic!("receipt refused with {status}: {body}"),
            Err(_) => return i,
        }
    }
    receipts.len()
}

fn leaf(answer: &str) -> u64 {
    serde_json::from_str::<serde_json::Value>(answer).unwrap()["leafIndex"].as_u64().unwrap()
}

async fn crash_and_recover(kind: Kind, seed: u64) {
    let url = fresh_url(kind).await;
    let browsers: Vec<Vec<String>> =
        (0..BROWSERS).map(|b| chain(&format!("crash {seed} {b}"), seed + (b * 100) as u64, PER_BROWSER)).collect();
    let total = BROWSERS * PER_BROWSER;

    let mut server = Server::start(BINARY, &url).await;
    let client = Client::new(&server.base);
    let acked: Acked = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = browsers
        .iter()
        .map(|b| tokio::spawn(browse(client.clone(), b.clone(), acked.clone(), count.clone())))
        .collect();
    while count.load(Ordering::Relaxed) < total / 3 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill9();
    let mut resume_at = Vec::new();
    for t in tasks {
        resume_at.push(t.await.unwrap());
    }
    let acked: Vec<(String, String)> = acked.lock().unwrap().clone();
    assert!(acked.len() < total, "the kill came after all receipts were acknowledged");
    println!("{kind:?}: {} receipts acknowledged before SIGKILL", acked.len());

    let mut server = Server::start(BINARY, &url).await;
    let client = Client::new(&server.base);
    for (jws, answer) in &acked {
        let id = serde_json::from_str::<serde_json::Value>(answer).unwrap()["consentReceiptID"]
            .as_str()
            .unwrap()
            .to_string();
        let (status, proof) = client.get(&format!("/v1/log/inclusion?id={id}"), None).await.unwrap();
        assert_eq!(status, 200, "acknowledged receipt {id} lost: {proof}");
        assert_eq!(leaf(&proof), leaf(answer));
        assert_eq!(client.post_receipt(jws).await.unwrap(), (200, answer.clone()), "same answer after the crash");
    }
    for (receipts, from) in browsers.iter().zip(resume_at) {
        for jws in &receipts[from..] {
            let (status, body) = client.post_receipt(jws).await.unwrap();
            assert_eq!(status, 200, "{body}");
            let link = serde_json::from_str::<serde_json::Value>(&body).unwrap()["chain"].as_str().unwrap().to_string();
            assert!(link == "linked" || link == "first", "chain broken by the crash: {link}");
        }
    }
    assert_eq!(client.get("/healthz", None).await.unwrap().1, format!("{{\"status\":\"ok\",\"treeSize\":{total}}}"));
    server.stop();

    let out = std::process::Command::new(BINARY).args(["verify", "--database", &url]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "verify failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("verify: ok: {total} receipts")), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_on_sqlite() {
    crash_and_recover(Kind::Sqlite, 10_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_on_postgres() {
    crash_and_recover(Kind::Postgres, 20_000).await;
}
