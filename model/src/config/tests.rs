use serde_json::{json, Value};

use super::*;
use crate::fixtures::{config, edited, with_french, VALID};

fn refused(edit: impl FnOnce(&mut Value)) -> ConfigError {
    Config::from_json(&edited(edit)).expect_err("configuration should be refused")
}

#[test]
fn valid_configuration_parses() {
    let c = Config::from_json(VALID).unwrap();
    assert_eq!(c.policy_version, "2026-11");
    assert_eq!(c.languages, ["en", "fr"]);
    assert_eq!(c.purposes.len(), 3);
    assert!(c.purposes[0].required);
    assert_eq!(c.purposes[1].services[0].cookies.len(), 2);
    assert_eq!(c.ui.floating_button, FloatingButton::BottomRight);
    assert_eq!(c.text(&c.purposes[1].name, "fr"), "Mesure d'audience");
    assert_eq!(c.ui_text(TextKey::AcceptAll, "en"), "Accept everything");
    // The widget's build compiles English only; the server's (`all-languages`) every pack.
    if cfg!(not(feature = "all-languages")) {
        assert_eq!(c.ui_text(TextKey::RejectAll, "fr"), "Reject all", "French needs its pack, English is compiled in");
        assert_eq!(c.needs_pack("fr-CA"), Some("fr"));
    }
    assert_eq!(c.needs_pack("en"), None);
    let c = with_french(c);
    assert_eq!(c.ui_text(TextKey::RejectAll, "fr"), "Tout refuser");
    assert_eq!(c.needs_pack("fr"), None, "attached");
    assert!(c.ui_text(TextKey::BannerBody, "en").starts_with("Atelier Lumen SAS asks"));
}

#[test]
fn expiry_defaults_to_182_days() {
    let c = Config::from_json(&edited(|v| {
        v.as_object_mut().unwrap().remove("expiry_days");
    }))
    .unwrap();
    assert_eq!(c.expiry_days, DEFAULT_EXPIRY_DAYS);
}

#[test]
fn missing_controller_fields_are_named() {
    let e = refused(|v| {
        v["controller"].as_object_mut().unwrap().remove("name");
    });
    assert_eq!(e.path, "controller.name");
    let e = refused(|v| {
        v["controller"].as_object_mut().unwrap().remove("contact");
    });
    assert_eq!(e.path, "controller.contact");
    assert!(e.rule.starts_with("missing"));
    let e = refused(|v| {
        v["controller"].as_object_mut().unwrap().remove("policy_url");
    });
    assert_eq!(e.path, "controller.policy_url");
    let e = refused(|v| v["controller"]["contact"] = json!("not-an-email"));
    assert_eq!(e.path, "controller.contact");
    assert!(e.rule.contains("e-mail"));
}

#[test]
fn purpose_without_description_is_refused() {
    let e = refused(|v| {
        v["purposes"][1].as_object_mut().unwrap().remove("description");
    });
    assert_eq!(e.path, "purposes[1].description");
    assert_eq!(
        e.to_string(),
        "invalid configuration: purposes[1].description: missing (every purpose must be described)"
    );
}

#[test]
fn duplicate_ids_are_refused() {
    let e = refused(|v| v["purposes"][2]["id"] = json!("analytics"));
    assert_eq!(e.path, "purposes[2].id");
    assert!(e.rule.contains("duplicate purpose id"));
    let e = refused(|v| v["purposes"][1]["services"][1]["id"] = json!("matomo"));
    assert_eq!(e.path, "purposes[1].services[1].id");
    let e = refused(|v| v["languages"] = json!(["en", "fr", "en"]));
    assert_eq!(e.path, "languages[2]");
}

#[test]
fn enabling_by_default_is_refused_with_its_own_message() {
    for field in ["default", "enabled", "checked", "preselected", "granted"] {
        let e = refused(|v| v["purposes"][1][field] = json!(true));
        assert_eq!(e.path, format!("purposes[1].{field}"));
        assert!(e.rule.contains("cannot be enabled by default"), "{}", e.rule);
    }
    let e = refused(|v| v["purposes"][1]["services"][0]["default"] = json!(true));
    assert_eq!(e.path, "purposes[1].services[0].default");
}

#[test]
fn legitimate_interest_is_refused() {
    let e = refused(|v| v["purposes"][2]["legal_basis"] = json!("legitimate_interest"));
    assert_eq!(e.path, "purposes[2].legal_basis");
    assert!(e.rule.contains("consent-based or strictly necessary"));
}

#[test]
fn unknown_fields_are_refused_everywhere() {
    let e = refused(|v| v["colour"] = json!("green"));
    assert_eq!(e.path, "colour");
    assert!(e.rule.starts_with("unknown field"));
    let e = refused(|v| v["controller"]["phone"] = json!("123"));
    assert_eq!(e.path, "controller.phone");
    let e = refused(|v| v["ui"]["texts"]["accept"] = json!("OK"));
    assert_eq!(e.path, "ui.texts.accept");
}

#[test]
fn urls_must_be_http() {
    let e = refused(|v| v["controller"]["policy_url"] = json!("javascript:alert(1)"));
    assert_eq!(e.path, "controller.policy_url");
    assert!(e.rule.contains("http(s)"));
    let e = refused(|v| v["endpoint"] = json!("ftp://x.example/"));
    assert_eq!(e.path, "endpoint");
    let e = refused(|v| v["purposes"][1]["services"][0]["policy_url"] = json!("https://"));
    assert_eq!(e.path, "purposes[1].services[0].policy_url");
}

#[test]
fn expiry_out_of_range_is_refused() {
    for bad in [json!(0), json!(396), json!(400), json!(-1), json!(1.5), json!("182")] {
        let e = refused(|v| v["expiry_days"] = bad.clone());
        assert_eq!(e.path, "expiry_days", "{bad}");
    }
    let ok = Config::from_json(&edited(|v| v["expiry_days"] = json!(395))).unwrap();
    assert_eq!(ok.expiry_days, 395);
}

#[test]
fn texts_must_cover_the_default_language_and_only_listed_ones() {
    let e = refused(|v| v["purposes"][1]["name"] = json!({"fr": "Mesure"}));
    assert_eq!(e.path, "purposes[1].name");
    assert!(e.rule.contains("default language"));
    let e = refused(|v| v["purposes"][1]["name"] = json!({"en": "A", "de": "B"}));
    assert_eq!(e.path, "purposes[1].name.de");
    let e = refused(|v| v["purposes"][1]["name"] = json!(""));
    assert_eq!(e.path, "purposes[1].name");
}

#[test]
fn languages_without_builtin_text_need_every_ui_string() {
    // German has a pack; Japanese has none.
    Config::from_json(&edited(|v| v["languages"] = json!(["en", "fr", "de"]))).unwrap();
    let e = refused(|v| v["languages"] = json!(["en", "fr", "ja"]));
    assert!(e.path.starts_with("ui.texts."), "{}", e.path);
    assert!(e.rule.contains("\"ja\""));
    let all: serde_json::Map<String, Value> =
        TextKey::ALL.iter().map(|k| (k.name().to_string(), json!({"en": "x", "ja": "y"}))).collect();
    let c = with_french(
        Config::from_json(&edited(|v| {
            v["languages"] = json!(["en", "fr", "ja"]);
            v["ui"]["texts"] = Value::Object(all);
        }))
        .unwrap(),
    );
    assert_eq!(c.ui_text(TextKey::Save, "ja"), "y");
    assert_eq!(c.needs_pack("ja"), None);
    assert_eq!(
        c.ui_text(TextKey::Save, "fr"),
        "Enregistrer mes choix",
        "the pack of the shown language comes before the default language"
    );
}

#[test]
fn needs_an_optional_purpose_and_valid_ids() {
    let e = refused(|v| v["purposes"] = json!([v["purposes"][0].clone()]));
    assert_eq!(e.path, "purposes");
    let e = refused(|v| v["purposes"][1]["id"] = json!("Analytics!"));
    assert_eq!(e.path, "purposes[1].id");
    let e = refused(|v| v["purposes"][1]["services"][0]["cookies"] = json!(["*"]));
    assert_eq!(e.path, "purposes[1].services[0].cookies[0]");
}

#[test]
fn wrong_types_are_named() {
    let e = refused(|v| v["purposes"][1]["required"] = json!("yes"));
    assert_eq!(e.path, "purposes[1].required");
    assert!(e.rule.contains("true or false"));
    let e = refused(|v| v["purposes"] = json!({}));
    assert_eq!(e.path, "purposes");
    let e = Config::from_json("{not json").unwrap_err();
    assert_eq!(e.path, "$");
    let e = Config::from_json("[]").unwrap_err();
    assert!(e.rule.contains("must be an object"));
    let e = refused(|v| v["ui"]["floating_button"] = json!("top"));
    assert_eq!(e.path, "ui.floating_button");
}

#[test]
fn fixture_helper_is_valid() {
    assert_eq!(config().purposes[2].id.as_str(), "marketing");
}

#[test]
fn control_characters_in_texts_are_refused_with_their_path() {
    // A receipt quotes these texts and refuses control characters: the configuration is refused
    // first, naming the field, rather than every receipt of the site later.
    let address = refused(|v| v["controller"]["address"] = json!("1 rue de la Paix\n75002 Paris"));
    assert_eq!(address.path, "controller.address");
    assert!(address.rule.contains("U+000A"), "{}", address.rule);
    let name = refused(|v| v["purposes"][1]["name"]["fr"] = json!("Mesure\td'audience"));
    assert_eq!(name.path, "purposes[1].name.fr");
    assert!(name.rule.contains("U+0009"));
    let nul = refused(|v| v["policy_version"] = json!("2026\u{0}"));
    assert_eq!(nul.path, "policy_version");
}

#[test]
fn gpc_coverage_and_the_opt_in_rule_are_read_and_checked() {
    let c = Config::from_json(&edited(|v| {
        v["purposes"][2]["gpc"] = json!(true);
        v["jurisdiction"] = json!("US-CA");
    }))
    .unwrap();
    assert!(c.purposes[2].gpc && c.opt_out_jurisdiction() && c.gpc_applies());
    assert_eq!(c.gpc.opt_in, GpcOptIn::Record);
    let eu = Config::from_json(&edited(|v| v["purposes"][2]["gpc"] = json!(true))).unwrap();
    assert!(!eu.opt_out_jurisdiction() && !eu.gpc_applies());
    let reject = Config::from_json(&edited(|v| {
        v["purposes"][2]["gpc"] = json!(true);
        v["gpc"] = json!({"opt_in": "treat_as_reject"});
    }))
    .unwrap();
    assert!(reject.gpc_applies());
    let e = refused(|v| v["purposes"][0]["gpc"] = json!(true));
    assert_eq!(e.path, "purposes[0].gpc");
    assert!(e.rule.contains("required purpose"), "{}", e.rule);
    let e = refused(|v| v["gpc"] = json!({"opt_in": "ignore"}));
    assert_eq!(e.path, "gpc.opt_in");
    assert!(!config().gpc.receipts, "signal-only receipts are asked for, never assumed");
    let asked = Config::from_json(&edited(|v| v["gpc"] = json!({"receipts": true}))).unwrap();
    assert!(asked.gpc.receipts);
    let e = refused(|v| v["gpc"] = json!({"receipts": "yes"}));
    assert_eq!(e.path, "gpc.receipts");
    let e = refused(|v| v["gpc"] = json!({"post": true}));
    assert!(e.rule.starts_with("unknown field"), "{}", e.rule);
}

#[test]
fn the_subject_id_is_optional_and_checked_by_the_receipt_grammar() {
    assert_eq!(config().subject_id, None);
    let c = Config::from_json(&edited(|v| v["subject_id"] = json!("cust-123"))).unwrap();
    assert_eq!(c.subject_id.as_deref(), Some("cust-123"));
    let e = refused(|v| v["subject_id"] = json!("ana@example.com"));
    assert_eq!(e.path, "subject_id");
    assert!(e.rule.contains("e-mail"), "{}", e.rule);
    let e = refused(|v| v["subject_id"] = json!("a b"));
    assert_eq!(e.path, "subject_id");
    let e = refused(|v| v["subject_id"] = json!(""));
    assert_eq!(e.path, "subject_id");
}

#[test]
fn storage_defaults_to_local_and_cookie_domain_to_auto() {
    assert_eq!(config().storage, StorageMode::Local);
    let c = Config::from_json(&edited(|v| v["storage"] = json!("local"))).unwrap();
    assert_eq!(c.storage, StorageMode::Local);
    let c = Config::from_json(&edited(|v| v["storage"] = json!("cookie"))).unwrap();
    assert_eq!(c.storage, StorageMode::Cookie(CookieDomain::Auto));
    let c = Config::from_json(&edited(|v| {
        v["storage"] = json!("cookie");
        v["cookie_domain"] = json!("auto");
    }))
    .unwrap();
    assert_eq!(c.storage, StorageMode::Cookie(CookieDomain::Auto));
    let c = Config::from_json(&edited(|v| {
        v["storage"] = json!("cookie");
        v["cookie_domain"] = json!(".Lumen.Example");
    }))
    .unwrap();
    assert_eq!(c.storage, StorageMode::Cookie(CookieDomain::Explicit("lumen.example".into())));
}

#[test]
fn storage_and_cookie_domain_refusals_name_the_field() {
    let e = refused(|v| v["storage"] = json!("session"));
    assert_eq!(e.path, "storage");
    assert_eq!(e.rule, r#""session" must be one of "local", "cookie""#);
    let e = refused(|v| v["cookie_domain"] = json!("lumen.example"));
    assert_eq!(e.path, "cookie_domain");
    assert!(e.rule.starts_with("only applies with `storage: \"cookie\"`"), "{}", e.rule);
    let e = refused(|v| {
        v["storage"] = json!("local");
        v["cookie_domain"] = json!("auto");
    });
    assert_eq!(e.path, "cookie_domain");
    for bad in ["lumen..example", "lumen example", "-lumen.example", "lumen.example/", "*.lumen.example", "."] {
        let e = refused(|v| {
            v["storage"] = json!("cookie");
            v["cookie_domain"] = json!(bad);
        });
        assert_eq!(e.path, "cookie_domain", "{bad}");
        assert!(e.rule.contains("is not a domain name"), "{bad}: {}", e.rule);
    }
    let e = refused(|v| v["storage"] = json!(true));
    assert_eq!(e.path, "storage");
    // `null` counts as absent, as everywhere.
    assert!(Config::from_json(&edited(|v| v["cookie_domain"] = Value::Null)).is_ok());
    assert_eq!(
        Config::from_json(&edited(|v| v["cookie_domain"] = json!("x.example"))).unwrap_err().to_string(),
        "invalid configuration: cookie_domain: only applies with `storage: \"cookie\"`: set `storage` to \"cookie\" to share the choice across subdomains, or remove `cookie_domain`"
    );
}
