//! GPC-07: receipts of a state the Global Privacy Control signal alone put in force
//! (`collectionMethod: "gpc:opt-out"`) are accepted, counted apart per day in
//! `/v1/stats/consent-rates` (`gpcOptOut`) and left out of the visitors' consent rates (`days`),
//! on SQLite and PostgreSQL; `verify` recounts the rates the same way. A receipt claiming an
//! invalid pair such as `banner:opt-out` is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fresh_db, get, id, now, post, state, Kind};
use consentry_receipt::jws;
use consentry_receipt::testing::key_from_seed;
use consentry_receipt::testing::{parts, sample_receipt, with_member};
use consentry_receipt::vocab::Method;
use consentry_server::verify::verify;
use consentry_server::Settings;

const TOKEN: &str = "test-admin-token-0123456789abcdef0123";

async fn scenario(kind: Kind) {
    let db = fresh_db(kind).await;
    let settings = Settings { admin_token: Some(TOKEN.into()), ..Settings::unrestricted() };
    let app = consentry_server::app(state(db.clone(), settings).await);
    let rates = get(&app, "/v1/stats/consent-rates", Some(TOKEN)).await.json();
    assert_eq!(rates, serde_json::json!({"days": [], "gpcOptOut": []}), "an empty log");
    // Two browsers with the signal: their signal-only receipts (analytics off by the signal).
    for (n, seed) in [(1, "gpc-a"), (2, "gpc-b")] {
        let key = key_from_seed(seed);
        let mut r = sample_receipt(&key, &id(n), now() - 60, None, false);
        r.collection_method = Method::GPC_OPT_OUT;
        r.gpc = true;
        let reply = post(&app, &jws::sign(&key, &r.to_json())).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    // A visitor's own refusal and grant.
    for (n, seed, on) in [(3, "visitor-a", false), (4, "visitor-b", true)] {
        let key = key_from_seed(seed);
        let reply = post(&app, &jws::sign(&key, &sample_receipt(&key, &id(n), now() - 60, None, on).to_json())).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    // The signal has no buttons, and no button is the signal.
    let key = key_from_seed("forger");
    let (_, payload, _) = parts(&jws::sign(&key, &sample_receipt(&key, &id(5), now(), None, false).to_json()));
    for bad in ["banner:opt-out", "gpc:reject-all"] {
        let edited = with_member(&payload, "collectionMethod", consentry_receipt::json::Value::str(bad));
        let forged = jws::sign(&key, &edited);
        let reply = post(&app, &forged).await;
        assert_eq!(reply.status, 422, "{bad}: {}", reply.text);
        assert!(reply.text.contains("gpc:opt-out"), "the message names the valid forms: {}", reply.text);
    }

    let rates = get(&app, "/v1/stats/consent-rates", Some(TOKEN)).await.json();
    let analytics: Vec<_> = rates["days"].as_array().unwrap().iter().filter(|d| d["purpose"] == "analytics").collect();
    assert_eq!(analytics.len(), 1, "{rates}");
    assert_eq!((analytics[0]["granted"].as_u64(), analytics[0]["refused"].as_u64()), (Some(1), Some(1)), "{rates}");
    let gpc = rates["gpcOptOut"].as_array().unwrap();
    assert_eq!(gpc.len(), 1, "{rates}");
    assert_eq!(gpc[0]["receipts"].as_u64(), Some(2), "{rates}");
    assert_eq!(gpc[0]["day"], analytics[0]["day"], "{rates}");
    // A range without them has none.
    let before = get(&app, "/v1/stats/consent-rates?to=2000-01-01", Some(TOKEN)).await.json();
    assert_eq!(before["gpcOptOut"], serde_json::json!([]), "{before}");

    let report = verify(&db).await.expect("verify runs");
    assert_eq!(report.problems, Vec::<String>::new());
    assert_eq!(report.receipts, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpc_opt_outs_are_counted_apart_on_sqlite() {
    scenario(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpc_opt_outs_are_counted_apart_on_postgres() {
    scenario(Kind::Postgres).await;
}
