//! Configurations shared by the native tests.

use crate::config::Config;

/// A complete, valid configuration in English and French.
pub const VALID: &str = r#"{
  "policy_version": "2026-11",
  "controller": {"name": "Atelier Lumen SAS", "contact": "dpo@lumen.example", "address": "1 rue de la Paix, Paris", "policy_url": "https://lumen.example/privacy"},
  "languages": ["en", "fr"],
  "expiry_days": 182,
  "endpoint": "https://receipts.lumen.example/v1/receipts",
  "purposes": [
    {"id": "necessary", "required": true, "name": {"en": "Strictly necessary", "fr": "Strictement nécessaire"},
     "description": "Keeps your basket and this choice.", "retention": "Session", "recipients": "Atelier Lumen only"},
    {"id": "analytics", "name": {"en": "Audience measurement", "fr": "Mesure d'audience"},
     "description": {"en": "Counts visits.", "fr": "Compte les visites."}, "retention": "13 months", "recipients": "Matomo (self-hosted)",
     "services": [
       {"id": "matomo", "name": "Matomo", "description": "Visit statistics", "cookies": ["_pk_id.*", "_pk_ses.*"], "policy_url": "https://matomo.org/privacy/"},
       {"id": "hotjar", "name": "Hotjar", "description": "Heatmaps", "cookies": ["_hj*"]}
     ]},
    {"id": "marketing", "name": "Marketing", "description": "Video embeds that track.", "retention": "6 months", "recipients": "YouTube"}
  ],
  "ui": {"floating_button": "bottom-right", "theme": "auto", "texts": {"accept_all": {"en": "Accept everything", "fr": "Tout accepter"}}}
}"#;

/// The valid configuration, parsed, with the French pack attached as the widget attaches it once
/// fetched (English is compiled in).
pub fn config() -> Config {
    with_french(Config::from_json(VALID).expect("fixture is valid"))
}

/// `config` with the French pack attached.
pub fn with_french(mut config: Config) -> Config {
    config.ui.pack = Some(crate::i18n::Pack::parse("fr", include_str!("i18n/packs/fr.json")).expect("the French pack"));
    config
}

/// The valid configuration with `edit` applied to its JSON value.
pub fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(VALID).expect("fixture is JSON");
    edit(&mut v);
    v.to_string()
}

/// A target from its text (`"p"` or `"p/s"`), for tests that name one.
pub fn t(text: &str) -> crate::target::Target {
    text.parse().expect("a valid target")
}

/// A choice saved in the preference center with only `analytics/matomo` switched on, in `lang`, at
/// `now`, with consent record id `id`.
pub fn matomo_only_choice(lang: &str, now: i64, id: &str) -> crate::choice::Choice {
    use crate::choice::{Action, Choice, Layer, Method};
    let c = config();
    let mut d = crate::consent::Decisions::none(&c);
    d.set(&c, &t("analytics/matomo"), true);
    Choice::decide(None, &c, d, Method { layer: Layer::Preferences, action: Action::Save }, lang, now, || id.into())
}
