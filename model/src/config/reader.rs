//! A small typed reader over [`crate::json::Value`] that tracks the JSON path of every field,
//! so that each refusal names the exact field and rule. Unknown fields are refused.

use consentry_receipt::payload::is_control_character;

use crate::json::Value;

use super::{ConfigError, Text};

/// Fields that would enable something by default: refused with their own message.
const DEFAULT_ON_FIELDS: &[&str] =
    &["default", "enabled", "checked", "preselected", "granted", "default_on", "opt_out"];
/// Fields that would claim a legal basis other than consent for a purpose.
const LEGAL_BASIS_FIELDS: &[&str] = &["legal_basis", "legitimate_interest", "lawful_basis"];

/// One JSON object being read, with its path and the keys it allows.
pub(crate) struct Obj<'a> {
    members: &'a [(String, Value)],
    path: String,
}

pub(crate) type Result<T> = std::result::Result<T, ConfigError>;

impl<'a> Obj<'a> {
    /// Reads `value` at `path` as an object whose keys must all be in `allowed`.
    pub fn new(value: &'a Value, path: impl Into<String>, allowed: &[&str]) -> Result<Self> {
        let path = path.into();
        let members = value
            .as_object()
            .ok_or_else(|| ConfigError::new(&path, format!("must be an object, found {}", kind(value))))?;
        for (key, _) in members {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let field = join(&path, key);
            if DEFAULT_ON_FIELDS.contains(&key.as_str()) {
                return Err(ConfigError::new(
                    field,
                    "cannot be enabled by default: every non-required purpose and service starts off until the visitor turns it on (GDPR art. 4(11), EDPB 05/2020)",
                ));
            }
            if LEGAL_BASIS_FIELDS.contains(&key.as_str()) {
                return Err(ConfigError::new(
                    field,
                    "consent or strictly necessary only: a purpose is either consent-based or strictly necessary (`required: true`); no other legal basis can be configured",
                ));
            }
            return Err(ConfigError::new(field, format!("unknown field (allowed here: {})", allowed.join(", "))));
        }
        Ok(Self { members, path })
    }

    /// The path of `key` inside this object.
    pub fn path_of(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The raw value of an optional field.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| **v != Value::Null)
    }

    /// A required field.
    pub fn required(&self, key: &str, why: &str) -> Result<&'a Value> {
        self.get(key).ok_or_else(|| ConfigError::new(self.path_of(key), format!("missing ({why})")))
    }

    /// A required non-empty string.
    pub fn string(&self, key: &str, why: &str) -> Result<String> {
        string_at(self.required(key, why)?, &self.path_of(key))
    }

    /// An optional non-empty string.
    pub fn opt_string(&self, key: &str) -> Result<Option<String>> {
        self.get(key).map(|v| string_at(v, &self.path_of(key))).transpose()
    }

    /// An optional boolean.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(ConfigError::new(self.path_of(key), format!("must be true or false, found {}", kind(v)))),
        }
    }

    /// A required array.
    pub fn array(&self, key: &str, why: &str) -> Result<&'a [Value]> {
        array_at(self.required(key, why)?, &self.path_of(key))
    }

    /// An optional array (absent reads as empty).
    pub fn opt_array(&self, key: &str) -> Result<&'a [Value]> {
        match self.get(key) {
            None => Ok(&[]),
            Some(v) => array_at(v, &self.path_of(key)),
        }
    }

    /// A required translatable text; map keys must be among `languages` and include the first one.
    pub fn text(&self, key: &str, why: &str, languages: &[String]) -> Result<Text> {
        text_at(self.required(key, why)?, &self.path_of(key), languages)
    }
}

/// Reads `value` as a translatable text.
pub(crate) fn text_at(value: &Value, path: &str, languages: &[String]) -> Result<Text> {
    match value {
        Value::String(_) => Ok(Text::Plain(string_at(value, path)?)),
        Value::Object(map) => {
            let mut out: Vec<(String, String)> = Vec::new();
            for (lang, v) in map {
                if !languages.iter().any(|l| l == lang) {
                    return Err(ConfigError::new(
                        join(path, lang),
                        format!("language not listed in `languages` ({})", languages.join(", ")),
                    ));
                }
                out.push((lang.clone(), string_at(v, &join(path, lang))?));
            }
            let default = &languages[0];
            if !out.iter().any(|(l, _)| l == default) {
                return Err(ConfigError::new(path, format!("missing the default language \"{default}\"")));
            }
            Ok(Text::Localized(out))
        }
        other => {
            Err(ConfigError::new(path, format!("must be a string or an object of translations, found {}", kind(other))))
        }
    }
}

/// Reads `value` as a non-empty string without control characters: a text is shown as one line,
/// and a receipt, which quotes names, retention, recipients and the controller, refuses them.
pub(crate) fn string_at(value: &Value, path: &str) -> Result<String> {
    match value {
        Value::String(s) if s.chars().any(is_control_character) => {
            let c = s.chars().find(|&c| is_control_character(c)).map_or(0, u32::from);
            Err(ConfigError::new(
                path,
                format!("contains the control character U+{c:04X} (a line break, tab, …): write the text on one line"),
            ))
        }
        Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
        Value::String(_) => Err(ConfigError::new(path, "must not be empty")),
        other => Err(ConfigError::new(path, format!("must be a string, found {}", kind(other)))),
    }
}

fn array_at<'a>(value: &'a Value, path: &str) -> Result<&'a [Value]> {
    value.as_array().ok_or_else(|| ConfigError::new(path, format!("must be an array, found {}", kind(value))))
}

/// `path.key`, or `key` at the root.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path == "$" || path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The JSON kind of a value, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    value.kind()
}
