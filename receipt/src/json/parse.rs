//! The reader: RFC 8259 JSON, with positions in errors, unique keys and a depth limit.

use std::fmt;

use super::{Number, Value};

/// Nesting deeper than this is refused (no configuration needs it; hostile input cannot overflow the stack).
const MAX_DEPTH: usize = 64;

/// Why a text is not acceptable JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {} column {}", self.message, self.line, self.column)
    }
}

/// Parses one JSON document (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut p = Parser { src: text, bytes: text.as_bytes(), pos: 0 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("unexpected text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> ParseError {
        let before = &self.src[..self.pos.min(self.src.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ParseError { line, column, message: message.to_string() }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8, what: &str) -> Result<(), ParseError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, ParseError> {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a JSON value")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut members: Vec<(String, Value)> = Vec::new();
        let mut key_starts: Vec<usize> = Vec::new();
        let read = self.members(depth, &mut members, &mut key_starts);
        // Keys are compared once the object is read, or abandoned at an error: one sort, O(n log n), where
        // a search per key would be quadratic on hostile input. Every key read precedes the error's
        // position, so the first duplicate is the first error in the text, and is reported as it always was.
        if let Some(i) = first_duplicate(&members) {
            self.pos = key_starts[i];
            return Err(self.error(&format!("duplicate key {:?}", members[i].0)));
        }
        read.map(|()| Value::Object(members))
    }

    /// Reads the members of an object after its `{`, up to and including the `}`. A key is pushed (with a
    /// placeholder value) as soon as it is read, so that the duplicate check sees it even if what follows fails.
    fn members(
        &mut self,
        depth: usize,
        members: &mut Vec<(String, Value)>,
        key_starts: &mut Vec<usize>,
    ) -> Result<(), ParseError> {
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a quoted key"));
            }
            key_starts.push(self.pos);
            let key = self.string()?;
            let slot = members.len();
            members.push((key, Value::Null));
            self.ws();
            self.eat(b':', "expected ':' after a key")?;
            self.ws();
            members[slot].1 = self.value(depth + 1)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let s = p.pos;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.pos += 1;
            }
            p.pos > s
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else if !digits(self) {
            return Err(self.error("invalid number"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        Ok(Value::Number(Number(self.src[start..self.pos].to_string())))
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.src[run_start..self.pos]);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(_) => return Err(self.error("control character in a string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, ParseError> {
        let b = self.peek().ok_or_else(|| self.error("unterminated string"))?;
        self.pos += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                if (0xD800..0xDC00).contains(&hi) {
                    if !self.src[self.pos..].starts_with("\\u") {
                        return Err(self.error("unpaired surrogate in \\u escape"));
                    }
                    self.pos += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.error("unpaired surrogate in \\u escape"));
                    }
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                        .ok_or_else(|| self.error("invalid \\u escape"))?
                } else {
                    char::from_u32(hi).ok_or_else(|| self.error("unpaired surrogate in \\u escape"))?
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("invalid escape"));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let hex = self.src.get(self.pos..self.pos + 4).ok_or_else(|| self.error("invalid \\u escape"))?;
        let n = u32::from_str_radix(hex, 16).map_err(|_| self.error("invalid \\u escape"))?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("invalid \\u escape"));
        }
        self.pos += 4;
        Ok(n)
    }
}

/// The index of the first member whose key repeats an earlier one (in source order), if any.
fn first_duplicate(members: &[(String, Value)]) -> Option<usize> {
    if members.len() < 2 {
        return None;
    }
    let mut order: Vec<usize> = (0..members.len()).collect();
    heapsort(&mut order, |&a, &b| members[a].0.cmp(&members[b].0).then(a.cmp(&b)));
    // Equal keys are now adjacent, in source order: each pair's second is a repetition.
    order.windows(2).filter(|w| members[w[0]].0 == members[w[1]].0).map(|w| w[1]).min()
}

/// Sorts `v` by `cmp` in O(n log n) worst case. Hand-written because every visitor downloads this
/// parser: in the release widget `slice::sort_unstable_by` cost 4.6 KiB raw / 1.4 KiB brotli over a
/// linear scan, this heapsort 1.2 KiB / 0.3 KiB (measured with `cargo xtask dist`, 2026-12-01).
/// Duplicate detection needs no speed beyond the bound.
fn heapsort<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    let less = |v: &[T], a: usize, b: usize| cmp(&v[a], &v[b]) == std::cmp::Ordering::Less;
    let sift_down = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(v, child, child + 1) {
            child += 1;
        }
        if !less(v, root, child) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    for start in (0..v.len() / 2).rev() {
        sift_down(v, start, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

#[cfg(test)]
mod heapsort_tests {
    use super::heapsort;

    #[test]
    fn sorts_like_the_standard_library_on_any_length_and_with_repeats() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for len in (0..40).chain([100, 257, 1000, 3001]) {
            for modulus in [2, 7, 1_000_000] {
                let mut v: Vec<u64> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        seed % modulus
                    })
                    .collect();
                let mut expected = v.clone();
                expected.sort_unstable();
                heapsort(&mut v, |a, b| a.cmp(b));
                assert_eq!(v, expected, "len {len}, values below {modulus}");
            }
        }
        let mut sorted: Vec<u32> = (0..50).collect();
        heapsort(&mut sorted, |a, b| b.cmp(a));
        assert_eq!(sorted, (0..50).rev().collect::<Vec<_>>(), "a comparator that reverses");
    }
}
