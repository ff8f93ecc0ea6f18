//! The JSON Schema (`schema/consentry.config.schema.json`) re-declares what the parser accepts, for
//! editors and validators. These tests keep the two in step: every key, bound and enum the schema
//! states is read from the schema and checked against the parser.

use serde_json::{json, Value};

use super::*;
use crate::fixtures::edited;

fn schema() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/consentry.config.schema.json");
    let text = std::fs::read_to_string(path).expect("the schema file");
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// `anyOf: [X, {type: null}]` → X.
fn non_null(v: &Value) -> &Value {
    match v.get("anyOf").and_then(Value::as_array) {
        Some(alts) => alts.iter().find(|a| a.get("type") != Some(&json!("null"))).expect("a non-null alternative"),
        None => v,
    }
}

fn names(v: &Value) -> Vec<String> {
    v.as_array().expect("an array").iter().map(|n| n.as_str().expect("a string").to_string()).collect()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

fn parses(edit: impl FnOnce(&mut Value)) -> std::result::Result<Config, ConfigError> {
    Config::from_json(&edited(edit))
}

#[test]
fn every_interface_text_key_is_in_the_schema_and_no_other() {
    let s = schema();
    let texts = non_null(&s["$defs"]["ui"]["properties"]["texts"]);
    let mut expected: Vec<String> = TextKey::ALL.iter().map(|k| k.name().to_string()).collect();
    expected.sort();
    assert_eq!(keys(&texts["properties"]), expected);
    assert_eq!(texts["additionalProperties"], json!(false));
}

#[test]
fn the_expiry_range_is_the_parsers() {
    let s = schema();
    let range = non_null(&s["properties"]["expiry_days"]);
    assert_eq!(range["minimum"], json!(1));
    assert_eq!(range["maximum"], json!(MAX_EXPIRY_DAYS));
    assert_eq!(s["properties"]["expiry_days"]["default"], json!(DEFAULT_EXPIRY_DAYS));
    assert!(parses(|v| v["expiry_days"] = json!(MAX_EXPIRY_DAYS)).is_ok());
    assert!(parses(|v| v["expiry_days"] = json!(MAX_EXPIRY_DAYS + 1)).is_err());
    assert!(parses(|v| v["expiry_days"] = json!(1)).is_ok());
    assert!(parses(|v| v["expiry_days"] = json!(0)).is_err());
}

#[test]
fn the_enums_are_the_parsers() {
    let s = schema();
    let ui = &s["$defs"]["ui"]["properties"];
    let floating = non_null(&ui["floating_button"]);
    assert_eq!(names(&floating["enum"]), FloatingButton::ALL.map(|f| f.name().to_string()));
    assert_eq!(ui["floating_button"]["default"], json!(FloatingButton::default().name()));
    let theme = non_null(&ui["theme"]);
    assert_eq!(names(&theme["enum"]), Theme::ALL.map(|t| t.name().to_string()));
    assert_eq!(ui["theme"]["default"], json!(Theme::default().name()));
    for f in FloatingButton::ALL {
        let c = parses(|v| v["ui"]["floating_button"] = json!(f.name())).unwrap();
        assert_eq!(c.ui.floating_button, f);
    }
    for t in Theme::ALL {
        let c = parses(|v| v["ui"]["theme"] = json!(t.name())).unwrap();
        assert_eq!(c.ui.theme, t);
    }
    assert!(parses(|v| v["ui"]["theme"] = json!("sepia")).is_err());
    let mode = non_null(&ui["mode"]);
    assert_eq!(names(&mode["enum"]), BannerMode::ALL.map(|m| m.name().to_string()));
    assert_eq!(ui["mode"]["default"], json!(BannerMode::default().name()));
    for m in BannerMode::ALL {
        assert_eq!(parses(|v| v["ui"]["mode"] = json!(m.name())).unwrap().ui.mode, m);
    }
    assert!(parses(|v| v["ui"]["mode"] = json!("modal")).is_err());
}

#[test]
fn the_top_level_keys_and_required_ones_are_the_parsers() {
    let s = schema();
    let mut required = names(&s["required"]);
    required.sort();
    for key in &required {
        assert!(parses(|v| drop(v.as_object_mut().unwrap().remove(key))).is_err(), "{key} is required");
    }
    for key in keys(&s["properties"]) {
        if !required.contains(&key) && key != "$schema" {
            assert!(parses(|v| drop(v.as_object_mut().unwrap().remove(&key))).is_ok(), "{key} is optional");
        }
    }
    assert_eq!(s["additionalProperties"], json!(false));
    assert!(parses(|v| v["unknown_key"] = json!(1)).is_err());
    assert!(parses(|v| v["$schema"] = json!("anything")).is_ok());
}

#[test]
fn the_id_pattern_is_the_parsers() {
    let s = schema();
    assert_eq!(s["$defs"]["id"]["pattern"], json!("^[a-z0-9_-]{1,40}$"));
    let ok = ["a", "a_b-9", &"x".repeat(40)];
    let bad = ["", "A", "a b", "a/b", "é", &"x".repeat(41)];
    for id in ok {
        assert!(PurposeId::parse(id, "").is_ok(), "{id}");
    }
    for id in bad {
        assert!(PurposeId::parse(id, "").is_err(), "{id}");
    }
}

#[test]
fn the_integrations_are_the_parsers() {
    let s = schema();
    assert!(s["properties"].get("integrations").is_some(), "integrations is a root property");
    assert_eq!(names(&s["$defs"]["consentType"]["enum"]), ConsentType::ALL.map(|t| t.name().to_string()));
    let i = &s["$defs"]["integrations"]["properties"];
    assert_eq!(keys(i), ["google_consent_mode", "matomo", "meta_pixel", "microsoft_clarity", "microsoft_uet"]);
    let gcm = non_null(&i["google_consent_mode"]);
    let wait = &gcm["properties"]["wait_for_update"];
    assert_eq!(
        (&wait["minimum"], &wait["maximum"], &wait["default"]),
        (&json!(MIN_WAIT_FOR_UPDATE), &json!(MAX_WAIT_FOR_UPDATE), &json!(DEFAULT_WAIT_FOR_UPDATE))
    );
    assert_eq!(gcm["properties"]["data_layer"]["default"], json!(DEFAULT_DATA_LAYER));
    let matomo = non_null(&i["matomo"]);
    assert_eq!(names(&matomo["properties"]["mode"]["enum"]), MatomoMode::ALL.map(|m| m.name().to_string()));
    for (vendor, fields) in [
        (
            "google_consent_mode",
            &["ads_data_redaction", "data_layer", "map", "regions", "url_passthrough", "wait_for_update"][..],
        ),
        ("microsoft_uet", &["ad_storage"]),
        ("microsoft_clarity", &["ad_storage", "analytics_storage"]),
        ("meta_pixel", &["consent"]),
        ("matomo", &["consent", "mode"]),
    ] {
        assert_eq!(keys(&non_null(&i[vendor])["properties"]), fields, "{vendor}");
    }
    let mut root = keys(&s["properties"]);
    root.retain(|k| k != "$schema");
    assert!(root.contains(&"integrations".to_string()));
    let gcm_config = |v: &mut Value| v["integrations"] = json!({"google_consent_mode": {"map": {"analytics": ["analytics_storage"]}, "wait_for_update": MIN_WAIT_FOR_UPDATE}});
    assert!(parses(gcm_config).is_ok());
}

#[test]
fn the_gpc_settings_are_the_parsers() {
    let s = schema();
    let gpc = non_null(&s["properties"]["gpc"]);
    assert_eq!(names(&gpc["properties"]["opt_in"]["enum"]), GpcOptIn::ALL.map(|o| o.name().to_string()));
    assert_eq!(gpc["properties"]["opt_in"]["default"], json!(GpcOptIn::default().name()));
    assert_eq!(gpc["properties"]["receipts"]["type"], json!("boolean"));
    assert_eq!(gpc["properties"]["receipts"]["default"], json!(GpcConfig::default().receipts));
    assert_eq!(keys(&gpc["properties"]), ["opt_in", "receipts"]);
    assert!(s["$defs"]["purpose"]["properties"].get("gpc").is_some());
    assert!(parses(|v| v["purposes"][1]["gpc"] = json!(true)).is_ok());
}

#[test]
fn the_subject_id_pattern_is_the_receipt_grammar() {
    let s = schema();
    let subject = non_null(&s["properties"]["subject_id"]);
    assert_eq!(subject["pattern"], json!("^[A-Za-z0-9._:-]{1,64}$"));
    for ok in ["a", "cust-123", "A.b_c:d-9", &"x".repeat(64)] {
        assert!(parses(|v| v["subject_id"] = json!(ok)).is_ok(), "{ok}");
    }
    for bad in ["", "a b", "ana@example.com", "é", &"x".repeat(65)] {
        assert!(parses(|v| v["subject_id"] = json!(bad)).is_err(), "{bad}");
    }
}

#[test]
fn the_storage_settings_are_the_parsers() {
    let s = schema();
    let storage = non_null(&s["properties"]["storage"]);
    assert_eq!(names(&storage["enum"]), StorageMode::NAMES);
    assert_eq!(s["properties"]["storage"]["default"], json!(StorageMode::default().name()));
    for name in StorageMode::NAMES {
        assert_eq!(parses(|v| v["storage"] = json!(name)).unwrap().storage.name(), name);
    }
    let domain = non_null(&s["properties"]["cookie_domain"]);
    assert_eq!(domain["type"], json!("string"));
    assert_eq!(s["properties"]["cookie_domain"]["default"], json!("auto"));
    // The schema refuses `cookie_domain` without `storage: "cookie"`, as the parser does.
    let rule = &s["dependentSchemas"]["cookie_domain"];
    assert_eq!(rule["required"], json!(["storage"]));
    assert_eq!(rule["properties"]["storage"]["const"], json!("cookie"));
    assert!(parses(|v| v["cookie_domain"] = json!("auto")).is_err());
    assert!(parses(|v| {
        v["storage"] = json!("cookie");
        v["cookie_domain"] = json!("lumen.example");
    })
    .is_ok());
}
