//! The one typed context every component reads: the running widget, its configuration (shared, never
//! copied), the notice's language and the reactive state.

use std::rc::Rc;

use leptos::prelude::*;

use consentry_model::config::{Config, Text};
use consentry_model::i18n::TextKey;

use super::state::UiState;
use crate::browser::receipts::LatestReceipt;
use crate::browser::runtime::Runtime;

/// The shared context of every component.
#[derive(Clone, Copy)]
pub struct WidgetCtx {
    runtime: StoredValue<Rc<Runtime>, LocalStorage>,
    config: StoredValue<Rc<Config>, LocalStorage>,
    language: StoredValue<String, LocalStorage>,
    /// The reactive state.
    pub ui: UiState,
}

impl WidgetCtx {
    /// A context for `runtime`.
    pub fn new(runtime: Rc<Runtime>) -> Self {
        let ui = runtime.ui;
        let config = runtime.config();
        let language = runtime.with_session(|s| s.language().to_string());
        Self {
            runtime: StoredValue::new_local(runtime),
            config: StoredValue::new_local(config),
            language: StoredValue::new_local(language),
            ui,
        }
    }

    /// Runs one runtime method (an interaction).
    pub fn act(&self, f: impl FnOnce(&Runtime)) {
        if let Some(runtime) = self.runtime.try_get_value() {
            f(&runtime);
        }
    }

    /// Reads from the runtime (`None` only once the widget is unmounted).
    pub fn act_with<R>(&self, f: impl FnOnce(&Runtime) -> R) -> Option<R> {
        self.runtime.try_get_value().map(|runtime| f(&runtime))
    }

    /// The configuration (shared; `None` only once the widget is unmounted).
    pub fn config(&self) -> Option<Rc<Config>> {
        self.config.try_get_value()
    }

    /// The language of the notice.
    pub fn language(&self) -> String {
        self.language.try_get_value().unwrap_or_default()
    }

    /// An interface string in the notice's language.
    pub fn t(&self, key: TextKey) -> String {
        let lang = self.language();
        self.config.try_with_value(|c| c.ui_text(key, &lang)).unwrap_or_default()
    }

    /// An owner text in the notice's language.
    pub fn text(&self, text: &Text) -> String {
        let lang = self.language();
        self.config.try_with_value(|c| c.text(text, &lang).to_string()).unwrap_or_default()
    }

    /// The latest receipt (reactive).
    pub fn latest_receipt(&self) -> Option<LatestReceipt> {
        self.ui.latest_receipt.get()
    }
}

/// The fetched context. Every component lives under [`super::Widget`], which provides it.
pub fn use_widget() -> WidgetCtx {
    expect_context::<WidgetCtx>()
}
