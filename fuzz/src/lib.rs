//! The properties the fuzz targets check, one function per target (`fuzz/fuzz_targets/<name>.rs` calls
//! `<name>(data)`). Each panics when its property fails and returns quietly otherwise.
//!
//! This file is also compiled into `receipt/tests/fuzz_regressions.rs` (through `#[path]`), which replays
//! `fuzz/regressions/<target>/*` and the seed corpus on stable Rust without cargo-fuzz. So it uses only
//! what both places have: `consentry_receipt`, `serde_json` and `base64`, and it must not assume
//! serde_json's features (the fuzz crate enables `arbitrary_precision`, the main workspace does not:
//! see [`serde_keeps_number_text`]).

use std::collections::HashSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use consentry_receipt::json::{self, Value};
use consentry_receipt::{b64 as ours_b64, jws as ours_jws, verifier, Receipt};

/// The deepest nesting our parser accepts: a value nested 64 levels below the top-level value.
/// (`receipt/src/json/parse.rs` `MAX_DEPTH`; the top-level value is level 0.)
pub const MAX_LEVEL: usize = 64;

/// The text of the input: our functions take `&str`, so non-UTF-8 input is read lossily (every byte
/// string still reaches them, as some string).
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

// ---------------------------------------------------------------------------------------------------
// json_roundtrip

/// Our writer and parser agree with each other. For any input that parses to `v`:
/// * `write(v)` parses back to `v`, and writing is stable: `write(parse(write(v))) == write(v)`;
/// * `v.canonical()` either refuses a number (one that really is not an integer in ±(2^53 − 1), or is
///   `-0`) or gives a text that parses, is its own canonical form, has every object's keys in strictly
///   increasing UTF-16 order and equals `v` up to member order.
pub fn json_roundtrip(data: &[u8]) {
    let text = text(data);
    let Ok(v) = json::parse(&text) else { return };
    let written = v.to_string();
    let again = json::parse(&written).unwrap_or_else(|e| panic!("our output does not parse: {e}\n{written}"));
    assert_eq!(again, v, "write then parse changed the value: {written}");
    assert_eq!(again.to_string(), written, "writing is not stable");

    match v.canonical() {
        Ok(canonical) => {
            let c =
                json::parse(&canonical).unwrap_or_else(|e| panic!("canonical form does not parse: {e}\n{canonical}"));
            assert_eq!(c.to_string(), canonical, "canonical form is not written as parsed");
            assert_eq!(c.canonical().as_deref(), Ok(canonical.as_str()), "canonical form is not idempotent");
            assert_sorted_utf16(&c);
            assert!(same_up_to_member_order(&v, &c), "canonical form changed the value: {canonical}");
            assert!(!contains_number(&v, &|n| !jcs_safe_integer(n)), "canonical() wrote a number JCS would not");
        }
        Err(e) => {
            let n = e.number();
            assert!(!jcs_safe_integer(n), "canonical() refused {n}, an integer JCS writes as its digits");
            assert!(contains_number(&v, &|m| m == n), "canonical() refused {n}, which is not in the value");
        }
    }
}

/// An integer that RFC 8785 (ECMAScript's number to string) writes as exactly these digits.
fn jcs_safe_integer(n: &str) -> bool {
    let digits = n.strip_prefix('-').unwrap_or(n);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && n != "-0"
        && digits.parse::<u64>().is_ok_and(|d| d < 1 << 53)
}

fn assert_sorted_utf16(v: &Value) {
    match v {
        Value::Array(items) => items.iter().for_each(assert_sorted_utf16),
        Value::Object(members) => {
            for w in members.windows(2) {
                assert!(
                    w[0].0.encode_utf16().lt(w[1].0.encode_utf16()),
                    "keys out of order: {:?} {:?}",
                    w[0].0,
                    w[1].0
                );
            }
            members.iter().for_each(|(_, v)| assert_sorted_utf16(v));
        }
        _ => {}
    }
}

fn same_up_to_member_order(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_up_to_member_order(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| b.get(k).is_some_and(|w| same_up_to_member_order(v, w)))
        }
        _ => a == b,
    }
}

/// Whether `v` holds a number whose text satisfies `pred`.
fn contains_number(v: &Value, pred: &dyn Fn(&str) -> bool) -> bool {
    match v {
        Value::Number(n) => pred(n.as_str()),
        Value::Array(items) => items.iter().any(|i| contains_number(i, pred)),
        Value::Object(members) => members.iter().any(|(_, m)| contains_number(m, pred)),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------------
// json_differential

/// Our parser against serde_json, on the same text.
///
/// * Where both accept, the values are equal: same kinds, same strings, same array items, the same
///   object members (compared as maps: keys are unique in what we accept, and member *order* is
///   `json_roundtrip`'s business), and numbers equal: by source text when serde_json keeps it
///   (`arbitrary_precision`, which writes the exponent as `e` with a sign: [`as_serde_keeps_it`]), else
///   integers that fit 64 bits by value and other numbers by kind only.
/// * When we accept, serde_json accepts too: we never accept invalid JSON. The one allowed exception is
///   serde_json without `arbitrary_precision` refusing a number that overflows an `f64` (`1e400`): we
///   keep numbers as text and have no such limit.
/// * When serde_json accepts and we refuse, it is for one of our two deliberate refusals, each
///   checked independently of our parser:
///   - a **duplicate key** (RFC 8259 allows them, serde_json keeps the last; a configuration that says
///     two things is refused): [`has_duplicate_keys`] scans the text, which serde_json has just
///     certified as JSON, and decodes each key with serde_json;
///   - **nesting deeper than [`MAX_LEVEL`]** (serde_json's own limit is 128): measured on serde's value.
///
/// Other differences that are *not* divergences, since both refuse: lone surrogates in `\u` escapes,
/// control characters in strings, a byte-order mark, leading zeros, a trailing comma or `.`.
pub fn json_differential(data: &[u8]) {
    let text = text(data);
    let ours = json::parse(&text);
    let theirs = serde_json::from_str::<serde_json::Value>(&text);
    match (ours, theirs) {
        (Ok(o), Ok(t)) => {
            assert!(level(&t) <= MAX_LEVEL, "we accepted nesting deeper than {MAX_LEVEL}");
            assert!(!has_duplicate_keys(&text), "we accepted a duplicate key");
            if let Err(path) = same(&o, &t) {
                panic!("serde_json reads another value at {path}: ours {o}, theirs {t}");
            }
        }
        (Ok(o), Err(e)) => {
            let overflow = !serde_keeps_number_text() && e.to_string().starts_with("number out of range");
            assert!(overflow, "we accepted what serde_json refuses ({e}): {o}");
        }
        (Err(e), Ok(t)) => {
            if e.message.starts_with("duplicate key") {
                assert!(has_duplicate_keys(&text), "we refused a duplicate key the text does not have: {e}");
            } else if e.message == "nested too deeply" {
                assert!(level(&t) > MAX_LEVEL, "we refused nesting within the limit: {e}");
            } else {
                panic!("we refused valid JSON: {e}");
            }
        }
        (Err(_), Err(_)) => {}
    }
}

/// Whether this build's serde_json keeps numbers as their source text (feature `arbitrary_precision`;
/// without it `1.50` reads as the `f64` 1.5).
pub fn serde_keeps_number_text() -> bool {
    static KEEPS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    // Compares the written text, not the value (`Value == &str` would ask whether it is the string "1.50").
    *KEEPS.get_or_init(|| {
        let written = serde_json::from_str::<serde_json::Value>("1.50").map(|v| v.to_string());
        written.is_ok_and(|text| text == "1.50")
    })
}

/// A number's source text as serde_json's `arbitrary_precision` keeps it: the same digits, with the
/// exponent marker written `e` and its sign always written (`1E2` is kept as `1e+2`).
fn as_serde_keeps_it(text: &str) -> String {
    match text.find(['e', 'E']) {
        Some(at) => {
            let (mantissa, exponent) = (&text[..at], &text[at + 1..]);
            let sign = if exponent.starts_with(['+', '-']) { "" } else { "+" };
            format!("{mantissa}e{sign}{exponent}")
        }
        None => text.to_string(),
    }
}

/// Ok, or the path where the values differ.
fn same(ours: &Value, theirs: &serde_json::Value) -> Result<(), String> {
    use serde_json::Value as S;
    let equal = match (ours, theirs) {
        (Value::Null, S::Null) => true,
        (Value::Bool(a), S::Bool(b)) => a == b,
        (Value::String(a), S::String(b)) => a == b,
        (Value::Number(a), S::Number(b)) => {
            if serde_keeps_number_text() {
                as_serde_keeps_it(a.as_str()) == b.to_string()
            } else if let Some(i) = a.as_i64() {
                b.as_i64() == Some(i)
            } else if let Some(u) = a.as_u64() {
                b.as_u64() == Some(u)
            } else {
                true
            }
        }
        (Value::Array(a), S::Array(b)) => {
            if a.len() != b.len() {
                return Err(format!("[] ({} items, theirs {})", a.len(), b.len()));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                same(x, y).map_err(|p| format!("[{i}]{p}"))?;
            }
            true
        }
        (Value::Object(a), S::Object(b)) => {
            if a.len() != b.len() {
                return Err(format!("{{}} ({} members, theirs {})", a.len(), b.len()));
            }
            for (k, x) in a {
                let y = b.get(k).ok_or_else(|| format!(".{k:?} (not in theirs)"))?;
                same(x, y).map_err(|p| format!(".{k:?}{p}"))?;
            }
            true
        }
        _ => false,
    };
    if equal {
        Ok(())
    } else {
        Err(String::new())
    }
}

/// The deepest level of any value in `v` (the top-level value is level 0).
fn level(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(items) => items.iter().map(|i| 1 + level(i)).max().unwrap_or(0),
        serde_json::Value::Object(members) => members.values().map(|m| 1 + level(m)).max().unwrap_or(0),
        _ => 0,
    }
}

/// Whether an object of `text` (valid JSON, as serde_json has said) repeats a key. Keys are found by a
/// scan that only needs to tell strings from structure, and decoded by serde_json, so `"a"` and
/// `"\u0061"` are the same key.
pub fn has_duplicate_keys(text: &str) -> bool {
    struct Frame {
        object: bool,
        expect_key: bool,
        keys: HashSet<String>,
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let raw = text.get(start..=i).unwrap_or("");
                if let Some(frame) = stack.last_mut() {
                    if frame.object && frame.expect_key {
                        frame.expect_key = false;
                        let key: String = serde_json::from_str(raw).unwrap_or_else(|e| panic!("key {raw}: {e}"));
                        if !frame.keys.insert(key) {
                            return true;
                        }
                    }
                }
            }
            b'{' => stack.push(Frame { object: true, expect_key: true, keys: HashSet::new() }),
            b'[' => stack.push(Frame { object: false, expect_key: false, keys: HashSet::new() }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(frame) = stack.last_mut() {
                    frame.expect_key = frame.object;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

// ---------------------------------------------------------------------------------------------------
// b64

/// Our base64url codec against the `base64` crate's `URL_SAFE_NO_PAD` engine, whose defaults match our
/// rules exactly: the URL-safe alphabet, no padding accepted (`DecodePaddingMode::RequireNone`) and the
/// unused bits of a last partial group required to be zero (`decode_allow_trailing_bits(false)`), so one
/// encoding per byte string. No intended divergence: for every input both decode to the same bytes or
/// both refuse. And `decode(encode(x)) == x`, with our encoding equal to theirs.
pub fn b64(data: &[u8]) {
    let text = text(data);
    let ours = ours_b64::decode(&text);
    let theirs = URL_SAFE_NO_PAD.decode(text.as_bytes()).ok();
    assert_eq!(ours, theirs, "decoders disagree on {text:?}");
    let encoded = ours_b64::encode(data);
    assert_eq!(encoded, URL_SAFE_NO_PAD.encode(data), "encoders disagree");
    assert_eq!(ours_b64::decode(&encoded).as_deref(), Some(data), "decode(encode(x)) != x");
}

// ---------------------------------------------------------------------------------------------------
// jws

/// The signer of the committed vectors (`receipt/vectors/chain-1.json`): payloads given as JSON are
/// wrapped in a JWS whose header names this key, so that seeds made from the vectors pass the
/// principal check and reach everything after the signature.
const VECTOR_JWK: &str = r#"{"crv":"P-256","kty":"EC","x":"VBGhkpsbZLKSKF6b8IiqmqoxaW6Oj6pRS1E2Lic26s8","y":"6Tdlww8XK3wg4672tfyAVpZFBPcP5P-HqF1D3pL2TOc"}"#;

/// The envelope and the verifier never panic, and agree with each other:
/// * the input is a compact JWS, or, when it starts with `{`, a payload that is wrapped in a JWS with a
///   valid header (the vectors' key) and a zero signature, so mutations reach the schema directly;
/// * `jws::parse`, `verify_with` with a primitive that accepts every signature, and the real `verify`
///   (RustCrypto p256) return without panicking;
/// * when `parse` refuses, `verify_with` refuses with the same error; `verify` succeeding implies
///   `verify_with` succeeding with the same receipt;
/// * a successful `verify_with` implies the payload satisfies `Receipt::from_json` (the same receipt)
///   and `piiPrincipalId` is the key's thumbprint.
pub fn jws(data: &[u8]) {
    let text = text(data);
    let compact = if text.starts_with('{') {
        let header = format!(r#"{{"alg":"ES256","typ":"{}","jwk":{VECTOR_JWK}}}"#, ours_jws::TYP);
        format!(
            "{}.{}.{}",
            ours_b64::encode(header.as_bytes()),
            ours_b64::encode(text.as_bytes()),
            ours_b64::encode(&[0; 64])
        )
    } else {
        text.into_owned()
    };
    let parsed = ours_jws::parse(&compact);
    let with_any_signature = verifier::verify_with(&compact, |_, _, _| Ok(()));
    let real = consentry_receipt::verify(&compact);
    if let Err(e) = &parsed {
        assert_eq!(with_any_signature.as_ref().err(), Some(e), "verify_with and parse refuse differently");
    }
    if let Ok(v) = &with_any_signature {
        let Ok(p) = &parsed else { panic!("verify_with accepted what parse refuses") };
        assert_eq!(
            Receipt::from_json(&p.payload).as_ref(),
            Ok(&v.receipt),
            "the verified receipt is not the payload's"
        );
        assert_eq!(v.receipt.principal, v.jwk.thumbprint());
    }
    if let Ok(v) = &real {
        let Ok(w) = &with_any_signature else { panic!("verify accepted what verify_with refuses") };
        assert_eq!((&v.receipt, &v.jwk), (&w.receipt, &w.jwk));
    }
}

// ---------------------------------------------------------------------------------------------------
// receipt_from_json

/// The schema check never panics, and every receipt it accepts survives its own round trip:
/// `Receipt::from_json(&r.to_json()) == Ok(r)`, directly and through the written text.
pub fn receipt_from_json(data: &[u8]) {
    let text = text(data);
    let Ok(v) = json::parse(&text) else { return };
    let Ok(r) = Receipt::from_json(&v) else { return };
    let json = r.to_json();
    assert_eq!(Receipt::from_json(&json).as_ref(), Ok(&r), "to_json then from_json changed the receipt");
    let written = json.to_string();
    let reread = json::parse(&written).unwrap_or_else(|e| panic!("a receipt's JSON does not parse: {e}"));
    assert_eq!(Receipt::from_json(&reread), Ok(r), "the receipt changed through its text");
}
