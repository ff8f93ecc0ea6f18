//! The widget's stylesheet (`style/consentry.css`), minified while compiling: comments and the
//! whitespace CSS does not need go, so the readable file in the repository costs the visitor
//! nothing. A `const` evaluation with no build script; [`minify`] is tested natively below.

/// The stylesheet as written.
pub const SOURCE: &str = include_str!("../style/consentry.css");

const LEN: usize = minify(SOURCE.as_bytes(), &mut []);
const BYTES: [u8; LEN] = {
    let mut out = [0u8; LEN];
    minify(SOURCE.as_bytes(), &mut out);
    out
};

/// The stylesheet injected into the widget's shadow root.
pub const STYLE: &str = match core::str::from_utf8(&BYTES) {
    Ok(style) => style,
    Err(_) => panic!("the minified stylesheet is not UTF-8"),
};

/// Minifies `css` into `out` and returns its length; with an empty `out`, only measures. Removes
/// comments, turns each run of whitespace into one space, drops that space next to `{ } ; , >` and
/// after `:` (never before one: `a :hover` is not `a:hover`), and drops the `;` before a `}`.
/// Quoted strings are copied as they are.
pub const fn minify(css: &[u8], out: &mut [u8]) -> usize {
    let write = !out.is_empty();
    let mut len = 0;
    // The last byte written (or that would be, when measuring).
    let mut last = 0u8;
    let mut i = 0;
    // A whitespace run (or comment) was skipped and not yet written.
    let mut space = false;
    // A `;` was read and not yet written (it is dropped before `}`).
    let mut semicolon = false;
    while i < css.len() {
        let c = css[i];
        if c == b'/' && i + 1 < css.len() && css[i + 1] == b'*' {
            i += 2;
            while i + 1 < css.len() && !(css[i] == b'*' && css[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
            space = true;
            continue;
        }
        if c.is_ascii_whitespace() {
            space = true;
            i += 1;
            continue;
        }
        if semicolon {
            semicolon = false;
            if c != b'}' {
                len = put(out, len, b';', write);
                last = b';';
            }
        }
        if c == b';' {
            semicolon = true;
            space = false;
            i += 1;
            continue;
        }
        if space && len > 0 && !is_tight(last) && !is_tight_before(c) {
            len = put(out, len, b' ', write);
        }
        space = false;
        len = put(out, len, c, write);
        last = c;
        i += 1;
        if c == b'"' || c == b'\'' {
            while i < css.len() {
                let q = css[i];
                len = put(out, len, q, write);
                last = q;
                i += 1;
                if q == c {
                    break;
                }
            }
        }
    }
    if semicolon {
        len = put(out, len, b';', write);
    }
    len
}

/// Writes `c` at `len` (when writing) and returns the new length.
const fn put(out: &mut [u8], len: usize, c: u8, write: bool) -> usize {
    if write {
        out[len] = c;
    }
    len + 1
}

/// No space is needed after these.
const fn is_tight(c: u8) -> bool {
    matches!(c, b'{' | b'}' | b';' | b',' | b'>' | b':')
}

/// No space is needed before these.
const fn is_tight_before(c: u8) -> bool {
    matches!(c, b'{' | b'}' | b';' | b',' | b'>')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min(css: &str) -> String {
        let mut out = vec![0u8; minify(css.as_bytes(), &mut [])];
        let len = minify(css.as_bytes(), &mut out);
        assert_eq!(len, out.len(), "measuring and writing agree");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn removes_comments_and_spare_whitespace_only() {
        assert_eq!(
            min("/* a */ .a > .b ,\n.c {\n  color : red ;\n  margin: 0 auto; }\n@media (x: y) and (z) { .d :hover { a: b } }"),
            ".a>.b,.c{color :red;margin:0 auto}@media (x:y) and (z){.d :hover{a:b}}"
        );
        assert_eq!(
            min(r#"a { font: 1px "Segoe  UI, x"; content: '/* no */' }"#),
            r#"a{font:1px "Segoe  UI, x";content:'/* no */'}"#
        );
        assert_eq!(min("a{b:c;;}"), "a{b:c;}");
        assert_eq!(min(""), "");
    }

    #[test]
    fn the_shipped_stylesheet_differs_from_the_source_only_in_whitespace_comments_and_final_semicolons() {
        let strip = |s: &str| {
            let mut out = String::new();
            let mut rest = s;
            while let Some(at) = rest.find("/*") {
                out.push_str(&rest[..at]);
                rest = rest[at..].find("*/").map_or("", |end| &rest[at + end + 2..]);
            }
            out.push_str(rest);
            out.chars().filter(|c| !c.is_whitespace()).collect::<String>().replace(";}", "}")
        };
        assert_eq!(strip(STYLE), strip(SOURCE));
        assert!(STYLE.len() < SOURCE.len() * 9 / 10, "{} of {} bytes", STYLE.len(), SOURCE.len());
        assert!(!STYLE.contains("/*") && !STYLE.contains("  ") && !STYLE.contains('\n'));
    }
}
