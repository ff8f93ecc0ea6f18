//! Review findings #1 and #3 on a real SQLite file and a real PostgreSQL database:
//!
//! * poison input: a control character in any string of a receipt is a 4xx and nothing is stored;
//!   and a receipt the database refuses (U+0000 on PostgreSQL) fails alone, never the rest of its
//!   batch;
//! * 409 suppression: the high-S twin of a receipt is refused (before or after the genuine one),
//!   and another key cannot take a visitor's `consentReceiptID`.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::Router;
use common::{fresh_url, get, id, now, post, state, Kind};
use consentry_receipt::json::Value;
use consentry_receipt::jws::{self, receipt_hash};
use consentry_receipt::testing::{key_from_seed, parts, rebuild, sample_jws, sample_receipt};
use consentry_receipt::{b64, Receipt};
use consentry_server::db::{Db, Open};
use consentry_server::intake::Admitted;
use consentry_server::verify::verify;
use consentry_server::writer::{Outcome, WriteError};
use consentry_server::Settings;
use sqlx::{Connection, Executor};

/// Every string (and object key) of `v`, as the path to it and whether it is a key.
fn string_paths(v: &Value, path: &mut Vec<usize>, out: &mut Vec<(Vec<usize>, bool)>) {
    match v {
        Value::String(_) => out.push((path.clone(), false)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i);
                string_paths(item, path, out);
                path.pop();
            }
        }
        Value::Object(members) => {
            for (i, (_, value)) in members.iter().enumerate() {
                path.push(i);
                out.push((path.clone(), true));
                string_paths(value, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// `v` with the string (or key) at `path` passed through `f`.
fn edit(v: &Value, path: &[usize], key: bool, f: &dyn Fn(&str) -> String) -> Value {
    match (v, path) {
        (Value::String(s), []) => Value::String(f(s)),
        (Value::Array(items), [i, rest @ ..]) => {
            let mut items = items.clone();
            items[*i] = edit(&items[*i], rest, key, f);
            Value::Array(items)
        }
        (Value::Object(members), [i, rest @ ..]) => {
            let mut members = members.clone();
            if rest.is_empty() && key {
                members[*i].0 = f(&members[*i].0);
            } else {
                members[*i].1 = edit(&members[*i].1, rest, key, f);
            }
            Value::Object(members)
        }
        _ => panic!("no string at {path:?}"),
    }
}

async fn control_characters_are_refused(kind: Kind) {
    let db = Db::connect(&fresh_url(kind).await, Open::CreateAndMigrate).await.unwrap();
    let app = consentry_server::app(state(db, Settings::unrestricted()).await);
    let key = key_from_seed("control characters");
    let good = sample_jws(&key, &id(1), now(), None, true);
    let (header, payload, signature) = parts(&good);
    let mut cases: Vec<(String, String)> = Vec::new();
    let mut paths = Vec::new();
    string_paths(&payload, &mut Vec::new(), &mut paths);
    assert!(paths.len() > 60, "every string of the sample payload: {}", paths.len());
    for (n, (path, is_key)) in paths.iter().enumerate() {
        // NUL everywhere; the other C0 controls and DEL in turn.
        let c = [0u8, 0x0a, 0x1f, 0x7f, 0x09, 0x0d, 0x1b][n % 7] as char;
        let bad = edit(&payload, path, *is_key, &|s| format!("{s}{c}"));
        cases.push((format!("payload {path:?} key={is_key} U+{:04X}", c as u32), jws::sign(&key, &bad)));
        if c != '\0' {
            let bad = edit(&payload, path, *is_key, &|s| format!("\0{s}"));
            cases.push((format!("payload {path:?} key={is_key} U+0000"), jws::sign(&key, &bad)));
        }
    }
    let mut header_paths = Vec::new();
    string_paths(&header, &mut Vec::new(), &mut header_paths);
    for (path, is_key) in &header_paths {
        let bad = edit(&header, path, *is_key, &|s| format!("{s}\0"));
        cases.push((format!("header {path:?} key={is_key}"), rebuild(&bad, &payload, &signature)));
    }
    for (what, jws) in &cases {
        let reply = post(&app, jws).await;
        let code = reply.json()["error"].as_str().unwrap_or("").to_string();
        assert!(
            matches!((reply.status.as_u16(), code.as_str()), (422, "schema") | (400, "malformed")),
            "{what}: {} {}",
            reply.status,
            reply.text
        );
        assert!(!reply.text.contains('\0'), "{what}: the answer does not echo the control character");
    }
    assert_eq!(get(&app, "/healthz", None).await.json()["treeSize"], 0, "nothing was stored");
    assert_eq!(post(&app, &good).await.status, 200);
}

#[tokio::test]
async fn control_characters_are_refused_on_sqlite() {
    control_characters_are_refused(Kind::Sqlite).await;
}

#[tokio::test]
async fn control_characters_are_refused_on_postgres() {
    control_characters_are_refused(Kind::Postgres).await;
}

/// A receipt that passed intake (built here, as a receipt admitted by an older release or a future
/// rule gap would be) and that the database refuses: U+0000 in `policyVersion`, which PostgreSQL
/// cannot store in `text`; on SQLite, which stores it, a trigger refuses it the same way.
fn poison(url_kind: Kind) -> (Admitted, Option<&'static str>) {
    let key = key_from_seed("poison");
    let mut receipt: Receipt = sample_receipt(&key, &id(666), now(), None, true);
    receipt.policy_version = "2026-11\u{0}".into();
    let compact = jws::sign(&key, &receipt.to_json());
    let trigger = match url_kind {
        Kind::Postgres => None,
        Kind::Sqlite => Some(
            "CREATE TRIGGER poison BEFORE INSERT ON receipts WHEN NEW.receipt_id = '00000000-0000-4000-8000-00000000029a' \
             BEGIN SELECT RAISE(ABORT, 'poison receipt'); END",
        ),
    };
    (Admitted { receipt_hash: receipt_hash(&compact), jws: compact, receipt }, trigger)
}

/// Holds the log head so that the writer's next transaction waits: SQLite's write lock, or the
/// PostgreSQL row lock every append takes.
async fn lock_the_log(kind: Kind, url: &str) -> sqlx::AnyConnection {
    let mut conn =
        sqlx::AnyConnection::connect(&consentry_server::db::normalize(url, Open::Existing).unwrap().1).await.unwrap();
    match kind {
        Kind::Sqlite => conn.execute("BEGIN IMMEDIATE").await.unwrap(),
        Kind::Postgres => {
            conn.execute("BEGIN").await.unwrap();
            conn.execute("SELECT tree_size FROM log_head WHERE id = 1 FOR UPDATE").await.unwrap()
        }
    };
    conn
}

async fn poison_fails_alone(kind: Kind) {
    let url = fresh_url(kind).await;
    let db = Db::connect(&url, Open::CreateAndMigrate).await.unwrap();
    let (poison, trigger) = poison(kind);
    if let Some(sql) = trigger {
        db.pool.execute(sql).await.unwrap();
    }
    let state = state(db.clone(), Settings::unrestricted()).await;
    let admitted = |jws: &str| consentry_server::intake::admit(jws.as_bytes(), now()).unwrap();
    let goods: Vec<Admitted> = (0..12)
        .map(|i| admitted(&sample_jws(&key_from_seed(&format!("good {i}")), &id(i), now(), None, true)))
        .collect();

    // The first receipt's transaction waits for the lock; the rest (poison in the middle) queue up
    // behind it and make one batch when it is released.
    let mut lock = lock_the_log(kind, &url).await;
    let submit = |a: Admitted| {
        let writer = state.writer.clone();
        tokio::spawn(async move { writer.submit(a, now() * 1000).await })
    };
    let mut goods = goods.into_iter();
    let first = submit(goods.next().unwrap());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut rest: Vec<_> = goods.by_ref().take(6).map(submit).collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let bad = submit(poison);
    tokio::time::sleep(Duration::from_millis(50)).await;
    rest.extend(goods.map(submit));
    tokio::time::sleep(Duration::from_millis(200)).await;
    lock.execute("COMMIT").await.unwrap();

    assert!(matches!(first.await.unwrap(), Ok(Outcome::Appended(_))));
    for (n, task) in rest.into_iter().enumerate() {
        let outcome = task.await.unwrap();
        assert!(matches!(outcome, Ok(Outcome::Appended(_))), "good receipt {n} beside the poison one: {outcome:?}");
    }
    let refused = bad.await.unwrap();
    assert!(matches!(refused, Err(WriteError::Storage(_))), "{refused:?}");
    let app: Router = consentry_server::app(state);
    assert_eq!(get(&app, "/healthz", None).await.json()["treeSize"], 12);
    let report = verify(&db).await.unwrap();
    assert_eq!((report.problems, report.receipts), (Vec::<String>::new(), 12));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_receipt_fails_alone_on_postgres() {
    poison_fails_alone(Kind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_receipt_fails_alone_on_sqlite() {
    poison_fails_alone(Kind::Sqlite).await;
}

/// `n − s` for the signature of `compact`: the other, equally valid, ECDSA signature.
fn malleate(compact: &str) -> String {
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6,
        0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
    ];
    let (input, sig) = compact.rsplit_once('.').unwrap();
    let mut sig = b64::decode(sig).unwrap();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(N[i]) - i16::from(sig[32 + i]) - borrow;
        sig[32 + i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    format!("{input}.{}", b64::encode(&sig))
}

async fn high_s_and_squatting(kind: Kind) {
    let db = Db::connect(&fresh_url(kind).await, Open::CreateAndMigrate).await.unwrap();
    let app = consentry_server::app(state(db.clone(), Settings::unrestricted()).await);
    let visitor = key_from_seed("visitor");

    // (a) A malleated copy posted first is refused; the genuine receipt is then accepted.
    let genuine = sample_jws(&visitor, &id(1), now(), None, true);
    let twin = malleate(&genuine);
    assert_ne!(twin, genuine);
    let refused = post(&app, &twin).await;
    assert_eq!(
        (refused.status.as_u16(), refused.json()["error"].as_str()),
        (422, Some("signature")),
        "{}",
        refused.text
    );
    let first = post(&app, &genuine).await;
    assert_eq!((first.status.as_u16(), first.json()["chain"].as_str()), (200, Some("first")), "{}", first.text);
    // ... and after it, the twin is still refused while the genuine one keeps its answer.
    assert_eq!(post(&app, &twin).await.status, 422);
    assert_eq!(post(&app, &genuine).await.text, first.text);

    // (b) Another key takes the visitor's next id first: both are stored, under their principals.
    let next_id = id(2);
    let squat = sample_jws(&key_from_seed("attacker"), &next_id, now(), None, false);
    assert_eq!(post(&app, &squat).await.status, 200);
    let next = sample_jws(&visitor, &next_id, now(), Some(receipt_hash(&genuine)), true);
    let reply = post(&app, &next).await;
    assert_eq!((reply.status.as_u16(), reply.json()["chain"].as_str()), (200, Some("linked")), "{}", reply.text);
    assert_eq!(post(&app, &next).await.text, reply.text, "idempotent under its principal");
    // The visitor's own other content under its id is still a conflict.
    let other = sample_jws(&visitor, &next_id, now(), Some(receipt_hash(&genuine)), false);
    assert_eq!(post(&app, &other).await.status, 409);

    // Both receipts with that id are in the log; a proof by id needs the principal then.
    let principal = jws::public_jwk(&visitor).thumbprint();
    assert_eq!(get(&app, &format!("/v1/log/inclusion?id={next_id}"), None).await.status, 400);
    let proof = get(&app, &format!("/v1/log/inclusion?id={next_id}&principal={principal}"), None).await;
    assert_eq!((proof.status.as_u16(), proof.json()["leafIndex"].as_u64()), (200, reply.json()["leafIndex"].as_u64()));
    let report = verify(&db).await.unwrap();
    assert_eq!((report.problems, report.receipts, report.chain_breaks), (Vec::<String>::new(), 3, 0));
}

#[tokio::test]
async fn high_s_twins_and_id_squatting_on_sqlite() {
    high_s_and_squatting(Kind::Sqlite).await;
}

#[tokio::test]
async fn high_s_twins_and_id_squatting_on_postgres() {
    high_s_and_squatting(Kind::Postgres).await;
}

/// Review #19: two instances writing to one log, the first with its clock an hour ahead, the second
/// with a correct one: a tree head is never older than the one before it, and `verify` checks the
/// order. On PostgreSQL the instances are two connection pools, as two server processes would be.
#[tokio::test]
async fn tree_heads_never_go_back_in_time_on_sqlite() {
    tree_heads_never_go_back_in_time(Kind::Sqlite).await;
}

#[tokio::test]
async fn tree_heads_never_go_back_in_time_across_two_instances_on_postgres() {
    tree_heads_never_go_back_in_time(Kind::Postgres).await;
}

async fn tree_heads_never_go_back_in_time(kind: Kind) {
    let url = fresh_url(kind).await;
    let db = Db::connect(&url, Open::CreateAndMigrate).await.unwrap();
    let other = match kind {
        Kind::Postgres => Db::connect(&url, Open::CreateAndMigrate).await.unwrap(),
        Kind::Sqlite => db.clone(),
    };
    let key = consentry_server::db::key::load_or_create(&db, 0).await.unwrap();
    let admitted = |n: u64| {
        let jws = sample_jws(&key_from_seed(&format!("clock {n}")), &id(n), now(), None, true);
        consentry_server::intake::admit(jws.as_bytes(), now()).unwrap()
    };
    let ahead = (now() + 3600) * 1000;
    let (a, b) = (admitted(1), admitted(2));
    let item = |a| consentry_server::writer::batch::Item { admitted: a, received_ms: 0 };
    consentry_server::writer::batch::append(&db, &key, &[item(&a)], ahead).await.unwrap();
    consentry_server::writer::batch::append(&other, &key, &[item(&b)], now() * 1000).await.unwrap();
    let first = consentry_server::db::tree::tree_head(&db, 1).await.unwrap().unwrap();
    let second = consentry_server::db::tree::tree_head(&db, 2).await.unwrap().unwrap();
    assert!(second.head.timestamp_ms >= first.head.timestamp_ms, "{:?} then {:?}", first.head, second.head);
    assert_eq!(verify(&db).await.unwrap().problems, Vec::<String>::new());
}

/// Receipts admitted before high-S signatures were refused (half of WebCrypto's) are part of
/// existing logs: `verify` still accepts them, through their low-S twin.
#[tokio::test]
async fn a_log_admitted_before_the_low_s_rule_still_verifies() {
    let db = Db::connect(&fresh_url(Kind::Sqlite).await, Open::CreateAndMigrate).await.unwrap();
    let state = state(db.clone(), Settings::unrestricted()).await;
    let key = key_from_seed("admitted long ago");
    let genuine = sample_jws(&key, &id(1), now(), None, true);
    let twin = malleate(&genuine);
    let receipt = consentry_server::intake::admit(genuine.as_bytes(), now()).unwrap().receipt;
    // Written as an older release would have: the writer does not re-check signatures.
    let old = Admitted { receipt_hash: receipt_hash(&twin), jws: twin.clone(), receipt };
    assert!(matches!(state.writer.submit(old, now() * 1000).await, Ok(Outcome::Appended(_))));
    let next = sample_jws(&key, &id(2), now(), Some(receipt_hash(&twin)), false);
    let app = consentry_server::app(state);
    assert_eq!(post(&app, &next).await.json()["chain"], "linked");
    let report = verify(&db).await.unwrap();
    assert_eq!((report.problems, report.receipts, report.chain_breaks), (Vec::<String>::new(), 2, 0));
}
