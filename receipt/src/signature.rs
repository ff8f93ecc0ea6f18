//! The one accepted form of an ES256 signature: 64 bytes `r ‖ s` with `s` in the lower half of the
//! group order ("low-S").
//!
//! ECDSA is malleable: if `(r, s)` verifies, so does `(r, n − s)`, so anyone holding a receipt can
//! make a second, different, valid JWS of it. A receipt server that keys anything on the exact JWS
//! (idempotency, `prevReceiptHash`) would then see two receipts where there is one. Both signers of
//! this project normalise (the widget after WebCrypto signs, the `sign` feature after p256 does), and
//! the verifier refuses a high `s` ([`crate::jws::JwsError::HighS`]), so each receipt has exactly one
//! encoding. Pure byte arithmetic on big-endian 32-byte integers: no curve code, so the widget can
//! call [`normalize_low_s`] without downloading any.

/// The order `n` of the P-256 group, big-endian.
const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa,
    0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// `⌊n / 2⌋`, big-endian: the largest low `s`.
const HALF_N: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xde, 0x73, 0x7d,
    0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8,
];

/// Whether `signature` is 64 bytes whose `s` (the last 32) is at most `⌊n / 2⌋`.
pub fn is_low_s(signature: &[u8]) -> bool {
    signature.len() == 64 && signature[32..] <= HALF_N[..]
}

/// Replaces a high `s` of an `r ‖ s` signature by `n − s`, which verifies exactly as the original
/// does; a low `s` is left alone. Returns whether the signature changed.
pub fn normalize_low_s(signature: &mut [u8; 64]) -> bool {
    if is_low_s(signature) {
        return false;
    }
    let s = &mut signature[32..];
    let mut borrow = 0u16;
    for i in (0..32).rev() {
        let diff = u16::from(N[i]).wrapping_sub(u16::from(s[i])).wrapping_sub(borrow);
        s[i] = diff as u8;
        borrow = (diff >> 8) & 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_n_is_half_of_n() {
        // 2 · HALF_N + 1 = N (n is odd).
        let mut doubled = [0u8; 32];
        let mut carry = 1u16;
        for i in (0..32).rev() {
            let v = 2 * u16::from(HALF_N[i]) + carry;
            doubled[i] = v as u8;
            carry = v >> 8;
        }
        assert_eq!((doubled, carry), (N, 0));
    }

    #[test]
    fn flips_only_high_s_and_twice_is_identity() {
        let mut low = [0u8; 64];
        low[32..].copy_from_slice(&HALF_N);
        assert!(is_low_s(&low));
        assert!(!normalize_low_s(&mut low), "⌊n/2⌋ is low");
        let mut high = low;
        high[63] += 1; // ⌊n/2⌋ + 1 = n − ⌊n/2⌋: the smallest high s
        assert!(!is_low_s(&high));
        assert!(normalize_low_s(&mut high));
        assert_eq!(high, low, "n − (⌊n/2⌋ + 1) = ⌊n/2⌋");
        let mut one_below_n = [7u8; 64];
        one_below_n[32..].copy_from_slice(&N);
        one_below_n[63] -= 1;
        assert!(normalize_low_s(&mut one_below_n));
        let mut one = [0u8; 32];
        one[31] = 1;
        assert_eq!((&one_below_n[..32], &one_below_n[32..]), (&[7u8; 32][..], &one[..]), "r untouched, s = 1");
        assert!(!is_low_s(&[0u8; 63]), "not 64 bytes");
    }

    /// With real signatures: both forms verify under p256, normalising gives the low one, and a
    /// low signature is left as it is.
    #[cfg(feature = "sign")]
    #[test]
    fn normalised_signatures_still_verify() {
        use p256::ecdsa::signature::{Signer, Verifier};
        use p256::ecdsa::{Signature, SigningKey};
        let key = crate::testing::key_from_seed("low-s");
        let (mut saw_high, mut saw_low) = (false, false);
        for i in 0..64u32 {
            let message = format!("message {i}");
            let signature: Signature = SigningKey::sign(&key, message.as_bytes());
            let mut bytes: [u8; 64] = signature.to_bytes().into();
            let original = bytes;
            let changed = normalize_low_s(&mut bytes);
            saw_high |= changed;
            saw_low |= !changed;
            assert!(is_low_s(&bytes));
            assert_eq!(changed, bytes != original);
            let verifying = key.verifying_key();
            for form in [original, bytes] {
                let sig = Signature::from_slice(&form).unwrap();
                assert!(verifying.verify(message.as_bytes(), &sig).is_ok(), "both forms verify (ECDSA is malleable)");
            }
            let mut again = bytes;
            assert!(!normalize_low_s(&mut again));
        }
        assert!(saw_high && saw_low, "p256 signs with either half of s");
    }
}
