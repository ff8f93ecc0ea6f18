//! The built-in interface language packs, `src/i18n/packs/<tag>.json` (issue 11, LANG-R1 and LANG-01 of
//! the research notes): exactly the expected languages, every `TextKey` in order with a usable string,
//! the English and French packs identical to the strings compiled into `i18n::builtin` (receipts hash
//! them), and a few checks of the rules the wording must follow (no nudging, the withdrawal note naming
//! the real button, the Global Privacy Control notice). `README.md` in that folder says how the packs
//! were made and what a reviewer must check.

// A failing check panics with the language and key; helpers unwrap for the same reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use consentry_model::i18n::{builtin, Pack, TextKey, PACK_LANGUAGES};
use consentry_model::json;

/// Every language that has a pack: the 24 official EU languages, Icelandic and Norwegian (Bokmål,
/// Nynorsk) for the EEA, Arabic and Hebrew (right to left). Sorted.
const TAGS: [&str; 29] = [
    "ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "he", "hr", "hu", "is", "it", "lt", "lv",
    "mt", "nb", "nl", "nn", "pl", "pt", "ro", "sk", "sl", "sv",
];

/// The quotation marks each language puts around the button's label in `withdraw_note`.
const QUOTES: [(&str, &str, &str); 29] = [
    ("ar", "«", "»"),
    ("bg", "„", "“"),
    ("cs", "„", "“"),
    ("da", "»", "«"),
    ("de", "„", "“"),
    ("el", "«", "»"),
    ("en", "“", "”"),
    ("es", "«", "»"),
    ("et", "„", "“"),
    ("fi", "”", "”"),
    ("fr", "« ", " »"),
    ("ga", "“", "”"),
    ("he", "\"", "\""),
    ("hr", "„", "“"),
    ("hu", "„", "”"),
    ("is", "„", "“"),
    ("it", "«", "»"),
    ("lt", "„", "“"),
    ("lv", "„", "”"),
    ("mt", "“", "”"),
    ("nb", "«", "»"),
    ("nl", "“", "”"),
    ("nn", "«", "»"),
    ("pl", "„", "”"),
    ("pt", "«", "»"),
    ("ro", "„", "”"),
    ("sk", "„", "“"),
    ("sl", "„", "“"),
    ("sv", "”", "”"),
];

fn packs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join("i18n").join("packs")
}

fn read(tag: &str) -> String {
    let path = packs_dir().join(format!("{tag}.json"));
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The pack's members in file order, through the crate's own reader (which keeps order and refuses
/// duplicate keys), checked against serde_json's reading of the same text.
fn pack(tag: &str) -> Vec<(String, String)> {
    let text = read(tag);
    let value = json::parse(&text).unwrap_or_else(|e| panic!("{tag}.json: not valid JSON: {e}"));
    let members = value.as_object().unwrap_or_else(|| panic!("{tag}.json: not a JSON object"));
    let entries: Vec<(String, String)> = members
        .iter()
        .map(|(k, v)| {
            let s = v.as_str().unwrap_or_else(|| panic!("{tag}.json: {k} is a {}, not a string", v.kind()));
            (k.clone(), s.to_owned())
        })
        .collect();

    let other: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{tag}.json: serde_json refuses it: {e}"));
    let other = other.as_object().unwrap_or_else(|| panic!("{tag}.json: serde_json sees no object"));
    assert_eq!(other.len(), entries.len(), "{tag}.json: the two readers disagree on the members");
    for (k, v) in &entries {
        assert_eq!(other.get(k).and_then(|o| o.as_str()), Some(v.as_str()), "{tag}.json: {k}: the readers disagree");
    }
    entries
}

fn get(entries: &[(String, String)], key: TextKey) -> &str {
    entries
        .iter()
        .find(|(k, _)| k == key.name())
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {}", key.name()))
}

#[test]
fn the_folder_holds_exactly_the_expected_languages() {
    let mut sorted = TAGS;
    sorted.sort_unstable();
    assert_eq!(sorted, TAGS, "keep TAGS sorted");
    assert_eq!(TAGS.iter().collect::<BTreeSet<_>>().len(), TAGS.len(), "a tag is listed twice");
    assert_eq!(QUOTES.map(|(t, _, _)| t), TAGS, "QUOTES must list TAGS, in the same order");
    assert_eq!(PACK_LANGUAGES, TAGS, "i18n::PACK_LANGUAGES lists exactly the packs");

    let mut packs = BTreeSet::new();
    let mut others = BTreeSet::new();
    for entry in fs::read_dir(packs_dir()).unwrap() {
        let entry = entry.unwrap();
        assert!(entry.file_type().unwrap().is_file(), "{:?} is not a file", entry.file_name());
        let name = entry.file_name().into_string().unwrap();
        match name.strip_suffix(".json") {
            Some(tag) => packs.insert(tag.to_owned()),
            None => others.insert(name),
        };
    }
    assert_eq!(packs, TAGS.iter().map(|t| t.to_string()).collect(), "the *.json files are not the expected languages");
    assert_eq!(others, BTreeSet::from(["README.md".to_owned()]), "only README.md may sit next to the packs");
}

#[test]
fn every_pack_has_every_key_in_order_with_a_clean_string() {
    let names: Vec<&str> = TextKey::ALL.iter().map(|k| k.name()).collect();
    for tag in TAGS {
        let entries = pack(tag);
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, names, "{tag}.json: the keys must be exactly TextKey::ALL, in that order");
        for (k, v) in &entries {
            assert!(!v.is_empty(), "{tag}.json: {k} is empty");
            assert_eq!(v.trim(), v, "{tag}.json: {k} has leading or trailing whitespace");
            assert!(!v.chars().any(char::is_control), "{tag}.json: {k} holds a control character");
        }
    }
}

#[test]
fn every_pack_is_written_the_same_way() {
    // UTF-8 (no escapes beyond what JSON needs), no byte-order mark, 2-space indentation, one member a
    // line, a trailing newline: the text serde_json would write for the members in this order.
    for tag in TAGS {
        let text = read(tag);
        let members: Vec<String> = pack(tag)
            .iter()
            .map(|(k, v)| format!("  {}: {}", serde_json::to_string(k).unwrap(), serde_json::to_string(v).unwrap()))
            .collect();
        let expected = format!("{{\n{}\n}}\n", members.join(",\n"));
        assert!(text == expected, "{tag}.json is not in the canonical layout; expected:\n{expected}");
    }
}

#[test]
fn the_controller_placeholder_is_in_the_banner_body_once_and_nowhere_else() {
    for tag in TAGS {
        for (k, v) in &pack(tag) {
            let rest = if k == TextKey::BannerBody.name() {
                assert_eq!(
                    v.matches("{controller}").count(),
                    1,
                    "{tag}.json: banner_body must name {{controller}} once"
                );
                v.replacen("{controller}", "", 1)
            } else {
                v.clone()
            };
            assert!(!rest.contains(['{', '}']), "{tag}.json: {k} holds a stray or translated placeholder: {v}");
        }
    }
}

#[test]
fn english_is_the_compiled_in_strings_and_every_pack_reads_as_the_widget_reads_it() {
    let entries = pack("en");
    for key in TextKey::ALL {
        assert_eq!(Some(get(&entries, key)), builtin("en", key), "en.json: {} differs from i18n::builtin", key.name());
    }
    for tag in TAGS {
        let text = fs::read_to_string(packs_dir().join(format!("{tag}.json"))).unwrap();
        let read = Pack::parse(tag, &text).unwrap_or_else(|e| panic!("{e}"));
        let entries = pack(tag);
        for key in TextKey::ALL {
            assert_eq!(read.get(key), get(&entries, key), "{tag}: {}", key.name());
        }
    }
}

#[test]
fn the_other_languages_are_translated() {
    let en = pack("en");
    let long = [TextKey::BannerBody, TextKey::PreferencesBody, TextKey::WithdrawNote, TextKey::GpcConflict];
    for tag in TAGS.iter().filter(|t| **t != "en") {
        let entries = pack(tag);
        for key in long {
            assert_ne!(get(&entries, key), get(&en, key), "{tag}.json: {} is still English", key.name());
        }
    }
}

#[test]
fn the_withdrawal_note_quotes_the_floating_buttons_label() {
    for (tag, open, close) in QUOTES {
        let entries = pack(tag);
        let label = get(&entries, TextKey::OpenPreferences);
        let note = get(&entries, TextKey::WithdrawNote);
        assert!(note.contains(label), "{tag}.json: withdraw_note must name the open_preferences label {label:?}");
        let quoted = format!("{open}{label}{close}");
        assert!(note.contains(&quoted), "{tag}.json: withdraw_note must quote the label as {quoted}");
    }
}

#[test]
fn the_gpc_notice_keeps_the_signals_name() {
    for tag in TAGS {
        let honored = get(&pack(tag), TextKey::GpcHonored).to_owned();
        assert!(honored.contains("Global Privacy Control"), "{tag}.json: gpc_honored must name Global Privacy Control");
    }
}

#[test]
fn accept_all_and_reject_all_are_worded_alike() {
    // Crude no-nudging check (COMPLIANCE.md): two different labels of about the same length. It cannot see
    // tone; the README of the packs asks a native speaker to check that neither is friendlier.
    for tag in TAGS {
        let entries = pack(tag);
        let accept = get(&entries, TextKey::AcceptAll);
        let reject = get(&entries, TextKey::RejectAll);
        assert_ne!(accept, reject, "{tag}.json: accept_all and reject_all are the same");
        let (a, r) = (accept.chars().count(), reject.chars().count());
        let longer = a.max(r);
        assert!(
            2 * a.abs_diff(r) <= longer,
            "{tag}.json: {accept:?} ({a}) and {reject:?} ({r}) differ by more than half"
        );
    }
}
