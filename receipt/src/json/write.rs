//! The writer: compact JSON, strings escaped as RFC 8785 (and ECMAScript's `JSON.stringify`) escape them:
//! `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other control characters as `\u00xx`, everything else as is.

use std::fmt::{self, Write};

use super::{Number, Value};

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            Value::Number(n) => f.write_str(n.as_str()),
            Value::String(s) => write_string(f, s),
            Value::Array(items) => {
                f.write_char('[')?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    v.fmt(f)?;
                }
                f.write_char(']')
            }
            Value::Object(members) => {
                f.write_char('{')?;
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write_string(f, k)?;
                    f.write_char(':')?;
                    v.fmt(f)?;
                }
                f.write_char('}')
            }
        }
    }
}

fn write_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        f.write_str(&s[run..i])?;
        if escaped.is_empty() {
            write!(f, "\\u{:04x}", c as u32)?;
        } else {
            f.write_str(escaped)?;
        }
        run = i + c.len_utf8();
    }
    f.write_str(&s[run..])?;
    f.write_char('"')
}

impl Value {
    /// The canonical form, RFC 8785 (JCS) for the values it accepts: no whitespace, object members sorted
    /// by their keys' UTF-16 code units, strings escaped as by the compact writer (which is JCS's
    /// escaping). Numbers must be integers of magnitude at most 2^53 − 1 and not `-0` (ECMAScript's safe
    /// integers, which JCS writes as exactly their digits). Any other number is refused rather than
    /// written in a form another JCS implementation might not reproduce (JCS writes the nearest double).
    pub fn canonical(&self) -> Result<String, CanonicalError> {
        self.check_canonical_numbers()?;
        Ok(self.sorted().to_string())
    }

    /// The canonical form of a value known to hold no number that [`Value::canonical`] refuses (a
    /// notice holds no numbers at all).
    pub(crate) fn canonical_unchecked(&self) -> String {
        self.sorted().to_string()
    }

    fn check_canonical_numbers(&self) -> Result<(), CanonicalError> {
        match self {
            Value::Number(n) if !is_canonical_integer(n.as_str()) => Err(CanonicalError { number: n.clone() }),
            Value::Array(items) => items.iter().try_for_each(Value::check_canonical_numbers),
            Value::Object(members) => members.iter().try_for_each(|(_, v)| v.check_canonical_numbers()),
            _ => Ok(()),
        }
    }

    fn sorted(&self) -> Value {
        match self {
            Value::Array(items) => Value::Array(items.iter().map(Value::sorted).collect()),
            Value::Object(members) => {
                let mut m: Vec<(String, Value)> = members.iter().map(|(k, v)| (k.clone(), v.sorted())).collect();
                m.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
                Value::Object(m)
            }
            other => other.clone(),
        }
    }
}

/// The largest integer magnitude JCS writes as its digits (ECMAScript's `Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

fn is_canonical_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    // The parser has checked the grammar: all digits means an integer without leading zeros.
    digits.bytes().all(|b| b.is_ascii_digit())
        && text != "-0"
        && digits.parse::<u64>().is_ok_and(|n| n <= MAX_SAFE_INTEGER)
}

/// Why a value has no canonical form: it holds a number that is not an integer in ±(2^53 − 1), or is `-0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalError {
    number: Number,
}

impl CanonicalError {
    /// The number refused, as written.
    pub fn number(&self) -> &str {
        self.number.as_str()
    }
}

impl fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the number {} has no canonical form (only integers up to 2^53 - 1 in magnitude)", self.number)
    }
}

impl std::error::Error for CanonicalError {}
