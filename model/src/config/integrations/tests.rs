use serde_json::{json, Value};

use crate::config::{Config, ConfigError, ConsentType, MatomoMode, DEFAULT_WAIT_FOR_UPDATE};
use crate::fixtures::edited;

fn t(text: &str) -> String {
    text.to_string()
}

fn with(integrations: Value) -> Result<Config, ConfigError> {
    Config::from_json(&edited(|v| v["integrations"] = integrations))
}

fn refused(integrations: Value) -> ConfigError {
    with(integrations).expect_err("integrations should be refused")
}

fn gcm(extra: Value) -> Value {
    let mut mode = json!({"map": {"analytics": ["analytics_storage"], "marketing": ["ad_storage", "ad_user_data", "ad_personalization"]}});
    for (k, v) in extra.as_object().unwrap() {
        mode[k] = v.clone();
    }
    json!({ "google_consent_mode": mode })
}

#[test]
fn absent_means_no_signal_and_defaults_are_googles() {
    let c = Config::from_json(&edited(|_| {})).unwrap();
    assert!(!c.integrations.any());
    let c = with(gcm(json!({}))).unwrap();
    let mode = c.integrations.google_consent_mode.unwrap();
    assert_eq!(mode.wait_for_update, DEFAULT_WAIT_FOR_UPDATE);
    assert_eq!(mode.data_layer, "dataLayer");
    assert!(!mode.ads_data_redaction && !mode.url_passthrough);
    assert_eq!(mode.map[0], (t("analytics"), vec![ConsentType::AnalyticsStorage]));
}

#[test]
fn every_vendor_reads_its_targets() {
    let c = with(json!({
        "microsoft_uet": {"ad_storage": "marketing"},
        "microsoft_clarity": {"ad_storage": "marketing", "analytics_storage": "analytics/matomo"},
        "meta_pixel": {"consent": "marketing"},
        "matomo": {"consent": "analytics/matomo", "mode": "cookies"}
    }))
    .unwrap();
    let i = c.integrations;
    assert_eq!(i.microsoft_uet, Some(t("marketing")));
    assert_eq!(i.microsoft_clarity, Some((t("marketing"), t("analytics/matomo"))));
    assert_eq!(i.meta_pixel, Some(t("marketing")));
    assert_eq!(i.matomo, Some((t("analytics/matomo"), MatomoMode::Cookies)));
}

#[test]
fn unknown_types_and_targets_are_named() {
    let e = refused(json!({"google_consent_mode": {"map": {"analytics": ["analytics_cookies"]}}}));
    assert_eq!(e.path, "integrations.google_consent_mode.map.analytics[0]");
    assert!(e.rule.contains("\"analytics_cookies\" is not a Consent Mode type"), "{}", e.rule);
    let e = refused(json!({"google_consent_mode": {"map": {"stats": ["analytics_storage"]}}}));
    assert_eq!(e.path, "integrations.google_consent_mode.map.stats");
    assert!(e.rule.contains("no purpose has the id \"stats\""), "{}", e.rule);
    let e = refused(json!({"google_consent_mode": {"map": {"analytics/ga": ["analytics_storage"]}}}));
    assert!(e.rule.contains("purpose \"analytics\" has no service \"ga\""), "{}", e.rule);
    let e = refused(json!({"microsoft_uet": {"ad_storage": "Marketing"}}));
    assert_eq!(e.path, "integrations.microsoft_uet.ad_storage");
    let e = refused(json!({"microsoft_clarity": {"ad_storage": "marketing"}}));
    assert_eq!(e.path, "integrations.microsoft_clarity.analytics_storage");
    let e = refused(json!({"tiktok": {}}));
    assert!(e.rule.starts_with("unknown field"), "{}", e.rule);
    let e = refused(json!({"matomo": {"consent": "analytics", "mode": "opt-out"}}));
    assert_eq!(e.path, "integrations.matomo.mode");
}

#[test]
fn advertising_types_never_follow_a_required_purpose() {
    let e = refused(json!({"google_consent_mode": {"map": {"necessary": ["security_storage", "ad_user_data"]}}}));
    assert_eq!(e.path, "integrations.google_consent_mode.map.necessary");
    assert!(e.rule.contains("\"ad_user_data\" cannot follow a required purpose"), "{}", e.rule);
    let e = refused(json!({"google_consent_mode": {"map": {"necessary": ["ad_personalization"]}}}));
    assert!(e.rule.contains("\"ad_personalization\""), "{}", e.rule);
    // Security and functionality storage may follow the strictly necessary purpose.
    with(json!({"google_consent_mode": {"map": {"necessary": ["security_storage", "functionality_storage"]}}}))
        .unwrap();
    for vendor in [
        json!({"microsoft_uet": {"ad_storage": "necessary"}}),
        json!({"meta_pixel": {"consent": "necessary"}}),
        json!({"matomo": {"consent": "necessary"}}),
    ] {
        let e = refused(vendor);
        assert!(e.rule.contains("is a required purpose"), "{}", e.rule);
    }
}

#[test]
fn regions_are_iso_codes_and_never_grant_where_consent_comes_first() {
    let c = with(gcm(
        json!({"regions": [{"region": ["US-CA", "US-CO"], "granted": ["analytics_storage"]}, {"region": ["ES"]}]}),
    ))
    .unwrap();
    let mode = c.integrations.google_consent_mode.unwrap();
    assert_eq!(mode.regions[0].region, ["US-CA", "US-CO"]);
    assert_eq!(mode.regions[0].granted, [ConsentType::AnalyticsStorage]);
    assert!(mode.regions[1].granted.is_empty());
    for (code, hint) in [
        ("EU", "list the countries"),
        ("UK", "\"GB\""),
        ("EL", "\"GR\""),
        ("us-ca", "upper case"),
        ("USA", "ISO 3166-2"),
        ("US-", "ISO 3166-2"),
    ] {
        let e = refused(gcm(json!({"regions": [{"region": ["FR", code]}]})));
        assert_eq!(e.path, "integrations.google_consent_mode.regions[0].region[1]");
        assert!(e.rule.contains(hint), "{code}: {}", e.rule);
    }
    for code in ["DE", "ES-CT", "GB", "CH", "NO"] {
        let e = refused(gcm(json!({"regions": [{"region": [code], "granted": ["ad_storage"]}]})));
        assert_eq!(e.path, "integrations.google_consent_mode.regions[0].granted");
        assert!(e.rule.contains("nothing can be granted by default in"), "{code}: {}", e.rule);
    }
}

#[test]
fn wait_for_update_and_data_layer_are_checked() {
    let c = with(gcm(json!({"wait_for_update": 100, "data_layer": "gtmQueue_2", "ads_data_redaction": true}))).unwrap();
    let mode = c.integrations.google_consent_mode.unwrap();
    assert_eq!((mode.wait_for_update, mode.data_layer.as_str(), mode.ads_data_redaction), (100, "gtmQueue_2", true));
    for bad in [json!(99), json!(0), json!(500.5), json!("500"), json!(10_001)] {
        let e = refused(gcm(json!({ "wait_for_update": bad })));
        assert_eq!(e.path, "integrations.google_consent_mode.wait_for_update");
        assert!(e.rule.contains("between 100 and 10000"), "{}", e.rule);
    }
    for bad in ["data-layer", "1dl", "consentry", "window.dataLayer"] {
        let e = refused(gcm(json!({ "data_layer": bad })));
        assert_eq!(e.path, "integrations.google_consent_mode.data_layer", "{bad}");
    }
    let e = refused(json!({"google_consent_mode": {}}));
    assert_eq!(e.path, "integrations.google_consent_mode.map");
}
