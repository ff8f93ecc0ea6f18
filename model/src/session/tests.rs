use super::*;
use crate::choice::{Action, Layer};
use crate::fixtures::{config, edited, t};
use crate::record::{decode, encode};

fn sj(v: Value) -> serde_json::Value {
    serde_json::from_str(&v.to_string()).unwrap()
}

const NOW: i64 = 1_790_000_000_000;
const DAY: i64 = crate::choice::DAY_MS;

fn accepted_record() -> String {
    let c = config();
    let mut s = Session::start(c.clone(), "en".into(), None, NOW);
    let out =
        s.decide(Decisions::accept_all(&c), Method { layer: Layer::Banner, action: Action::AcceptAll }, NOW, || {
            "id-7".into()
        });
    encode(&out.choice)
}

#[test]
fn first_visit_prompts_and_grants_nothing() {
    let c = config();
    let s = Session::start(c.clone(), "en".into(), None, NOW);
    assert_eq!(s.prompt(), Some(PromptReason::NoChoice));
    assert!(!s.restored());
    assert!(!s.applied().any_optional_granted(&c));
    let st = sj(s.state_json(Backend::Local));
    assert_eq!(st["decided"], false);
    assert_eq!(st["purposes"]["analytics"], false);
    assert_eq!(st["purposes"]["necessary"], true);
    assert!(st["id"].is_null());
}

#[test]
fn stored_choice_is_applied_without_prompt() {
    let c = config();
    let s = Session::start(c.clone(), "en".into(), decode(&accepted_record(), &c).ok(), NOW + DAY);
    assert_eq!(s.prompt(), None);
    assert!(s.restored());
    assert!(s.applied().granted(&t("marketing")));
    let ev = sj(s.change_json(Source::Stored));
    assert_eq!(ev["source"], "stored");
    assert!(ev["action"].is_null());
    assert_eq!(ev["id"], "id-7");
    assert_eq!(sj(s.state_json(Backend::Memory))["decided"], true);
}

#[test]
fn expired_or_other_policy_grants_nothing_and_prompts() {
    let c = config();
    let stored = decode(&accepted_record(), &c).ok();
    let s = Session::start(c.clone(), "en".into(), stored.clone(), NOW + 183 * DAY);
    assert_eq!(s.prompt(), Some(PromptReason::Expired));
    assert!(!s.applied().any_optional_granted(&c));
    assert!(!s.restored());
    let changed = Config::from_json(&edited(|v| v["policy_version"] = "2".into())).unwrap();
    let s = Session::start(changed.clone(), "en".into(), stored, NOW);
    assert_eq!(s.prompt(), Some(PromptReason::PolicyChanged));
    assert!(!s.applied().any_optional_granted(&changed));
}

#[test]
fn a_new_purpose_prompts_but_keeps_earlier_decisions() {
    let c = config();
    let with_new = Config::from_json(&edited(|v| {
        let mut extra = v["purposes"][2].clone();
        extra["id"] = "personalisation".into();
        v["purposes"].as_array_mut().unwrap().push(extra);
    }))
    .unwrap();
    let s = Session::start(with_new, "en".into(), decode(&accepted_record(), &c).ok(), NOW);
    assert_eq!(s.prompt(), Some(PromptReason::NewPurpose));
    assert!(s.applied().granted(&t("marketing")));
    assert!(!s.applied().granted(&t("personalisation")));
}

#[test]
fn withdrawal_returns_cookies_to_clear_and_keeps_the_id() {
    let c = config();
    let mut s = Session::start(c.clone(), "fr".into(), decode(&accepted_record(), &c).ok(), NOW);
    let m = Method { layer: Layer::Preferences, action: Action::RejectAll };
    let out = s.decide(Decisions::reject_all(&c), m, NOW + DAY, || unreachable!());
    assert_eq!(out.choice.id, "id-7");
    assert_eq!(out.choice.language, "fr");
    assert_eq!(out.cookies_to_clear.len(), 3);
    assert!(!s.applied().granted(&t("analytics")));
    let ev = sj(s.change_json(Source::Decision(m)));
    assert_eq!(ev["source"], "preferences");
    assert_eq!(ev["action"], "reject-all");
    assert_eq!(ev["services"]["analytics/matomo"], false);
}

#[test]
fn a_service_added_to_an_accepted_purpose_is_not_granted_and_asks_again() {
    let c = config();
    let with_new_service = Config::from_json(&edited(|v| {
        let mut extra = v["purposes"][1]["services"][0].clone();
        extra["id"] = "plausible".into();
        v["purposes"][1]["services"].as_array_mut().unwrap().push(extra);
    }))
    .unwrap();
    let s = Session::start(with_new_service, "en".into(), decode(&accepted_record(), &c).ok(), NOW);
    assert_eq!(s.prompt(), Some(PromptReason::NewPurpose));
    assert!(s.applied().granted(&t("analytics/matomo")));
    assert!(!s.applied().granted(&t("analytics/plausible")), "never asked, never granted");
}

/// The fixture with `marketing` covered by GPC, in `jurisdiction`, with `gpc.opt_in` when given.
fn gpc_config(jurisdiction: &str, opt_in: Option<&str>) -> Config {
    Config::from_json(&edited(|v| {
        v["jurisdiction"] = serde_json::json!(jurisdiction);
        v["purposes"][2]["gpc"] = serde_json::json!(true);
        if let Some(o) = opt_in {
            v["gpc"] = serde_json::json!({ "opt_in": o });
        }
    }))
    .unwrap()
}

fn accepted_under(c: &Config) -> Decoded {
    let mut s = Session::start(c.clone(), "en".into(), None, NOW);
    let out =
        s.decide(Decisions::accept_all(c), Method { layer: Layer::Banner, action: Action::AcceptAll }, NOW, || {
            "id-9".into()
        });
    decode(&encode(&out.choice), c).unwrap()
}

#[test]
fn gpc_in_an_opt_out_jurisdiction_switches_covered_purposes_off_without_a_banner() {
    let c = gpc_config("US-CA", None);
    let s = Session::start_with_gpc(c.clone(), "en".into(), None, NOW, true);
    assert_eq!(s.prompt(), None, "no banner");
    assert!(s.choice().is_none(), "nothing recorded as if the visitor had clicked");
    let st = sj(s.state_json(Backend::Local));
    assert_eq!((st["decided"].clone(), st["gpc"].clone()), (serde_json::json!(true), serde_json::json!(true)));
    assert_eq!(st["gpcApplied"], serde_json::json!(["marketing"]));
    assert_eq!(st["purposes"]["marketing"], false);
    // Without the signal, the same visitor is asked as usual.
    let s = Session::start_with_gpc(c, "en".into(), None, NOW, false);
    assert_eq!(s.prompt(), Some(PromptReason::NoChoice));
    assert_eq!(sj(s.state_json(Backend::Local))["gpcApplied"], serde_json::json!([]));
}

#[test]
fn an_earlier_grant_gives_way_to_the_signal_until_granted_again_in_the_preference_center() {
    let c = gpc_config("US", None);
    let mut s = Session::start_with_gpc(c.clone(), "en".into(), Some(accepted_under(&c)), NOW + DAY, true);
    assert!(!s.applied().granted(&t("marketing")), "the signal wins over the earlier grant");
    assert!(s.applied().granted(&t("analytics")), "uncovered purposes keep the stored choice");
    assert!(s.gpc().conflict);
    // Accept all (API or banner) leaves covered purposes off.
    let out = s.decide(
        Decisions::accept_all(&c),
        Method { layer: Layer::Api, action: Action::AcceptAll },
        NOW + DAY,
        || unreachable!(),
    );
    assert!(!out.choice.decisions.granted(&t("marketing")) && !out.choice.gpc_override);
    // Saving in the preference center with marketing on overrides the signal, and is recorded so.
    let mut d = Decisions::none(&c);
    d.set(&c, &t("marketing"), true);
    let out = s.decide(d, Method { layer: Layer::Preferences, action: Action::Save }, NOW + DAY, || unreachable!());
    assert!(out.choice.gpc_override && out.choice.decisions.granted(&t("marketing")));
    assert!(encode(&out.choice).contains("\"gpc_override\":true"));
    let next =
        Session::start_with_gpc(c.clone(), "en".into(), decode(&encode(&out.choice), &c).ok(), NOW + 2 * DAY, true);
    assert!(next.applied().granted(&t("marketing")) && next.gpc().overridden && !next.gpc().conflict);
    assert_eq!(sj(next.state_json(Backend::Local))["gpcApplied"], serde_json::json!([]));
}

#[test]
fn in_an_opt_in_jurisdiction_the_signal_is_recorded_or_treated_as_a_refusal() {
    let c = gpc_config("EU", None);
    let s = Session::start_with_gpc(c.clone(), "en".into(), None, NOW, true);
    assert_eq!(s.prompt(), Some(PromptReason::NoChoice), "record: the banner asks as usual");
    assert!(!s.gpc().applies && s.gpc().present);
    let s = Session::start_with_gpc(c.clone(), "en".into(), Some(accepted_under(&c)), NOW, true);
    assert!(s.applied().granted(&t("marketing")), "record: an explicit grant stands");
    let c = gpc_config("EU", Some("treat_as_reject"));
    let s = Session::start_with_gpc(c.clone(), "en".into(), None, NOW, true);
    assert_eq!(s.prompt(), None);
    assert_eq!(sj(s.state_json(Backend::Local))["decided"], true);
    assert!(!s.applied().any_optional_granted(&c), "the signal never grants");
}

#[test]
fn gpc_records_without_the_flag_read_as_before_and_a_malformed_flag_is_corrupt() {
    let c = config();
    let raw = accepted_record();
    assert!(!raw.contains("gpc_override"));
    assert!(!decode(&raw, &c).unwrap().choice.gpc_override);
    let bad = raw.replacen('{', "{\"gpc_override\":false,", 1);
    assert!(decode(&bad, &c).is_err());
    let extra = raw.replacen('{', "{\"other\":true,", 1);
    assert!(decode(&extra, &c).is_err());
}

#[test]
fn a_choice_stored_by_another_tab_is_adopted_and_a_cleared_one_withdraws() {
    let c = config();
    let mut s = Session::start(c.clone(), "en".into(), None, NOW);
    assert_eq!(s.adopt(None, NOW), None, "nothing changed");
    let cookies = s.adopt(decode(&accepted_record(), &c).ok(), NOW + 1).expect("a change");
    assert!(cookies.is_empty(), "everything is granted");
    assert!(s.applied().granted(&t("marketing")) && s.prompt().is_none() && s.restored());
    assert_eq!(s.adopt(decode(&accepted_record(), &c).ok(), NOW + 2), None, "the same record again");
    // The other tab's storage was cleared: nothing optional stays granted, and the notice asks again.
    let cookies = s.adopt(None, NOW + 3).expect("a withdrawal");
    assert!(!cookies.is_empty());
    assert!(!s.applied().any_optional_granted(&c));
    assert_eq!(s.prompt(), Some(PromptReason::NoChoice));
}

#[test]
fn a_signal_only_state_gets_a_gpc_opt_out_receipt_only_when_asked() {
    let with = |receipts: bool| {
        Config::from_json(&edited(|v| {
            v["jurisdiction"] = serde_json::json!("US-CA");
            v["purposes"][2]["gpc"] = serde_json::json!(true);
            v["gpc"] = serde_json::json!({ "receipts": receipts });
        }))
        .unwrap()
    };
    let asked = Session::start_with_gpc(with(true), "en".into(), None, 1_000, true);
    let choice = asked.signal_choice(2_000, || "signal-id".into()).expect("a signal-only state");
    assert_eq!(choice.method, Method::GPC_OPT_OUT);
    assert!(choice.gpc && !choice.gpc_override);
    assert_eq!(&choice.decisions, asked.applied());
    assert!(!choice.decisions.granted(&"marketing".parse().unwrap()));
    assert_eq!(signal_key(asked.config()), "2026-11|marketing");
    // Not asked for, no signal, or a choice of the visitor's in force: no such receipt.
    assert!(Session::start_with_gpc(with(false), "en".into(), None, 1_000, true)
        .signal_choice(2_000, String::new)
        .is_none());
    assert!(Session::start_with_gpc(with(true), "en".into(), None, 1_000, false)
        .signal_choice(2_000, String::new)
        .is_none());
    let mut decided = Session::start_with_gpc(with(true), "en".into(), None, 1_000, true);
    let all = Decisions::accept_all(decided.config());
    let effects = decided.decide(all, Method { layer: Layer::Banner, action: Action::AcceptAll }, 3_000, || "x".into());
    assert!(effects.choice.gpc, "the decision records that the signal was present");
    assert!(decided.signal_choice(4_000, String::new).is_none());
}
