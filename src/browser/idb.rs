//! The little of IndexedDB the signing key needs: open a database with one object store, get and
//! add one value, each request turned into a future.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

use super::error::{window, BrowserError};

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

/// Opens (version 1 of) database `name`, creating object store `store` on first use.
pub async fn open(name: &str, store: &'static str) -> Result<IdbDatabase, BrowserError> {
    let factory = window()?.indexed_db()?.ok_or(BrowserError::Unexpected("indexedDB is not available"))?;
    let open = factory.open_with_u32(name, 1)?;
    let upgrade = Closure::once_into_js({
        let open = open.clone();
        move || {
            if let Ok(db) = open.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                if !db.object_store_names().contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db = JsFuture::from(request(&open)).await?;
    db.dyn_into().map_err(|_| BrowserError::Unexpected("not a database"))
}

/// The value under `key` in `store`, if any.
pub async fn get(db: &IdbDatabase, store: &str, key: &str) -> Result<Option<JsValue>, BrowserError> {
    let tx = db.transaction_with_str_and_mode(store, IdbTransactionMode::Readonly)?;
    let req = tx.object_store(store)?.get(&key.into())?;
    let v = JsFuture::from(request(&req)).await?;
    Ok(if v.is_undefined() || v.is_null() { None } else { Some(v) })
}

/// Adds `value` under `key`; fails if the key is already there.
pub async fn add(db: &IdbDatabase, store: &str, key: &str, value: &JsValue) -> Result<(), BrowserError> {
    let tx = db.transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)?;
    let req = tx.object_store(store)?.add_with_key(value, &key.into())?;
    JsFuture::from(request(&req)).await?;
    Ok(())
}
