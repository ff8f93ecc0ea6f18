//! `GET /v1/subjects/{id}/consent` (issue 12, CRM hooks): receipts carrying a `subjectId` are
//! indexed as they are accepted, and the lookup answers each purpose's current state with the
//! receipt that set it, on SQLite and PostgreSQL. The index is derived data, which `verify` checks.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fresh_db, get, id, now, post, state, Kind};
use consentry_receipt::jws;
use consentry_receipt::testing::{key_from_seed, sample_receipt};
use consentry_server::Settings;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// One browser's chain of receipts, each `(analytics granted, subject)`.
fn receipts(seed: &str, first: u64, steps: &[(bool, Option<&str>)]) -> Vec<String> {
    let key = key_from_seed(seed);
    let mut out: Vec<String> = Vec::new();
    for (i, (analytics, subject)) in steps.iter().enumerate() {
        let prev = out.last().map(|p| jws::receipt_hash(p));
        let mut r = sample_receipt(&key, &id(first + i as u64), now() - 60 + i as i64, prev, *analytics);
        r.subject_id = subject.map(String::from);
        out.push(jws::sign(&key, &r.to_json()));
    }
    out
}

async fn lookup_after_grant_and_withdrawal(kind: Kind) {
    let db = fresh_db(kind).await;
    let settings = Settings { admin_token: Some(TOKEN.into()), ..Settings::unrestricted() };
    let app = consentry_server::app(state(db.clone(), settings).await);
    // cust-123: granted, then a receipt without subject, then refused (the withdrawal).
    let mine = receipts("subject-a", 1, &[(true, Some("cust-123")), (true, None), (false, Some("cust-123"))]);
    // Another customer on another browser, granted after.
    let other = receipts("subject-b", 100, &[(true, Some("cust-456"))]);
    for jws in mine.iter().chain(&other) {
        assert_eq!(post(&app, jws).await.status, 200);
    }
    let reply = get(&app, "/v1/subjects/cust-123/consent", Some(TOKEN)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let v = reply.json();
    assert_eq!(v["subjectId"], "cust-123");
    assert_eq!(v["receipts"], 2, "only the receipts carrying the id");
    let analytics = &v["purposes"]["analytics"];
    assert_eq!(analytics["granted"], false, "the later refusal is the current state: {v}");
    assert_eq!(analytics["receiptId"], id(3));
    assert_eq!(analytics["collectionMethod"], "banner:accept-all");
    assert_eq!(analytics["policyVersion"], "2026-11");
    assert!(analytics["consentTimestamp"].as_i64().unwrap() > 0);
    assert!(analytics["receivedMs"].as_i64().unwrap() > 0);
    assert_eq!(v["purposes"]["necessary"]["granted"], true);
    assert_eq!(v["services"]["analytics/matomo"]["granted"], false);
    assert_eq!(v["services"]["analytics/matomo"]["receiptId"], id(3));

    let other = get(&app, "/v1/subjects/cust-456/consent", Some(TOKEN)).await.json();
    assert_eq!((other["purposes"]["analytics"]["granted"].clone(), other["receipts"].clone()), (true.into(), 1.into()));

    let unknown = get(&app, "/v1/subjects/cust-999/consent", Some(TOKEN)).await;
    assert_eq!((unknown.status.as_u16(), unknown.json()["error"].as_str()), (404, Some("not_found")));
    let email = get(&app, "/v1/subjects/ana@example.com/consent", Some(TOKEN)).await;
    assert_eq!(email.status, 400);
    assert!(email.text.contains("e-mail"), "{}", email.text);
    assert_eq!(get(&app, "/v1/subjects/a%20b/consent", Some(TOKEN)).await.status, 400);
    assert_eq!(get(&app, "/v1/subjects/cust-123/consent", None).await.status, 401);
    assert_eq!(get(&app, "/v1/subjects/cust-123/consent", Some("wrong-token-wrong-token-wrong-tok")).await.status, 401);

    // Posting a receipt again is idempotent and indexes nothing twice.
    assert_eq!(post(&app, &mine[2]).await.status, 200);
    assert_eq!(get(&app, "/v1/subjects/cust-123/consent", Some(TOKEN)).await.json()["receipts"], 2);

    let report = consentry_server::verify::verify(&db).await.unwrap();
    assert_eq!(report.problem_count, 0, "{:?}", report.problems);
    assert_eq!(report.receipts, 4);

    // The index is checked against the receipts: a row removed, then one that no receipt carries.
    sqlx::query("DELETE FROM subject_receipts WHERE subject_id = 'cust-456'").execute(&db.pool).await.unwrap();
    let report = consentry_server::verify::verify(&db).await.unwrap();
    assert_eq!(report.problems, ["the subject index differs from the receipts (missing: 1; carried by no receipt: 0)"]);
    sqlx::query("INSERT INTO subject_receipts (subject_id, leaf_index) VALUES ('cust-456', 3), ('cust-123', 1)")
        .execute(&db.pool)
        .await
        .unwrap();
    let report = consentry_server::verify::verify(&db).await.unwrap();
    assert_eq!(report.problems, ["the subject index differs from the receipts (missing: 0; carried by no receipt: 1)"]);
}

#[tokio::test]
async fn lookup_after_grant_and_withdrawal_sqlite() {
    lookup_after_grant_and_withdrawal(Kind::Sqlite).await;
}

#[tokio::test]
async fn lookup_after_grant_and_withdrawal_postgres() {
    lookup_after_grant_and_withdrawal(Kind::Postgres).await;
}
