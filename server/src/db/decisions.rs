//! The `decisions` column of `receipts`: a receipt's decisions as one JSON object,
//! `{"purposes":{…},"services":{…}}`. Written by the log writer, compared by `verify`, read back
//! by exports and histories.

use std::collections::BTreeMap;

use consentry_receipt::json::Value;
use serde::{Deserialize, Serialize};

/// `{"purposes":{…},"services":{…}}` of a receipt, in the receipt's order, as stored.
pub fn decisions_json(r: &consentry_receipt::Receipt) -> String {
    let flags = |d: &[(String, bool)]| Value::object(d.iter().map(|(k, v)| (k.clone(), Value::Bool(*v))));
    Value::object([("purposes", flags(&r.purpose_decisions)), ("services", flags(&r.service_decisions))]).to_string()
}

/// A stored `decisions` column, read back. The maps are ordered by id, which is the order exports
/// have always written them in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decisions {
    /// Purpose id → granted.
    #[serde(default)]
    pub purposes: BTreeMap<String, bool>,
    /// `purpose/service` → granted.
    #[serde(default)]
    pub services: BTreeMap<String, bool>,
}

impl Decisions {
    /// The decisions of a stored column, `None` if it is not such an object.
    pub fn parse(column: &str) -> Option<Decisions> {
        serde_json::from_str(column).ok()
    }
}
