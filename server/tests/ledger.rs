//! The whole API on a real SQLite file and a real PostgreSQL database: receipts in, idempotent
//! answers, 409, chain flags, signed acks and tree heads, inclusion and consistency proofs checked
//! with RFC 9162's verification, exports, rates, histories, admin auth, metrics, and `verify`.
//! On PostgreSQL also two server instances appending to one log at once.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;

use axum::Router;
use common::{chain, fresh_db, fresh_url, get, id, now, post, state, Kind};
use consentry_receipt::jws::receipt_hash;
use consentry_receipt::testing::{key_from_seed, sample_jws};
use consentry_receipt::{b64, json, sha256_b64, PublicJwk};
use consentry_server::db::{Db, Open};
use consentry_server::keys::open;
use consentry_server::ledger::merkle::{leaf_hash, root_of};
use consentry_server::ledger::proof::{verify_consistency, verify_inclusion};
use consentry_server::ledger::Hash;
use consentry_server::verify::verify;
use consentry_server::Settings;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

fn settings() -> Settings {
    Settings {
        admin_token: Some(TOKEN.into()),
        allowed_origins: vec!["https://shop.example".into()],
        ..Settings::unrestricted()
    }
}

fn hash(text: &str) -> Hash {
    b64::decode(text).expect("base64url").try_into().expect("32 bytes")
}

fn hashes(v: &serde_json::Value) -> Vec<Hash> {
    v.as_array().expect("array").iter().map(|h| hash(h.as_str().expect("string"))).collect()
}

async fn server_jwk(app: &Router) -> PublicJwk {
    let jwks = get(app, "/.well-known/jwks.json", None).await.json();
    let key = &jwks["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str(), key["alg"].as_str()),
        (Some("EC"), Some("P-256"), Some("ES256"))
    );
    PublicJwk { x: key["x"].as_str().unwrap().into(), y: key["y"].as_str().unwrap().into() }
}

/// Posts and expects 200; returns the answer.
async fn accept(app: &Router, jws: &str) -> serde_json::Value {
    let reply = post(app, jws).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()
}

async fn scenario(kind: Kind) {
    let db = fresh_db(kind).await;
    let app = consentry_server::app(state(db.clone(), settings()).await);
    let mut log: Vec<String> = Vec::new();

    let alice = chain("alice", 1, 3);
    let bob = chain("bob", 100, 2);
    for (jws, leaf, link) in
        [(&alice[0], 0, "first"), (&bob[0], 1, "first"), (&alice[1], 2, "linked"), (&bob[1], 3, "linked")]
    {
        let answer = accept(&app, jws).await;
        assert_eq!((answer["leafIndex"].as_u64(), answer["chain"].as_str()), (Some(leaf), Some(link)));
        log.push(jws.clone());
    }

    // Idempotent: the same JWS gets a byte-identical answer; the same id with other content, 409.
    let first = post(&app, &alice[1]).await;
    let again = post(&app, &alice[1]).await;
    assert_eq!((first.status, &first.text), (again.status, &again.text));
    let other = sample_jws(&key_from_seed("alice"), &id(1), now(), None, false);
    let conflict = post(&app, &other).await;
    assert_eq!((conflict.status.as_u16(), conflict.json()["error"].as_str()), (409, Some("conflict")));

    // Chain breaks are stored and flagged, not refused.
    let alice_key = key_from_seed("alice");
    let breaks = [
        (sample_jws(&key_from_seed("bob"), &id(200), now(), Some(sha256_b64(b"never seen")), true), "break:gap"),
        (sample_jws(&alice_key, &id(201), now(), None, true), "break:restart"),
        (sample_jws(&alice_key, &id(202), now(), Some(receipt_hash(&alice[0])), true), "break:fork"),
        (sample_jws(&alice_key, &id(203), now(), Some(receipt_hash(&alice[0])), true), "break:fork"),
    ];
    for (jws, link) in &breaks {
        assert_eq!(accept(&app, jws).await["chain"], *link);
        log.push(jws.clone());
    }

    // Many browsers at once: every receipt gets its own leaf.
    let many: Vec<String> = (0..40).map(|i| chain(&format!("browser {i}"), 1000 + i * 10, 1).remove(0)).collect();
    let tasks: Vec<_> = many
        .iter()
        .map(|jws| {
            tokio::spawn({
                let (app, jws) = (app.clone(), jws.clone());
                async move { accept(&app, &jws).await["leafIndex"].as_u64().expect("leafIndex") }
            })
        })
        .collect();
    let mut leaves = HashSet::new();
    for (task, jws) in tasks.into_iter().zip(&many) {
        let leaf = task.await.expect("task");
        assert!(leaves.insert(leaf));
        let _ = jws;
    }
    assert_eq!(leaves, (8..48).collect());
    let mut by_leaf: Vec<(u64, String)> = Vec::new();
    for jws in &many {
        by_leaf.push((accept(&app, jws).await["leafIndex"].as_u64().unwrap_or(0), jws.clone()));
    }
    by_leaf.sort();
    log.extend(by_leaf.into_iter().map(|(_, j)| j));
    let size = log.len() as u64;

    check_signatures_and_proofs(&app, &log).await;
    check_auditor_views(&app, &log).await;

    let metrics = get(&app, "/metrics", None).await.text;
    assert!(metrics.contains(&format!("consentry_log_tree_size {size}\n")), "{metrics}");
    assert!(metrics.contains("consentry_chain_breaks 4\n"));
    assert!(metrics.contains("consentry_receipts_conflict_total 1\n"));
    assert_eq!(get(&app, "/healthz", None).await.json()["treeSize"], size);

    let report = verify(&db).await.expect("verify runs");
    assert_eq!(report.problems, Vec::<String>::new());
    assert_eq!((report.receipts, report.chain_breaks), (size, 4));
    assert_eq!(report.root, root_of(&log.iter().map(|j| leaf_hash(j.as_bytes())).collect::<Vec<_>>()));
}

async fn check_signatures_and_proofs(app: &Router, log: &[String]) {
    let jwk = server_jwk(app).await;
    let size = log.len() as u64;
    let leaves: Vec<Hash> = log.iter().map(|j| leaf_hash(j.as_bytes())).collect();
    let sth = get(app, "/v1/log/sth", None).await.json();
    let stated =
        open(&jwk, "consentry-sth+jws", sth["signature"].as_str().unwrap()).expect("STH signed by the server key");
    assert_eq!(stated.get("treeSize").and_then(json::Value::as_u64), Some(size));
    let root = hash(sth["rootHash"].as_str().unwrap());
    assert_eq!(root, root_of(&leaves));

    for (index, jws) in log.iter().enumerate() {
        let answer = accept(app, jws).await;
        let ack =
            open(&jwk, "consentry-ack+jws", answer["ack"].as_str().unwrap()).expect("ack signed by the server key");
        assert_eq!(ack.get("leafIndex").and_then(json::Value::as_u64), Some(index as u64));
        assert_eq!(ack.get("receiptHash").and_then(json::Value::as_str), Some(receipt_hash(jws).as_str()));
        let id =
            json::parse(&String::from_utf8(b64::decode(jws.split('.').nth(1).unwrap()).unwrap()).unwrap()).unwrap();
        let id = id.get("consentReceiptID").and_then(json::Value::as_str).unwrap().to_string();
        let proof = get(app, &format!("/v1/log/inclusion?id={id}"), None).await.json();
        assert!(
            verify_inclusion(index as u64, size, &leaf_hash(jws.as_bytes()), &hashes(&proof["proof"]), &root),
            "{proof}"
        );
        // Under the tree head the ack names, too.
        let at = answer["treeSize"].as_u64().unwrap();
        let proof = get(app, &format!("/v1/log/inclusion?id={id}&treeSize={at}"), None).await.json();
        let then = hash(answer["rootHash"].as_str().unwrap());
        assert!(verify_inclusion(index as u64, at, &leaves[index], &hashes(&proof["proof"]), &then));
    }
    for first in 1..=size {
        let c = get(app, &format!("/v1/log/consistency?first={first}&second={size}"), None).await.json();
        let first_root = root_of(&leaves[..first as usize]);
        assert!(verify_consistency(first, size, &first_root, &root, &hashes(&c["proof"])), "{first}: {c}");
    }
    assert_eq!(get(app, &format!("/v1/log/consistency?first=0&second={size}"), None).await.status, 400);
    assert_eq!(get(app, &format!("/v1/log/inclusion?leafIndex={size}"), None).await.status, 400);
    assert_eq!(get(app, "/v1/log/inclusion?id=00000000-0000-4000-8000-ffffffffffff", None).await.status, 404);
}

async fn check_auditor_views(app: &Router, log: &[String]) {
    assert_eq!(get(app, "/v1/export", None).await.status, 401);
    assert_eq!(get(app, "/v1/export", Some("wrong-token")).await.status, 401);
    let jsonl = get(app, "/v1/export?format=jsonl", Some(TOKEN)).await;
    assert_eq!(jsonl.status, 200);
    let exported: Vec<String> = jsonl
        .text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["jws"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(exported, log);
    let csv = get(app, "/v1/export?format=csv", Some(TOKEN)).await;
    assert_eq!(csv.text.lines().count(), log.len() + 1);
    assert!(csv.text.starts_with("leaf_index,consent_receipt_id,principal,"));
    let none = get(app, "/v1/export?from=2000-01-01&to=2000-01-02", Some(TOKEN)).await;
    assert_eq!((none.status.as_u16(), none.text.as_str()), (200, ""));
    assert_eq!(get(app, "/v1/export?format=xml", Some(TOKEN)).await.status, 400);

    let rates = get(app, "/v1/stats/consent-rates", Some(TOKEN)).await.json();
    let analytics: u64 = rates["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["purpose"] == "analytics")
        .map(|d| d["granted"].as_u64().unwrap() + d["refused"].as_u64().unwrap())
        .sum();
    assert_eq!(analytics, log.len() as u64, "{rates}");

    let alice = consentry_receipt::jws::public_jwk(&key_from_seed("alice")).thumbprint();
    let history = get(app, &format!("/v1/principals/{alice}/receipts"), Some(TOKEN)).await.json();
    assert_eq!((history["count"].as_u64(), history["chainBreaks"].as_u64()), (Some(5), Some(3)), "{history}");
    assert_eq!(get(app, "/v1/principals/nobody/receipts", Some(TOKEN)).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_on_sqlite() {
    scenario(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_on_postgres() {
    scenario(Kind::Postgres).await;
}

#[tokio::test]
async fn admin_endpoints_are_off_without_a_token() {
    let app = consentry_server::app(state(fresh_db(Kind::Sqlite).await, Settings::unrestricted()).await);
    let reply = get(&app, "/v1/export", Some("anything")).await;
    assert_eq!((reply.status.as_u16(), reply.json()["error"].as_str()), (403, Some("admin_disabled")));
}

/// Two server instances (two pools, two writers) on one PostgreSQL database, posting at once: one
/// log, no index used twice, and `verify` passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_postgres_log() {
    let url = fresh_url(Kind::Postgres).await;
    let a = consentry_server::app(
        state(Db::connect(&url, Open::CreateAndMigrate).await.unwrap(), Settings::unrestricted()).await,
    );
    let b = consentry_server::app(
        state(Db::connect(&url, Open::CreateAndMigrate).await.unwrap(), Settings::unrestricted()).await,
    );
    assert_eq!(server_jwk(&a).await, server_jwk(&b).await, "one server key");
    let receipts: Vec<String> = (0..30).flat_map(|i| chain(&format!("two instances {i}"), 5000 + i * 10, 3)).collect();
    let tasks: Vec<_> = receipts
        .chunks(3)
        .enumerate()
        .map(|(i, browser)| {
            let app = if i % 2 == 0 { a.clone() } else { b.clone() };
            let browser = browser.to_vec();
            tokio::spawn(async move {
                let mut leaves = Vec::new();
                for jws in browser {
                    let answer = accept(&app, &jws).await;
                    assert_ne!(answer["chain"].as_str().unwrap_or("").split(':').next(), Some("break"), "{answer}");
                    leaves.push(answer["leafIndex"].as_u64().unwrap());
                }
                leaves
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    assert_eq!(all, (0..90).collect::<Vec<u64>>());
    let report = verify(&Db::connect(&url, Open::Existing).await.unwrap()).await.unwrap();
    assert_eq!((report.problems.len(), report.receipts), (0, 90), "{:?}", report.problems);
}

/// `verify` notices tampering with any stored part of the log.
#[tokio::test]
async fn verify_detects_tampering() {
    let url = fresh_url(Kind::Sqlite).await;
    let db = Db::connect(&url, Open::CreateAndMigrate).await.unwrap();
    let app = consentry_server::app(state(db.clone(), Settings::unrestricted()).await);
    for jws in chain("tamper", 9000, 5) {
        accept(&app, &jws).await;
    }
    assert!(verify(&db).await.unwrap().problems.is_empty());
    let other = chain("someone else", 9100, 1).remove(0);
    let tampering = [
        "UPDATE merkle_nodes SET hash = randomblob(32) WHERE level = 1 AND idx = 1".to_string(),
        "UPDATE receipts SET leaf_hash = randomblob(32) WHERE leaf_index = 2".to_string(),
        "UPDATE receipts SET chain = 'linked' WHERE leaf_index = 0".to_string(),
        "UPDATE tree_heads SET root_hash = randomblob(32) WHERE tree_size = 3".to_string(),
        "UPDATE receipts SET decisions = '{}' WHERE leaf_index = 1".to_string(),
        format!("UPDATE receipts SET jws = '{other}' WHERE leaf_index = 3"),
        "DELETE FROM receipts WHERE leaf_index = 4".to_string(),
    ];
    for sql in tampering {
        let copy = common::temp_dir().join("copy.db");
        sqlx::query(&format!("VACUUM INTO '{}'", copy.display())).execute(&db.pool).await.unwrap();
        let tampered = Db::connect(&format!("sqlite:{}", copy.display()), Open::Existing).await.unwrap();
        sqlx::query(&sql).execute(&tampered.pool).await.unwrap();
        let report = verify(&tampered).await.unwrap();
        assert!(report.problem_count > 0, "not detected: {sql}");
    }
}

/// Review #18: a principal's history comes a page at a time, so one request never loads every
/// receipt an attacker planted under one key.
#[tokio::test]
async fn a_principal_history_is_paginated() {
    let app = consentry_server::app(state(fresh_db(Kind::Sqlite).await, settings()).await);
    let receipts = chain("paged", 7000, 5);
    for jws in &receipts {
        accept(&app, jws).await;
    }
    accept(&app, &chain("someone else", 7100, 1).remove(0)).await;
    let principal = consentry_receipt::jws::public_jwk(&key_from_seed("paged")).thumbprint();
    let mut after: Option<u64> = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let query = after.map_or(String::new(), |a| format!("&after={a}"));
        let page = get(&app, &format!("/v1/principals/{principal}/receipts?limit=2{query}"), Some(TOKEN)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let page = page.json();
        let listed = page["receipts"].as_array().unwrap();
        assert!(listed.len() <= 2 && page["count"].as_u64() == Some(listed.len() as u64), "{page}");
        seen.extend(listed.iter().map(|r| r["jws"].as_str().unwrap().to_string()));
        pages += 1;
        match page["next"].as_u64() {
            Some(next) => after = Some(next),
            None => break,
        }
        assert!(pages < 10, "pagination does not end");
    }
    assert_eq!((seen, pages), (receipts, 3), "5 receipts in pages of 2");
    let whole = get(&app, &format!("/v1/principals/{principal}/receipts"), Some(TOKEN)).await.json();
    assert_eq!((whole["count"].as_u64(), whole["next"].as_u64()), (Some(5), None), "{whole}");
    let too_many = get(&app, &format!("/v1/principals/{principal}/receipts?limit=100000"), Some(TOKEN)).await;
    assert_eq!(too_many.status, 400);
}
