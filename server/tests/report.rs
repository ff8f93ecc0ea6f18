//! The notice registry and the audit report, on a SQLite file and on PostgreSQL: a known set of
//! receipts built by the widget's own model (two languages, a withdrawal across the period's
//! start and one inside it, a GPC receipt, a restarted chain, a receipt whose notice is not
//! registered, receipts before and after the period) and the report's counts, in JSON and in the
//! PDF read back, with the detached signature checked against the server's JWKS.

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
use consentry_receipt::testing::{key_from_seed, sample_jws};
use consentry_server::report::signature_verifies;
use consentry_server::verify::parse_jwks;
use consentry_server::Settings;
use http_body_util::BodyExt;
use tower::ServiceExt;

const TOKEN: &str = "report-test-admin-token-0123456789abcdef";

/// A site in English and Greek: [`BASE`] with a Greek text for every interface string.
fn config_json() -> String {
    let mut v: serde_json::Value = serde_json::from_str(BASE).unwrap();
    let texts: serde_json::Map<String, serde_json::Value> = consentry_model::i18n::TextKey::ALL
        .iter()
        .map(|k| (k.name().to_string(), serde_json::json!({ "en": format!("Interface text {}", k.name()), "el": format!("Κείμενο διεπαφής {}", k.name()) })))
        .collect();
    v["ui"] = serde_json::json!({ "texts": texts });
    v.to_string()
}

const BASE: &str = r#"{
  "policy_version": "2026-12",
  "controller": {"name": "Βιβλιοπωλείο Λύχνος ΑΕ", "contact": "dpo@lychnos.example", "policy_url": "https://lychnos.example/privacy"},
  "languages": ["en", "el"],
  "purposes": [
    {"id": "necessary", "required": true, "name": {"en": "Strictly necessary", "el": "Απολύτως απαραίτητα"},
     "description": {"en": "Keeps your basket.", "el": "Κρατά το καλάθι σας."}, "retention": "Session", "recipients": "Lychnos only"},
    {"id": "analytics", "name": {"en": "Audience measurement", "el": "Μέτρηση κοινού"},
     "description": {"en": "Counts visits.", "el": "Μετρά τις επισκέψεις."}, "retention": "13 months", "recipients": "Matomo (self-hosted)",
     "services": [{"id": "matomo", "name": "Matomo", "description": "Visit statistics", "cookies": ["_pk_id.*"]}]}
  ]
}"#;

fn settings() -> Settings {
    Settings { admin_token: Some(TOKEN.into()), ..Settings::unrestricted() }
}

/// A receipt of `seed`'s browser as the widget builds it (every argument is a field of it).
#[allow(clippy::too_many_arguments)]
fn receipt(
    seed: &str,
    n: u64,
    ts: i64,
    lang: &str,
    method: Method,
    analytics: bool,
    gpc: bool,
    prev: Option<&str>,
) -> String {
    let config = Config::from_json(&config_json()).unwrap();
    let mut decisions = if analytics { Decisions::accept_all(&config) } else { Decisions::reject_all(&config) };
    if method.action == Action::Save {
        decisions.set(&config, &"analytics".parse().unwrap(), analytics);
    }
    let choice = Choice::decide(None, &config, decisions, method, lang, ts * 1000, || id(9000 + n));
    let key = key_from_seed(seed);
    let signer =
        Signer { principal: jws::public_jwk(&key).thumbprint(), prev_receipt_hash: prev.map(String::from), gpc };
    jws::sign(&key, &build(&config, &choice, &id(n), signer).to_json())
}

const ACCEPT: Method = Method { layer: Layer::Banner, action: Action::AcceptAll };
const REJECT: Method = Method { layer: Layer::Banner, action: Action::RejectAll };
const SAVE: Method = Method { layer: Layer::Preferences, action: Action::Save };
const API_ACCEPT: Method = Method { layer: Layer::Api, action: Action::AcceptAll };

async fn raw(app: &axum::Router, path: &str) -> (u16, axum::http::HeaderMap, Vec<u8>) {
    let request = Request::get(path).header("authorization", format!("Bearer {TOKEN}")).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

async fn registry_and_report(kind: Kind) {
    let state = common::state(fresh_db(kind).await, settings()).await;
    let config = config_json();
    let app = consentry_server::app(state.clone());

    // The registry: one notice per language, hashed exactly as the widget's receipts.
    let request = Request::post("/v1/notices")
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/json")
        .body(Body::from(config.clone()))
        .unwrap();
    let added = send(&app, request).await;
    assert_eq!(added.status, 200, "{}", added.text);
    let added = added.json();
    let hash_of = |lang: &str| {
        added["notices"].as_array().unwrap().iter().find(|n| n["language"] == lang).unwrap()["noticeHash"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let base = now() - 20_000;
    for lang in ["en", "el"] {
        let jws = receipt("probe", 1, base, lang, ACCEPT, true, false, None);
        let (_, payload, _) = consentry_receipt::testing::parts(&jws);
        assert_eq!(payload.get("noticeHash").and_then(|h| h.as_str()), Some(hash_of(lang).as_str()), "{lang}");
    }
    let again = send(
        &app,
        Request::post("/v1/notices")
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(Body::from(config.clone()))
            .unwrap(),
    )
    .await;
    assert!(again.json()["notices"].as_array().unwrap().iter().all(|n| n["new"] == false), "{}", again.text);
    let refused = send(
        &app,
        Request::post("/v1/notices")
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(Body::from(config.replace(r#""retention":"13 months""#, r#""retention":"13 months","default":true"#)))
            .unwrap(),
    )
    .await;
    assert_eq!((refused.status.as_u16(), refused.json()["error"].as_str()), (422, Some("config")), "{}", refused.text);
    assert_eq!(get(&app, "/v1/notices", None).await.status, 401, "the registry needs the admin token");
    let listed = get(&app, "/v1/notices", Some(TOKEN)).await.json();
    assert_eq!(listed["notices"].as_array().unwrap().len(), 2);
    let one = get(&app, &format!("/v1/notices/{}", hash_of("el")), Some(TOKEN)).await.json();
    assert_eq!(one["notice"]["purposes"][1]["name"], "Μέτρηση κοινού");

    // The receipts. The period is [from, to).
    let (from, to) = (base, base + 1000);
    let dave_before = receipt("dave", 10, from - 500, "en", ACCEPT, true, false, None);
    let alice_1 = receipt("alice", 11, from + 10, "en", ACCEPT, true, false, None);
    let alice_2 = receipt("alice", 12, from + 20, "en", SAVE, false, false, Some(&receipt_hash(&alice_1)));
    let bob_1 = receipt("bob", 13, from + 30, "el", REJECT, false, true, None);
    let bob_2 = receipt("bob", 14, from + 40, "el", API_ACCEPT, true, false, None);
    let carol = sample_jws(&key_from_seed("carol"), &id(15), from + 50, None, true);
    let dave_2 = receipt("dave", 16, from + 60, "en", SAVE, false, false, Some(&receipt_hash(&dave_before)));
    let erin_after = receipt("erin", 17, to + 10, "en", ACCEPT, true, false, None);
    for jws in [&dave_before, &alice_1, &alice_2, &bob_1, &bob_2, &carol, &dave_2, &erin_after] {
        let r = post(&app, jws).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }

    let path = |format: &str| format!("/v1/reports?from={from}&to={to}&format={format}");
    let (status, headers, body) = raw(&app, &path("json")).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let r: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(r["report"], "consentry-audit-report/1");
    assert_eq!(r["receipts"], 6, "the receipts before and after the period are not counted");
    assert_eq!(r["principals"], 4);
    assert_eq!(r["controllers"].as_array().unwrap().len(), 2, "the site's, and the sample receipt's");
    let count = |list: &serde_json::Value, key: &str, id: &str| {
        list.as_array().unwrap().iter().find(|x| x[key] == id).cloned().unwrap_or_default()
    };
    let analytics = count(&r["decisions"]["purposes"], "id", "analytics");
    assert_eq!((analytics["granted"].as_u64(), analytics["refused"].as_u64()), (Some(3), Some(3)));
    let necessary = count(&r["decisions"]["purposes"], "id", "necessary");
    assert_eq!((necessary["granted"].as_u64(), necessary["refused"].as_u64()), (Some(6), Some(0)));
    let matomo = count(&r["decisions"]["services"], "id", "analytics/matomo");
    assert_eq!((matomo["granted"].as_u64(), matomo["refused"].as_u64()), (Some(3), Some(3)));
    let method = |m: &str| count(&r["decisions"]["byMethod"], "method", m)["receipts"].as_u64();
    assert_eq!(method("banner:accept-all"), Some(2));
    assert_eq!(method("banner:reject-all"), Some(1));
    assert_eq!(method("preferences:save"), Some(2));
    assert_eq!(method("api:accept-all"), Some(1));
    assert_eq!(method("api:save"), Some(0), "every method is listed");
    let lang = |l: &str| count(&r["decisions"]["byLanguage"], "language", l)["receipts"].as_u64();
    assert_eq!((lang("en"), lang("el")), (Some(4), Some(2)));
    assert_eq!(r["withdrawals"]["receipts"], 2, "alice within the period, dave across its start");
    assert_eq!(r["withdrawals"]["principals"], 2);
    assert_eq!(count(&r["withdrawals"]["byTarget"], "id", "analytics")["withdrawals"], 2);
    assert_eq!(count(&r["withdrawals"]["byTarget"], "id", "analytics/matomo")["withdrawals"], 2);
    assert_eq!((r["gpc"]["receipts"].as_u64(), r["gpc"]["withGrants"].as_u64()), (Some(1), Some(0)));
    let chain = &r["chain"];
    assert_eq!(
        [&chain["first"], &chain["linked"], &chain["restart"], &chain["gap"], &chain["fork"], &chain["breaks"]],
        [3, 2, 1, 0, 0, 1]
    );
    assert_eq!(r["unknownNotices"]["receipts"], 1);
    let unknown = &r["unknownNotices"]["hashes"][0];
    assert_eq!(unknown["noticeHash"], consentry_receipt::sha256_b64(b"notice"));
    assert_eq!(unknown["firstSeen"]["consentReceiptID"], id(15));
    let notices = r["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 2);
    let el = notices.iter().find(|n| n["language"] == "el").unwrap();
    assert_eq!(el["noticeHash"], hash_of("el"));
    assert_eq!(el["receipts"], 2);
    assert_eq!(el["firstSeen"]["consentReceiptID"], id(13));
    assert_eq!(el["lastSeen"]["consentReceiptID"], id(14));
    assert_eq!(el["notice"]["purposes"][1]["description"], "Μετρά τις επισκέψεις.");
    let log = &r["log"];
    assert_eq!(log["verify"]["status"], "passed", "{}", log["verify"]);
    assert_eq!(log["verify"]["receipts"], 8);
    assert_eq!(log["treeHead"]["treeSize"], 8);
    assert_eq!(log["previousTreeHeadSource"], "none");
    assert!(log["consistency"].is_null());
    assert_eq!(log["serverKey"], state.key.kid());

    // The signature: a detached JWS over these exact bytes, checked with the published JWKS.
    let jwks = parse_jwks(&get(&app, "/.well-known/jwks.json", None).await.text).unwrap();
    let signature = headers["consentry-signature"].to_str().unwrap().to_string();
    assert!(signature.contains(".."), "detached: {signature}");
    assert!(signature_verifies(&jwks, &signature, &body));
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    assert!(!signature_verifies(&jwks, &signature, &tampered));

    // A second report proves consistency from the first one's head (the last recorded).
    let late = receipt("frank", 18, from + 70, "en", ACCEPT, true, false, None);
    assert_eq!(post(&app, &late).await.status, 200);
    let (status, headers, pdf) = raw(&app, &path("pdf")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    let signature = headers["consentry-signature"].to_str().unwrap();
    assert!(signature_verifies(&jwks, signature, &pdf));
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Receipts: 7",
        "Principals: 5",
        "Withdrawals: 2 receipts by 2 principals",
        "GPC signals: 1 receipts, 0 of them granting an optional purpose",
        "Chain breaks: 1 (restart 1, gap 0, fork 0)",
        "Unknown notice hashes: 1 receipts, 1 hashes",
        "Notices in force: 2",
        "Verify: passed (0 problems)",
        "Consistency proof 8 → 9: verified",
        "Μέτρηση κοινού",
        "Βιβλιοπωλείο Λύχνος ΑΕ",
    ] {
        assert!(text.contains(expected), "the PDF lacks {expected:?}:\n{text}");
    }

    let (_, _, json) = raw(&app, &path("json")).await;
    let third: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(third["log"]["previousTreeHeadSource"], "last-report");
    assert_eq!(third["log"]["consistency"]["first"], 9);
    assert_eq!(third["log"]["consistency"]["verified"], true);
    let (_, _, json) = raw(&app, &format!("{}&previousTreeSize=8", path("json"))).await;
    let given: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(given["log"]["previousTreeHeadSource"], "argument");
    assert_eq!(given["log"]["consistency"]["verified"], true);
    assert!(!given["log"]["consistency"]["proof"].as_array().unwrap().is_empty());

    // The HTML prints and escapes; bad requests are 400s.
    let (status, headers, html) = raw(&app, &path("html")).await;
    assert_eq!(status, 200);
    assert!(headers["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("@media print") && html.contains("Μέτρηση κοινού") && !html.contains("<script"));
    for bad in [
        "/v1/reports?to=2026-01-01",
        &format!("/v1/reports?from={to}&to={from}"),
        &format!("{}&previousTreeSize=5000", path("json")),
        &path("docx"),
    ] {
        let (status, _, body) = raw(&app, bad).await;
        assert_eq!(status, 400, "{bad}: {}", String::from_utf8_lossy(&body));
    }
}

#[tokio::test]
async fn registry_and_report_on_sqlite() {
    registry_and_report(Kind::Sqlite).await;
}

#[tokio::test]
async fn registry_and_report_on_postgres() {
    registry_and_report(Kind::Postgres).await;
}
