//! Review finding #12: a receipt whose `prevReceiptHash` names an unknown receipt (a "gap") must
//! not make the single log writer read the principal's whole history inside the append
//! transaction. The writer looks up only the named hashes (`writer/batch.rs`, `refine_gaps`); this
//! pins that the database answers that lookup from the `receipts_by_hash` index, not by a scan, and
//! that a gap receipt of a principal with a long history is still recorded as one. (How
//! fast it is belongs to a benchmark, not to a test.)

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fresh_db, id, now, post, state, Kind};
use consentry_receipt::jws;
use consentry_receipt::sha256_b64;
use consentry_receipt::testing::{key_from_seed, sample_jws};
use consentry_server::Settings;
use sqlx::Row;

/// The lookup `refine_gaps` makes, for two named hashes.
const GAP_LOOKUP: &str = "SELECT receipt_hash, principal FROM receipts WHERE receipt_hash IN (?, ?)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gap_lookup_is_an_index_search_whatever_the_history() {
    let db = fresh_db(Kind::Sqlite).await;
    let long = jws::public_jwk(&key_from_seed("long history")).thumbprint();
    // A history made in SQL, far above the log's own leaf indexes: not a valid log, but the rows a
    // principal-wide lookup would have to read.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999) \
         INSERT INTO receipts (leaf_index, leaf_hash, receipt_id, principal, consent_ts, received_ms, collection_method, \
         policy_version, decisions, prev_receipt_hash, receipt_hash, chain, sth_size, ack, jws) \
         SELECT 1000000000 + i, x'00', 'history-' || i, $1, 1, 1, 'banner:accept-all', '2026-11', '{}', NULL, \
         'stored-hash-' || i, 'linked', 1, 'ack', 'jws' FROM n",
    )
    .bind(&long)
    .execute(&db.pool)
    .await
    .unwrap();
    let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {GAP_LOOKUP}"))
        .bind("a")
        .bind("b")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("detail"))
        .collect();
    assert!(
        plan.iter()
            .any(|d| d.contains("USING INDEX receipts_by_hash") || d.contains("USING COVERING INDEX receipts_by_hash")),
        "the gap lookup must search the receipts_by_hash index: {plan:?}"
    );
    assert!(!plan.iter().any(|d| d.starts_with("SCAN receipts")), "no scan of the receipts: {plan:?}");

    // And a gap receipt of that principal is still recorded as a gap.
    let app = consentry_server::app(state(db, Settings::unrestricted()).await);
    let key = key_from_seed("long history");
    let gap = sample_jws(&key, &id(1), now(), Some(sha256_b64(b"never stored")), true);
    let reply = post(&app, &gap).await;
    assert_eq!((reply.status.as_u16(), reply.json()["chain"].as_str()), (200, Some("break:gap")), "{}", reply.text);
}
