//! Review finding #13: text an attacker chooses (header values and names, schema field names, a
//! path) never forges a log line. The real binary logs to a file; each refusal is one line.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Stdio;

use common::client::Client;
use common::process::Server;
use common::{id, now, temp_dir};
use consentry_receipt::json::Value;
use consentry_receipt::jws;
use consentry_receipt::testing::{key_from_seed, parts, rebuild, sample_jws, with_member};

const FORGED: &str = "INFO consentry_server::routes::receipts: receipt logged leaf=0 receipt=FAKE chain=linked";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_one_log_line_whatever_it_quotes() {
    let dir = temp_dir();
    let log_path = dir.join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let database = format!("sqlite:{}", dir.join("receipts.db").display());
    let mut server =
        Server::start_logging(env!("CARGO_BIN_EXE_consentry-server"), &database, "info", Stdio::from(log)).await;
    let client = Client::new(&server.base);
    let key = key_from_seed("log injection");
    let good = sample_jws(&key, &id(1), now(), None, true);
    let (h, p, sig) = parts(&good);
    let bodies = [
        rebuild(&with_member(&h, "alg", Value::str(format!("ES256\n{FORGED}"))), &p, &sig),
        rebuild(&with_member(&h, "typ", Value::str(format!("JWT\r\n{FORGED}"))), &p, &sig),
        rebuild(&with_member(&h, format!("kid\n{FORGED}").as_str(), Value::Null), &p, &sig),
        rebuild(&with_member(&h, "alg", Value::str(format!("ES256\u{2028}{FORGED}"))), &p, &sig),
        jws::sign(&key, &with_member(&p, &format!("extra\u{85}{FORGED}"), Value::Null)),
        jws::sign(&key, &with_member(&p, &format!("extra\u{2029}{FORGED}"), Value::Null)),
    ];
    for body in &bodies {
        let (status, answer) = client.post_receipt(body).await.unwrap();
        assert!((400..500).contains(&status), "{status} {answer}");
    }
    server.stop();
    let text = std::fs::read_to_string(&log_path).unwrap();
    let refusals = text.lines().filter(|l| l.contains("receipt refused")).count();
    assert_eq!(refusals, bodies.len(), "one line per refusal:\n{text}");
    for separator in ['\u{85}', '\u{2028}', '\u{2029}', '\r'] {
        assert!(!text.contains(separator), "no line separator U+{:04X} in the log:\n{text}", separator as u32);
    }
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("INFO consentry_server::routes::receipts: receipt logged")),
        "{text}"
    );
}
