//! Offering the visitor a file: a `Blob`, an object URL and a click on a detached `<a download>`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::error::{document, BrowserError};

/// Offers `text` as a JSON file called `name`.
pub fn offer_json(name: &str, text: &str) -> Result<(), BrowserError> {
    let document = document()?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
