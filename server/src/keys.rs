//! The server's own ES256 key: it signs acknowledgments and tree heads, and is published at
//! `/.well-known/jwks.json`.
//!
//! Generated on first start and kept in the database (table `server_key`, PKCS#8), so every
//! instance sharing a PostgreSQL database signs with the same key and a restart keeps it. The
//! signatures are compact JWS with a `kid` (the key's RFC 7638 thumbprint) instead of an embedded
//! key: a verifier must take the key from the JWKS it trusts, not from the message.

use consentry_receipt::json::{self, Value};
use consentry_receipt::jws::{assemble, signing_input};
use consentry_receipt::{b64, PublicJwk};
use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, KeyPair, UnparsedPublicKey, ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING,
};

/// A failure of the key material or of signing.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The stored key is not a P-256 PKCS#8 document.
    #[error("the stored server key is not a usable P-256 PKCS#8 key: {0}")]
    Invalid(String),
    /// The system random generator or the signer failed.
    #[error("could not sign or generate a key with the system random generator")]
    Crypto,
}

/// The server's signing key.
pub struct ServerKey {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
    jwk: PublicJwk,
    kid: String,
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerKey").field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl ServerKey {
    /// A new key, as the PKCS#8 document to store.
    pub fn generate_pkcs8() -> Result<Vec<u8>, KeyError> {
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .map_err(|_| KeyError::Crypto)?;
        Ok(doc.as_ref().to_vec())
    }

    /// Loads a stored PKCS#8 document.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &rng)
            .map_err(|e| KeyError::Invalid(e.to_string()))?;
        let point = pair.public_key().as_ref();
        if point.len() != 65 {
            return Err(KeyError::Invalid("public key is not an uncompressed P-256 point".into()));
        }
        let jwk = PublicJwk { x: b64::encode(&point[1..33]), y: b64::encode(&point[33..]) };
        let kid = jwk.thumbprint();
        Ok(ServerKey { pair, rng, jwk, kid })
    }

    /// The key id: the RFC 7638 thumbprint of the public key.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK.
    pub fn public_jwk(&self) -> &PublicJwk {
        &self.jwk
    }

    /// The JWKS document served at `/.well-known/jwks.json`.
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": [{
            "kty": "EC", "crv": "P-256", "x": self.jwk.x, "y": self.jwk.y,
            "kid": self.kid, "alg": "ES256", "use": "sig",
        }]})
    }

    /// Signs `payload` as a compact JWS with header `{"alg":"ES256","kid":…,"typ":typ}`.
    pub fn sign(&self, typ: &str, payload: &Value) -> Result<String, KeyError> {
        let header =
            Value::object([("alg", Value::str("ES256")), ("kid", Value::str(&self.kid)), ("typ", Value::str(typ))]);
        let input = signing_input(&header, payload);
        let signature = self.pair.sign(&self.rng, input.as_bytes()).map_err(|_| KeyError::Crypto)?;
        Ok(assemble(&input, signature.as_ref()))
    }

    /// Signs `content` as a detached JWS (RFC 7515 appendix F): the compact JWS over
    /// `BASE64URL(content)` with header `{"alg":"ES256","cty":cty,"kid":…,"typ":typ}`, and its
    /// payload part left empty, `header..signature`. A verifier puts `BASE64URL(content)` back
    /// between the dots and checks an ordinary compact JWS.
    pub fn sign_detached(&self, typ: &str, cty: &str, content: &[u8]) -> Result<String, KeyError> {
        let header = Value::object([
            ("alg", Value::str("ES256")),
            ("cty", Value::str(cty)),
            ("kid", Value::str(&self.kid)),
            ("typ", Value::str(typ)),
        ]);
        let protected = b64::encode(header.to_string().as_bytes());
        let input = format!("{protected}.{}", b64::encode(content));
        let signature = self.pair.sign(&self.rng, input.as_bytes()).map_err(|_| KeyError::Crypto)?;
        Ok(format!("{protected}..{}", b64::encode(signature.as_ref())))
    }
}

/// Checks a detached JWS made by [`ServerKey::sign_detached`] over `content`, against a public
/// key and an expected `typ`.
pub fn open_detached(jwk: &PublicJwk, typ: &str, detached: &str, content: &[u8]) -> bool {
    let Some((protected, signature)) = detached.trim().split_once("..") else { return false };
    if protected.contains('.') || signature.contains('.') {
        return false;
    }
    let header = b64::decode(protected).and_then(|h| String::from_utf8(h).ok()).and_then(|h| json::parse(&h).ok());
    let Some(header) = header else { return false };
    let member = |name: &str| header.get(name).and_then(|v| v.as_str());
    if member("alg") != Some("ES256") || member("typ") != Some(typ) || member("kid") != Some(&jwk.thumbprint()) {
        return false;
    }
    let Some(signature) = b64::decode(signature) else { return false };
    // The content is any bytes (a PDF): unlike `open`, it is not read as JSON.
    let input = format!("{protected}.{}", b64::encode(content));
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, jwk.sec1()).verify(input.as_bytes(), &signature).is_ok()
}

/// Checks a compact JWS made by [`ServerKey::sign`] against a public key and an expected `typ`;
/// returns its payload. `None` for anything else.
pub fn open(jwk: &PublicJwk, typ: &str, compact: &str) -> Option<Value> {
    let mut parts = compact.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let header = json::parse(&String::from_utf8(b64::decode(h)?).ok()?).ok()?;
    if header.get("alg")?.as_str()? != "ES256" || header.get("typ")?.as_str()? != typ {
        return None;
    }
    if header.get("kid")?.as_str()? != jwk.thumbprint() {
        return None;
    }
    let signature = b64::decode(s)?;
    let input = format!("{h}.{p}");
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, jwk.sec1()).verify(input.as_bytes(), &signature).ok()?;
    json::parse(&String::from_utf8(b64::decode(p)?).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_opens() {
        let key = ServerKey::from_pkcs8(&ServerKey::generate_pkcs8().unwrap()).unwrap();
        let payload = Value::object([("treeSize", Value::int(3))]);
        let jws = key.sign("consentry-sth+jws", &payload).unwrap();
        assert_eq!(open(key.public_jwk(), "consentry-sth+jws", &jws), Some(payload));
        assert_eq!(open(key.public_jwk(), "consentry-ack+jws", &jws), None, "typ is checked");
        let other = ServerKey::from_pkcs8(&ServerKey::generate_pkcs8().unwrap()).unwrap();
        assert_eq!(open(other.public_jwk(), "consentry-sth+jws", &jws), None);
        let (input, _) = jws.rsplit_once('.').unwrap();
        assert_eq!(open(key.public_jwk(), "consentry-sth+jws", &format!("{input}.{}", b64::encode(&[0; 64]))), None);
        assert_eq!(key.jwks()["keys"][0]["kid"], key.kid());
        assert!(ServerKey::from_pkcs8(b"nope").is_err());
    }

    #[test]
    fn detached_signatures_cover_the_exact_bytes() {
        let key = ServerKey::from_pkcs8(&ServerKey::generate_pkcs8().unwrap()).unwrap();
        let content = b"%PDF-1.7 \xff\xfe not UTF-8";
        let jws = key.sign_detached("consentry-report+jws", "application/json", content).unwrap();
        assert_eq!(jws.matches('.').count(), 2);
        assert!(jws.contains(".."));
        assert!(open_detached(key.public_jwk(), "consentry-report+jws", &jws, content));
        assert!(!open_detached(key.public_jwk(), "consentry-report+jws", &jws, b"%PDF-1.7"));
        assert!(!open_detached(key.public_jwk(), "consentry-sth+jws", &jws, content));
        let other = ServerKey::from_pkcs8(&ServerKey::generate_pkcs8().unwrap()).unwrap();
        assert!(!open_detached(other.public_jwk(), "consentry-report+jws", &jws, content));
    }
}
