//! Where the choice is kept: `localStorage`, or memory when storage is unavailable.
//!
//! Every storage call is checked. Storage may be missing, blocked by the browser's cookie settings,
//! full, or replaced by a page script that throws; in each case the widget falls back to memory for
//! the rest of the page view, so the page still works and the visitor's decision still applies.
//! (gloo-storage was the first choice here, but its `LocalStorage` throws a JS exception from inside
//! the module on exactly these failures, which would abandon the widget mid-call.)

use std::cell::RefCell;

use web_sys::Storage;

pub use consentry_model::session::Backend;

use super::console;
use super::error::describe;

/// A key-value store for one string value per key.
pub struct Store {
    local: RefCell<Option<Storage>>,
    memory: RefCell<Vec<(String, String)>>,
}

impl Store {
    /// Opens `localStorage` if it can be used, else memory.
    pub fn open() -> Self {
        let local = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        Self { local: RefCell::new(local), memory: RefCell::new(Vec::new()) }
    }

    /// A store that only ever uses memory.
    pub fn memory_only() -> Self {
        Self { local: RefCell::new(None), memory: RefCell::new(Vec::new()) }
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        if self.local.borrow().is_some() {
            Backend::Local
        } else {
            Backend::Memory
        }
    }

    /// Reads `key`. A failing `localStorage` switches the store to memory.
    pub fn get(&self, key: &str) -> Option<String> {
        let local = self.local.borrow().clone();
        if let Some(storage) = local {
            match storage.get_item(key) {
                Ok(value) => return value,
                Err(e) => self.fall_back("read", &e),
            }
        }
        self.memory.borrow().iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    /// Writes `key`. A failing `localStorage` switches the store to memory, keeping the value there.
    pub fn set(&self, key: &str, value: &str) {
        let local = self.local.borrow().clone();
        if let Some(storage) = local {
            match storage.set_item(key, value) {
                Ok(()) => return,
                Err(e) => self.fall_back("write", &e),
            }
        }
        let mut memory = self.memory.borrow_mut();
        memory.retain(|(k, _)| k != key);
        memory.push((key.to_string(), value.to_string()));
    }

    fn fall_back(&self, what: &str, error: &wasm_bindgen::JsValue) {
        self.local.replace(None);
        console::warn(&format!(
            "localStorage could not {what} ({}); the choice is kept in memory for this page only",
            describe(error)
        ));
    }
}
