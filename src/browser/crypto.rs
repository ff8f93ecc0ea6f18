//! This browser's signing key and ES256 signatures, through WebCrypto.
//!
//! The P-256 key pair is generated with `extractable: false` — the private key can sign but can never
//! be read out — and kept in IndexedDB (`consentry` database, `keys` store), never in localStorage,
//! so the same key signs every receipt of this browser. WebCrypto's ECDSA signature is the 64-byte
//! `r ‖ s` that JWS ES256 expects. Where IndexedDB is unavailable a key lives for the page view only
//! (receipts are still signed; the chain restarts), and the console says so.

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

use consentry_model::contract::{KEY_DB, KEY_ID, KEY_STORE};
use consentry_model::json;
use consentry_receipt::PublicJwk;

use super::error::{window, BrowserError};
use super::{console, idb};

/// Why a key could not be had or a signature made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// WebCrypto (or IndexedDB, while storing the key) failed or is missing.
    #[error("{0}")]
    Browser(#[from] BrowserError),
    /// The stored value is not a key pair of `CryptoKey`s.
    #[error("stored key is not a CryptoKey")]
    NotACryptoKey,
    /// The private key could be read out: never used.
    #[error("refusing an extractable private key")]
    Extractable,
    /// WebCrypto's signature is not the 64-byte `r ‖ s`.
    #[error("unexpected ECDSA signature length {0}")]
    SignatureLength(usize),
    /// Another tab's key was expected after ours could not be added, and there is none.
    #[error("could not store the signing key")]
    NotStored,
    /// The exported public key is not a P-256 JWK.
    #[error("{0}")]
    PublicKey(String),
}

type Result<T> = std::result::Result<T, CryptoError>;

/// This browser's signing key.
#[derive(Clone)]
pub struct SigningKey {
    private: CryptoKey,
    /// The public key, as embedded in every receipt's header.
    pub jwk: PublicJwk,
}

fn subtle() -> Result<SubtleCrypto> {
    Ok(window()?.crypto().map_err(BrowserError::from)?.subtle())
}

fn algorithm(pairs: &[(&str, &str)]) -> Result<Object> {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), &(*v).into()).map_err(BrowserError::from)?;
    }
    Ok(o)
}

/// Awaits a WebCrypto promise.
async fn settle(promise: std::result::Result<js_sys::Promise, JsValue>) -> Result<JsValue> {
    let promise = promise.map_err(BrowserError::from)?;
    Ok(JsFuture::from(promise).await.map_err(BrowserError::from)?)
}

/// Loads the key from IndexedDB, or generates and stores one.
pub async fn load_or_create() -> Result<SigningKey> {
    match idb::open(KEY_DB, KEY_STORE).await {
        Ok(db) => {
            let pair = match idb::get(&db, KEY_STORE, KEY_ID).await? {
                Some(pair) => pair,
                None => {
                    // `add` fails if another tab stored a key first; then that key is the one to use.
                    let fresh = generate().await?;
                    match idb::add(&db, KEY_STORE, KEY_ID, &fresh).await {
                        Ok(()) => fresh,
                        Err(_) => idb::get(&db, KEY_STORE, KEY_ID).await?.ok_or(CryptoError::NotStored)?,
                    }
                }
            };
            key_from_pair(&pair).await
        }
        Err(e) => {
            console::warn(&format!(
                "IndexedDB is unavailable ({e}); receipts are signed with a key that lasts for this page only"
            ));
            let pair = generate().await?;
            key_from_pair(&pair).await
        }
    }
}

async fn generate() -> Result<JsValue> {
    let alg = algorithm(&[("name", "ECDSA"), ("namedCurve", "P-256")])?;
    let usages = Array::of2(&"sign".into(), &"verify".into());
    settle(subtle()?.generate_key_with_object(&alg, false, &usages)).await
}

fn crypto_key(pair: &JsValue, which: &str) -> Result<CryptoKey> {
    Reflect::get(pair, &which.into()).map_err(BrowserError::from)?.dyn_into().map_err(|_| CryptoError::NotACryptoKey)
}

async fn key_from_pair(pair: &JsValue) -> Result<SigningKey> {
    let private = crypto_key(pair, "privateKey")?;
    let public = crypto_key(pair, "publicKey")?;
    if private.extractable() {
        return Err(CryptoError::Extractable);
    }
    let exported = settle(subtle()?.export_key("jwk", &public)).await?;
    // The four members are read one by one as the exported object's own strings, never through the
    // page's `JSON.stringify` (a page may have replaced it, or added `toJSON` to Object.prototype).
    let mut members = Vec::with_capacity(4);
    for name in ["kty", "crv", "x", "y"] {
        let own = Object::get_own_property_descriptor(exported.unchecked_ref::<Object>(), &name.into());
        let value = Reflect::get(&own, &"value".into()).ok().and_then(|v| v.as_string());
        let value =
            value.ok_or_else(|| CryptoError::PublicKey(format!("the exported key has no string \"{name}\"")))?;
        members.push((name.to_string(), json::Value::String(value)));
    }
    let jwk = PublicJwk::from_json(&json::Value::Object(members)).map_err(|e| CryptoError::PublicKey(e.to_string()))?;
    Ok(SigningKey { private, jwk })
}

impl SigningKey {
    /// ES256 over `data`: the 64-byte `r ‖ s`, with `s` normalised to the low half.
    pub async fn sign(&self, data: &[u8]) -> Result<Vec<u8>> {
        let alg = algorithm(&[("name", "ECDSA"), ("hash", "SHA-256")])?;
        let sig = settle(subtle()?.sign_with_object_and_u8_array(&alg, &self.private, data)).await?;
        let bytes = Uint8Array::new(&sig).to_vec();
        let mut signature: [u8; 64] =
            bytes.as_slice().try_into().map_err(|_| CryptoError::SignatureLength(bytes.len()))?;
        // WebCrypto's `s` may be in either half; receipt servers accept only the low one.
        consentry_receipt::signature::normalize_low_s(&mut signature);
        Ok(signature.to_vec())
    }
}
