//! What a withdrawal removes: the cookies of every service that is not granted, deleted on the host
//! and each parent domain, on the root path and each ancestor of the current path (with and without
//! a trailing slash), and on a secure page also as `Secure` and `Secure; Partitioned` cookies (the
//! candidates come from `consentry_model::cookies`). Only cookies visible to the page can be deleted.

use wasm_bindgen::JsCast;

use consentry_model::cookies::{candidate_domains, candidate_paths, cookie_names, deletions, CookiePattern};

/// Deletes every cookie whose name matches one of `patterns`.
pub fn clear(patterns: &[CookiePattern]) {
    if patterns.is_empty() {
        return;
    }
    let Some(doc) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    else {
        return;
    };
    let Ok(all) = doc.cookie() else { return };
    let location = web_sys::window().map(|w| w.location());
    let host = location.as_ref().and_then(|l| l.hostname().ok()).unwrap_or_default();
    let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_else(|| "/".into());
    let (paths, domains) = (candidate_paths(&path), candidate_domains(&host));
    let secure = web_sys::window().is_some_and(|w| w.is_secure_context());
    // The widget's own cookie (`storage: "cookie"`) is never a service's, whatever a pattern says.
    let own = |n: &&str| *n == consentry_model::record::STORAGE_KEY;
    for name in cookie_names(&all).filter(|n| !own(n) && patterns.iter().any(|p| p.matches(n))) {
        for assignment in deletions(name, &paths, &domains, secure) {
            let _ = doc.set_cookie(&assignment);
        }
    }
}
