//! A small JSON reader and writer for the widget's own needs: the configuration, the stored record and
//! the objects handed to page scripts.
//!
//! Why not serde_json: in the browser build it cost about a tenth of the module (generic deserializer
//! code, and float formatting pulled in by its error messages), and every byte is downloaded by every
//! visitor. This one keeps numbers as their source text (the widget only needs integers), refuses
//! duplicate keys (a configuration that says two things is not accepted) and limits nesting depth.

mod parse;
mod write;

pub use parse::{parse, ParseError};
pub use write::CanonicalError;

/// A JSON value. Objects keep their members in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as its (validated) source text.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in order, keys unique.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// An object from `(key, value)` pairs.
    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A string value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// An integer value.
    pub fn int(n: i64) -> Value {
        Value::Number(Number::from(n))
    }

    /// A non-negative integer value.
    pub fn uint(n: u64) -> Value {
        Value::Number(Number::from(n))
    }

    /// An object of booleans from `(key, flag)` pairs, in order (a decision per purpose, say).
    pub fn flags<K: Into<String>>(entries: impl IntoIterator<Item = (K, bool)>) -> Value {
        Value::Object(entries.into_iter().map(|(k, b)| (k.into(), Value::Bool(b))).collect())
    }

    /// `Null` for `None`, else the mapped value.
    pub fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
        v.map(f).unwrap_or(Value::Null)
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The members of an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The items of an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// A string's text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// An integer that fits `i64` (no fraction, no exponent).
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.as_i64()
    }

    /// A non-negative integer that fits `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }

    /// The kind of value, for messages ("a string", "an object"…).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// A JSON number, kept as its source text. The text always follows the RFC 8259 number grammar: only
/// the parser (which checks it) and the integer constructors make one, so the writer can emit it as is.
///
/// There is no way to make one from arbitrary text, so no `Value` writes as invalid JSON:
///
/// ```compile_fail,E0277
/// use consentry_receipt::json::Value;
/// let broken = Value::Number("}".into());
/// ```
///
/// ```compile_fail,E0423
/// use consentry_receipt::json::{Number, Value};
/// let broken = Value::Number(Number("}".to_string()));
/// ```
///
/// ```
/// use consentry_receipt::json::{parse, Value};
/// assert_eq!(Value::int(-42).to_string(), "-42");
/// assert_eq!(parse("-2.5e3").unwrap().as_number().map(|n| n.as_str()), Some("-2.5e3"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(String);

impl Number {
    /// The number as written (`-2.5e3`, `17`…), valid JSON.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value, if it is an integer that fits `i64` (no fraction, no exponent).
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }

    /// The value, if it is a non-negative integer that fits `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }

    /// Whether the number is written as an integer: digits with an optional `-`, no fraction or exponent.
    pub fn is_integer(&self) -> bool {
        !self.0.contains(['.', 'e', 'E'])
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number(n.to_string())
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Self {
        Number(n.to_string())
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;
