//! The signature of a delivery: `Consentry-Signature: t=TIMESTAMP,v1=HEX`, where `TIMESTAMP` is
//! the attempt's time in seconds since the epoch and `HEX` the lowercase hex of
//! `HMAC-SHA256(secret, TIMESTAMP ‖ "." ‖ body)` over the body's exact bytes.
//!
//! The timestamp is inside the MAC so a receiver can refuse replays of old deliveries (check that
//! it is within a few minutes of its clock); the body is not re-serialised by anyone, so the MAC
//! is over the bytes as sent. Computed with ring's HMAC.

use ring::hmac;

use super::config::HookSecret;

/// The header's name.
pub const HEADER: &str = "consentry-signature";

/// `t=…,v1=…` for `body` sent at `timestamp_s`.
pub fn header(secret: &HookSecret, timestamp_s: i64, body: &[u8]) -> String {
    format!("t={timestamp_s},v1={}", hex(mac(secret, timestamp_s, body).as_ref()))
}

fn mac(secret: &HookSecret, timestamp_s: i64, body: &[u8]) -> hmac::Tag {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.expose());
    let mut context = hmac::Context::with_key(&key);
    context.update(timestamp_s.to_string().as_bytes());
    context.update(b".");
    context.update(body);
    context.sign()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|b| [DIGITS[usize::from(b >> 4)] as char, DIGITS[usize::from(b & 15)] as char]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2 ("Jefe"), reached through the header's message layout: the key is too
    /// short for a hook, so the MAC function is checked directly.
    #[test]
    fn the_mac_is_hmac_sha256_of_timestamp_dot_body() {
        let key = hmac::Key::new(hmac::HMAC_SHA256, b"Jefe");
        let tag = hmac::sign(&key, b"what do ya want for nothing?");
        assert_eq!(hex(tag.as_ref()), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        let secret = HookSecret::from_text("0123456789abcdef0123456789abcdef").unwrap();
        let expected = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret.expose()), b"1790000000.{\"a\":1}");
        assert_eq!(header(&secret, 1_790_000_000, b"{\"a\":1}"), format!("t=1790000000,v1={}", hex(expected.as_ref())));
    }
}
