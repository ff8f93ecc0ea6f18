//! This browser's signing key and ES256 signatures, through WebCrypto.
//!
//! The P-256 key pair is generated with `extractable: false` — the private key can sign but can never
//! be read out — and kept in IndexedDB (`consentry` database, `keys` store), never in localStorage,
//! so the same key signs every receipt of this browser. WebCrypto's ECDSA signature is the 64-byte
//! `r ‖ s` that JWS ES256 expects. Where IndexedDB is unavailable a key lives for the page view only
//! (receipts are still signed; the chain restarts), and the console says so.

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, IdbDatabase, IdbRequest, IdbTransactionMode, SubtleCrypto};

use consentry_receipt::json;
use consentry_receipt::PublicJwk;

use crate::events;

const DB: &str = "consentry";
const STORE: &str = "keys";
const KEY_ID: &str = "receipt-signing-key";

/// A crypto failure, described for the console.
#[derive(Debug, Clone)]
pub struct CryptoError(pub String);

impl From<JsValue> for CryptoError {
    fn from(v: JsValue) -> Self {
        CryptoError(events::describe(&v))
    }
}

type Result<T> = std::result::Result<T, CryptoError>;

/// This browser's signing key.
#[derive(Clone)]
pub struct SigningKey {
    private: CryptoKey,
    /// The public key, as embedded in every receipt's header.
    pub jwk: PublicJwk,
    /// Whether the key is kept in IndexedDB (false: this page view only).
    pub persistent: bool,
}

fn subtle() -> Result<SubtleCrypto> {
    let window = web_sys::window().ok_or_else(|| CryptoError("no window".into()))?;
    Ok(window.crypto()?.subtle())
}

fn algorithm(pairs: &[(&str, &str)]) -> Result<Object> {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), &(*v).into())?;
    }
    Ok(o)
}

/// Loads the key from IndexedDB, or generates and stores one.
pub async fn load_or_create() -> Result<SigningKey> {
    match open_db().await {
        Ok(db) => {
            let pair = match get(&db).await? {
                Some(pair) => pair,
                None => {
                    // `add` fails if another tab stored a key first; then that key is the one to use.
                    let fresh = generate().await?;
                    match add(&db, &fresh).await {
                        Ok(()) => fresh,
                        Err(_) => {
                            get(&db).await?.ok_or_else(|| CryptoError("could not store the signing key".into()))?
                        }
                    }
                }
            };
            key_from_pair(&pair, true).await
        }
        Err(e) => {
            events::warn(&format!(
                "IndexedDB is unavailable ({}); receipts are signed with a key that lasts for this page only",
                e.0
            ));
            let pair = generate().await?;
            key_from_pair(&pair, false).await
        }
    }
}

async fn generate() -> Result<JsValue> {
    let alg = algorithm(&[("name", "ECDSA"), ("namedCurve", "P-256")])?;
    let usages = Array::of2(&"sign".into(), &"verify".into());
    Ok(JsFuture::from(subtle()?.generate_key_with_object(&alg, false, &usages)?).await?)
}

async fn key_from_pair(pair: &JsValue, persistent: bool) -> Result<SigningKey> {
    let private: CryptoKey = Reflect::get(pair, &"privateKey".into())?
        .dyn_into()
        .map_err(|_| CryptoError("stored key is not a CryptoKey".into()))?;
    let public: CryptoKey = Reflect::get(pair, &"publicKey".into())?
        .dyn_into()
        .map_err(|_| CryptoError("stored key is not a CryptoKey".into()))?;
    if private.extractable() {
        return Err(CryptoError("refusing an extractable private key".into()));
    }
    let exported = JsFuture::from(subtle()?.export_key("jwk", &public)?).await?;
    let text: String = js_sys::JSON::stringify(&exported)?.into();
    let value = json::parse(&text).map_err(|e| CryptoError(e.to_string()))?;
    let jwk = PublicJwk::from_json(&value).map_err(|e| CryptoError(e.0))?;
    Ok(SigningKey { private, jwk, persistent })
}

impl SigningKey {
    /// ES256 over `data`: the 64-byte `r ‖ s`.
    pub async fn sign(&self, data: &[u8]) -> Result<Vec<u8>> {
        let alg = algorithm(&[("name", "ECDSA"), ("hash", "SHA-256")])?;
        let sig = JsFuture::from(subtle()?.sign_with_object_and_u8_array(&alg, &self.private, data)?).await?;
        let bytes = Uint8Array::new(&sig).to_vec();
        if bytes.len() != 64 {
            return Err(CryptoError(format!("unexpected ECDSA signature length {}", bytes.len())));
        }
        Ok(bytes)
    }
}

/// Turns an IndexedDB request into a promise of its result.
fn request(req: &IdbRequest) -> Promise {
    let req = req.clone();
    Promise::new(&mut |resolve, reject| {
        let r = req.clone();
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
        });
        let r = req.clone();
        let fail = Closure::once_into_js(move || {
            let e = r.error().ok().flatten().map(JsValue::from).unwrap_or_else(|| "IndexedDB request failed".into());
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(fail.unchecked_ref()));
    })
}

async fn open_db() -> Result<IdbDatabase> {
    let window = web_sys::window().ok_or_else(|| CryptoError("no window".into()))?;
    let factory = window.indexed_db()?.ok_or_else(|| CryptoError("indexedDB is not available".into()))?;
    let open = factory.open_with_u32(DB, 1)?;
    let upgrade = Closure::once_into_js({
        let open = open.clone();
        move || {
            if let Ok(db) = open.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                if !db.object_store_names().contains(STORE) {
                    let _ = db.create_object_store(STORE);
                }
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db = JsFuture::from(request(&open)).await?;
    db.dyn_into().map_err(|_| CryptoError("not a database".into()))
}

async fn get(db: &IdbDatabase) -> Result<Option<JsValue>> {
    let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readonly)?;
    let req = tx.object_store(STORE)?.get(&KEY_ID.into())?;
    let v = JsFuture::from(request(&req)).await?;
    Ok(if v.is_undefined() || v.is_null() { None } else { Some(v) })
}

async fn add(db: &IdbDatabase, pair: &JsValue) -> Result<()> {
    let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?;
    let req = tx.object_store(STORE)?.add_with_key(pair, &KEY_ID.into())?;
    JsFuture::from(request(&req)).await?;
    Ok(())
}
