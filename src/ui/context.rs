//! The one typed context every preference-center component reads: the running widget, its texts,
//! and signals that mirror the [`UiState`](super::state::UiState) parts the view shows (the switches
//! and the latest receipt) for as long as the view lives.

use std::rc::Rc;

use leptos::prelude::*;

use consentry_model::config::{Config, Text};
use consentry_model::consent::Decisions;
use consentry_model::i18n::TextKey;
use consentry_model::session::Gpc;

use super::state::{Change, Watch};
use super::texts::Texts;
use crate::browser::receipts::LatestReceipt;
use crate::browser::runtime::Runtime;

/// `"true"`, for attributes of elements that are otherwise static. Leptos builds a fully static element
/// (only literal attributes and text) from an HTML string through `innerHTML`, which a page requiring
/// Trusted Types refuses; one attribute given as an expression instead of a literal makes the element
/// built with `createElement`. The preference center has no static element for that reason.
pub const TRUE: &str = "true";

/// The shared context of every preference-center component.
#[derive(Clone, Copy)]
pub struct WidgetCtx {
    runtime: StoredValue<Rc<Runtime>, LocalStorage>,
    texts: StoredValue<Rc<Texts>, LocalStorage>,
    /// The switches of the open preference center, before "Save".
    pub draft: RwSignal<Decisions>,
    /// The latest receipt of this browser, once one exists.
    pub latest_receipt: RwSignal<Option<LatestReceipt>>,
    _watch: StoredValue<Watch, LocalStorage>,
}

impl WidgetCtx {
    /// A context for `runtime`, owned by the current reactive owner (its mirroring ends with it).
    pub fn new(runtime: Rc<Runtime>, texts: Rc<Texts>) -> Self {
        let ui = runtime.ui.clone();
        let draft = RwSignal::new(ui.with_draft(Decisions::clone));
        let latest_receipt = RwSignal::new(ui.latest_receipt());
        let mirror = Rc::downgrade(&ui);
        let watch = ui.watch(move |change| {
            let Some(ui) = mirror.upgrade() else { return };
            match change {
                Change::Draft => _ = draft.try_set(ui.with_draft(Decisions::clone)),
                Change::Receipt => _ = latest_receipt.try_set(ui.latest_receipt()),
                Change::Surface | Change::Saved => {}
            }
        });
        Self {
            runtime: StoredValue::new_local(runtime),
            texts: StoredValue::new_local(texts),
            draft,
            latest_receipt,
            _watch: StoredValue::new_local(watch),
        }
    }

    /// Runs one runtime method (an interaction).
    pub fn act(&self, f: impl FnOnce(&Runtime)) {
        if let Some(runtime) = self.runtime.try_get_value() {
            f(&runtime);
        }
    }

    /// The configuration (shared; `None` only once the view is unmounted).
    pub fn config(&self) -> Option<Rc<Config>> {
        self.runtime.try_with_value(|r| r.config())
    }

    /// What the Global Privacy Control signal does in this page view.
    pub fn gpc(&self) -> Gpc {
        self.runtime.try_with_value(|r| r.with_session(|s| s.gpc())).unwrap_or_default()
    }

    /// The language of the notice.
    pub fn language(&self) -> String {
        self.texts.try_with_value(|t| t.language().to_string()).unwrap_or_default()
    }

    /// An interface string in the notice's language.
    pub fn t(&self, key: TextKey) -> String {
        self.texts.try_with_value(|t| t.t(key)).unwrap_or_default()
    }

    /// An owner text in the notice's language.
    pub fn text(&self, text: &Text) -> String {
        self.texts.try_with_value(|t| t.text(text).to_string()).unwrap_or_default()
    }
}

/// The fetched context. Every component lives under the preference center's root, which provides it.
pub fn use_widget() -> WidgetCtx {
    expect_context::<WidgetCtx>()
}
