//! A decision is the visitor's own act: the handlers of accept, reject, save and the switches take
//! only events the browser made for a real gesture (`isTrusted`: a click, a tap, or Enter or Space
//! on the button). A page script's `button.click()` or `dispatchEvent()` inside the open shadow root
//! decides nothing; a site that wants to decide for the visitor calls `window.consentry`, whose
//! decisions are recorded as the `api` method, not as the banner's.

use crate::browser::console;

/// Whether `event` is the visitor's; if not, says in the console why `what` was ignored.
pub fn by_visitor(event: &web_sys::Event, what: &str) -> bool {
    if event.is_trusted() {
        return true;
    }
    console::warn(&format!(
        "ignored a {} on \"{what}\" that the visitor did not make (a script's click()/dispatchEvent()); a decision \
         on the visitor's behalf goes through window.consentry and is recorded as such",
        event.type_()
    ));
    false
}
