//! One case per refusal of `POST /v1/receipts`, each with its status and `error` code, and proof
//! that nothing was stored: the log is still empty afterwards. Then the refusals that need a
//! stored receipt or a client history (409, 429), the origin rule and CORS.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::{chain, fresh_db, get, id, now, post, send, state, Kind};
use consentry_receipt::json::{self, Value};
use consentry_receipt::jws::{self, MAX_JWS_BYTES};
use consentry_receipt::testing::{
    key_from_seed, parts, rebuild, sample_jws, sample_receipt, with_member as with, without_member as without,
};
use consentry_receipt::{b64, sha256_b64};
use consentry_server::ratelimit::RateLimit;
use consentry_server::Settings;

#[tokio::test]
async fn every_refusal_is_a_clear_4xx_and_stores_nothing() {
    let app = consentry_server::app(state(fresh_db(Kind::Sqlite).await, Settings::unrestricted()).await);
    let key = key_from_seed("refusals");
    let good = sample_jws(&key, &id(1), now(), None, true);
    let (h, p, sig) = parts(&good);
    let jwk = h.get("jwk").unwrap().clone();
    let off_curve = with(&jwk, "y", Value::str(b64::encode(&[7u8; 32])));
    let other = jws::public_jwk(&key_from_seed("someone else")).thumbprint();
    let mut wrong_principal = sample_receipt(&key, &id(1), now(), None, true);
    wrong_principal.principal = other;
    let future = sample_jws(&key, &id(1), now() + 3600, None, true);
    let with_purpose_id = |purpose: &str| {
        let mut r = sample_receipt(&key, &id(1), now(), None, true);
        r.purposes[1].id = purpose.into();
        r.purpose_decisions[1].0 = purpose.into();
        r.service_decisions[0].0 = format!("{purpose}/matomo");
        jws::sign(&key, &r.to_json())
    };
    let with_service_id = |service: &str| {
        let mut r = sample_receipt(&key, &id(1), now(), None, true);
        r.purposes[1].services[0].id = service.into();
        r.service_decisions[0].0 = format!("analytics/{service}");
        jws::sign(&key, &r.to_json())
    };

    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("alg none", rebuild(&with(&h, "alg", Value::str("none")), &p, ""), 422, "algorithm"),
        ("alg HMAC", rebuild(&with(&h, "alg", Value::str("HS256")), &p, &sig), 422, "algorithm"),
        ("alg other", rebuild(&with(&h, "alg", Value::str("RS256")), &p, &sig), 422, "algorithm"),
        ("typ other", rebuild(&with(&h, "typ", Value::str("JWT")), &p, &sig), 422, "type"),
        ("key missing", rebuild(&without(&h, "jwk"), &p, &sig), 422, "key"),
        (
            "key not EC",
            rebuild(&with(&h, "jwk", json::parse(r#"{"kty":"oct","k":"c2VjcmV0"}"#).unwrap()), &p, &sig),
            422,
            "key",
        ),
        (
            "key with private part",
            rebuild(&with(&h, "jwk", with(&jwk, "d", Value::str(b64::encode(&[1u8; 32])))), &p, &sig),
            422,
            "key",
        ),
        ("key off the curve", rebuild(&with(&h, "jwk", off_curve), &p, &sig), 422, "key"),
        ("signature", rebuild(&h, &with(&p, "gpc", Value::Bool(true)), &sig), 422, "signature"),
        ("principal is not the thumbprint", jws::sign(&key, &wrong_principal.to_json()), 422, "principal"),
        ("timestamp an hour ahead", future, 422, "future_timestamp"),
        ("schema: unknown field", jws::sign(&key, &with(&p, "extra", Value::Null)), 422, "schema"),
        ("schema: missing field", jws::sign(&key, &without(&p, "noticeHash")), 422, "schema"),
        ("schema: a purpose id forging CSV flags", with_purpose_id("ads=granted;analytics"), 422, "schema"),
        ("schema: an upper-case purpose id", with_purpose_id("Analytics"), 422, "schema"),
        ("schema: a purpose id of 41 characters", with_purpose_id(&"a".repeat(41)), 422, "schema"),
        ("schema: a service id with a space", with_service_id("mato mo"), 422, "schema"),
        ("not a compact JWS", "not-a-jws".into(), 400, "malformed"),
        ("header parameter not allowed", rebuild(&with(&h, "kid", Value::str("x")), &p, &sig), 400, "malformed"),
        ("too large", "x".repeat(MAX_JWS_BYTES + 1), 413, "too_large"),
    ];
    for (what, body, status, code) in &cases {
        let reply = post(&app, body).await;
        assert_eq!(reply.status.as_u16(), *status, "{what}: {}", reply.text);
        let answer = reply.json();
        assert_eq!(answer["error"], *code, "{what}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| m.len() > 10), "{what}: a sentence for the client");
    }
    let not_text = send(
        &app,
        Request::post("/v1/receipts")
            .header("content-type", "application/jose")
            .body(Body::from(vec![0xff, 0xfe]))
            .unwrap(),
    )
    .await;
    assert_eq!((not_text.status.as_u16(), not_text.json()["error"].as_str()), (400, Some("not_text")));
    let json_body = send(
        &app,
        Request::post("/v1/receipts")
            .header("content-type", "application/json")
            .body(Body::from(good.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!((json_body.status.as_u16(), json_body.json()["error"].as_str()), (415, Some("content_type")));
    let huge = send(
        &app,
        Request::post("/v1/receipts")
            .header("content-type", "application/jose")
            .body(Body::from(vec![b'a'; 10 * MAX_JWS_BYTES]))
            .unwrap(),
    )
    .await;
    assert_eq!(huge.status.as_u16(), 413);

    assert_eq!(get(&app, "/healthz", None).await.json()["treeSize"], 0, "nothing was stored");
    assert_eq!(get(&app, "/v1/log/sth", None).await.status, 404, "no tree head either");
    let metrics = get(&app, "/metrics", None).await.text;
    assert!(metrics.contains("consentry_receipts_refused_total{reason=\"algorithm\"} 3\n"), "{metrics}");
    assert!(metrics.contains("consentry_receipts_refused_total{reason=\"key\"} 4\n"));
    assert!(metrics.contains("consentry_receipts_accepted_total 0\n"));

    // Within the allowed clock skew, the same receipt is accepted.
    let skewed = sample_jws(&key, &id(2), now() + 200, None, true);
    assert_eq!(post(&app, &skewed).await.status, 200);
}

#[tokio::test]
async fn same_id_other_content_is_409_and_keeps_the_first() {
    let app = consentry_server::app(state(fresh_db(Kind::Sqlite).await, Settings::unrestricted()).await);
    let key = key_from_seed("conflict");
    let first = sample_jws(&key, &id(7), now(), None, true);
    assert_eq!(post(&app, &first).await.status, 200);
    let reply = post(&app, &sample_jws(&key, &id(7), now(), Some(sha256_b64(b"x")), false)).await;
    assert_eq!((reply.status.as_u16(), reply.json()["error"].as_str()), (409, Some("conflict")));
    assert!(reply.json()["message"].as_str().unwrap().contains(&id(7)));
    assert_eq!(get(&app, "/healthz", None).await.json()["treeSize"], 1);
    assert_eq!(post(&app, &first).await.status, 200, "the original is still answered");
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    let settings = Settings { rate_limit: RateLimit::new(1.0, 3), ..Settings::unrestricted() };
    let app = consentry_server::app(state(fresh_db(Kind::Sqlite).await, settings).await);
    let receipts = chain("rate", 300, 4);
    for jws in &receipts[..3] {
        assert_eq!(post(&app, jws).await.status, 200);
    }
    let reply = post(&app, &receipts[3]).await;
    assert_eq!((reply.status.as_u16(), reply.json()["error"].as_str()), (429, Some("rate_limited")));
    assert_eq!(reply.headers["retry-after"], "1");
    assert_eq!(get(&app, "/healthz", None).await.json()["treeSize"], 3);
}

#[tokio::test]
async fn only_configured_origins_may_post() {
    let settings = Settings { allowed_origins: vec!["https://shop.example".into()], ..Settings::unrestricted() };
    let app = consentry_server::app(state(fresh_db(Kind::Sqlite).await, settings).await);
    let jws = chain("origins", 400, 1).remove(0);
    let from = |origin: &str| {
        Request::post("/v1/receipts")
            .header("origin", origin)
            .header("content-type", "application/jose")
            .body(Body::from(jws.clone()))
            .unwrap()
    };
    let refused = send(&app, from("https://evil.example")).await;
    assert_eq!((refused.status.as_u16(), refused.json()["error"].as_str()), (403, Some("origin")));
    assert!(refused.headers.get("access-control-allow-origin").is_none());
    let accepted = send(&app, from("https://shop.example")).await;
    assert_eq!(accepted.status, 200);
    assert_eq!(accepted.headers["access-control-allow-origin"], "https://shop.example");

    let preflight = |origin: &str| {
        Request::options("/v1/receipts")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap()
    };
    let ok = send(&app, preflight("https://shop.example")).await;
    assert_eq!(ok.headers["access-control-allow-origin"], "https://shop.example");
    assert!(ok.headers["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    let denied = send(&app, preflight("https://evil.example")).await;
    assert!(denied.headers.get("access-control-allow-origin").is_none());
    let admin =
        send(&app, Request::get("/v1/export").header("origin", "https://shop.example").body(Body::empty()).unwrap())
            .await;
    assert!(admin.headers.get("access-control-allow-origin").is_none(), "no CORS on admin routes");
}

/// Review #8: with allow-lists, only receipts of this site's notice, policy and controller count.
#[tokio::test]
async fn allow_lists_refuse_other_sites_receipts() {
    let key = key_from_seed("allow lists");
    let mine = sample_receipt(&key, &id(1), now(), None, true);
    let allow = consentry_server::intake::AllowList {
        notice_hashes: vec![mine.notice_hash.clone()],
        policy_versions: vec![mine.policy_version.clone(), "2027-01".into()],
        controller_urls: vec![mine.controller.policy_url.clone()],
    };
    let app = consentry_server::app(
        state(fresh_db(Kind::Sqlite).await, Settings { allow, ..Settings::unrestricted() }).await,
    );
    let mut n = 1;
    let mut post_changed = |change: &dyn Fn(&mut consentry_receipt::Receipt)| {
        n += 1;
        let mut r = sample_receipt(&key, &id(n), now(), None, true);
        change(&mut r);
        jws::sign(&key, &r.to_json())
    };
    let cases = [
        (post_changed(&|_| {}), 200, None),
        (post_changed(&|r| r.notice_hash = sha256_b64(b"another notice")), 422, Some("not_allowed")),
        (post_changed(&|r| r.policy_version = "1999-01".into()), 422, Some("not_allowed")),
        (
            post_changed(&|r| r.controller.policy_url = "https://elsewhere.example/privacy".into()),
            422,
            Some("not_allowed"),
        ),
        (post_changed(&|r| r.policy_version = "2027-01".into()), 200, None),
    ];
    for (i, (jws, status, code)) in cases.iter().enumerate() {
        let reply = post(&app, jws).await;
        assert_eq!(reply.status.as_u16(), *status, "case {i}: {}", reply.text);
        if let Some(code) = code {
            assert_eq!(reply.json()["error"].as_str(), Some(*code));
        }
    }
    assert_eq!(get(&app, "/healthz", None).await.json()["treeSize"], 2);
}
