//! The dashboard, on a SQLite file and on PostgreSQL: its page and files are public and carry the
//! strict CSP; its data (`GET /v1/dashboard`) needs the admin token, refuses bad periods, and
//! counts a known set of receipts built by the widget's own model per day (methods, GPC, a
//! withdrawal across the period's start and one inside it, two languages); `POST /v1/verify`
//! records a full verify that the data then shows.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use common::{fresh_db, get, id, now, post, send, Kind};
use consentry_model::choice::{Action, Choice, Layer, Method};
use consentry_model::config::Config;
use consentry_model::consent::Decisions;
use consentry_model::notice::{build, Signer};
use consentry_receipt::jws::{self, receipt_hash};
use consentry_receipt::testing::key_from_seed;
use consentry_server::dashboard::assets::CSP;
use consentry_server::time::format_day;
use consentry_server::Settings;

const TOKEN: &str = "dashboard-test-admin-token-0123456789abcdef";
const DAY: i64 = 86_400;

const CONFIG: &str = r#"{
  "policy_version": "2026-03",
  "controller": {"name": "Fromagerie Test", "contact": "dpo@fromagerie.example", "policy_url": "https://fromagerie.example/privacy"},
  "languages": ["en", "fr"],
  "purposes": [
    {"id": "necessary", "required": true, "name": {"en": "Strictly necessary", "fr": "Strictement nécessaires"},
     "description": {"en": "Keeps your basket.", "fr": "Garde votre panier."}, "retention": "Session", "recipients": "Us"},
    {"id": "analytics", "name": {"en": "Audience measurement", "fr": "Mesure d'audience"},
     "description": {"en": "Counts visits.", "fr": "Compte les visites."}, "retention": "13 months", "recipients": "Matomo",
     "services": [{"id": "matomo", "name": "Matomo", "description": "Visit statistics", "cookies": ["_pk_id.*"]}]}
  ]
}"#;

const ACCEPT: Method = Method { layer: Layer::Banner, action: Action::AcceptAll };
const REJECT: Method = Method { layer: Layer::Banner, action: Action::RejectAll };
const SAVE: Method = Method { layer: Layer::Preferences, action: Action::Save };
const API_ACCEPT: Method = Method { layer: Layer::Api, action: Action::AcceptAll };

/// One browser's decision as the widget builds and signs it.
struct Visit<'a> {
    seed: &'a str,
    n: u64,
    ts: i64,
    lang: &'a str,
    method: Method,
    analytics: bool,
    gpc: bool,
    prev: Option<&'a str>,
}

fn receipt(v: &Visit) -> String {
    let config = Config::from_json(CONFIG).unwrap();
    let mut decisions = if v.analytics { Decisions::accept_all(&config) } else { Decisions::reject_all(&config) };
    if v.method.action == Action::Save {
        decisions.set(&config, &"analytics".parse().unwrap(), v.analytics);
    }
    let choice = Choice::decide(None, &config, decisions, v.method, v.lang, v.ts * 1000, || id(9000 + v.n));
    let key = key_from_seed(v.seed);
    let signer = Signer {
        principal: jws::public_jwk(&key).thumbprint(),
        prev_receipt_hash: v.prev.map(String::from),
        gpc: v.gpc,
    };
    jws::sign(&key, &build(&config, &choice, &id(v.n), signer).to_json())
}

fn visit<'a>(seed: &'a str, n: u64, ts: i64, lang: &'a str, method: Method, analytics: bool) -> Visit<'a> {
    Visit { seed, n, ts, lang, method, analytics, gpc: false, prev: None }
}

async fn dashboard(kind: Kind) {
    let settings = Settings { admin_token: Some(TOKEN.into()), ..Settings::unrestricted() };
    let app = consentry_server::app(common::state(fresh_db(kind).await, settings).await);

    // The page and its files: public, under the strict CSP, nothing inline.
    for (path, media) in [
        ("/dashboard", "text/html"),
        ("/dashboard/dashboard.js", "text/javascript"),
        ("/dashboard/dashboard.css", "text/css"),
    ] {
        let r = get(&app, path, None).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.headers["content-type"].to_str().unwrap().starts_with(media), "{path}");
        assert_eq!(r.headers["content-security-policy"], CSP, "{path}");
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert_eq!(r.headers["referrer-policy"], "no-referrer");
    }
    assert!(CSP.contains("script-src 'self';") && CSP.contains("form-action 'none'"));
    assert!(get(&app, "/dashboard", None).await.text.contains("type=\"password\""));

    // Receipts over four days: `first` is the period's first day, today its last.
    let today = now().div_euclid(DAY);
    let first = today - 3;
    let at = |day: i64, hour: i64| day * DAY + hour * 3600;
    let erin_before = receipt(&visit("erin", 1, at(first - 2, 10), "en", ACCEPT, true));
    let alice_1 = receipt(&visit("alice", 2, at(first, 9), "en", ACCEPT, true));
    let bob = receipt(&Visit { gpc: true, ..visit("bob", 3, at(first, 11), "fr", REJECT, false) });
    let carol = receipt(&visit("carol", 4, at(first + 1, 8), "fr", ACCEPT, true));
    let dave = receipt(&Visit { gpc: true, ..visit("dave", 5, at(first + 1, 15), "en", API_ACCEPT, true) });
    let erin_2 = receipt(&Visit {
        prev: Some(&receipt_hash(&erin_before)),
        ..visit("erin", 6, at(first + 1, 16), "en", REJECT, false)
    });
    let alice_2 = receipt(&Visit {
        prev: Some(&receipt_hash(&alice_1)),
        ..visit("alice", 7, at(first + 2, 12), "en", SAVE, false)
    });
    // The signal alone refused for frank: counted apart, not as a visitor's decision.
    let frank = receipt(&Visit { gpc: true, ..visit("frank", 8, at(first + 2, 14), "en", Method::GPC_OPT_OUT, false) });
    for jws in [&erin_before, &alice_1, &bob, &carol, &dave, &erin_2, &alice_2, &frank] {
        let r = post(&app, jws).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }

    let path = format!("/v1/dashboard?from={}&to={}", format_day(first), format_day(today + 1));
    assert_eq!(get(&app, &path, None).await.status, 401, "the data needs the admin token");
    assert_eq!(get(&app, &path, Some("wrong-token-wrong-token-wrong-token")).await.status, 401);
    let r = get(&app, &path, Some(TOKEN)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers["cache-control"], "no-store");
    let d = r.json();
    let days: Vec<String> = (first..=today).map(format_day).collect();
    assert_eq!(d["days"], serde_json::json!(days));
    assert_eq!(d["receipts"], serde_json::json!([2, 3, 2, 0]));
    assert_eq!(d["principals"], 6);
    assert_eq!(d["choices"]["acceptAll"], serde_json::json!([1, 2, 0, 0]));
    assert_eq!(d["choices"]["rejectAll"], serde_json::json!([1, 1, 0, 0]));
    assert_eq!(d["choices"]["customised"], serde_json::json!([0, 0, 1, 0]));
    assert_eq!(d["gpc"], serde_json::json!([1, 1, 1, 0]));
    assert_eq!(d["gpcOptOut"], serde_json::json!([0, 0, 1, 0]));
    assert_eq!(d["withdrawals"]["perDay"], serde_json::json!([0, 1, 1, 0]), "erin across the start, alice inside");
    let by_target = d["withdrawals"]["byTarget"].as_array().unwrap();
    assert!(by_target.iter().any(|t| t["id"] == "analytics" && t["withdrawals"] == 2), "{by_target:?}");
    let purpose = |id: &str| d["purposes"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap().clone();
    let analytics = purpose("analytics");
    assert_eq!(analytics["granted"], serde_json::json!([1, 2, 0, 0]));
    assert_eq!(analytics["refused"], serde_json::json!([1, 1, 1, 0]));
    assert_eq!(analytics["required"], false);
    assert_eq!(purpose("necessary")["required"], true);
    assert_eq!(purpose("necessary")["granted"], serde_json::json!([2, 3, 1, 0]));
    let lang =
        |l: &str| d["languages"].as_array().unwrap().iter().find(|x| x["language"] == l).unwrap()["receipts"].clone();
    assert_eq!((lang("en"), lang("fr")), (serde_json::json!(5), serde_json::json!(2)));
    let log = &d["log"];
    assert_eq!(log["treeSize"], 8);
    assert_eq!(log["sizes"][3], 8, "every tree head was signed today");
    assert!(log["rootHash"].as_str().is_some_and(|h| h.len() == 43));
    assert!(log["lastVerify"].is_null(), "no verify yet");

    // Verify now: recorded, then shown.
    let request = Request::post("/v1/verify").header("authorization", format!("Bearer {TOKEN}")).body(Body::empty());
    let v = send(&app, request.unwrap()).await;
    assert_eq!(v.status, 200, "{}", v.text);
    let v = v.json();
    assert_eq!(
        (v["status"].as_str(), v["receipts"].as_u64(), v["source"].as_str()),
        (Some("passed"), Some(8), Some("dashboard"))
    );
    let d = get(&app, &path, Some(TOKEN)).await.json();
    assert_eq!(d["log"]["lastVerify"]["status"], "passed");
    assert_eq!(d["log"]["lastVerify"]["treeSize"], 8);
    assert_eq!(send(&app, Request::post("/v1/verify").body(Body::empty()).unwrap()).await.status, 401);

    // The default period is the last 30 days; bad periods are 400s.
    let d = get(&app, "/v1/dashboard", Some(TOKEN)).await.json();
    assert_eq!(d["days"].as_array().unwrap().len(), 30);
    assert_eq!(d["receipts"].as_array().unwrap().iter().filter_map(|n| n.as_u64()).sum::<u64>(), 8);
    for bad in [
        format!("/v1/dashboard?from={}&to={}", format_day(today), format_day(first)),
        "/v1/dashboard?from=yesterday".to_string(),
        "/v1/dashboard?from=2024-01-01&to=2026-01-01".to_string(),
        "/v1/dashboard?to=2026-02-30".to_string(),
    ] {
        let r = get(&app, &bad, Some(TOKEN)).await;
        assert_eq!((r.status.as_u16(), r.json()["error"].as_str()), (400, Some("bad_request")), "{bad}: {}", r.text);
    }
}

#[tokio::test]
async fn dashboard_on_sqlite() {
    dashboard(Kind::Sqlite).await;
}

#[tokio::test]
async fn dashboard_on_postgres() {
    dashboard(Kind::Postgres).await;
}
