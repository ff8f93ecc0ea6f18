//! The vocabulary every crate shares: where a decision was made ([`Layer`]), with which button or
//! call ([`Action`]), both together ([`Method`], a receipt's `collectionMethod`), and how a service
//! is named inside a purpose (`purpose/service`, [`service_id`]).
//!
//! Each name is written here once; the widget stores and announces these names, receipts carry them,
//! and the server parses them back with the same functions.

use std::fmt;
use std::str::FromStr;

/// The layer of the notice where a decision was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// The first-layer banner.
    Banner,
    /// The preference center.
    Preferences,
    /// The JavaScript API (`window.consentry.acceptAll()` …).
    Api,
    /// No layer: the state a Global Privacy Control signal alone put in force, with no click
    /// (only with [`Action::OptOut`]).
    Gpc,
}

impl Layer {
    /// Every layer, in a fixed order.
    pub const ALL: [Layer; 4] = [Layer::Banner, Layer::Preferences, Layer::Api, Layer::Gpc];

    /// The name used in storage, events and receipts.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Banner => "banner",
            Layer::Preferences => "preferences",
            Layer::Api => "api",
            Layer::Gpc => "gpc",
        }
    }

    /// Parses a name written by [`Layer::name`].
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == s)
    }
}

/// The button (or call) that made a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Accept all.
    AcceptAll,
    /// Reject all.
    RejectAll,
    /// Save the switches as set.
    Save,
    /// The purposes a Global Privacy Control signal covers are off because of the signal alone
    /// (only with [`Layer::Gpc`]).
    OptOut,
}

impl Action {
    /// Every action, in a fixed order.
    pub const ALL: [Action; 4] = [Action::AcceptAll, Action::RejectAll, Action::Save, Action::OptOut];

    /// The name used in storage, events and receipts (same as the button's `data-action`).
    pub fn name(self) -> &'static str {
        match self {
            Action::AcceptAll => "accept-all",
            Action::RejectAll => "reject-all",
            Action::Save => "save",
            Action::OptOut => "opt-out",
        }
    }

    /// Parses a name written by [`Action::name`].
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == s)
    }
}

/// How a decision was made: which layer, which button. Written `layer:action`
/// (`banner:reject-all`), the receipt's `collectionMethod`. The valid pairs are [`Method::ALL`]:
/// each visitor-facing layer with each button, and `gpc:opt-out` on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Method {
    /// Where.
    pub layer: Layer,
    /// Which button or call.
    pub action: Action,
}

const fn method(layer: Layer, action: Action) -> Method {
    Method { layer, action }
}

impl Method {
    /// The state a Global Privacy Control signal alone put in force (no banner, no click).
    pub const GPC_OPT_OUT: Method = method(Layer::Gpc, Action::OptOut);

    /// Every valid method, in a fixed order (reports and statistics list them so).
    pub const ALL: [Method; 10] = [
        method(Layer::Banner, Action::AcceptAll),
        method(Layer::Banner, Action::RejectAll),
        method(Layer::Banner, Action::Save),
        method(Layer::Preferences, Action::AcceptAll),
        method(Layer::Preferences, Action::RejectAll),
        method(Layer::Preferences, Action::Save),
        method(Layer::Api, Action::AcceptAll),
        method(Layer::Api, Action::RejectAll),
        method(Layer::Api, Action::Save),
        Method::GPC_OPT_OUT,
    ];

    /// Whether a visitor made this decision (everything except [`Method::GPC_OPT_OUT`]).
    pub fn is_visitor_decision(self) -> bool {
        self.layer != Layer::Gpc
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.layer.name(), self.action.name())
    }
}

/// A `collectionMethod` that is not `layer:action` with known names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadMethod;

impl fmt::Display for BadMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "collectionMethod must be layer:action (banner|preferences|api : accept-all|reject-all|save) or gpc:opt-out",
        )
    }
}

impl std::error::Error for BadMethod {}

impl FromStr for Method {
    type Err = BadMethod;

    fn from_str(s: &str) -> Result<Self, BadMethod> {
        let (layer, action) = s.split_once(':').ok_or(BadMethod)?;
        let m = Method {
            layer: Layer::from_name(layer).ok_or(BadMethod)?,
            action: Action::from_name(action).ok_or(BadMethod)?,
        };
        Method::ALL.contains(&m).then_some(m).ok_or(BadMethod)
    }
}

/// The separator between a purpose id and a service id in `purpose/service`.
pub const SERVICE_SEPARATOR: char = '/';

/// Whether `s` is a purpose or service id: 1 to 40 characters among `a-z`, `0-9`, `_` and `-`
/// (the grammar the widget's configuration enforces; receipts carry nothing else).
pub fn is_id(s: &str) -> bool {
    (1..=40).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// The one spelling of a service inside its purpose: `purpose/service` (decision keys, `data-consent`
/// values, a receipt's `serviceId`).
pub fn service_id(purpose: &str, service: &str) -> String {
    let mut s = String::with_capacity(purpose.len() + 1 + service.len());
    s.push_str(purpose);
    s.push(SERVICE_SEPARATOR);
    s.push_str(service);
    s
}

/// Splits `purpose/service` at its first separator; `None` for a bare purpose id.
pub fn split_service_id(s: &str) -> Option<(&str, &str)> {
    s.split_once(SERVICE_SEPARATOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_round_trips_through_its_name() {
        for m in Method::ALL {
            assert_eq!(m.to_string().parse::<Method>(), Ok(m));
        }
        assert_eq!("banner:reject-all".parse::<Method>().map(|m| m.action), Ok(Action::RejectAll));
        assert_eq!("gpc:opt-out".parse::<Method>(), Ok(Method::GPC_OPT_OUT));
        assert!(!Method::GPC_OPT_OUT.is_visitor_decision());
    }

    #[test]
    fn every_valid_pair_is_listed_once() {
        let mut valid = Vec::new();
        for layer in Layer::ALL {
            for action in Action::ALL {
                // The signal has no buttons, and no visitor-facing layer has "opt-out".
                if (layer == Layer::Gpc) == (action == Action::OptOut) {
                    valid.push(Method { layer, action });
                }
            }
        }
        assert_eq!(valid, Method::ALL);
    }

    #[test]
    fn unknown_or_malformed_methods_are_refused() {
        for bad in [
            "",
            "banner",
            "banner:",
            ":save",
            "banner:accept",
            "popup:save",
            "banner:save:x",
            "Banner:save",
            "gpc:save",
            "gpc:accept-all",
            "banner:opt-out",
            "api:opt-out",
        ] {
            assert_eq!(bad.parse::<Method>(), Err(BadMethod), "{bad}");
        }
    }

    #[test]
    fn a_service_id_splits_back_into_its_parts() {
        assert_eq!(service_id("analytics", "matomo"), "analytics/matomo");
        assert_eq!(split_service_id("analytics/matomo"), Some(("analytics", "matomo")));
        assert_eq!(split_service_id("analytics"), None);
    }
}
