//! Receipt verification with the ES256 primitive supplied by the caller.
//!
//! [`crate::jws::verify`] checks signatures with RustCrypto's `p256`: portable, no C, and fine for
//! one receipt at a time (about 3,300 verifications/s per core on the reference machine). The
//! receipt server verifies every receipt of every visitor and plugs in an assembly-optimised
//! primitive instead (about 5× faster). Only the elliptic-curve arithmetic is swapped: the envelope,
//! header, key, schema and principal rules are this crate's, applied in the same order as
//! `jws::verify`, so there is still one definition of a valid receipt.

use crate::jws::{parse, JwsError, Verified};
use crate::jwk::PublicJwk;
use crate::payload::Receipt;

/// Why the caller's ES256 primitive refused a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Es256Error {
    /// The public key is not a point on P-256.
    Key,
    /// The signature does not verify under the key.
    Signature,
}

/// Verifies a compact JWS receipt like [`crate::jws::verify`], with `es256(sec1_point, message,
/// signature)` checking the ES256 signature: `sec1_point` is the uncompressed key (65 bytes),
/// `message` the signing input, `signature` the 64-byte `r ‖ s`.
pub fn verify_with(
    compact: &str,
    es256: impl FnOnce(&[u8], &[u8], &[u8]) -> Result<(), Es256Error>,
) -> Result<Verified, JwsError> {
    let parsed = parse(compact)?;
    let jwk_value = parsed.header.get("jwk").ok_or_else(|| JwsError::Key("missing".into()))?;
    let jwk = PublicJwk::from_json(jwk_value).map_err(|e| JwsError::Key(e.0))?;
    match es256(&jwk.sec1(), parsed.signing_input.as_bytes(), &parsed.signature) {
        Ok(()) => {}
        Err(Es256Error::Key) => return Err(JwsError::Key("not a point on P-256".into())),
        Err(Es256Error::Signature) => return Err(JwsError::Signature),
    }
    let receipt = Receipt::from_json(&parsed.payload).map_err(|e| JwsError::Schema(e.0))?;
    if receipt.principal != jwk.thumbprint() {
        return Err(JwsError::Principal);
    }
    Ok(Verified { receipt, jwk })
}

/// The `p256` primitive that `jws::verify` uses, in the shape [`verify_with`] takes.
#[cfg(feature = "verify")]
pub fn p256_es256(sec1: &[u8], message: &[u8], signature: &[u8]) -> Result<(), Es256Error> {
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::{Signature, VerifyingKey};
    let key = VerifyingKey::from_sec1_bytes(sec1).map_err(|_| Es256Error::Key)?;
    let signature = Signature::from_slice(signature).map_err(|_| Es256Error::Signature)?;
    key.verify(message, &signature).map_err(|_| Es256Error::Signature)
}

#[cfg(all(test, feature = "sign"))]
mod tests {
    use super::*;
    use crate::jws;
    use crate::testing::{key_from_seed, sample_jws, sample_receipt};

    #[test]
    fn agrees_with_jws_verify() {
        let key = key_from_seed("verifier");
        let id = "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c";
        let good = sample_jws(&key, id, 1_790_000_000, None, true);
        let (input, sig) = good.rsplit_once('.').unwrap();
        let mut r = sample_receipt(&key, id, 1_790_000_000, None, true);
        r.principal = jws::public_jwk(&key_from_seed("other")).thumbprint();
        let cases = [
            good.clone(),
            format!("{input}.{}", sig.chars().rev().collect::<String>()),
            jws::sign(&key, &r.to_json()),
            "a.b.c".to_string(),
        ];
        for case in cases {
            let with = verify_with(&case, p256_es256).map(|v| v.receipt);
            assert_eq!(with, jws::verify(&case).map(|v| v.receipt), "{case}");
        }
    }
}
