//! The widget's lines on the console, always prefixed `consentry:` so a site owner can find them.

/// The prefix of every line and of every `consentry:error` message.
pub const PREFIX: &str = "consentry: ";

/// `console.warn("consentry: …")`.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&format!("{PREFIX}{message}").into());
}

/// `console.error(text)`, `text` already prefixed.
pub(crate) fn error_prefixed(text: &str) {
    web_sys::console::error_1(&text.into());
}
