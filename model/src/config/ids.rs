//! Identifiers checked once, when the configuration is parsed.

use std::fmt;

use super::ConfigError;

fn check_id(raw: &str, path: &str, what: &str) -> Result<(), ConfigError> {
    let ok = (1..=40).contains(&raw.len())
        && raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::new(
            path,
            format!("\"{raw}\" is not a valid {what} id: use 1 to 40 characters among a-z, 0-9, _ and -"),
        ))
    }
}

/// A purpose identifier: 1–40 characters among `a-z 0-9 _ -`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PurposeId(String);

impl PurposeId {
    /// Checks `raw`, reporting errors at `path`.
    pub fn parse(raw: &str, path: &str) -> Result<Self, ConfigError> {
        check_id(raw, path, "purpose").map(|()| Self(raw.to_string()))
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PurposeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A service identifier, unique within its purpose.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceId(String);

impl ServiceId {
    /// Checks `raw`, reporting errors at `path`.
    pub fn parse(raw: &str, path: &str) -> Result<Self, ConfigError> {
        check_id(raw, path, "service").map(|()| Self(raw.to_string()))
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A service named with its purpose, written `purpose/service` in storage, the API and gating attributes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceKey {
    /// The purpose the service belongs to.
    pub purpose: PurposeId,
    /// The service.
    pub service: ServiceId,
}

impl ServiceKey {
    /// A key from its two parts.
    pub fn new(purpose: &PurposeId, service: &ServiceId) -> Self {
        Self { purpose: purpose.clone(), service: service.clone() }
    }
}

impl fmt::Display for ServiceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&consentry_receipt::vocab::service_id(self.purpose.as_str(), self.service.as_str()))
    }
}
