//! An event listener that is removed when dropped, so an unmounted widget leaves nothing behind.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::error::BrowserError;

/// A listener for `kind` events on `target`, live until dropped.
pub struct Listener {
    target: web_sys::EventTarget,
    kind: &'static str,
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

impl Listener {
    /// Adds `f` as a listener for `kind` on `target`.
    pub fn new(
        target: &web_sys::EventTarget,
        kind: &'static str,
        f: impl FnMut(web_sys::Event) + 'static,
    ) -> Result<Listener, BrowserError> {
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(f);
        target.add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref())?;
        Ok(Listener { target: target.clone(), kind, callback })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
