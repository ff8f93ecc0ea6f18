use super::*;

#[test]
fn parses_every_kind() {
    let v = parse(r#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}} "#).unwrap();
    let a = v.get("a").unwrap().as_array().unwrap();
    assert_eq!(a[0].as_u64(), Some(1));
    assert_eq!(a[1], Value::Number("-2.5e3".into()));
    assert_eq!(a[1].as_i64(), None);
    assert_eq!(a[2].as_bool(), Some(true));
    assert_eq!(a[4], Value::Null);
    assert_eq!(v.get("b").unwrap().get("c").unwrap().as_str(), Some("d\né😀"));
}

#[test]
fn round_trips_through_the_writer() {
    let src = r#"{"k":"q\"b\\s\u0001 é","n":[0,-1,12345678901234],"o":{},"e":[]}"#;
    let v = parse(src).unwrap();
    assert_eq!(v.to_string(), src);
    assert_eq!(parse(&v.to_string()).unwrap(), v);
}

#[test]
fn agrees_with_serde_json_on_output() {
    let v = Value::object([("s", Value::str("a\"\\\n\t\u{7}☃")), ("n", Value::int(-42)), ("z", Value::Null)]);
    let ours = v.to_string();
    let theirs: serde_json::Value = serde_json::from_str(&ours).unwrap();
    assert_eq!(theirs["s"], "a\"\\\n\t\u{7}☃");
    assert_eq!(theirs["n"], -42);
}

#[test]
fn refuses_bad_json_with_a_position() {
    let cases = [
        ("{garbage", 1, 2),
        ("", 1, 1),
        ("{\"a\":1,}", 1, 8),
        ("[1 2]", 1, 4),
        ("{\"a\":1}\n x", 2, 2),
        ("01", 1, 2),
        ("\"abc", 1, 5),
        ("\"\\x\"", 1, 3),
        ("{\"a\":1,\"a\":2}", 1, 8),
        ("\"\\ud800\"", 1, 8),
        ("1.", 1, 3),
        ("tru", 1, 1),
    ];
    for (src, line, column) in cases {
        let e = parse(src).expect_err(src);
        assert_eq!((e.line, e.column), (line, column), "{src}: {e}");
    }
    assert!(parse("{\"a\":1,\"a\":2}").unwrap_err().message.contains("duplicate key \"a\""));
}

#[test]
fn limits_nesting() {
    let deep = "[".repeat(100) + &"]".repeat(100);
    assert!(parse(&deep).unwrap_err().message.contains("nested too deeply"));
    let ok = "[".repeat(60) + &"]".repeat(60);
    assert!(parse(&ok).is_ok());
}

#[test]
fn integers() {
    assert_eq!(parse("1790000000000").unwrap().as_i64(), Some(1_790_000_000_000));
    assert_eq!(parse("-1").unwrap().as_u64(), None);
    assert_eq!(parse("1e2").unwrap().as_u64(), None);
}

#[test]
fn never_panics_on_arbitrary_input() {
    // A deterministic xorshift stream of JSON-ish fragments, including multi-byte characters and
    // truncated escapes: every input must give a value or an error, never a panic.
    let alphabet = [
        "{", "}", "[", "]", "\"", "\\", "u", "d8", "00", ":", ",", "1", "-", ".", "e", "é", "😀", " ", "null", "tru",
        "\\u00", "\n",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        let mut s = String::new();
        for _ in 0..(state % 24) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            s.push_str(alphabet[(state % alphabet.len() as u64) as usize]);
        }
        if let Ok(v) = parse(&s) {
            assert_eq!(parse(&v.to_string()).as_ref(), Ok(&v), "{s}");
        }
    }
}

#[test]
fn canonical_form_sorts_keys_recursively() {
    let v = parse(r#"{"b":1,"a":{"z":[{"y":true,"x":null}],"é":"1","A":"2"}}"#).unwrap();
    assert_eq!(v.canonical(), r#"{"a":{"A":"2","z":[{"x":null,"y":true}],"é":"1"},"b":1}"#);
}
