use super::*;
use crate::fixtures::{config, edited, t};

const NOW: i64 = 1_790_000_000_000;

fn banner_accept() -> Method {
    Method { layer: Layer::Banner, action: Action::AcceptAll }
}

fn asked(c: &Config) -> Vec<Target> {
    let services = c.purposes.iter().flat_map(|p| p.services.iter().map(move |s| ServiceKey::new(&p.id, &s.id).into()));
    c.purposes.iter().map(|p| Target::Purpose(p.id.clone())).chain(services).collect()
}

#[test]
fn first_decision_creates_a_choice() {
    let c = config();
    let ch = Choice::decide(None, &c, Decisions::accept_all(&c), banner_accept(), "fr", NOW, || "id-1".into());
    assert_eq!(ch.id, "id-1");
    assert_eq!(ch.created, NOW);
    assert_eq!(ch.updated, NOW);
    assert_eq!(ch.expires, NOW + 182 * DAY_MS);
    assert_eq!(ch.language, "fr");
    assert_eq!(ch.policy_version, "2026-11");
}

#[test]
fn a_change_keeps_id_and_creation_and_restarts_expiry() {
    let c = config();
    let first = Choice::decide(None, &c, Decisions::accept_all(&c), banner_accept(), "en", NOW, || "id-1".into());
    let later = NOW + 10 * DAY_MS;
    let method = Method { layer: Layer::Preferences, action: Action::RejectAll };
    let second = Choice::decide(Some(&first), &c, Decisions::reject_all(&c), method, "en", later, || {
        panic!("an existing choice keeps its id")
    });
    assert_eq!(second.id, "id-1");
    assert_eq!(second.created, NOW);
    assert_eq!(second.updated, later);
    assert_eq!(second.expires, later + 182 * DAY_MS);
    assert_eq!(second.method, method);
}

#[test]
fn prompt_rules() {
    let c = config();
    let ch = Choice::decide(None, &c, Decisions::reject_all(&c), banner_accept(), "en", NOW, || "x".into());
    let all = asked(&c);
    assert_eq!(Choice::prompt_reason(None, &c, NOW, &[]), Some(PromptReason::NoChoice));
    assert_eq!(Choice::prompt_reason(Some(&ch), &c, NOW + DAY_MS, &all), None);
    assert_eq!(Choice::prompt_reason(Some(&ch), &c, ch.expires - 1, &all), None);
    assert_eq!(Choice::prompt_reason(Some(&ch), &c, ch.expires, &all), Some(PromptReason::Expired));
    // A clock far behind the record's creation cannot extend it indefinitely.
    assert_eq!(Choice::prompt_reason(Some(&ch), &c, NOW - 2 * DAY_MS, &all), Some(PromptReason::Expired));
    let changed = Config::from_json(&edited(|v| v["policy_version"] = "2027-01".into())).unwrap();
    assert_eq!(Choice::prompt_reason(Some(&ch), &changed, NOW, &all), Some(PromptReason::PolicyChanged));
    let without_marketing: Vec<Target> = all.iter().filter(|a| **a != t("marketing")).cloned().collect();
    assert_eq!(Choice::prompt_reason(Some(&ch), &c, NOW, &without_marketing), Some(PromptReason::NewPurpose));
    let without_hotjar: Vec<Target> = all.iter().filter(|a| **a != t("analytics/hotjar")).cloned().collect();
    assert_eq!(
        Choice::prompt_reason(Some(&ch), &c, NOW, &without_hotjar),
        Some(PromptReason::NewPurpose),
        "a new service asks again"
    );
}

#[test]
fn a_refusal_is_remembered_like_an_acceptance() {
    let c = config();
    let refusal = Choice::decide(
        None,
        &c,
        Decisions::reject_all(&c),
        Method { layer: Layer::Banner, action: Action::RejectAll },
        "en",
        NOW,
        || "r".into(),
    );
    assert_eq!(Choice::prompt_reason(Some(&refusal), &c, NOW + 100 * DAY_MS, &asked(&c)), None);
}

#[test]
fn names_round_trip() {
    for l in [Layer::Banner, Layer::Preferences, Layer::Api] {
        assert_eq!(Layer::from_name(l.name()), Some(l));
    }
    for a in [Action::AcceptAll, Action::RejectAll, Action::Save] {
        assert_eq!(Action::from_name(a.name()), Some(a));
    }
    assert_eq!(Action::from_name("customize"), None);
}

#[test]
fn a_choice_lasts_no_longer_than_the_configuration_allows_since_it_was_made() {
    let c = config();
    let ch = Choice::decide(None, &c, Decisions::reject_all(&c), banner_accept(), "en", NOW, || "x".into());
    let all = asked(&c);
    // A stored record that claims more (written under a longer expiry_days, or forged) is cut back.
    let claims_more = Choice { expires: ch.updated + 10 * i64::from(c.expiry_days) * DAY_MS, ..ch.clone() };
    assert_eq!(Choice::prompt_reason(Some(&claims_more), &c, ch.expires - 1, &all), None);
    assert_eq!(Choice::prompt_reason(Some(&claims_more), &c, ch.expires, &all), Some(PromptReason::Expired));
    // Shortening expiry_days shortens what is already stored.
    let shorter = Config::from_json(&edited(|v| v["expiry_days"] = 30.into())).unwrap();
    assert_eq!(Choice::prompt_reason(Some(&ch), &shorter, NOW + 29 * DAY_MS, &all), None);
    assert_eq!(Choice::prompt_reason(Some(&ch), &shorter, NOW + 30 * DAY_MS, &all), Some(PromptReason::Expired));
}
