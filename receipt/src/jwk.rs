//! The signer's public key as a JWK (RFC 7517) and its thumbprint (RFC 7638), which is the receipt's
//! pseudonymous subject (`piiPrincipalId`).

use crate::json::Value;
use crate::{b64, sha256_b64};

/// A P-256 public key in JWK form. Only `kty`, `crv`, `x`, `y` (and the informational `key_ops`,
/// `ext`, `alg`, `use`) are accepted; a key carrying private material (`d`) is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicJwk {
    /// X coordinate, 32 bytes, base64url.
    pub x: String,
    /// Y coordinate, 32 bytes, base64url.
    pub y: String,
}

/// Why a JWK was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwkError(pub String);

impl std::fmt::Display for JwkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PublicJwk {
    /// Reads a JWK object.
    pub fn from_json(v: &Value) -> Result<Self, JwkError> {
        let members = v.as_object().ok_or_else(|| JwkError("jwk must be an object".into()))?;
        for (k, _) in members {
            match k.as_str() {
                "kty" | "crv" | "x" | "y" | "key_ops" | "ext" | "alg" | "use" => {}
                "d" => return Err(JwkError("jwk carries a private key (\"d\")".into())),
                other => return Err(JwkError(format!("jwk has an unexpected member \"{other}\""))),
            }
        }
        if v.get("kty").and_then(Value::as_str) != Some("EC") {
            return Err(JwkError("jwk kty must be \"EC\"".into()));
        }
        if v.get("crv").and_then(Value::as_str) != Some("P-256") {
            return Err(JwkError("jwk crv must be \"P-256\"".into()));
        }
        let coord = |name: &str| -> Result<String, JwkError> {
            let s = v.get(name).and_then(Value::as_str).ok_or_else(|| JwkError(format!("jwk lacks \"{name}\"")))?;
            match b64::decode(s) {
                Some(bytes) if bytes.len() == 32 => Ok(s.to_string()),
                _ => Err(JwkError(format!("jwk \"{name}\" is not a 32-byte base64url coordinate"))),
            }
        };
        Ok(Self { x: coord("x")?, y: coord("y")? })
    }

    /// The JWK as a JSON object with its required members only.
    pub fn to_json(&self) -> Value {
        Value::object([
            ("crv", Value::str("P-256")),
            ("kty", Value::str("EC")),
            ("x", Value::str(&self.x)),
            ("y", Value::str(&self.y)),
        ])
    }

    /// The RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, base64url.
    pub fn thumbprint(&self) -> String {
        sha256_b64(self.to_json().to_string().as_bytes())
    }

    /// The uncompressed SEC1 point (0x04 ‖ x ‖ y).
    pub fn sec1(&self) -> Vec<u8> {
        let mut out = vec![4u8];
        out.extend(b64::decode(&self.x).unwrap_or_default());
        out.extend(b64::decode(&self.y).unwrap_or_default());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    #[test]
    fn rfc7638_shape_and_refusals() {
        let x = b64::encode(&[1u8; 32]);
        let y = b64::encode(&[2u8; 32]);
        let jwk = PublicJwk::from_json(
            &parse(&format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{y}","ext":true,"key_ops":["verify"]}}"#))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(jwk.to_json().to_string(), format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#));
        assert_eq!(jwk.thumbprint().len(), 43);
        assert_eq!(jwk.sec1().len(), 65);
        for bad in [
            format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{y}","d":"{x}"}}"#),
            format!(r#"{{"kty":"RSA","crv":"P-256","x":"{x}","y":"{y}"}}"#),
            format!(r#"{{"kty":"EC","crv":"P-384","x":"{x}","y":"{y}"}}"#),
            format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}"}}"#),
            format!(r#"{{"kty":"EC","crv":"P-256","x":"AAAA","y":"{y}"}}"#),
            r#"{"kty":"oct","k":"c2VjcmV0"}"#.to_string(),
        ] {
            assert!(PublicJwk::from_json(&parse(&bad).unwrap()).is_err(), "{bad}");
        }
    }
}
