//! The widget's Leptos components: the banner (first layer), the preference center, the switches and
//! the persistent control. Components render the [`UiState`] and call one [`App`] method per
//! interaction; they decide nothing.
//!
//! Parts: `banner.rs`, `preferences.rs` (the dialog and its focus handling), `purpose.rs` (one purpose
//! with its services), `receipt_info.rs` (the latest receipt and the download), `switch.rs`, `floating.rs`.

mod banner;
mod floating;
mod preferences;
mod purpose;
mod receipt_info;
mod switch;

use std::rc::Rc;

use leptos::prelude::*;

pub use banner::Banner;
pub use floating::Floating;
pub use preferences::Preferences;
pub use purpose::PurposeItem;
pub use receipt_info::ReceiptInfo;
pub use switch::Switch;

use crate::app::{App, Surface, UiState};
use crate::config::{Config, FloatingButton, Text, Theme};
use crate::i18n::{self, TextKey};

/// The `data-action` values of the widget's buttons: a stable contract for site owners' scripts and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiAction {
    /// Accept every purpose.
    AcceptAll,
    /// Refuse every optional purpose.
    RejectAll,
    /// Open the preference center from the banner.
    Customize,
    /// Save the preference center's switches.
    Save,
    /// The persistent control.
    OpenPreferences,
    /// Close the preference center without deciding.
    Close,
    /// Download this browser's consent receipts.
    DownloadReceipts,
}

impl UiAction {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            UiAction::AcceptAll => "accept-all",
            UiAction::RejectAll => "reject-all",
            UiAction::Customize => "customize",
            UiAction::Save => "save",
            UiAction::OpenPreferences => "open-preferences",
            UiAction::Close => "close",
            UiAction::DownloadReceipts => "download-receipts",
        }
    }
}

/// The shared context of every component: the running app and its reactive state.
#[derive(Clone, Copy)]
pub struct WidgetCtx {
    app: StoredValue<Rc<App>, LocalStorage>,
    /// The reactive state.
    pub ui: UiState,
}

impl WidgetCtx {
    /// A context for `app`.
    pub fn new(app: Rc<App>) -> Self {
        let ui = app.ui;
        Self { app: StoredValue::new_local(app), ui }
    }

    /// Runs one app method (an interaction).
    pub fn act(&self, f: impl FnOnce(&App)) {
        if let Some(app) = self.app.try_get_value() {
            f(&app);
        }
    }

    fn read<R>(&self, f: impl FnOnce(&Config, &str) -> R) -> Option<R> {
        self.app.try_get_value().map(|app| app.with_session(|s| f(s.config(), s.language())))
    }

    /// An interface string in the notice's language.
    pub fn t(&self, key: TextKey) -> String {
        self.read(|c, lang| c.ui_text(key, lang)).unwrap_or_default()
    }

    /// An owner text in the notice's language.
    pub fn text(&self, text: &Text) -> String {
        self.read(|c, lang| c.text(text, lang).to_string()).unwrap_or_default()
    }

    /// A copy of the configuration (read once, when a component is created).
    pub fn config(&self) -> Option<Config> {
        self.read(|c, _| c.clone())
    }

    /// The latest receipt (reactive).
    pub fn latest_receipt(&self) -> Option<crate::receipts::Latest> {
        self.app.try_get_value().and_then(|app| app.receipts.latest.get())
    }

    /// The language of the notice.
    pub fn language(&self) -> String {
        self.read(|_, lang| lang.to_string()).unwrap_or_default()
    }
}

/// The fetched context. Every component lives under [`Widget`], which provides it.
pub fn use_widget() -> WidgetCtx {
    expect_context::<WidgetCtx>()
}

/// A button of the widget: every button shares one class, so accept and reject cannot be styled apart.
pub fn action_button(action: UiAction, label: String, on_click: impl Fn() + 'static) -> impl IntoView {
    view! {
        <button type="button" class="cs-btn" data-action=action.as_str() on:click=move |_| on_click()>
            {label}
        </button>
    }
}

/// The root component: provides the context and shows the surface in force.
#[component]
pub fn Widget(
    /// The running app and its state.
    ctx: WidgetCtx,
) -> impl IntoView {
    provide_context(ctx);
    let lang = ctx.language();
    let dir = if i18n::is_rtl(&lang) { "rtl" } else { "ltr" };
    let config = ctx.config();
    let theme = match config.as_ref().map(|c| c.ui.theme) {
        Some(Theme::Light) => "cs-root cs-light",
        Some(Theme::Dark) => "cs-root cs-dark",
        _ => "cs-root cs-auto",
    };
    let floating = config.map(|c| c.ui.floating_button).unwrap_or_default();
    let surface = ctx.ui.surface;
    view! {
        <div class=theme lang=lang dir=dir>
            {move || match surface.get() {
                Surface::Banner => view! { <Banner /> }.into_any(),
                Surface::Preferences => view! { <Preferences /> }.into_any(),
                Surface::Closed => ().into_any(),
            }}
            {(floating != FloatingButton::Hidden).then(|| view! {
                <Floating right=floating == FloatingButton::BottomRight />
            })}
        </div>
    }
}
