//! The one error a refused configuration produces: which field, and which rule it breaks.

use std::fmt;

/// Why a configuration was refused. `path` names the field (`purposes[1].description`), `rule` says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The JSON path of the offending field, `$` for the document itself.
    pub path: String,
    /// The rule that the field breaks, in plain words.
    pub rule: String,
}

impl ConfigError {
    /// An error at `path` breaking `rule`.
    pub fn new(path: impl Into<String>, rule: impl Into<String>) -> Self {
        Self { path: path.into(), rule: rule.into() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}: {}", self.path, self.rule)
    }
}

impl std::error::Error for ConfigError {}
