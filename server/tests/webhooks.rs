//! Signed webhooks, delivered to a real HTTP receiver spawned here (SQLite and PostgreSQL):
//!
//! * across a CRM outage (the receiver answers 503, then 200) and across a SIGKILL of the real
//!   binary and its restart, every accepted receipt's event arrives exactly once (after folding
//!   repeated idempotency keys) and in log order, batches in sequence; no batch whose 2xx was
//!   recorded before the kill is sent again; every signature verifies with the `hmac` crate (not
//!   the server's ring), and with the README's Node and Python snippets;
//! * events carry the receipts' decisions and context;
//! * in process: a hook that never answers delays neither intake nor another hook; a hook that
//!   always fails ends in dead letters, listed by `GET /v1/webhooks/status` and delivered after
//!   `POST /v1/webhooks/{name}/retry`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use common::client::Client;
use common::process::Server;
use common::{chain, fresh_db, fresh_url, get, post, send, temp_dir, Kind};
use hmac::{Hmac, Mac};
use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_consentry-server");
const TOKEN: &str = "test-admin-token-0123456789abcdef0123";
const SECRET: &str = "whsec-test-0123456789abcdef0123456789abcdef";

/// One request the receiver answered 2xx.
#[derive(Debug, Clone)]
struct Delivery {
    key: String,
    signature: String,
    body: Bytes,
}

/// The CRM: answers 503 while `down`, else 200 after `delay_ms`; keeps what it accepted.
#[derive(Default)]
struct Receiver {
    down: AtomicBool,
    delay_ms: AtomicU64,
    refused: AtomicUsize,
    bad_signatures: AtomicUsize,
    accepted: Mutex<Vec<Delivery>>,
}

/// `t=…,v1=…` checked with the `hmac` crate: an implementation independent of the server's.
fn verifies(signature: &str, body: &[u8], secret: &str) -> bool {
    let Some((t, v1)) = signature.strip_prefix("t=").and_then(|s| s.split_once(",v1=")) else { return false };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let fresh = t.parse::<i64>().is_ok_and(|t| (t - common::now()).abs() < 300);
    expected == v1 && fresh
}

async fn hook(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let delay = r.delay_ms.load(Ordering::Relaxed);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if r.down.load(Ordering::Relaxed) {
        r.refused.fetch_add(1, Ordering::Relaxed);
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let signature = header("consentry-signature");
    if !verifies(&signature, &body, SECRET) {
        r.bad_signatures.fetch_add(1, Ordering::Relaxed);
        return StatusCode::UNAUTHORIZED;
    }
    r.accepted.lock().unwrap().push(Delivery { key: header("idempotency-key"), signature, body });
    StatusCode::OK
}

/// Starts a receiver on loopback; its URL.
async fn receiver(r: Arc<Receiver>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/hook", axum::routing::post(hook)).with_state(r);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hook")
}

/// The accepted deliveries folded by idempotency key (first arrival kept); how many repeats.
fn unique(r: &Receiver) -> (Vec<Delivery>, usize) {
    let all = r.accepted.lock().unwrap().clone();
    let mut out: Vec<Delivery> = Vec::new();
    let mut repeats = 0;
    for d in all {
        match out.iter().find(|u| u.key == d.key) {
            Some(u) => {
                assert_eq!(u.body, d.body, "a retry sends the same bytes");
                repeats += 1;
            }
            None => out.push(d),
        }
    }
    (out, repeats)
}

/// Every event received, in order of arrival, after folding repeats; checks batch sequence and keys.
fn events(r: &Receiver) -> Vec<Value> {
    let (batches, _) = unique(r);
    let mut out = Vec::new();
    for (n, d) in batches.iter().enumerate() {
        let body: Value = serde_json::from_slice(&d.body).unwrap();
        assert_eq!(body["sequence"], n as u64 + 1, "batches arrive in sequence");
        assert_eq!(body["idempotencyKey"], d.key.as_str());
        assert_eq!(body["hook"], "crm");
        out.extend(body["events"].as_array().unwrap().iter().cloned());
    }
    out
}

async fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn secret_file() -> String {
    let path = temp_dir().join("crm.secret");
    std::fs::write(&path, format!("{SECRET}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path.display().to_string()
}

fn hook_options(url: &str, secret: &str) -> Vec<String> {
    [
        "--webhook",
        &format!("crm={url}"),
        "--webhook-secret-file",
        &format!("crm={secret}"),
        "--webhook-batch-size",
        "4",
        "--webhook-batch-wait-ms",
        "30",
        "--webhook-retry-base-ms",
        "20",
        "--webhook-retry-max-ms",
        "200",
        "--webhook-max-attempts",
        "1000",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

async fn status(client: &Client) -> Value {
    let (code, body) = client.get("/v1/webhooks/status", Some(TOKEN)).await.unwrap();
    assert_eq!(code, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Posts `receipts` in order; their answers.
async fn post_all(client: &Client, receipts: &[String]) -> Vec<Value> {
    let mut answers = Vec::new();
    for jws in receipts {
        let (code, body) = client.post_receipt(jws).await.unwrap();
        assert_eq!(code, 200, "{body}");
        answers.push(serde_json::from_str(&body).unwrap());
    }
    answers
}

async fn outage_and_sigkill(kind: Kind, seed: u64) {
    let url = fresh_url(kind).await;
    let inbox = Arc::new(Receiver::default());
    let options = hook_options(&receiver(inbox.clone()).await, &secret_file());
    let receipts: Vec<String> = (0..3).flat_map(|b| chain(&format!("hook {seed} {b}"), seed + b * 100, 10)).collect();

    // The CRM is down: receipts are still accepted at once; deliveries are retried.
    inbox.down.store(true, Ordering::Relaxed);
    let mut server = Server::start_with(BINARY, &url, "warn", Stdio::inherit(), &options).await;
    let client = Client::new(&server.base);
    let mut answers = post_all(&client, &receipts[..12]).await;
    wait_for("retries during the outage", Duration::from_secs(20), || inbox.refused.load(Ordering::Relaxed) >= 3).await;
    let during = status(&client).await;
    let hook = &during["hooks"][0];
    assert_eq!((hook["name"].as_str(), hook["configured"].as_bool()), (Some("crm"), Some(true)), "{during}");
    assert_eq!(hook["delivered"]["events"], 0, "{during}");
    assert_eq!(hook["lastFailure"]["lastStatus"], 503, "{during}");
    assert!(hook["pending"]["batches"].as_u64().unwrap() >= 1, "{during}");
    assert!(!during.to_string().contains(SECRET), "the status never shows a secret");

    // The CRM is back: everything so far arrives.
    inbox.down.store(false, Ordering::Relaxed);
    wait_for("delivery after the outage", Duration::from_secs(20), || events(&inbox).len() == 12).await;

    // A slow CRM while more receipts come, then SIGKILL with deliveries in flight.
    inbox.delay_ms.store(40, Ordering::Relaxed);
    answers.extend(post_all(&client, &receipts[12..]).await);
    let before_kill = status(&client).await["hooks"][0]["delivered"]["batches"].as_u64().unwrap();
    server.kill9();
    let (recorded_before_kill, _) = unique(&inbox);
    let recorded_keys: Vec<String> =
        recorded_before_kill.iter().take(before_kill as usize).map(|d| d.key.clone()).collect();
    assert!(events(&inbox).len() < receipts.len(), "the kill came after every event was delivered");

    inbox.delay_ms.store(0, Ordering::Relaxed);
    let mut server = Server::start_with(BINARY, &url, "warn", Stdio::inherit(), &options).await;
    let client = Client::new(&server.base);
    wait_for("delivery after the restart", Duration::from_secs(30), || events(&inbox).len() == receipts.len()).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // nothing more may come

    let received = events(&inbox);
    assert_eq!(received.len(), receipts.len(), "each event once");
    for (n, (event, answer)) in received.iter().zip(&answers).enumerate() {
        assert_eq!(event["leafIndex"], n as u64, "log order");
        assert_eq!(event["leafIndex"], answer["leafIndex"]);
        assert_eq!(event["receiptId"], answer["consentReceiptID"]);
        assert_eq!(event["chain"], answer["chain"]);
        let receipt = consentry_receipt::jws::parse(&receipts[n]).unwrap();
        let payload: Value = serde_json::from_str(&receipt.payload.to_string()).unwrap();
        assert_eq!(event["principal"], payload["piiPrincipalId"]);
        assert_eq!(event["decisions"], payload["decisions"]);
        for (ours, theirs) in [
            ("collectionMethod", "collectionMethod"),
            ("language", "language"),
            ("policyVersion", "policyVersion"),
            ("noticeHash", "noticeHash"),
            ("consentTimestamp", "consentTimestamp"),
        ] {
            assert_eq!(event[ours], payload[theirs], "{ours}");
        }
        assert_eq!(event["type"], "receipt.accepted");
        assert!(event["loggedAtMs"].as_i64().unwrap() >= event["receivedAtMs"].as_i64().unwrap());
    }
    let (batches, repeats) = unique(&inbox);
    assert!(repeats <= 1, "only a batch in flight at the kill may come twice (same key): {repeats}");
    let all = inbox.accepted.lock().unwrap().clone();
    for key in &recorded_keys {
        assert_eq!(all.iter().filter(|d| &d.key == key).count(), 1, "a recorded 2xx is never sent again");
    }
    assert_eq!(inbox.bad_signatures.load(Ordering::Relaxed), 0);
    let after = status(&client).await;
    let hook = &after["hooks"][0];
    assert_eq!(hook["delivered"]["events"], receipts.len() as u64, "{after}");
    assert_eq!(hook["delivered"]["batches"], batches.len() as u64, "{after}");
    assert_eq!((hook["pending"]["batches"].as_u64(), hook["dead"]["batches"].as_u64()), (Some(0), Some(0)));
    assert_eq!(hook["backlog"], 0);
    println!("{kind:?}: {} batches, {repeats} repeated, {} recorded before the kill", batches.len(), before_kill);
    snippets_verify(&batches[0]);
    server.stop();
}

/// The README's Node and Python verification snippets accept a real delivery and refuse a
/// tampered one.
fn snippets_verify(d: &Delivery) {
    let dir = temp_dir();
    let body = dir.join("body.json");
    std::fs::write(&body, &d.body).unwrap();
    let node = r#"const crypto = require('crypto'); const fs = require('fs');
const secret = process.env.SECRET, rawBody = fs.readFileSync(process.argv[1]), header = process.env.SIG;
const [, t, v1] = header.match(/^t=(\d+),v1=([0-9a-f]{64})$/);
const mac = crypto.createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
const ok = crypto.timingSafeEqual(mac, Buffer.from(v1, 'hex')) && Math.abs(Date.now() / 1000 - t) < 300;
process.exit(ok ? 0 : 1);"#;
    let python = r#"import hashlib, hmac, os, re, sys, time
secret, raw_body, header = os.environ["SECRET"].encode(), open(sys.argv[1], "rb").read(), os.environ["SIG"]
t, v1 = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", header).groups()
mac = hmac.new(secret, f"{t}.".encode() + raw_body, hashlib.sha256).hexdigest()
ok = hmac.compare_digest(mac, v1) and abs(time.time() - int(t)) < 300
sys.exit(0 if ok else 1)"#;
    for (program, flag, code) in [("node", "-e", node), ("python3", "-c", python)] {
        for (secret, expect) in [(SECRET, true), ("another secret of the same kind 0123456789", false)] {
            let status = std::process::Command::new(program)
                .args([flag, code])
                .arg(&body)
                .env("SECRET", secret)
                .env("SIG", &d.signature)
                .status()
                .unwrap_or_else(|e| panic!("{program} is needed by this test: {e}"));
            assert_eq!(
                status.success(),
                expect,
                "{program} with the {} secret",
                if expect { "right" } else { "wrong" }
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_and_sigkill_on_sqlite() {
    outage_and_sigkill(Kind::Sqlite, 30_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_and_sigkill_on_postgres() {
    outage_and_sigkill(Kind::Postgres, 40_000).await;
}

/// In process: a hook that never answers in time, one that always fails, one that works.
async fn isolation_and_dead_letters(kind: Kind) {
    use consentry_server::webhook::config::HookUrl;
    use consentry_server::webhook::{Hook, HookSecret, Policy, Webhooks};
    let (good, stuck, failing) =
        (Arc::new(Receiver::default()), Arc::new(Receiver::default()), Arc::new(Receiver::default()));
    stuck.delay_ms.store(60_000, Ordering::Relaxed);
    failing.down.store(true, Ordering::Relaxed);
    let hook = |name: &str, url: String| Hook {
        name: name.into(),
        url: HookUrl::parse(&url).unwrap(),
        secret: HookSecret::from_text(SECRET).unwrap(),
    };
    let webhooks = Webhooks {
        hooks: vec![
            hook("crm", receiver(good.clone()).await),
            hook("stuck", receiver(stuck.clone()).await),
            hook("failing", receiver(failing.clone()).await),
        ],
        policy: Policy {
            batch_size: 3,
            batch_wait: Duration::from_millis(20),
            max_attempts: 2,
            retry_base: Duration::from_millis(10),
            retry_max: Duration::from_millis(20),
            timeout: Duration::from_secs(30),
        },
    };
    let settings = consentry_server::Settings {
        admin_token: Some(TOKEN.into()),
        webhooks,
        ..consentry_server::Settings::unrestricted()
    };
    let app = consentry_server::app(common::state(fresh_db(kind).await, settings).await);
    let receipts = chain("isolation", 50_000, 7);
    for jws in &receipts {
        let started = Instant::now();
        assert_eq!(post(&app, jws).await.status, 200);
        assert!(started.elapsed() < Duration::from_secs(2), "intake does not wait for hooks");
    }
    wait_for("the working hook", Duration::from_secs(20), || events(&good).len() == receipts.len()).await;
    let dead = || async {
        let s = get(&app, "/v1/webhooks/status", Some(TOKEN)).await.json();
        s["hooks"].as_array().unwrap().iter().find(|h| h["name"] == "failing").unwrap().clone()
    };
    let started = Instant::now();
    while dead().await["dead"]["events"].as_u64() != Some(receipts.len() as u64) {
        assert!(started.elapsed() < Duration::from_secs(20), "{}", dead().await);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let failing_status = dead().await;
    let dead_batches = failing_status["dead"]["batches"].as_u64().unwrap() as usize;
    assert_eq!(failing_status["pending"]["batches"], 0, "the hook moved on past each dead letter");
    assert_eq!(failing_status["deadLetters"][0]["attempts"], 2, "{failing_status}");
    assert_eq!(failing_status["deadLetters"][0]["lastStatus"], 503, "{failing_status}");
    assert_eq!(failing_status["dead"]["events"], receipts.len() as u64);
    assert_eq!(stuck.accepted.lock().unwrap().len(), 0, "the stuck hook is still waiting for its first answer");

    // The CRM is fixed: requeued dead letters are delivered, in sequence.
    failing.down.store(false, Ordering::Relaxed);
    let request = axum::http::Request::post("/v1/webhooks/failing/retry")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let requeued = send(&app, request).await;
    assert_eq!(requeued.json()["requeued"], dead_batches as u64, "{}", requeued.text);
    wait_for("the requeued dead letters", Duration::from_secs(20), || {
        failing.accepted.lock().unwrap().len() == dead_batches
    })
    .await;
    let leaves: Vec<u64> = failing
        .accepted
        .lock()
        .unwrap()
        .iter()
        .flat_map(|d| {
            let body: Value = serde_json::from_slice(&d.body).unwrap();
            body["events"].as_array().unwrap().iter().map(|e| e["leafIndex"].as_u64().unwrap()).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(leaves, (0..receipts.len() as u64).collect::<Vec<_>>());
    assert_eq!(get(&app, "/v1/webhooks/status", None).await.status, 401);
    let unknown = axum::http::Request::post("/v1/webhooks/nope/retry")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(send(&app, unknown).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_and_dead_letters_on_sqlite() {
    isolation_and_dead_letters(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_and_dead_letters_on_postgres() {
    isolation_and_dead_letters(Kind::Postgres).await;
}
