//! What a decision is about: a purpose, or one service of a purpose.
//!
//! Written `purpose` or `purpose/service` wherever it crosses into text: `window.consentry.get(id)`,
//! `data-consent="…"` on gated content, the keys of the stored record and of `state()`. It is parsed
//! once, where the text comes in; everything past that point holds a [`Target`].

use std::fmt;
use std::str::FromStr;

use consentry_receipt::vocab::split_service_id;

use crate::config::{PurposeId, ServiceId, ServiceKey};

/// A purpose, or a service within its purpose.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// A purpose (with all its services).
    Purpose(PurposeId),
    /// One service of a purpose.
    Service(ServiceKey),
}

/// Text that is neither a purpose id nor `purpose/service` with valid ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTarget(pub String);

impl fmt::Display for BadTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" is neither a purpose id nor purpose/service", self.0)
    }
}

impl std::error::Error for BadTarget {}

impl FromStr for Target {
    type Err = BadTarget;

    /// `"analytics"` or `"analytics/matomo"`; ids as the configuration allows them, nothing around them.
    fn from_str(s: &str) -> Result<Self, BadTarget> {
        let bad = || BadTarget(s.to_string());
        match split_service_id(s) {
            None => PurposeId::parse(s, "").map(Target::Purpose).map_err(|_| bad()),
            Some((p, svc)) => {
                let purpose = PurposeId::parse(p, "").map_err(|_| bad())?;
                let service = ServiceId::parse(svc, "").map_err(|_| bad())?;
                Ok(Target::Service(ServiceKey { purpose, service }))
            }
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Purpose(p) => p.fmt(f),
            Target::Service(k) => k.fmt(f),
        }
    }
}

impl From<PurposeId> for Target {
    fn from(p: PurposeId) -> Self {
        Target::Purpose(p)
    }
}

impl From<ServiceKey> for Target {
    fn from(k: ServiceKey) -> Self {
        Target::Service(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_and_services_parse_and_print_back() {
        for text in ["analytics", "analytics/matomo", "a_b-1/x-2_y"] {
            let t: Target = text.parse().unwrap();
            assert_eq!(t.to_string(), text);
        }
        assert!(matches!("analytics".parse::<Target>(), Ok(Target::Purpose(_))));
        let Ok(Target::Service(k)) = "analytics/matomo".parse::<Target>() else { panic!("a service") };
        assert_eq!((k.purpose.as_str(), k.service.as_str()), ("analytics", "matomo"));
    }

    #[test]
    fn anything_else_is_refused() {
        for text in ["", "/", "analytics/", "/matomo", "a/b/c", "Analytics", " analytics", "analytics ", "a b", "é"] {
            assert_eq!(text.parse::<Target>(), Err(BadTarget(text.to_string())), "{text:?}");
        }
    }
}
