//! Deciding whether a posted receipt is admissible, before anything is stored.
//!
//! The receipt rules are the shared crate's ([`consentry_receipt::verifier::verify_with`], the
//! same checks as `consentry_receipt::verify`) with ring's assembly-optimised ES256 as the primitive; the server
//! adds only what depends on the moment of arrival: a `consentTimestamp` more than
//! [`MAX_FUTURE_SECS`] ahead of the server's clock is refused. Each refusal is one [`Refusal`]
//! variant with its own HTTP status and stable `error` code.

use axum::http::StatusCode;
use consentry_receipt::jws::{self, JwsError, MAX_JWS_BYTES};
use consentry_receipt::verifier::{verify_with, Es256Error};
use consentry_receipt::Receipt;
use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};

/// How far ahead of the server's clock a `consentTimestamp` may be (clock skew allowance).
pub const MAX_FUTURE_SECS: i64 = 300;

/// Why a posted receipt was refused. Nothing is stored for any of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `Content-Type` is not `application/jose`.
    ContentType,
    /// Body larger than [`MAX_JWS_BYTES`].
    TooLarge,
    /// Body is not UTF-8 text.
    NotText,
    /// The receipt rules of the shared crate.
    Jws(JwsError),
    /// `consentTimestamp` too far in the future (by this many seconds).
    Future(i64),
    /// A value outside the operator's allow-list ([`AllowList`]): which field.
    NotAllowed(&'static str),
}

/// Optional allow-lists of `serve` (`--notice-hash`, `--policy-version`, `--controller-url`): when
/// one is given, a receipt whose value is not in it is refused (422 `not_allowed`), so that only
/// receipts of this site's notices count. An empty list allows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    /// Accepted `noticeHash` values.
    pub notice_hashes: Vec<String>,
    /// Accepted `policyVersion` values.
    pub policy_versions: Vec<String>,
    /// Accepted `piiControllers[0].piiControllerUrl` values.
    pub controller_urls: Vec<String>,
}

impl AllowList {
    /// The first field of `receipt` that a non-empty list does not allow.
    pub fn check(&self, receipt: &Receipt) -> Result<(), Refusal> {
        let allowed = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
        if !allowed(&self.notice_hashes, &receipt.notice_hash) {
            return Err(Refusal::NotAllowed("noticeHash"));
        }
        if !allowed(&self.policy_versions, &receipt.policy_version) {
            return Err(Refusal::NotAllowed("policyVersion"));
        }
        if !allowed(&self.controller_urls, &receipt.controller.policy_url) {
            return Err(Refusal::NotAllowed("piiControllerUrl"));
        }
        Ok(())
    }
}

impl Refusal {
    /// Every `error` code, for metrics labels.
    pub const CODES: [&'static str; 12] = [
        "content_type",
        "too_large",
        "not_text",
        "malformed",
        "algorithm",
        "type",
        "key",
        "signature",
        "schema",
        "principal",
        "future_timestamp",
        "not_allowed",
    ];

    /// The stable machine-readable code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::ContentType => "content_type",
            Refusal::TooLarge | Refusal::Jws(JwsError::TooLarge) => "too_large",
            Refusal::NotText => "not_text",
            Refusal::Jws(JwsError::Malformed(_)) => "malformed",
            Refusal::Jws(JwsError::Algorithm(_)) => "algorithm",
            Refusal::Jws(JwsError::Type(_)) => "type",
            Refusal::Jws(JwsError::Key(_)) => "key",
            Refusal::Jws(JwsError::Signature | JwsError::HighS) => "signature",
            Refusal::Jws(JwsError::Schema(_)) => "schema",
            Refusal::Jws(JwsError::Principal) => "principal",
            Refusal::Future(_) => "future_timestamp",
            Refusal::NotAllowed(_) => "not_allowed",
        }
    }

    /// The HTTP status: 415 and 413 for the envelope, 400 for what cannot be read, 422 for a
    /// readable receipt that breaks a rule.
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::TooLarge | Refusal::Jws(JwsError::TooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::NotText | Refusal::Jws(JwsError::Malformed(_)) => StatusCode::BAD_REQUEST,
            Refusal::Jws(_) | Refusal::Future(_) | Refusal::NotAllowed(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// A sentence for the client.
    pub fn message(&self) -> String {
        match self {
            Refusal::ContentType => "the body must be a compact JWS sent as Content-Type: application/jose".into(),
            Refusal::TooLarge => format!("receipt larger than {MAX_JWS_BYTES} bytes"),
            Refusal::NotText => "the body is not UTF-8 text".into(),
            Refusal::Jws(e) => e.to_string(),
            Refusal::Future(s) => {
                format!("consentTimestamp is {s} s ahead of the server clock (at most {MAX_FUTURE_SECS} s is accepted)")
            }
            Refusal::NotAllowed(field) => format!("this server does not accept receipts with this {field}"),
        }
    }
}

/// A receipt that passed every check.
#[derive(Debug, Clone)]
pub struct Admitted {
    /// The compact JWS exactly as posted (the Merkle leaf).
    pub jws: String,
    /// Its payload.
    pub receipt: Receipt,
    /// `jws::receipt_hash`: what the next receipt of this principal carries as `prevReceiptHash`.
    pub receipt_hash: String,
}

/// Checks a posted body at server time `now` (seconds since the epoch).
pub fn admit(body: &[u8], now: i64) -> Result<Admitted, Refusal> {
    admit_allowed(body, now, &AllowList::default())
}

/// [`admit`], and the operator's allow-lists.
pub fn admit_allowed(body: &[u8], now: i64, allow: &AllowList) -> Result<Admitted, Refusal> {
    if body.len() > MAX_JWS_BYTES {
        return Err(Refusal::TooLarge);
    }
    let text = std::str::from_utf8(body).map_err(|_| Refusal::NotText)?.trim();
    let verified = verify_with(text, ring_es256).map_err(Refusal::Jws)?;
    let ahead = verified.receipt.timestamp - now;
    if ahead > MAX_FUTURE_SECS {
        return Err(Refusal::Future(ahead));
    }
    allow.check(&verified.receipt)?;
    Ok(Admitted { jws: text.to_string(), receipt_hash: jws::receipt_hash(text), receipt: verified.receipt })
}

/// ES256 with ring, in the shape `verify_with` takes. ring does not say whether a failure came from
/// the key or the signature, so only after a failure is the point checked, to report the right rule.
pub fn ring_es256(sec1: &[u8], message: &[u8], signature: &[u8]) -> Result<(), Es256Error> {
    match UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, sec1).verify(message, signature) {
        Ok(()) => Ok(()),
        Err(_) if !point_is_on_curve(sec1) => Err(Es256Error::Key),
        Err(_) => Err(Es256Error::Signature),
    }
}

/// Whether `sec1` is an uncompressed point on P-256: ring's ECDH fully validates a peer point (on
/// the curve, not the identity), so agree with a throw-away key and see whether it is accepted.
fn point_is_on_curve(sec1: &[u8]) -> bool {
    use ring::agreement::{agree_ephemeral, EphemeralPrivateKey, UnparsedPublicKey as PeerKey, ECDH_P256};
    if sec1.len() != 65 || sec1[0] != 4 {
        return false;
    }
    let Ok(private) = EphemeralPrivateKey::generate(&ECDH_P256, &ring::rand::SystemRandom::new()) else {
        return false;
    };
    agree_ephemeral(private, &PeerKey::new(&ECDH_P256, sec1), |_| ()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use consentry_receipt::testing::{key_from_seed, sample_jws};
    use consentry_receipt::verifier::p256_es256;

    /// ring and the crate's own p256 primitive agree on good signatures, bad signatures and keys
    /// that are not on the curve.
    #[test]
    fn ring_agrees_with_p256() {
        let key = key_from_seed("intake");
        let jws = sample_jws(&key, "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c", 1_790_000_000, None, true);
        let parsed = jws::parse(&jws).unwrap();
        let sec1 = consentry_receipt::jws::public_jwk(&key).sec1();
        let mut off_curve = sec1.clone();
        off_curve[64] ^= 1;
        let mut bad_sig = parsed.signature.clone();
        bad_sig[10] ^= 1;
        let msg = parsed.signing_input.as_bytes();
        for (point, sig) in
            [(&sec1, &parsed.signature), (&sec1, &bad_sig), (&off_curve, &parsed.signature), (&vec![4u8; 65], &bad_sig)]
        {
            assert_eq!(ring_es256(point, msg, sig), p256_es256(point, msg, sig));
        }
        assert_eq!(ring_es256(&off_curve, msg, &parsed.signature), Err(Es256Error::Key));
        assert!(admit(jws.as_bytes(), 1_790_000_000).is_ok());
        assert_eq!(admit(jws.as_bytes(), 1_790_000_000 - 301).unwrap_err(), Refusal::Future(301));
    }
}
