use super::*;
use crate::fixtures::{config, matomo_only_choice, t};

fn sample() -> Choice {
    matomo_only_choice("fr", 1_790_000_000_000, "4f1c2a9e-0000-4000-8000-000000000001")
}

#[test]
fn round_trip() {
    let c = config();
    let ch = sample();
    let raw = encode(&ch);
    let back = decode(&raw, &c).unwrap();
    assert_eq!(back.choice, ch);
    assert_eq!(
        back.asked.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["necessary", "analytics", "marketing", "analytics/matomo", "analytics/hotjar"]
    );
    assert!(raw.starts_with("{\"v\":1,"));
}

#[test]
fn corrupt_values_read_as_no_choice() {
    let c = config();
    for raw in ["{garbage", "", "null", "42", "[]", "\"text\"", "{}", "{\"theme\":\"dark\"}"] {
        assert!(matches!(decode(raw, &c), Err(Unreadable::Corrupt(_))), "{raw}");
    }
}

#[test]
fn other_versions_read_as_no_choice() {
    let c = config();
    let raw = encode(&sample()).replacen("\"v\":1", "\"v\":99", 1);
    assert_eq!(decode(&raw, &c), Err(Unreadable::OtherVersion(99)));
}

#[test]
fn malformed_records_read_as_no_choice() {
    let c = config();
    let good = encode(&sample());
    let cases = [
        good.replacen("\"language\":\"fr\"", "\"language\":3", 1),
        good.replacen("\"action\":\"save\"", "\"action\":\"scroll\"", 1),
        // The signal alone never writes a stored choice, so one claiming it is forged or corrupt.
        good.replacen("\"layer\":\"preferences\",\"action\":\"save\"", "\"layer\":\"gpc\",\"action\":\"opt-out\"", 1),
        good.replacen("\"action\":\"save\"", "\"action\":\"opt-out\"", 1),
        good.replacen("\"v\":1,", "\"v\":1,\"extra\":true,", 1),
        good.replacen("\"purposes\":{", "\"purposes\":{\"zzz\":\"yes\",", 1),
        good.replacen("\"id\":\"4f1c2a9e-0000-4000-8000-000000000001\"", "\"id\":\"\"", 1),
    ];
    for raw in cases {
        assert_ne!(raw, good);
        assert!(matches!(decode(&raw, &c), Err(Unreadable::Corrupt(_))), "{raw}");
    }
}

#[test]
fn unknown_purposes_in_storage_grant_nothing() {
    let c = config();
    let raw = encode(&sample()).replacen("\"purposes\":{", "\"purposes\":{\"ghost\":true,", 1);
    let d = decode(&raw, &c).unwrap();
    assert!(!d.choice.decisions.granted(&t("ghost")));
    assert!(d.choice.decisions.granted(&t("analytics/matomo")));
}

#[test]
fn a_record_claiming_a_longer_life_than_any_configuration_allows_is_no_choice() {
    let c = config();
    let ch = sample();
    let longest = ch.updated + i64::from(crate::config::MAX_EXPIRY_DAYS) * crate::choice::DAY_MS;
    let at = |expires: i64| encode(&Choice { expires, ..ch.clone() });
    assert!(decode(&at(longest), &c).is_ok(), "the longest allowed life is a choice");
    for expires in [longest + 1, 8_640_000_000_000_000] {
        assert!(matches!(decode(&at(expires), &c), Err(Unreadable::Corrupt(_))), "expires {expires}");
    }
}
