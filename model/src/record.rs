//! The stored form of a choice (`localStorage["consentry"]`) and its versioned codec.
//!
//! Decoding never fails loudly: anything that is not a well-formed record of the current version —
//! corrupt JSON, another tool's data, a record from a future version — reads as "no choice", so the
//! visitor is asked again and nothing is granted.

use crate::choice::{Action, Choice, Layer, Method, DAY_MS};
use crate::config::{Config, MAX_EXPIRY_DAYS};
use crate::consent::Decisions;
use crate::json::{self, Value};
use crate::target::Target;

pub mod compact;

/// The storage key.
pub const STORAGE_KEY: &str = crate::contract::CHOICE_KEY;
/// The record format this build writes and reads.
pub const RECORD_VERSION: u64 = 1;

const FIELDS: [&str; 10] =
    ["v", "id", "policy_version", "language", "created", "updated", "expires", "purposes", "services", "method"];

/// Why a stored value was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not JSON, or JSON without our shape.
    Corrupt(String),
    /// A record of another format version.
    OtherVersion(u64),
}

/// A decoded record: the choice, and which purposes and services the visitor was actually asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The choice, normalised to the current configuration.
    pub choice: Choice,
    /// The purposes and services present in the record (to detect ones added since). Keys that are
    /// not valid ids cannot name anything in a configuration and are left out.
    pub asked: Vec<Target>,
}

/// Written only when set, so records without them stay as they were.
const GPC_OVERRIDE: &str = "gpc_override";
/// A Global Privacy Control signal was present when the decision was made (for a receipt made at a
/// later page view, which must say what was true at the decision, not then).
const GPC: &str = "gpc";

/// Encodes a choice for storage.
pub fn encode(choice: &Choice) -> String {
    let mut record = Value::object([
        ("v", Value::int(RECORD_VERSION as i64)),
        ("id", Value::str(&choice.id)),
        ("policy_version", Value::str(&choice.policy_version)),
        ("language", Value::str(&choice.language)),
        ("created", Value::int(choice.created)),
        ("updated", Value::int(choice.updated)),
        ("expires", Value::int(choice.expires)),
        ("purposes", Value::flags(choice.decisions.purposes().iter().map(|(k, on)| (k.to_string(), *on)))),
        ("services", Value::flags(choice.decisions.services().iter().map(|(k, on)| (k.to_string(), *on)))),
        (
            "method",
            Value::object([
                ("layer", Value::str(choice.method.layer.name())),
                ("action", Value::str(choice.method.action.name())),
            ]),
        ),
    ]);
    if let Value::Object(members) = &mut record {
        for (name, set) in [(GPC_OVERRIDE, choice.gpc_override), (GPC, choice.gpc)] {
            if set {
                members.push((name.to_string(), Value::Bool(true)));
            }
        }
    }
    record.to_string()
}

fn corrupt(why: &str) -> Unreadable {
    Unreadable::Corrupt(why.to_string())
}

fn field<'a, T>(v: &'a Value, key: &str, read: impl FnOnce(&'a Value) -> Option<T>) -> Result<T, Unreadable> {
    v.get(key).and_then(read).ok_or_else(|| Unreadable::Corrupt(format!("malformed field \"{key}\"")))
}

fn flag_map<'a>(v: &'a Value, key: &str) -> Result<Vec<(&'a str, bool)>, Unreadable> {
    let members = field(v, key, Value::as_object)?;
    members
        .iter()
        .map(|(k, b)| b.as_bool().map(|b| (k.as_str(), b)))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| Unreadable::Corrupt(format!("malformed field \"{key}\"")))
}

/// The keys of a flag map parsed as targets, once; keys that are not valid ids are dropped (they cannot
/// match anything the configuration lists).
fn targets(entries: Vec<(&str, bool)>) -> Vec<(Target, bool)> {
    entries.into_iter().filter_map(|(k, on)| Some((k.parse().ok()?, on))).collect()
}

/// Decodes a stored value against the current configuration.
pub fn decode(raw: &str, config: &Config) -> Result<Decoded, Unreadable> {
    let v = json::parse(raw).map_err(|e| Unreadable::Corrupt(format!("not JSON: {e}")))?;
    let members = v.as_object().ok_or_else(|| corrupt("not a Consentry record"))?;
    match v.get("v").and_then(Value::as_u64) {
        Some(RECORD_VERSION) => {}
        Some(other) => return Err(Unreadable::OtherVersion(other)),
        None => return Err(corrupt("not a Consentry record")),
    }
    let flag = |name: &str| match v.get(name) {
        None => Ok(false),
        Some(Value::Bool(true)) => Ok(true),
        Some(_) => Err(corrupt(&format!("malformed field \"{name}\""))),
    };
    let (gpc_override, gpc) = (flag(GPC_OVERRIDE)?, flag(GPC)?);
    let expected = FIELDS.len() + usize::from(gpc_override) + usize::from(gpc);
    let known = |k: &str| FIELDS.contains(&k) || k == GPC_OVERRIDE || k == GPC;
    if members.len() != expected || members.iter().any(|(k, _)| !known(k)) {
        return Err(corrupt("unexpected fields"));
    }
    let method = field(&v, "method", Some)?;
    let method = match (
        method.get("layer").and_then(Value::as_str).and_then(Layer::from_name),
        method.get("action").and_then(Value::as_str).and_then(Action::from_name),
    ) {
        // A stored choice is always the visitor's own: the signal alone never writes one.
        (Some(layer), Some(action))
            if method.as_object().is_some_and(|m| m.len() == 2)
                && Method::ALL.contains(&Method { layer, action })
                && (Method { layer, action }).is_visitor_decision() =>
        {
            Method { layer, action }
        }
        _ => return Err(corrupt("unknown decision method")),
    };
    let id = field(&v, "id", Value::as_str)?.to_string();
    let (created, updated, expires) = (
        field(&v, "created", Value::as_i64)?,
        field(&v, "updated", Value::as_i64)?,
        field(&v, "expires", Value::as_i64)?,
    );
    if id.is_empty() || expires < updated || updated < created {
        return Err(corrupt("inconsistent record"));
    }
    // No configuration can keep a choice longer; a record that claims to is not one the widget wrote.
    if expires - updated > i64::from(MAX_EXPIRY_DAYS) * DAY_MS {
        return Err(corrupt("expires later than any configuration allows"));
    }
    let purposes = targets(flag_map(&v, "purposes")?);
    let services = targets(flag_map(&v, "services")?);
    let asked = purposes.iter().chain(services.iter()).map(|(t, _)| t.clone()).collect();
    let purposes = purposes.into_iter().filter_map(|(t, on)| match t {
        Target::Purpose(p) => Some((p, on)),
        Target::Service(_) => None,
    });
    let services = services.into_iter().filter_map(|(t, on)| match t {
        Target::Service(k) => Some((k, on)),
        Target::Purpose(_) => None,
    });
    Ok(Decoded {
        asked,
        choice: Choice {
            id,
            policy_version: field(&v, "policy_version", Value::as_str)?.to_string(),
            language: field(&v, "language", Value::as_str)?.to_string(),
            created,
            updated,
            expires,
            decisions: Decisions::from_maps(config, purposes, services),
            method,
            gpc_override,
            gpc,
        },
    })
}

#[cfg(test)]
mod tests;
