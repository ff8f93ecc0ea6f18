//! Receipt verification with the ES256 primitive supplied by the caller.
//!
//! This is the one place the receipt rules are applied: envelope, header, key, signature (low `s`,
//! then the ES256 check over the raw signing input), and only then the payload: JSON, schema,
//! principal, in that order. `verify` (feature `verify`, re-exported as `consentry_receipt::verify`)
//! calls [`verify_with`] with RustCrypto's `p256` (portable, no C); the receipt server plugs in an
//! assembly-optimised primitive instead (`server/README.md` has the measured rates of both). Only the
//! curve arithmetic differs. The envelope itself is [`crate::jws`], which knows nothing of this module.

use crate::jwk::{JwkError, PublicJwk};
use crate::jws::{envelope, JwsError};
use crate::payload::Receipt;

/// A receipt whose signature, key and schema were checked.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The receipt.
    pub receipt: Receipt,
    /// The signer's key.
    pub jwk: PublicJwk,
}

/// Parses and verifies a compact JWS receipt: ES256 only, embedded P-256 `jwk`, signature, receipt
/// schema, and `piiPrincipalId` equal to the key's thumbprint. The rules are [`verify_with`]'s; this
/// plugs in RustCrypto's `p256` for the curve arithmetic.
#[cfg(feature = "verify")]
pub fn verify(compact: &str) -> Result<Verified, JwsError> {
    verify_with(compact, p256_es256)
}

/// Why the caller's ES256 primitive refused a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Es256Error {
    /// The public key is not a point on P-256.
    Key,
    /// The signature does not verify under the key.
    Signature,
}

/// Verifies a compact JWS receipt like `verify`, with `es256(sec1_point, message,
/// signature)` checking the ES256 signature: `sec1_point` is the uncompressed key (65 bytes),
/// `message` the signing input, `signature` the 64-byte `r ‖ s`.
pub fn verify_with(
    compact: &str,
    es256: impl FnOnce(&[u8], &[u8], &[u8]) -> Result<(), Es256Error>,
) -> Result<Verified, JwsError> {
    // The signature is checked over the raw signing input before the payload is decoded: a forged
    // receipt costs one ES256 verification, whatever its payload holds.
    let envelope = envelope(compact)?;
    match es256(&envelope.jwk.sec1(), envelope.signing_input.as_bytes(), &envelope.signature) {
        Ok(()) => {}
        Err(Es256Error::Key) => return Err(JwsError::Key(JwkError::NotOnCurve)),
        Err(Es256Error::Signature) => return Err(JwsError::Signature),
    }
    let payload = envelope.payload()?;
    let receipt = Receipt::from_json(&payload).map_err(JwsError::Schema)?;
    if receipt.principal != envelope.jwk.thumbprint() {
        return Err(JwsError::Principal);
    }
    Ok(Verified { receipt, jwk: envelope.jwk })
}

/// The `p256` primitive that [`verify`] uses, in the shape [`verify_with`] takes.
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
    fn the_primitive_decides_only_the_signature() {
        let key = key_from_seed("verifier");
        let id = "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c";
        let good = sample_jws(&key, id, 1_790_000_000, None, true);
        assert!(verify_with(&good, p256_es256).is_ok());
        // Another receipt's valid signature, by the same key, on this receipt's header and payload.
        let other = sample_jws(&key, id, 1_790_000_001, None, true);
        let swapped = format!("{}.{}", good.rsplit_once('.').unwrap().0, other.rsplit_once('.').unwrap().1);
        assert_eq!(verify_with(&swapped, p256_es256).unwrap_err(), JwsError::Signature);
        // The caller's answers map onto the crate's errors.
        assert_eq!(verify_with(&good, |_, _, _| Err(Es256Error::Signature)).unwrap_err(), JwsError::Signature);
        assert_eq!(
            verify_with(&good, |_, _, _| Err(Es256Error::Key)).unwrap_err(),
            JwsError::Key(JwkError::NotOnCurve)
        );
        // Rules before and after the signature hold whatever the primitive says.
        assert!(matches!(verify_with("a.b.c", |_, _, _| Ok(())).unwrap_err(), JwsError::Malformed(_)));
        let mut r = sample_receipt(&key, id, 1_790_000_000, None, true);
        r.principal = jws::public_jwk(&key_from_seed("other")).thumbprint();
        assert_eq!(verify_with(&jws::sign(&key, &r.to_json()), |_, _, _| Ok(())).unwrap_err(), JwsError::Principal);
    }

    /// A forged receipt is refused at its signature, before its payload is read (review #11): a
    /// payload that is not JSON, or a 2,000-member object (27 KiB), with a signature that does not verify.
    #[test]
    fn the_signature_is_checked_before_the_payload_is_read() {
        let key = key_from_seed("verifier");
        let good = sample_jws(&key, "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c", 1_790_000_000, None, true);
        let (header, _) = good.split_once('.').unwrap();
        let forged_sig = crate::b64::encode(&[1u8; 64]);
        let wide: String = format!("{{{}}}", (0..2000).map(|i| format!("\"k{i}\":{i}")).collect::<Vec<_>>().join(","));
        for payload in ["not JSON at all", "{\"a\":1,\"a\":2}", wide.as_str()] {
            let compact = format!("{header}.{}.{forged_sig}", crate::b64::encode(payload.as_bytes()));
            assert_eq!(verify_with(&compact, p256_es256).unwrap_err(), JwsError::Signature);
            // Only a signature that verifies lets the payload be read (and refused).
            let with_any = verify_with(&compact, |_, _, _| Ok(()));
            assert!(matches!(with_any.unwrap_err(), JwsError::Malformed(_) | JwsError::Schema(_)));
        }
    }

    /// A high `s` is refused before the curve is touched; its low twin of the same receipt verifies.
    #[test]
    fn high_s_is_refused() {
        let key = key_from_seed("verifier");
        let good = sample_jws(&key, "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c", 1_790_000_000, None, true);
        let (input, sig) = good.rsplit_once('.').unwrap();
        let sig: [u8; 64] = crate::b64::decode(sig).unwrap().try_into().unwrap();
        assert!(crate::signature::is_low_s(&sig), "the sign feature normalises");
        // The twin (r, n − s), computed here independently of the crate.
        let n_minus = |s: &[u8; 64]| {
            let mut twin = *s;
            const N: [u8; 32] = [
                0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc,
                0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
            ];
            let mut borrow = 0i16;
            for i in (0..32).rev() {
                let d = i16::from(N[i]) - i16::from(s[32 + i]) - borrow;
                twin[32 + i] = d.rem_euclid(256) as u8;
                borrow = i16::from(d < 0);
            }
            twin
        };
        let high = n_minus(&sig);
        assert!(!crate::signature::is_low_s(&high));
        let twin = jws::assemble(input, &high);
        assert!(p256_es256(&jws::public_jwk(&key).sec1(), input.as_bytes(), &high).is_ok(), "ECDSA is malleable");
        let mut called = false;
        let refused = verify_with(&twin, |_, _, _| {
            called = true;
            Ok(())
        });
        assert_eq!((refused.unwrap_err(), called), (JwsError::HighS, false));
        let mut normalised = high;
        assert!(crate::signature::normalize_low_s(&mut normalised));
        assert_eq!(normalised, sig);
        assert!(verify_with(&jws::assemble(input, &normalised), p256_es256).is_ok());
    }
}
