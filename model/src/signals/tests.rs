use serde_json::json;

use super::*;
use crate::config::Config;
use crate::fixtures::{edited, t};

fn config(integrations: serde_json::Value) -> Config {
    Config::from_json(&edited(|v| v["integrations"] = integrations)).unwrap()
}

fn gcm() -> serde_json::Value {
    json!({"google_consent_mode": {
        "map": {
            "necessary": ["security_storage", "functionality_storage"],
            "analytics/matomo": ["analytics_storage"],
            "marketing": ["ad_storage", "ad_user_data", "ad_personalization"]
        },
        "regions": [{"region": ["US-CA"], "granted": ["analytics_storage", "ad_storage"]}],
        "ads_data_redaction": true
    }})
}

fn texts(commands: &[Value]) -> Vec<String> {
    commands.iter().map(Value::to_string).collect()
}

const DENIED_SEVEN: &str = r#""ad_storage":"denied","ad_user_data":"denied","ad_personalization":"denied","analytics_storage":"denied","functionality_storage":"granted","personalization_storage":"denied","security_storage":"granted""#;

#[test]
fn first_visit_defaults_deny_everything_optional_regions_first() {
    let c = config(gcm());
    assert_eq!(
        texts(&defaults(&c, None)),
        [
            r#"["gtag","set","ads_data_redaction",true]"#.to_string(),
            r#"["gtag","consent","default",{"ad_storage":"granted","ad_user_data":"denied","ad_personalization":"denied","analytics_storage":"granted","functionality_storage":"granted","personalization_storage":"denied","security_storage":"granted","region":["US-CA"],"wait_for_update":500}]"#.to_string(),
            format!(r#"["gtag","consent","default",{{{DENIED_SEVEN},"wait_for_update":500}}]"#),
        ]
    );
}

#[test]
fn a_stored_choice_is_the_default_without_waiting() {
    let c = config(gcm());
    let all = Decisions::accept_all(&c);
    let out = texts(&defaults(&c, Some(&all)));
    assert_eq!(out.len(), 2);
    assert_eq!(
        out[1],
        r#"["gtag","consent","default",{"ad_storage":"granted","ad_user_data":"granted","ad_personalization":"granted","analytics_storage":"granted","functionality_storage":"granted","personalization_storage":"denied","security_storage":"granted"}]"#
    );
    // A stored refusal is a default too, still without waiting and without regions.
    let none = Decisions::reject_all(&c);
    assert_eq!(texts(&defaults(&c, Some(&none)))[1], format!(r#"["gtag","consent","default",{{{DENIED_SEVEN}}}]"#));
}

#[test]
fn a_type_is_granted_only_when_every_target_mapping_it_is() {
    let c = config(
        json!({"google_consent_mode": {"map": {"analytics": ["analytics_storage"], "marketing": ["analytics_storage"]}}}),
    );
    let mode = c.integrations.google_consent_mode.as_ref().unwrap();
    let mut d = Decisions::none(&c);
    d.set(&c, &t("analytics"), true);
    let analytics = |d: &Decisions| consent_state(mode, d)[3];
    assert_eq!(analytics(&d), (ConsentType::AnalyticsStorage, false));
    d.set(&c, &t("marketing"), true);
    assert_eq!(analytics(&d), (ConsentType::AnalyticsStorage, true));
    // Unmapped types are denied whatever is granted.
    assert!(consent_state(mode, &Decisions::accept_all(&c)).iter().filter(|(_, on)| *on).count() == 1);
}

#[test]
fn updates_carry_all_seven_then_vendors_then_the_event() {
    let c = config(json!({
        "google_consent_mode": {"map": {"analytics": ["analytics_storage"]}},
        "microsoft_uet": {"ad_storage": "marketing"},
        "meta_pixel": {"consent": "marketing"},
        "microsoft_clarity": {"ad_storage": "marketing", "analytics_storage": "analytics"},
        "matomo": {"consent": "analytics/matomo"}
    }));
    let mut d = Decisions::none(&c);
    d.set(&c, &t("analytics/matomo"), true);
    assert_eq!(
        texts(&updates(&c, &d)),
        [
            r#"["gtag","consent","update",{"ad_storage":"denied","ad_user_data":"denied","ad_personalization":"denied","analytics_storage":"granted","functionality_storage":"denied","personalization_storage":"denied","security_storage":"denied"}]"#,
            r#"["uetq","consent","update",{"ad_storage":"denied"}]"#,
            r#"["fbq","consent","revoke"]"#,
            r#"["clarity","consentv2",{"ad_Storage":"denied","analytics_Storage":"granted"}]"#,
            r#"["_paq",["setConsentGiven"]]"#,
            r#"["dataLayer",{"event":"consentry_consent_update","consentry":{"purposes":{"necessary":true,"analytics":true,"marketing":false},"services":{"analytics/matomo":true,"analytics/hotjar":false}}}]"#,
        ]
    );
    let withdrawn = texts(&updates(&c, &Decisions::reject_all(&c)));
    assert_eq!(withdrawn[4], r#"["_paq",["forgetConsentGiven"]]"#);
    assert!(withdrawn.iter().all(|c| !c.contains("granted")), "{withdrawn:?}");
}

#[test]
fn vendor_defaults_come_before_their_tags_load() {
    let c = config(json!({
        "microsoft_uet": {"ad_storage": "marketing"},
        "meta_pixel": {"consent": "marketing"},
        "matomo": {"consent": "analytics", "mode": "cookies"}
    }));
    assert_eq!(
        texts(&defaults(&c, None)),
        [
            r#"["uetq","consent","default",{"ad_storage":"denied"}]"#,
            r#"["fbq","consent","revoke"]"#,
            r#"["_paq",["requireCookieConsent"]]"#,
        ]
    );
    let all = Decisions::accept_all(&c);
    assert_eq!(
        texts(&defaults(&c, Some(&all))),
        [
            r#"["uetq","consent","default",{"ad_storage":"granted"}]"#,
            r#"["fbq","consent","grant"]"#,
            r#"["_paq",["requireCookieConsent"]]"#,
            r#"["_paq",["setCookieConsentGiven"]]"#,
        ]
    );
    // Without Consent Mode there is no dataLayer event.
    assert!(updates(&c, &all).iter().all(|c| !c.to_string().contains(UPDATE_EVENT)));
}
