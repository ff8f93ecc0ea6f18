use serde_json::{json, Value};

use super::*;
use crate::choice::{Action, Layer};
use crate::fixtures::{config, edited, matomo_only_choice, t};

fn sample() -> Choice {
    matomo_only_choice("fr", 1_790_000_000_000, "4f1c2a9e-0000-4000-8000-000000000001")
}

fn cookie_safe(value: &str) -> bool {
    // RFC 6265 cookie-octet: no control characters, whitespace, `"`, `,`, `;` or `\`.
    value.bytes().all(|b| (0x21..=0x7e).contains(&b) && !matches!(b, b'"' | b',' | b';' | b'\\'))
}

#[test]
fn decodes_to_exactly_what_the_json_record_decodes_to() {
    let c = config();
    let ch = Choice { policy_version: "2026-11 été; \"v2\"".into(), gpc: true, gpc_override: true, ..sample() };
    let raw = encode(&ch);
    assert!(cookie_safe(&raw), "{raw}");
    assert!(
        raw.starts_with("1.4f1c2a9e-0000-4000-8000-000000000001.2026-11%20%C3%A9t%C3%A9%3B%20%22v2%22.fr."),
        "{raw}"
    );
    let back = decode(&raw, &c).unwrap();
    assert_eq!(back.choice, ch);
    assert_eq!(back, super::super::decode(&super::super::encode(&ch), &c).unwrap());
    for method in Method::ALL.into_iter().filter(|m| m.is_visitor_decision()) {
        for (gpc, gpc_override) in [(false, false), (true, false), (false, true), (true, true)] {
            let ch = Choice { method, gpc, gpc_override, ..sample() };
            assert_eq!(decode(&encode(&ch), &c).unwrap().choice, ch, "{method:?}");
        }
    }
}

#[test]
fn every_grant_pattern_survives() {
    let c = config();
    let targets = ["analytics/matomo", "analytics/hotjar", "marketing"];
    for mask in 0..8u8 {
        let mut d = Decisions::none(&c);
        for (i, target) in targets.iter().enumerate() {
            d.set(&c, &t(target), mask & (1 << i) != 0);
        }
        let ch = Choice { decisions: d, ..sample() };
        assert_eq!(decode(&encode(&ch), &c).unwrap().choice, ch, "mask {mask}");
    }
}

/// XSD-04: 20 purposes of 5 services each but the last ten (60 services), ids as long as real ones.
fn large_config() -> Config {
    let purposes: Vec<Value> = (0..20)
        .map(|i| {
            let services: Vec<Value> = (0..if i < 10 { 5 } else { 1 })
                .map(|j| json!({"id": format!("vendor-service-{i:02}-{j}"), "name": "S", "description": "D"}))
                .collect();
            json!({"id": format!("purpose-number-{i:02}"), "name": "P", "description": "D", "retention": "1 year",
                   "recipients": "Us", "required": i == 0, "services": services})
        })
        .collect();
    let config = Config::from_json(&edited(|v| v["purposes"] = Value::Array(purposes))).unwrap();
    let services: usize = config.purposes.iter().map(|p| p.services.len()).sum();
    assert_eq!((config.purposes.len(), services), (20, 60));
    config
}

#[test]
fn twenty_purposes_and_sixty_services_fit_far_under_a_kilobyte() {
    let c = large_config();
    let mut d = Decisions::none(&c);
    for (i, p) in c.purposes.iter().enumerate() {
        for (j, s) in p.services.iter().enumerate() {
            d.set(&c, &Target::Service(ServiceKey::new(&p.id, &s.id)), (i + j) % 2 == 0);
        }
    }
    let ch = Choice::decide(
        None,
        &c,
        d,
        Method { layer: Layer::Preferences, action: Action::Save },
        "en",
        1_790_000_000_000,
        || "4f1c2a9e-0000-4000-8000-000000000001".into(),
    );
    let raw = encode(&ch);
    assert!(raw.len() < 1024, "{} bytes: {raw}", raw.len());
    assert!(format!("consentry={raw}").len() < 200, "{} bytes", raw.len());
    assert!(super::super::encode(&ch).len() > 2000, "the JSON record would not fit the budget");
    assert!(cookie_safe(&raw));
    let back = decode(&raw, &c).unwrap();
    assert_eq!(back.choice, ch);
    assert_eq!(back.asked.len(), 80);
}

#[test]
fn corrupt_values_read_as_no_choice() {
    let c = config();
    let good = encode(&sample());
    let fields: Vec<&str> = good.split('.').collect();
    let with = |i: usize, v: &str| {
        let mut f = fields.clone();
        f[i] = v;
        f.join(".")
    };
    let cases = [
        String::new(),
        "garbage".into(),
        "{\"v\":1}".into(),
        "1".into(),
        format!("{good}.extra"),
        fields[..9].join("."),
        with(0, "01"),
        with(0, "+1"),
        with(1, ""),
        with(1, "a%2"),
        with(1, "a%zz"),
        with(2, "caf%C3"),
        with(3, "f r"),
        with(4, ""),
        with(4, "ABC"),
        with(4, "zzzzzzzzzzzzzzzz"),
        with(5, "-1"),
        with(6, "-1"),
        with(6, &base36(i64::from(MAX_EXPIRY_DAYS) * DAY_MS + 1)),
        with(7, "zz"),
        with(7, "-4"),
        // `gpc:opt-out`: the signal alone never writes a stored choice.
        with(7, &base36(4 * Method::ALL.iter().position(|m| !m.is_visitor_decision()).unwrap() as i64)),
        with(8, "-"),
        with(8, &base36(i64::from(u32::MAX) + 1)),
        with(9, ""),
        with(9, "00"),
        with(9, "W"),
        with(9, "!"),
    ];
    for raw in cases {
        assert_ne!(raw, good);
        assert!(matches!(decode(&raw, &c), Err(Unreadable::Corrupt(_))), "{raw}: {:?}", decode(&raw, &c));
    }
}

#[test]
fn other_versions_read_as_no_choice() {
    let c = config();
    let raw = encode(&sample()).replacen('1', "7", 1);
    assert_eq!(decode(&raw, &c), Err(Unreadable::OtherVersion(7)));
}

#[test]
fn a_record_for_other_purposes_grants_nothing_and_asks_again() {
    let written = config();
    let ch = Choice { decisions: Decisions::accept_all(&written), ..sample() };
    let raw = encode(&ch);
    // A service added, and two purposes swapped: the bits cannot be mapped.
    let added = Config::from_json(&edited(|v| {
        v["purposes"][1]["services"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": "plausible", "name": "P", "description": "D"}))
    }))
    .unwrap();
    let swapped = Config::from_json(&edited(|v| v["purposes"].as_array_mut().unwrap().swap(1, 2))).unwrap();
    for other in [added, swapped] {
        let back = decode(&raw, &other).unwrap();
        assert_eq!(back.choice.decisions, Decisions::none(&other));
        assert!(back.asked.is_empty());
        assert_eq!((back.choice.id.as_str(), back.choice.created), (ch.id.as_str(), ch.created));
        let reason = crate::choice::Choice::prompt_reason(Some(&back.choice), &other, ch.updated, &back.asked);
        assert_eq!(reason, Some(crate::choice::PromptReason::NewPurpose));
    }
}

#[test]
fn the_targets_hash_is_the_loaders() {
    // The same function is in src/loader.js; tests/e2e/subdomains.test.mjs checks the loader reads a
    // cookie this codec wrote.
    assert_eq!(hash_keys([]), 0x811c_9dc5);
    assert_eq!(hash_keys(["a"]), 0x0b24_9de4);
    assert_eq!(targets_hash(&config()), 4_201_478_285);
    assert_eq!(
        targets_hash(&config()),
        hash_keys(["necessary", "analytics", "marketing", "analytics/matomo", "analytics/hotjar"])
    );
}

#[test]
fn bits_past_the_last_target_are_refused() {
    // Six targets: two digits, the second with one bit in use.
    let c = Config::from_json(&edited(|v| {
        v["purposes"][1]["services"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": "plausible", "name": "P", "description": "D"}))
    }))
    .unwrap();
    let mut d = Decisions::none(&c);
    d.set(&c, &t("analytics/plausible"), true);
    let ch = Choice { decisions: d, ..sample() };
    let raw = encode(&ch);
    assert_eq!(decode(&raw, &c).unwrap().choice, ch);
    let (head, bits) = raw.rsplit_once('.').unwrap();
    assert_eq!(bits.len(), 2);
    let forged = format!("{head}.{}{}", &bits[..1], char::from_digit(3, 32).unwrap());
    assert!(matches!(decode(&forged, &c), Err(Unreadable::Corrupt(_))), "{forged}");
}
