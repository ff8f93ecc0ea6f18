//! Every name the host page can see, written once: the ids of the host element and of the inline
//! configuration, the `data-*` attributes a site owner writes or a script may read, the DOM events,
//! the `data-action` values of the widget's buttons, the global, and the storage keys.
//!
//! These names are a public contract (documented in README and `docs/design-notes.md`, relied on by
//! site owners' scripts and by the end-to-end tests): change one and you break someone's page.
//! `src/loader.js` repeats the few it needs before the module runs (`data-config`, `consentry:error`).

/// The id of the element the widget mounts in (its open shadow root holds the whole UI).
pub const HOST_ID: &str = "consentry";
/// The id of the inline configuration: `<script type="application/json" id="consentry-config">`.
pub const CONFIG_ID: &str = "consentry-config";
/// The global the JavaScript API lives on: `window.consentry`.
pub const GLOBAL: &str = "consentry";

/// Attribute that turns any element of the page into a control that opens the preference center.
pub const ATTR_OPEN: &str = "data-consentry-open";
/// Attribute naming what a gated script or iframe waits for: a purpose id or `purpose/service`.
pub const ATTR_CONSENT: &str = "data-consent";
/// Marks a gated element the widget has already activated (it never runs twice).
pub const ATTR_DONE: &str = "data-consentry-done";
/// On a gated `<iframe>`: the `src` it gets once consent is granted.
pub const ATTR_SRC: &str = "data-src";
/// On a gated `<script>`: the `type` its live copy gets (default: a classic script).
pub const ATTR_TYPE: &str = "data-type";
// The components write the next four in `view!`, which takes attribute names only as literals; the
// browser tests select with these constants (the end-to-end tests with the same names), so a renamed
// literal fails them.

/// On every button of the widget: its [`UiAction`].
pub const ATTR_ACTION: &str = "data-action";
/// On a purpose's switch: the purpose id.
pub const ATTR_PURPOSE: &str = "data-purpose";
/// On a service's switch: `purpose/service`.
pub const ATTR_SERVICE: &str = "data-service";
/// On the latest receipt's id in the preference center.
pub const ATTR_RECEIPT_ID: &str = "data-receipt-id";

/// Gated scripts not yet activated.
pub const GATED_SCRIPTS: &str = "script[type=\"text/plain\"][data-consent]:not([data-consentry-done])";
/// Gated iframes not yet activated.
pub const GATED_IFRAMES: &str = "iframe[data-consent][data-src]:not([data-consentry-done])";
/// Marked for gating but not inert, so it runs or loads before any consent: a script whose `type` is
/// not `text/plain`, an iframe with a `src`. The widget can only warn about these.
pub const MISGATED: &str = "script[data-consent]:not([type=\"text/plain\"]):not([data-consentry-done]), \
                            iframe[data-consent][src]:not([data-consentry-done])";

/// The `data-type` values a gated script may become: a classic script (no `data-type`,
/// `text/javascript`, `application/javascript`) or a module. Anything else (`text/plain` would match
/// the gate again, `text/html` would never run) is refused.
pub fn runnable_script_type(data_type: Option<&str>) -> bool {
    match data_type.map(|t| t.trim().to_ascii_lowercase()) {
        None => true,
        Some(t) => matches!(t.as_str(), "" | "text/javascript" | "application/javascript" | "module"),
    }
}

/// Whether a gated element may load `protocol` (a URL's scheme with its colon, as the browser's URL
/// parser gives it, after resolving against the page): only `http:` and `https:`. `javascript:` would
/// run in the page's origin, `data:` and `blob:` carry content no consent was asked for.
pub fn loadable_protocol(protocol: &str) -> bool {
    matches!(protocol, "http:" | "https:")
}

/// `localStorage` key of the visitor's choice (see `record`).
pub const CHOICE_KEY: &str = "consentry";
/// `localStorage` key of this browser's receipt log (see `receipt_log`).
pub const RECEIPTS_KEY: &str = "consentry.receipts";
/// IndexedDB database that keeps the signing key.
pub const KEY_DB: &str = "consentry";
/// Object store of [`KEY_DB`].
pub const KEY_STORE: &str = "keys";
/// The signing key's entry in [`KEY_STORE`].
pub const KEY_ID: &str = "receipt-signing-key";
/// The file name of the visitor's receipt download.
pub const RECEIPTS_FILE: &str = "consent-receipts.json";

/// The events the widget dispatches on `document`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventName {
    /// After every decision, and once at start-up when a stored choice is applied.
    Change,
    /// A refused configuration or another failure.
    Error,
    /// The widget is mounted and `window.consentry` is ready.
    Ready,
}

impl EventName {
    /// Every event, in a fixed order.
    pub const ALL: [EventName; 3] = [EventName::Change, EventName::Error, EventName::Ready];

    /// The DOM event type.
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::Change => "consentry:change",
            EventName::Error => "consentry:error",
            EventName::Ready => "consentry:ready",
        }
    }
}

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
    /// Every action, in a fixed order.
    pub const ALL: [UiAction; 7] = [
        UiAction::AcceptAll,
        UiAction::RejectAll,
        UiAction::Customize,
        UiAction::Save,
        UiAction::OpenPreferences,
        UiAction::Close,
        UiAction::DownloadReceipts,
    ];

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

    /// A selector for this action's button.
    pub fn selector(self) -> String {
        format!("[{ATTR_ACTION}=\"{}\"]", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choice::Action;

    #[test]
    fn the_decision_buttons_carry_the_names_receipts_record() {
        // A button's data-action and the receipt's collectionMethod action are the same word.
        assert_eq!(UiAction::AcceptAll.as_str(), Action::AcceptAll.name());
        assert_eq!(UiAction::RejectAll.as_str(), Action::RejectAll.name());
        assert_eq!(UiAction::Save.as_str(), Action::Save.name());
    }

    #[test]
    fn action_names_are_unique() {
        let mut names: Vec<&str> = UiAction::ALL.iter().map(|a| a.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), UiAction::ALL.len());
    }

    #[test]
    fn only_scripts_and_web_urls_may_be_activated() {
        for t in [None, Some(""), Some("text/javascript"), Some(" Module "), Some("application/javascript")] {
            assert!(runnable_script_type(t), "{t:?}");
        }
        for t in ["text/plain", "text/html", "application/json", "importmap", "text/plain; x"] {
            assert!(!runnable_script_type(Some(t)), "{t}");
        }
        assert!(loadable_protocol("https:") && loadable_protocol("http:"));
        for p in ["javascript:", "data:", "blob:", "file:", "about:", "vbscript:", ""] {
            assert!(!loadable_protocol(p), "{p}");
        }
    }

    #[test]
    fn selectors_name_the_attributes_they_select_on() {
        for selector in [GATED_SCRIPTS, GATED_IFRAMES] {
            assert!(selector.contains(&format!("[{ATTR_CONSENT}]")), "{selector}");
            assert!(selector.contains(&format!(":not([{ATTR_DONE}])")), "{selector}");
        }
        assert!(GATED_IFRAMES.contains(&format!("[{ATTR_SRC}]")));
        assert_eq!(UiAction::Close.selector(), "[data-action=\"close\"]");
    }

    #[test]
    fn events_are_namespaced() {
        assert!(EventName::ALL.iter().all(|e| e.as_str().starts_with("consentry:")));
    }
}
