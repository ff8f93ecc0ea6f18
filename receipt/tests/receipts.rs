//! Receipt format tests: round trips, verification, every refusal, and the committed test vectors
//! (regenerate with `CONSENTRY_BLESS=1 cargo test -p consentry-receipt` after an intended change).

// The helpers outside `#[test]` functions (vector files, pretty-printing) unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use consentry_receipt::json::{self, Value};
use consentry_receipt::jwk::JwkError;
use consentry_receipt::jws::{self, JwsError};
use consentry_receipt::payload::{Expected, SchemaError};
use consentry_receipt::testing::{
    key_from_seed, parts, rebuild, sample_jws, sample_receipt, with_member, without_member,
};
use consentry_receipt::vocab::BadMethod;
use consentry_receipt::{b64, verify, Notice, NoticeController, NoticePurpose, NoticeService, Receipt};

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
    let v = verify(&first).unwrap();
    assert_eq!(v.receipt.principal, v.jwk.thumbprint());
    assert_eq!(v.receipt.prev_receipt_hash, None);
    let second =
        sample_jws(&key, "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0d", TS + 60, Some(jws::receipt_hash(&first)), false);
    let v2 = verify(&second).unwrap();
    assert_eq!(v2.receipt.prev_receipt_hash.as_deref(), Some(jws::receipt_hash(&first).as_str()));
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
        let e = verify(&jws_text).expect_err(&jws_text[..jws_text.len().min(80)]);
        assert!(expected(&e), "{e}");
    }
    // A correctly signed payload that breaks the schema, or names another principal.
    let other = key_from_seed("someone else");
    let mut r = sample_receipt(&key, ID, TS, None, true);
    r.principal = jws::public_jwk(&other).thumbprint();
    assert_eq!(verify(&jws::sign(&key, &r.to_json())).unwrap_err(), JwsError::Principal);
    let bad_schema = with_member(&sample_receipt(&key, ID, TS, None, true).to_json(), "extra", Value::Null);
    assert!(matches!(verify(&jws::sign(&key, &bad_schema)).unwrap_err(), JwsError::Schema(_)));
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
    assert!(matches!(verify(&jws::sign(&key, &missing)).unwrap_err(), JwsError::Schema(_)));
}

/// Each refusal is a typed reason a server can match, with the message servers have always sent.
#[test]
fn refusals_are_typed_and_keep_their_messages() {
    let key = key_from_seed("reasons");
    let p = sample_receipt(&key, ID, TS, None, true).to_json();
    let decisions = p.get("decisions").unwrap();
    let controller = &p.get("piiControllers").unwrap().as_array().unwrap()[0];
    let [necessary, matomo] = p.get("services").unwrap().as_array().unwrap() else { panic!("two services") };
    let with_services = |services: Vec<Value>| with_member(&p, "services", Value::Array(services));
    let with_kantara = |service: &Value, key: &str, new: Value| {
        let kantara = &service.get("purposes").unwrap().as_array().unwrap()[0];
        with_member(service, "purposes", Value::Array(vec![with_member(kantara, key, new)]))
    };
    let cases: Vec<(Value, SchemaError, &str)> = vec![
        (Value::Null, SchemaError::NotAnObject, "payload must be a JSON object"),
        (with_member(&p, "extra", Value::Null), SchemaError::UnknownField("extra".into()), "unknown field \"extra\""),
        (without_member(&p, "noticeHash"), SchemaError::Missing("noticeHash".into()), "missing \"noticeHash\""),
        (
            with_member(&p, "version", Value::str("KI-CR-v1.0")),
            SchemaError::Version,
            "version must be \"KI-CR-v1.1.0\"",
        ),
        (with_member(&p, "consentryVersion", Value::int(2)), SchemaError::FormatVersion, "consentryVersion must be 1"),
        (
            with_member(&p, "consentReceiptID", Value::str("x")),
            SchemaError::ReceiptId,
            "consentReceiptID must be a UUID",
        ),
        (
            with_member(&p, "jurisdiction", Value::str("")),
            SchemaError::NotText("jurisdiction".into()),
            "\"jurisdiction\" must be a non-empty string",
        ),
        (
            with_member(&p, "consentTimestamp", Value::str("now")),
            SchemaError::NotInteger("consentTimestamp".into()),
            "\"consentTimestamp\" must be an integer",
        ),
        (
            with_member(&p, "gpc", Value::Null),
            SchemaError::WrongType { field: "gpc".into(), expected: Expected::Boolean },
            "gpc must be a boolean",
        ),
        (
            with_member(&p, "services", Value::Object(vec![])),
            SchemaError::WrongType { field: "services".into(), expected: Expected::Array },
            "services must be an array",
        ),
        (
            with_member(&p, "decisions", with_member(decisions, "purposes", Value::Array(vec![]))),
            SchemaError::WrongType { field: "decisions.purposes".into(), expected: Expected::Object },
            "decisions.purposes must be an object",
        ),
        (
            with_member(
                &p,
                "decisions",
                with_member(decisions, "purposes", Value::object([("analytics", Value::str("yes"))])),
            ),
            SchemaError::WrongType { field: "decisions.purposes.analytics".into(), expected: Expected::Boolean },
            "decisions.purposes.analytics must be a boolean",
        ),
        (
            with_member(&p, "piiControllers", Value::Array(vec![])),
            SchemaError::ControllerCount,
            "piiControllers must hold exactly one controller",
        ),
        (
            with_member(&p, "prevReceiptHash", Value::str("x")),
            SchemaError::PrevReceiptHash,
            "prevReceiptHash must be null or a base64url SHA-256",
        ),
        (
            with_member(&p, "collectionMethod", Value::str("scroll:accept-all")),
            SchemaError::Method(BadMethod),
            "collectionMethod must be layer:action (banner|preferences|api : accept-all|reject-all|save) or gpc:opt-out",
        ),
        (
            with_member(&p, "expiresAt", Value::int(TS)),
            SchemaError::Times,
            "expiresAt must follow a positive consentTimestamp",
        ),
        (
            with_member(&p, "sensitive", Value::Bool(true)),
            SchemaError::Sensitive,
            "sensitive must be false and spiCat empty",
        ),
        (
            with_member(&p, "noticeHash", Value::str("x")),
            SchemaError::NoticeHash,
            "noticeHash must be a base64url SHA-256",
        ),
        (
            with_member(&p, "piiPrincipalId", Value::str("x")),
            SchemaError::Principal,
            "piiPrincipalId must be a base64url SHA-256 thumbprint",
        ),
        (
            with_member(&p, "piiControllers", Value::Array(vec![with_member(controller, "address", Value::str(""))])),
            SchemaError::NotOptionalText("address".into()),
            "\"address\" must be null or a non-empty string",
        ),
        (
            with_services(vec![necessary.clone(), with_member(matomo, "purposes", Value::Array(vec![]))]),
            SchemaError::PurposeCount,
            "each service lists exactly one purpose",
        ),
        (
            with_services(vec![necessary.clone(), with_kantara(matomo, "consentType", Value::str("IMPLIED"))]),
            SchemaError::ConsentType,
            "consentType must be EXPLICIT or STRICTLY_NECESSARY",
        ),
        (
            with_services(vec![
                necessary.clone(),
                matomo.clone(),
                with_kantara(
                    &with_member(matomo, "serviceId", Value::str("analytics/piwik")),
                    "purpose",
                    Value::str("Other"),
                ),
            ]),
            SchemaError::PurposeDescribedTwice("analytics".into()),
            "purpose \"analytics\" is described twice differently",
        ),
        (
            with_services(vec![
                necessary.clone(),
                matomo.clone(),
                with_member(matomo, "serviceId", Value::str("analytics")),
            ]),
            SchemaError::PurposeWithAndWithoutServices("analytics".into()),
            "purpose \"analytics\" is listed both with and without services",
        ),
        (
            with_services(vec![necessary.clone(), with_member(matomo, "serviceId", Value::str("ads/matomo"))]),
            SchemaError::ForeignService { service: "ads/matomo".into(), purpose: "analytics".into() },
            "serviceId \"ads/matomo\" does not belong to purpose \"analytics\"",
        ),
        (
            with_services(vec![necessary.clone(), matomo.clone(), matomo.clone()]),
            SchemaError::ServiceTwice("analytics/matomo".into()),
            "service \"analytics/matomo\" listed twice",
        ),
        (
            with_member(&p, "decisions", with_member(decisions, "purposes", Value::flags([("necessary", true)]))),
            SchemaError::PurposeDecisions,
            "decisions.purposes must hold exactly the purposes listed in services",
        ),
        (
            with_member(&p, "decisions", with_member(decisions, "services", Value::flags::<&str>([]))),
            SchemaError::ServiceDecisions,
            "decisions.services must hold exactly the services listed",
        ),
        (
            with_member(
                &p,
                "decisions",
                with_member(decisions, "purposes", Value::flags([("necessary", false), ("analytics", true)])),
            ),
            SchemaError::NecessaryRefused("necessary".into()),
            "strictly necessary purpose \"necessary\" recorded as refused",
        ),
    ];
    for (payload, reason, message) in cases {
        let e = Receipt::from_json(&payload).unwrap_err();
        assert_eq!((&e, e.to_string().as_str()), (&reason, message));
        if payload.as_object().is_some() {
            let refused = verify(&jws::sign(&key, &payload)).unwrap_err();
            assert_eq!(refused.to_string(), format!("payload does not match the receipt schema: {message}"));
            assert_eq!(refused, JwsError::Schema(reason));
        }
    }

    let good = sample_jws(&key, ID, TS, None, true);
    let (h, p, sig) = parts(&good);
    let jwk = h.get("jwk").unwrap();
    let key_cases = [
        (without_member(&h, "jwk"), JwkError::Absent, "unusable jwk: missing"),
        (
            with_member(&h, "jwk", with_member(jwk, "d", Value::str("AAAA"))),
            JwkError::PrivateKey,
            "unusable jwk: jwk carries a private key (\"d\")",
        ),
        (
            with_member(&h, "jwk", with_member(jwk, "y", Value::str(b64::encode(&[7u8; 32])))),
            JwkError::NotOnCurve,
            "unusable jwk: not a point on P-256",
        ),
    ];
    for (header, reason, message) in key_cases {
        let e = verify(&rebuild(&header, &p, &sig)).unwrap_err();
        assert_eq!(e.to_string(), message);
        assert_eq!(e, JwsError::Key(reason));
    }
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
    let r = sample_receipt(&key, ID, TS, None, true);
    let scrolled = with_member(&r.to_json(), "collectionMethod", Value::str("scroll:accept-all"));
    assert!(Receipt::from_json(&scrolled).is_err(), "scrolling is not a consent method");
}

/// The committed vectors: a fixed key (RFC 6979 makes ES256 deterministic), the expected thumbprint,
/// notice hash and compact JWS. Other implementations check themselves against these files.
#[test]
fn test_vectors() {
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
    check_vector("chain-1.json", &vector);
    for r in [&first, &second] {
        verify(r).unwrap();
    }
}

/// A notice whose texts hold control characters (`\b` and `\f`, which RFC 8785 writes as such, among
/// them) and non-BMP characters, with interface keys that sort differently by UTF-16 code units and by
/// UTF-8 bytes.
fn notice_with_escapes() -> Notice {
    Notice {
        policy_version: "2026-11".into(),
        language: "fr".into(),
        controller: NoticeController {
            name: "Atelier \"Lumen\" SAS".into(),
            contact: "privacy@atelier-lumen.example".into(),
            address: Some("14 rue des Fournils\n75011 Paris".into()),
            policy_url: "https://atelier-lumen.example/privacy".into(),
        },
        purposes: vec![NoticePurpose {
            id: "analytics".into(),
            required: false,
            name: "Mesure\u{8}d'audience\u{c}\n\u{1f}".into(),
            description: "NUL \u{0} BEL \u{7} TAB \t CR \r VT \u{b} ESC \u{1b} DEL \u{7f} backslash \\ slash / LS \u{2028} \u{e9} \u{1f600}"
                .into(),
            retention: "13 mois".into(),
            recipients: "Matomo".into(),
            services: vec![NoticeService {
                id: "matomo".into(),
                name: "Matomo\u{c}".into(),
                description: "Statistiques\u{8}".into(),
                cookies: vec!["_pk_id.*".into(), "\u{1f}".into()],
                policy_url: None,
            }],
        }],
        interface: vec![
            ("accept_all".into(), "Tout accepter".into()),
            ("\u{ff61}".into(), "U+FF61 sorts after U+1F600 by UTF-16 code units, before it by UTF-8 bytes".into()),
            ("\u{1f600}".into(), "U+1F600".into()),
        ],
    }
}

/// `noticeHash` of [`notice_with_escapes`], computed once, independently of this crate, with node:
/// `JSON.stringify` (ECMAScript's string escaping, which RFC 8785 adopts) of the same notice with its keys
/// sorted by `Array.prototype.sort` (UTF-16 code units), then SHA-256 and base64url with node's `crypto`.
/// The committed `notice-escapes.json` was written by that same script. Never regenerate this constant from
/// this crate's output: it is what makes the vector a check of RFC 8785 rather than of the crate itself.
const ESCAPES_HASH: &str = "q27tHsxWmOC6HrVfDkx7SOv6T948o8_ONjZswftYjNU";

/// The control-character vector: RFC 8785 escaping (`\b`, `\f`, `\n`, `\u001f`…) and UTF-16 key order,
/// checked against the hash node computed (see [`ESCAPES_HASH`]) and against the committed file.
#[test]
fn control_character_vector() {
    let n = notice_with_escapes();
    assert_eq!(n.hash(), ESCAPES_HASH, "{}", n.canonical());
    assert_eq!(n.to_json().canonical().as_deref(), Ok(n.canonical().as_str()));
    let vector = Value::object([
        (
            "description",
            Value::str(
                "A notice whose texts hold control characters (\\b and \\f among them) and non-BMP characters, and whose \
                 interface keys sort differently by UTF-16 code units and by UTF-8 bytes: its RFC 8785 canonical form \
                 and hash.",
            ),
        ),
        ("notice", n.to_json()),
        ("notice_canonical", Value::str(n.canonical())),
        ("notice_hash", Value::str(n.hash())),
    ]);
    check_vector("notice-escapes.json", &vector);
}

/// Compares `receipt/vectors/<file>` with `vector` pretty-printed; with `CONSENTRY_BLESS` set, writes it first.
fn check_vector(file: &str, vector: &Value) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
    let text = pretty(vector);
    let path = dir.join(file);
    if std::env::var_os("CONSENTRY_BLESS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("receipt/vectors/{file}: {e} (run with CONSENTRY_BLESS=1)"));
    assert_eq!(committed, text, "vectors changed: review, then regenerate with CONSENTRY_BLESS=1");
}

fn pretty(v: &Value) -> String {
    let parsed: serde_json::Value = serde_json::from_str(&v.to_string()).unwrap();
    serde_json::to_string_pretty(&parsed).unwrap() + "\n"
}

/// Review #1: no text of a receipt, value or key, may hold a C0 control character or DEL (U+0000
/// cannot even be stored in PostgreSQL `text`); review #8/#16: purpose and service ids follow the
/// widget's grammar, so no id can forge `a=granted;b` in an export.
#[test]
fn control_characters_and_foreign_ids_are_refused() {
    let key = key_from_seed("control characters");
    for c in ['\0', '\t', '\n', '\r', '\u{1b}', '\u{1f}', '\u{7f}'] {
        let mut r = sample_receipt(&key, ID, TS, None, true);
        r.policy_version = format!("2026{c}11");
        assert_eq!(Receipt::from_json(&r.to_json()), Err(SchemaError::ControlCharacter("policyVersion".into())));
        let mut r = sample_receipt(&key, ID, TS, None, true);
        r.controller.address = Some(format!("14 rue des Fournils{c}75011 Paris"));
        assert_eq!(Receipt::from_json(&r.to_json()), Err(SchemaError::ControlCharacter("piiControllers".into())));
        let jws = jws::sign(&key, &r.to_json());
        assert_eq!(verify(&jws).unwrap_err(), JwsError::Schema(SchemaError::ControlCharacter("piiControllers".into())));
    }
    let keyed = with_member(&sample_receipt(&key, ID, TS, None, true).to_json(), "decisions", {
        json::parse(r#"{"purposes":{"necessary":true,"analy\u0000tics":true},"services":{}}"#).unwrap()
    });
    assert_eq!(Receipt::from_json(&keyed), Err(SchemaError::ControlCharacter("decisions".into())));
    let mut r = sample_receipt(&key, ID, TS, None, true);
    r.purposes[0].name = "Non-breaking\u{a0}space, \u{e9}, \u{1f600} and U+2028\u{2028} are text".into();
    assert!(Receipt::from_json(&r.to_json()).is_ok(), "only C0 and DEL are refused");

    for bad in ["ads=granted;analytics", "Analytics", "a b", "caf\u{e9}"] {
        let mut r = sample_receipt(&key, ID, TS, None, true);
        r.purposes[1].id = bad.into();
        r.purpose_decisions[1].0 = bad.into();
        r.service_decisions[0].0 = format!("{bad}/matomo");
        assert_eq!(Receipt::from_json(&r.to_json()), Err(SchemaError::Id(bad.into())), "{bad:?}");
    }
    let mut r = sample_receipt(&key, ID, TS, None, true);
    r.purposes[1].services[0].id = "x".repeat(41);
    r.service_decisions[0].0 = format!("analytics/{}", "x".repeat(41));
    assert!(matches!(Receipt::from_json(&r.to_json()), Err(SchemaError::Id(_))));
}
