//! The code-splitting point of the cookie storage mode (`storage: "cookie"`): the cookie codec,
//! domain probing and the reconciliation of duplicates are fetched as their own chunk, before the
//! stored choice is read, and only on sites in cookie mode; a site in `"local"` mode never loads it.
//!
//! With the `split` feature (the shipped build) [`open_task`] is a `#[wasm_split]` point; without it
//! it runs directly (tests, dev builds). A chunk that cannot be loaded is a [`CookieChunkError`]:
//! the choice is then kept in memory for the page view, as when cookies are blocked.
#![allow(unsafe_code)] // What `#[wasm_split]` expands to: extern "C" declarations of the chunk's exports.

use consentry_model::config::CookieDomain;

use super::Opened;

/// The cookie chunk could not be fetched or instantiated; the browser's console has the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the cookie storage code could not be loaded (the browser console has the details)")]
pub struct CookieChunkError;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for CookieChunkError {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        CookieChunkError
    }
}

/// Opens the cookie jar (see [`super::open_jar`]); its code lives in the chunk.
#[cfg_attr(feature = "split", wasm_split_helpers::wasm_split(cookies, fallible))]
pub fn open_task(domain: CookieDomain) -> Result<Opened, CookieChunkError> {
    Ok(super::open_jar(&domain))
}

/// Opens the cookie jar once the chunk is there.
pub async fn open(domain: CookieDomain) -> Result<Opened, CookieChunkError> {
    #[cfg(feature = "split")]
    let opened = open_task(domain).await?;
    #[cfg(not(feature = "split"))]
    let opened = open_task(domain)?;
    Ok(opened)
}
