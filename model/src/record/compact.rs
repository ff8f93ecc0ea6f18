//! The stored record in the form the cookie `consentry` holds (`storage: "cookie"`): the same choice
//! as [`super::encode`] writes, in cookie-safe characters only and a few dozen bytes whatever the
//! number of purposes and services (a browser keeps at most about 4 KB per cookie and sends every
//! cookie with every request to the site, so the value is kept far under 1 KB).
//!
//! Ten fields separated by `.`:
//!
//! ```text
//! 1.<id>.<policy_version>.<language>.<created>.<updated − created>.<expires − updated>.<method>.<targets>.<bits>
//! ```
//!
//! - `1` is the format version; `id`, `policy_version` and `language` are percent-encoded (every byte
//!   but `A–Z a–z 0–9 - _ ~`), so JavaScript's `decodeURIComponent` reads them;
//! - the times are milliseconds in base 36 (the two later ones as differences);
//! - `method` is, in base 36, four times the index of the method in [`Method::ALL`], plus 2 for
//!   `gpc_override`, plus 1 for `gpc`;
//! - `targets` is the FNV-1a hash (32 bits, over UTF-16 code units, in base 36) of the keys of the
//!   configuration's purposes then services, in configuration order, each followed by a space
//!   (`"necessary analytics analytics/matomo "`): [`targets_hash`];
//! - `bits` holds one bit per purpose then service, in that order, five per base-32 digit (the
//!   target at index `i` is bit `i % 5` of digit `i / 5`): 1 when granted.
//!
//! The bits only mean something for the purposes and services they were written for: a record whose
//! `targets` differ from the current configuration's (a purpose or service added, removed or moved,
//! or a subdomain with another configuration) keeps its id and times, grants nothing, and counts as
//! asked about nothing, so the visitor is asked again. Anything else that is not a well-formed record
//! is refused, as [`super::decode`] refuses it.

use crate::choice::{Choice, Method, DAY_MS};
use crate::config::{Config, ServiceKey, MAX_EXPIRY_DAYS};
use crate::consent::Decisions;
use crate::target::Target;

use super::{Decoded, Unreadable};

/// The format version, the value's first field.
pub const COMPACT_VERSION: u64 = 1;

const FIELDS: usize = 10;

/// The keys the bits follow, in order: the purposes, then the services, of `config`.
fn keys(config: &Config) -> Vec<String> {
    let purposes = config.purposes.iter().map(|p| p.id.to_string());
    let services = config.purposes.iter().flat_map(|p| p.services.iter().map(|s| ServiceKey::new(&p.id, &s.id)));
    purposes.chain(services.map(|k| k.to_string())).collect()
}

/// FNV-1a (32 bits) over the UTF-16 code units of each key followed by a space, as the loader
/// computes it with `charCodeAt`.
pub fn hash_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for key in keys {
        for unit in key.encode_utf16().chain([u16::from(b' ')]) {
            h = (h ^ u32::from(unit)).wrapping_mul(0x0100_0193);
        }
    }
    h
}

/// The `targets` field of `config`'s records.
pub fn targets_hash(config: &Config) -> u32 {
    hash_keys(keys(config).iter().map(String::as_str))
}

/// Encodes a choice for the cookie.
pub fn encode(choice: &Choice) -> String {
    let d = &choice.decisions;
    let keys: Vec<String> = d
        .purposes()
        .iter()
        .map(|(p, _)| p.to_string())
        .chain(d.services().iter().map(|(k, _)| k.to_string()))
        .collect();
    let bits: Vec<bool> =
        d.purposes().iter().map(|(_, on)| *on).chain(d.services().iter().map(|(_, on)| *on)).collect();
    let method = Method::ALL.iter().position(|m| *m == choice.method).unwrap_or(0) as i64;
    let flags = method * 4 + i64::from(choice.gpc_override) * 2 + i64::from(choice.gpc);
    [
        COMPACT_VERSION.to_string(),
        percent(&choice.id),
        percent(&choice.policy_version),
        percent(&choice.language),
        base36(choice.created),
        base36(choice.updated.saturating_sub(choice.created)),
        base36(choice.expires.saturating_sub(choice.updated)),
        base36(flags),
        base36(i64::from(hash_keys(keys.iter().map(String::as_str)))),
        pack(&bits),
    ]
    .join(".")
}

/// Decodes a cookie value against the current configuration.
pub fn decode(raw: &str, config: &Config) -> Result<Decoded, Unreadable> {
    let corrupt = |why: &str| Unreadable::Corrupt(why.to_string());
    let fields: Vec<&str> = raw.split('.').collect();
    let version = fields[0];
    if version != COMPACT_VERSION.to_string() || fields.len() != FIELDS {
        return Err(match version.parse::<u64>() {
            Ok(other) if other != COMPACT_VERSION && version.bytes().all(|b| b.is_ascii_digit()) => {
                Unreadable::OtherVersion(other)
            }
            _ => corrupt("not a Consentry cookie"),
        });
    }
    let text =
        |i: usize, name: &str| unpercent(fields[i]).ok_or_else(|| corrupt(&format!("malformed field \"{name}\"")));
    let number =
        |i: usize, name: &str| unbase36(fields[i]).ok_or_else(|| corrupt(&format!("malformed field \"{name}\"")));
    let (id, policy_version, language) = (text(1, "id")?, text(2, "policy_version")?, text(3, "language")?);
    let created = number(4, "created")?;
    let updated = created.checked_add(number(5, "updated")?).ok_or_else(|| corrupt("malformed field \"updated\""))?;
    let expires = updated.checked_add(number(6, "expires")?).ok_or_else(|| corrupt("malformed field \"expires\""))?;
    let flags = number(7, "method")?;
    let hash = unbase36(fields[8])
        .and_then(|h| u32::try_from(h).ok())
        .ok_or_else(|| corrupt("malformed field \"targets\""))?;
    // Written as 4 × index + flags, with the index of a visitor's own decision.
    let method = usize::try_from(flags / 4)
        .ok()
        .and_then(|i| Method::ALL.get(i).copied())
        .filter(|m| flags >= 0 && m.is_visitor_decision())
        .ok_or_else(|| corrupt("unknown decision method"))?;
    let (gpc_override, gpc) = (flags & 2 != 0, flags & 1 != 0);
    if id.is_empty() || expires < updated || updated < created {
        return Err(corrupt("inconsistent record"));
    }
    if expires - updated > i64::from(MAX_EXPIRY_DAYS) * DAY_MS {
        return Err(corrupt("expires later than any configuration allows"));
    }
    let keys = keys(config);
    let bits = unpack(fields[9]).ok_or_else(|| corrupt("malformed field \"bits\""))?;
    let (decisions, asked) = if hash == hash_keys(keys.iter().map(String::as_str)) {
        if bits.len() != keys.len().div_ceil(5) * 5 || bits[keys.len()..].iter().any(|b| *b) {
            return Err(corrupt("malformed field \"bits\""));
        }
        let targets: Vec<(Target, bool)> =
            keys.iter().zip(&bits).filter_map(|(k, on)| Some((k.parse::<Target>().ok()?, *on))).collect();
        let asked = targets.iter().map(|(t, _)| t.clone()).collect();
        let purposes = targets.iter().filter_map(|(t, on)| match t {
            Target::Purpose(p) => Some((p.clone(), *on)),
            Target::Service(_) => None,
        });
        let services = targets.iter().filter_map(|(t, on)| match t {
            Target::Service(k) => Some((k.clone(), *on)),
            Target::Purpose(_) => None,
        });
        (Decisions::from_maps(config, purposes, services), asked)
    } else {
        // Written for other purposes and services: which bit is which is unknown, so nothing is
        // granted and everything is asked again.
        (Decisions::none(config), Vec::new())
    };
    Ok(Decoded {
        asked,
        choice: Choice {
            id,
            policy_version,
            language,
            created,
            updated,
            expires,
            decisions,
            method,
            gpc_override,
            gpc,
        },
    })
}

fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.extend(['%', char::from(HEX[usize::from(b >> 4)]), char::from(HEX[usize::from(b & 15)])]);
        }
    }
    out
}

fn unpercent(s: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(s.len());
    let mut rest = s.bytes();
    while let Some(b) = rest.next() {
        match b {
            b'%' => {
                let nibble = |b: u8| char::from(b).to_digit(16);
                let (high, low) = (nibble(rest.next()?)?, nibble(rest.next()?)?);
                bytes.push((high * 16 + low) as u8);
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') => bytes.push(b),
            _ => return None,
        }
    }
    String::from_utf8(bytes).ok()
}

fn base36(n: i64) -> String {
    let mut digits = Vec::new();
    let mut m = n.unsigned_abs();
    loop {
        digits.push(char::from_digit((m % 36) as u32, 36).unwrap_or('0'));
        m /= 36;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        digits.push('-');
    }
    digits.iter().rev().collect()
}

/// A base-36 integer of lower-case digits, optionally negative, that fits an `i64`.
fn unbase36(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 13 || !digits.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()) {
        return None;
    }
    i64::from_str_radix(s, 36).ok()
}

fn pack(bits: &[bool]) -> String {
    bits.chunks(5)
        .map(|chunk| {
            let v = chunk.iter().enumerate().fold(0u32, |v, (i, on)| v | (u32::from(*on) << i));
            char::from_digit(v, 32).unwrap_or('0')
        })
        .collect()
}

fn unpack(s: &str) -> Option<Vec<bool>> {
    let mut bits = Vec::with_capacity(s.len() * 5);
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            return None;
        }
        let v = c.to_digit(32)?;
        bits.extend((0..5).map(|i| v & (1 << i) != 0));
    }
    Some(bits)
}

#[cfg(test)]
mod tests;
