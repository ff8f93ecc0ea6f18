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

/// Why a JWK was refused. The `Display` text is the message receipt servers send back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwkError {
    /// There is no `jwk` where one is required (a JWS protected header without it).
    Absent,
    /// The JWK is not a JSON object.
    NotAnObject,
    /// The JWK carries private key material (`d`).
    PrivateKey,
    /// A member outside `kty`, `crv`, `x`, `y` and the informational `key_ops`, `ext`, `alg`, `use`.
    UnexpectedMember(String),
    /// `kty` is not `"EC"`.
    KeyType,
    /// `crv` is not `"P-256"`.
    Curve,
    /// The coordinate (`"x"` or `"y"`) is missing or not a string.
    MissingCoordinate(&'static str),
    /// The coordinate (`"x"` or `"y"`) is not 32 bytes of base64url.
    BadCoordinate(&'static str),
    /// The coordinates are not a point on P-256.
    NotOnCurve,
}

impl std::fmt::Display for JwkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwkError::Absent => f.write_str("missing"),
            JwkError::NotAnObject => f.write_str("jwk must be an object"),
            JwkError::PrivateKey => f.write_str("jwk carries a private key (\"d\")"),
            JwkError::UnexpectedMember(m) => write!(f, "jwk has an unexpected member {m:?}"),
            JwkError::KeyType => f.write_str("jwk kty must be \"EC\""),
            JwkError::Curve => f.write_str("jwk crv must be \"P-256\""),
            JwkError::MissingCoordinate(c) => write!(f, "jwk lacks \"{c}\""),
            JwkError::BadCoordinate(c) => write!(f, "jwk \"{c}\" is not a 32-byte base64url coordinate"),
            JwkError::NotOnCurve => f.write_str("not a point on P-256"),
        }
    }
}

impl std::error::Error for JwkError {}

impl PublicJwk {
    /// Reads a JWK object.
    pub fn from_json(v: &Value) -> Result<Self, JwkError> {
        let members = v.as_object().ok_or(JwkError::NotAnObject)?;
        for (k, _) in members {
            match k.as_str() {
                "kty" | "crv" | "x" | "y" | "key_ops" | "ext" | "alg" | "use" => {}
                "d" => return Err(JwkError::PrivateKey),
                other => return Err(JwkError::UnexpectedMember(other.to_string())),
            }
        }
        if v.get("kty").and_then(Value::as_str) != Some("EC") {
            return Err(JwkError::KeyType);
        }
        if v.get("crv").and_then(Value::as_str) != Some("P-256") {
            return Err(JwkError::Curve);
        }
        let coord = |name: &'static str| -> Result<String, JwkError> {
            let s = v.get(name).and_then(Value::as_str).ok_or(JwkError::MissingCoordinate(name))?;
            match b64::decode(s) {
                Some(bytes) if bytes.len() == 32 => Ok(s.to_string()),
                _ => Err(JwkError::BadCoordinate(name)),
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

    #[test]
    fn each_refusal_has_its_reason_and_message() {
        let x = b64::encode(&[1u8; 32]);
        let y = b64::encode(&[2u8; 32]);
        let cases = [
            ("[]".to_string(), JwkError::NotAnObject, "jwk must be an object"),
            (
                format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{y}","d":"{x}"}}"#),
                JwkError::PrivateKey,
                "jwk carries a private key (\"d\")",
            ),
            (
                format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{y}","kid":"1"}}"#),
                JwkError::UnexpectedMember("kid".into()),
                "jwk has an unexpected member \"kid\"",
            ),
            (
                format!(r#"{{"kty":"RSA","crv":"P-256","x":"{x}","y":"{y}"}}"#),
                JwkError::KeyType,
                "jwk kty must be \"EC\"",
            ),
            (
                format!(r#"{{"kty":"EC","crv":"P-384","x":"{x}","y":"{y}"}}"#),
                JwkError::Curve,
                "jwk crv must be \"P-256\"",
            ),
            (format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}"}}"#), JwkError::MissingCoordinate("y"), "jwk lacks \"y\""),
            (
                format!(r#"{{"kty":"EC","crv":"P-256","x":"AAAA","y":"{y}"}}"#),
                JwkError::BadCoordinate("x"),
                "jwk \"x\" is not a 32-byte base64url coordinate",
            ),
        ];
        for (src, reason, message) in cases {
            let e = PublicJwk::from_json(&parse(&src).unwrap()).unwrap_err();
            assert_eq!((&e, e.to_string().as_str()), (&reason, message), "{src}");
        }
    }
}
