use super::*;

#[test]
fn parses_every_kind() {
    let v = parse(r#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}} "#).unwrap();
    let a = v.get("a").unwrap().as_array().unwrap();
    assert_eq!(a[0].as_u64(), Some(1));
    assert_eq!(a[1].as_number().map(Number::as_str), Some("-2.5e3"));
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
    assert_eq!(v.canonical().as_deref(), Ok(r#"{"a":{"A":"2","z":[{"x":null,"y":true}],"é":"1"},"b":1}"#));
}

#[test]
fn many_unique_keys_parse_and_a_late_duplicate_is_refused_where_it_stands() {
    // About what a 32 KiB receipt body can carry: the duplicate check must not be quadratic.
    let members: Vec<String> = (0..3_000).map(|i| format!("\"k{i}\":{i}")).collect();
    let src = format!("{{{}}}", members.join(","));
    let v = parse(&src).unwrap();
    assert_eq!(v.as_object().map(<[_]>::len), Some(3_000));
    assert_eq!(v.get("k2999").and_then(Value::as_u64), Some(2_999));

    let with_duplicate = format!("{{{},\"k1234\":0}}", members.join(","));
    let e = parse(&with_duplicate).unwrap_err();
    assert_eq!(e.message, "duplicate key \"k1234\"");
    assert_eq!((e.line, e.column), (1, with_duplicate.rfind("\"k1234\"").unwrap() + 1));
}

#[test]
fn the_first_duplicate_is_reported_even_when_the_object_fails_later() {
    // (input, line, column, message): the error the text meets first, as a left-to-right reader meets it.
    let cases = [
        (r#"{"a":1,"a":2,"#, 1, 8, "duplicate key \"a\""),
        (r#"{"a":1,"a""#, 1, 8, "duplicate key \"a\""),
        (r#"{"a":1,"a":[1 2]}"#, 1, 8, "duplicate key \"a\""),
        (r#"{"a":{"b":1,"b":2},"a":3}"#, 1, 13, "duplicate key \"b\""),
        (r#"{"a":1,"b":{"c":1,"c""#, 1, 19, "duplicate key \"c\""),
        (r#"{"b":1,"a":1,"b":2,"a":3}"#, 1, 14, "duplicate key \"b\""),
        (r#"{"a":1,"b":{"c":[}]},"a":2}"#, 1, 18, "expected a JSON value"),
        ("{\"x\":1,\n \"y\":2,\n \"x\":3}", 3, 2, "duplicate key \"x\""),
    ];
    for (src, line, column, message) in cases {
        let e = parse(src).expect_err(src);
        assert_eq!((e.line, e.column, e.message.as_str()), (line, column, message), "{src}");
    }
    let deep = format!(r#"{{"a":1,"a":{}{}}}"#, "[".repeat(100), "]".repeat(100));
    assert_eq!(parse(&deep).unwrap_err().message, "duplicate key \"a\"");
}

#[test]
fn escapes_strings_as_rfc_8785_and_serde_json_do() {
    // Every ASCII character, and a few beyond: `\b` and `\f` by name, other controls as `\u00xx`.
    for c in (0u8..0x80).map(char::from).chain(['é', '\u{2028}', '\u{2029}', '\u{feff}', '😀']) {
        let s = format!("a{c}b");
        assert_eq!(Value::str(&s).to_string(), serde_json::to_string(&s).unwrap(), "{:?}", c);
    }
    assert_eq!(Value::str("\u{8}\u{c}\u{1f}").to_string(), r#""\b\f\u001f""#);
    assert_eq!(parse(r#""\b\f\u0008\u000C""#).unwrap(), Value::str("\u{8}\u{c}\u{8}\u{c}"));
}

#[test]
fn canonical_form_refuses_numbers_jcs_would_write_differently() {
    for ok in ["0", "17", "-17", "9007199254740991", "-9007199254740991"] {
        let v = parse(&format!("[{ok}]")).unwrap();
        assert_eq!(v.canonical().as_deref(), Ok(format!("[{ok}]").as_str()), "{ok}");
    }
    for bad in ["1.5", "1e2", "1E2", "1.0", "-0", "9007199254740992", "-9007199254740992", "123456789012345678901"] {
        let v = parse(&format!(r#"{{"a":[{{"b":{bad}}}]}}"#)).unwrap();
        let e = v.canonical().unwrap_err();
        assert_eq!(e.number(), bad);
        assert!(e.to_string().contains(bad), "{e}");
    }
    assert_eq!(Value::int(i64::MIN).canonical().unwrap_err().number(), i64::MIN.to_string());
}

#[test]
fn numbers_are_read_only() {
    let n = parse("-12").unwrap();
    let n = n.as_number().unwrap();
    assert_eq!((n.as_str(), n.as_i64(), n.as_u64(), n.is_integer()), ("-12", Some(-12), None, true));
    let f = parse("2.5e-3").unwrap();
    let f = f.as_number().unwrap();
    assert_eq!((f.to_string().as_str(), f.as_i64(), f.is_integer()), ("2.5e-3", None, false));
    assert_eq!(Value::uint(u64::MAX).as_u64(), Some(u64::MAX));
    assert_eq!(Value::int(-7), parse("-7").unwrap());
    assert_eq!(Value::str("x").as_number(), None);
}

#[test]
fn flags_build_an_object_of_booleans_in_order() {
    let v = Value::flags([("b", true), ("a", false)]);
    assert_eq!(v.to_string(), r#"{"b":true,"a":false}"#);
    let owned = [("analytics/matomo".to_string(), true)];
    assert_eq!(Value::flags(owned.iter().map(|(k, b)| (k.as_str(), *b))).to_string(), r#"{"analytics/matomo":true}"#);
    assert_eq!(Value::flags(Vec::<(String, bool)>::new()), Value::Object(Vec::new()));
}
