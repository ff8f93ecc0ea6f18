//! Receipt format tests: round trips, verification, every refusal, and the committed test vectors
//! (regenerate with `CONSENTRY_BLESS=1 cargo test -p consentry-receipt` after an intended change).

use consentry_receipt::json::{self, Value};
use consentry_receipt::jws::{self, JwsError};
use consentry_receipt::testing::{key_from_seed, sample_jws, sample_receipt};
use consentry_receipt::{b64, Notice, NoticeController, NoticePurpose, NoticeService, Receipt};

const TS: i64 = 1_790_000_000;
const ID: &str = "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c";

fn notice() -> Notice {
    Notice {
        policy_version: "2026-11".into(),
        language: "fr".into(),
        controller: NoticeController {
            name: "Atelier Lumen SAS".into(),
            contact: "privacy@atelier-lumen.example".into(),
            address: None,
            policy_url: "https://atelier-lumen.example/privacy".into(),
        },
        purposes: vec![NoticePurpose {
            id: "analytics".into(),
            required: false,
            name: "Mesure d'audience".into(),
            description: "Compte les visites.".into(),
            retention: "13 mois".into(),
            recipients: "Matomo".into(),
            services: vec![NoticeService {
                id: "matomo".into(),
                name: "Matomo".into(),
                description: "Statistiques".into(),
                cookies: vec!["_pk_id.*".into()],
                policy_url: None,
            }],
        }],
        interface: vec![("accept_all".into(), "Tout accepter".into()), ("reject_all".into(), "Tout refuser".into())],
    }
}

#[test]
fn notice_hash_is_stable_and_changes_with_any_shown_text() {
    let n = notice();
    assert_eq!(n.hash(), notice().hash());
    assert!(n.canonical().starts_with("{\"controller\":{\"address\":null,"));
    let mut variants = Vec::new();
    let mut v = notice();
    v.language = "en".into();
    variants.push(v);
    let mut v = notice();
    v.purposes[0].description.push('!');
    variants.push(v);
    let mut v = notice();
    v.purposes[0].services[0].cookies.push("_pk_ses.*".into());
    variants.push(v);
    let mut v = notice();
    v.interface[1].1 = "Refuser".into();
    variants.push(v);
    let mut v = notice();
    v.controller.address = Some("Paris".into());
    variants.push(v);
    let mut v = notice();
    v.policy_version = "2026-12".into();
    variants.push(v);
    for v in variants {
        assert_ne!(v.hash(), n.hash(), "{}", v.canonical());
    }
}

#[test]
fn payload_round_trips_through_the_schema() {
    let key = key_from_seed("round-trip");
    let r = sample_receipt(&key, ID, TS, Some(consentry_receipt::sha256_b64(b"prev")), true);
    let back = Receipt::from_json(&json::parse(&r.to_json().to_string()).unwrap()).unwrap();
    assert_eq!(back, r);
}

#[test]
fn signed_receipt_verifies_and_chains() {
    let key = key_from_seed("chain");
    let first = sample_jws(&key, ID, TS, None, true);
    let v = jws::verify(&first).unwrap();
    assert_eq!(v.receipt.principal, v.jwk.thumbprint());
    assert_eq!(v.receipt.prev_receipt_hash, None);
    let second =
        sample_jws(&key, "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0d", TS + 60, Some(jws::receipt_hash(&first)), false);
    let v2 = jws::verify(&second).unwrap();
    assert_eq!(v2.receipt.prev_receipt_hash.as_deref(), Some(jws::receipt_hash(&first).as_str()));
}

fn parts(compact: &str) -> (Value, Value, String) {
    let mut it = compact.split('.');
    let h = json::parse(&String::from_utf8(b64::decode(it.next().unwrap()).unwrap()).unwrap()).unwrap();
    let p = json::parse(&String::from_utf8(b64::decode(it.next().unwrap()).unwrap()).unwrap()).unwrap();
    (h, p, it.next().unwrap().to_string())
}

fn rebuild(h: &Value, p: &Value, sig: &str) -> String {
    format!("{}.{}.{sig}", b64::encode(h.to_string().as_bytes()), b64::encode(p.to_string().as_bytes()))
}

fn with_member(v: &Value, key: &str, new: Value) -> Value {
    let mut members = v.as_object().unwrap().to_vec();
    match members.iter_mut().find(|(k, _)| k == key) {
        Some(m) => m.1 = new,
        None => members.push((key.into(), new)),
    }
    Value::Object(members)
}

#[test]
fn every_refusal() {
    let key = key_from_seed("refusals");
    let good = sample_jws(&key, ID, TS, None, true);
    let (h, p, sig) = parts(&good);
    type Case = (String, fn(&JwsError) -> bool);
    let cases: Vec<Case> = vec![
        (rebuild(&h, &with_member(&p, "gpc", Value::Bool(true)), &sig), |e| *e == JwsError::Signature),
        (
            rebuild(&with_member(&h, "alg", Value::str("none")), &p, ""),
            |e| matches!(e, JwsError::Algorithm(a) if a == "none"),
        ),
        (
            rebuild(&with_member(&h, "alg", Value::str("HS256")), &p, &sig),
            |e| matches!(e, JwsError::Algorithm(a) if a == "HS256"),
        ),
        (rebuild(&with_member(&h, "alg", Value::str("ES384")), &p, &sig), |e| matches!(e, JwsError::Algorithm(_))),
        (rebuild(&with_member(&h, "typ", Value::str("JWT")), &p, &sig), |e| matches!(e, JwsError::Type(_))),
        (rebuild(&Value::object([("alg", Value::str("ES256")), ("typ", Value::str(jws::TYP))]), &p, &sig), |e| {
            matches!(e, JwsError::Key(_))
        }),
        (
            rebuild(
                &with_member(&h, "jwk", Value::object([("kty", Value::str("oct")), ("k", Value::str("c2VjcmV0"))])),
                &p,
                &sig,
            ),
            |e| matches!(e, JwsError::Key(_)),
        ),
        (rebuild(&with_member(&h, "kid", Value::str("x")), &p, &sig), |e| matches!(e, JwsError::Malformed(_))),
        ("not.a.jws.at-all".into(), |e| matches!(e, JwsError::Malformed(_))),
        ("abc".into(), |e| matches!(e, JwsError::Malformed(_))),
        ("x".repeat(jws::MAX_JWS_BYTES + 1), |e| *e == JwsError::TooLarge),
        (format!("{}.{}", good.rsplit_once('.').unwrap().0, &sig[..40]), |e| matches!(e, JwsError::Malformed(_))),
    ];
    for (jws_text, expected) in cases {
        let e = jws::verify(&jws_text).expect_err(&jws_text[..jws_text.len().min(80)]);
        assert!(expected(&e), "{e}");
    }
    // A correctly signed payload that breaks the schema, or names another principal.
    let other = key_from_seed("someone else");
    let mut r = sample_receipt(&key, ID, TS, None, true);
    r.principal = jws::public_jwk(&other).thumbprint();
    assert_eq!(jws::verify(&jws::sign(&key, &r.to_json())).unwrap_err(), JwsError::Principal);
    let bad_schema = with_member(&sample_receipt(&key, ID, TS, None, true).to_json(), "extra", Value::Null);
    assert!(matches!(jws::verify(&jws::sign(&key, &bad_schema)).unwrap_err(), JwsError::Schema(_)));
    let missing = Value::Object(
        sample_receipt(&key, ID, TS, None, true)
            .to_json()
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k != "noticeHash")
            .cloned()
            .collect(),
    );
    assert!(matches!(jws::verify(&jws::sign(&key, &missing)).unwrap_err(), JwsError::Schema(_)));
}

#[test]
fn schema_refuses_inconsistent_decisions() {
    let key = key_from_seed("schema");
    let mut r = sample_receipt(&key, ID, TS, None, true);
    r.purpose_decisions.pop();
    assert!(Receipt::from_json(&r.to_json()).is_err(), "a purpose without a decision");
    let mut r = sample_receipt(&key, ID, TS, None, true);
    r.purpose_decisions[0].1 = false;
    assert!(Receipt::from_json(&r.to_json()).is_err(), "a refused strictly necessary purpose");
    let mut r = sample_receipt(&key, ID, TS, None, true);
    r.id = "not-a-uuid".into();
    assert!(Receipt::from_json(&r.to_json()).is_err());
    let mut r = sample_receipt(&key, ID, TS, None, true);
    r.collection_method = "scroll:accept-all".into();
    assert!(Receipt::from_json(&r.to_json()).is_err(), "scrolling is not a consent method");
}

/// The committed vectors: a fixed key (RFC 6979 makes ES256 deterministic), the expected thumbprint,
/// notice hash and compact JWS. Other implementations check themselves against these files.
#[test]
fn test_vectors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let key = key_from_seed("consentry test vector key 1");
    let first = sample_jws(&key, ID, TS, None, true);
    let second =
        sample_jws(&key, "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0d", TS + 3600, Some(jws::receipt_hash(&first)), false);
    let n = notice();
    let vector = Value::object([
        (
            "description",
            Value::str(
                "Two chained ES256 receipts from one key, and a notice hash. Private scalar is for reproduction only.",
            ),
        ),
        ("private_scalar_b64url", Value::str(b64::encode(&key.to_bytes()))),
        ("public_jwk", jws::public_jwk(&key).to_json()),
        ("thumbprint", Value::str(jws::public_jwk(&key).thumbprint())),
        ("notice", n.to_json()),
        ("notice_canonical", Value::str(n.canonical())),
        ("notice_hash", Value::str(n.hash())),
        ("receipts", Value::Array(vec![Value::str(&first), Value::str(&second)])),
        (
            "receipt_hashes",
            Value::Array(vec![Value::str(jws::receipt_hash(&first)), Value::str(jws::receipt_hash(&second))]),
        ),
    ]);
    let text = pretty(&vector);
    let path = dir.join("chain-1.json");
    if std::env::var_os("CONSENTRY_BLESS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).expect("receipt/vectors/chain-1.json (run with CONSENTRY_BLESS=1)");
    assert_eq!(committed, text, "vectors changed: review, then regenerate with CONSENTRY_BLESS=1");
    for r in [&first, &second] {
        jws::verify(r).unwrap();
    }
}

fn pretty(v: &Value) -> String {
    let parsed: serde_json::Value = serde_json::from_str(&v.to_string()).unwrap();
    serde_json::to_string_pretty(&parsed).unwrap() + "\n"
}
