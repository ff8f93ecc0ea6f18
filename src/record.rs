//! The stored form of a choice (`localStorage["consentry"]`) and its versioned codec.
//!
//! Decoding never fails loudly: anything that is not a well-formed record of the current version —
//! corrupt JSON, another tool's data, a record from a future version — reads as "no choice", so the
//! visitor is asked again and nothing is granted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::choice::{Action, Choice, Layer, Method};
use crate::config::Config;
use crate::consent::Decisions;

/// The storage key.
pub const STORAGE_KEY: &str = "consentry";
/// The record format this build writes and reads.
pub const RECORD_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredMethod {
    layer: String,
    action: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    v: u32,
    id: String,
    policy_version: String,
    language: String,
    created: i64,
    updated: i64,
    expires: i64,
    purposes: BTreeMap<String, bool>,
    services: BTreeMap<String, bool>,
    method: StoredMethod,
}

/// Why a stored value was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not JSON, or JSON without our shape.
    Corrupt(String),
    /// A record of another format version.
    OtherVersion(u64),
}

/// A decoded record: the choice, and which purposes the visitor was actually asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The choice, normalised to the current configuration.
    pub choice: Choice,
    /// Purpose ids present in the record (to detect purposes added since).
    pub asked: Vec<String>,
}

/// Encodes a choice for storage.
pub fn encode(choice: &Choice) -> String {
    let stored = Stored {
        v: RECORD_VERSION,
        id: choice.id.clone(),
        policy_version: choice.policy_version.clone(),
        language: choice.language.clone(),
        created: choice.created,
        updated: choice.updated,
        expires: choice.expires,
        purposes: choice.decisions.purposes().iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        services: choice.decisions.services().iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        method: StoredMethod { layer: choice.method.layer.name().into(), action: choice.method.action.name().into() },
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// Decodes a stored value against the current configuration.
pub fn decode(raw: &str, config: &Config) -> Result<Decoded, Unreadable> {
    let value: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| Unreadable::Corrupt(format!("not JSON: {e}")))?;
    match value.get("v").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(RECORD_VERSION) => {}
        Some(v) => return Err(Unreadable::OtherVersion(v)),
        None => return Err(Unreadable::Corrupt("not a Consentry record".into())),
    }
    let stored: Stored =
        serde_json::from_value(value).map_err(|e| Unreadable::Corrupt(format!("malformed record: {e}")))?;
    let method = match (Layer::from_name(&stored.method.layer), Action::from_name(&stored.method.action)) {
        (Some(layer), Some(action)) => Method { layer, action },
        _ => return Err(Unreadable::Corrupt("unknown decision method".into())),
    };
    if stored.id.is_empty() || stored.expires < stored.updated || stored.updated < stored.created {
        return Err(Unreadable::Corrupt("inconsistent record".into()));
    }
    let decisions = Decisions::from_maps(
        config,
        stored.purposes.iter().map(|(k, v)| (k.as_str(), *v)),
        stored.services.iter().map(|(k, v)| (k.as_str(), *v)),
    );
    Ok(Decoded {
        asked: stored.purposes.keys().cloned().collect(),
        choice: Choice {
            id: stored.id,
            policy_version: stored.policy_version,
            language: stored.language,
            created: stored.created,
            updated: stored.updated,
            expires: stored.expires,
            decisions,
            method,
        },
    })
}

#[cfg(test)]
mod tests;
