//! The notice registry: what each `noticeHash` stands for.
//!
//! A receipt carries only the hash of the notice its visitor was shown (receipt/SPEC.md §4). The
//! site owner registers each configuration the widget is given (`POST /v1/notices`,
//! `consentry-server notices add --config FILE`): it is parsed by the widget's own parser
//! (`consentry_model::config`), refused with the widget's message if the widget would refuse it,
//! and the notice of every language it offers is built by the widget's own function
//! (`consentry_model::notice::notice`) and hashed by the receipt crate's `Notice::hash`, the
//! very calls `consentry_model::notice::build` makes for a receipt. The canonical JSON that is
//! hashed is stored, so the texts can be shown again and the hash checked by anyone.
//!
//! Receipts whose hash is not registered are still accepted; the audit report counts and lists
//! them ([`crate::report`]).

use consentry_model::config::{Config, ConfigError};
use consentry_model::notice::notice;
use consentry_receipt::Notice;
use serde::Serialize;

use crate::db::notices::{self, StoredNotice};
use crate::db::{Db, DbError};

/// Why a configuration was not registered.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The widget would refuse this configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// One notice of a registered configuration. Members in alphabetical order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Registered {
    /// The language.
    pub language: String,
    /// Whether this call added it (`false`: it was registered before).
    pub new: bool,
    /// Its `noticeHash`.
    pub notice_hash: String,
    /// The configuration's `policy_version`.
    pub policy_version: String,
}

/// The notices a configuration shows, one per offered language, in the configuration's order:
/// exactly what the widget shows and hashes. Refuses what the widget refuses.
pub fn notices_of(config_json: &str) -> Result<Vec<Notice>, ConfigError> {
    let config = Config::from_json(config_json)?;
    Ok(config.languages.iter().map(|lang| notice(&config, lang)).collect())
}

/// Registers every notice of a configuration; registering it again changes nothing.
pub async fn register(db: &Db, config_json: &str, now_ms: i64) -> Result<Vec<Registered>, RegistryError> {
    let mut out = Vec::new();
    for n in notices_of(config_json)? {
        let stored = StoredNotice {
            notice_hash: n.hash(),
            policy_version: n.policy_version.clone(),
            language: n.language.clone(),
            notice: n.canonical(),
            registered_ms: now_ms,
        };
        let new = notices::insert(db, &stored).await?;
        out.push(Registered {
            language: stored.language,
            new,
            notice_hash: stored.notice_hash,
            policy_version: stored.policy_version,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{
      "policy_version": "2026-12",
      "controller": {"name": "Βιβλία ΑΕ", "contact": "dpo@books.example", "policy_url": "https://books.example/privacy"},
      "languages": ["en", "fr"],
      "purposes": [{"id": "analytics", "name": {"en": "Audience measurement", "fr": "Mesure d'audience"},
        "description": {"en": "Counts visits.", "fr": "Compte les visites."}, "retention": "13 months",
        "recipients": "Books, on its own server"}]
    }"#;

    #[test]
    fn one_notice_per_language_hashed_over_its_canonical_text() {
        let notices = notices_of(CONFIG).unwrap();
        assert_eq!(notices.iter().map(|n| n.language.as_str()).collect::<Vec<_>>(), ["en", "fr"]);
        for n in &notices {
            assert_eq!(n.hash(), consentry_receipt::sha256_b64(n.canonical().as_bytes()));
        }
        assert_ne!(notices[0].hash(), notices[1].hash());
        assert!(notices[1].canonical().contains("Mesure d'audience"));
        assert!(notices[1].canonical().contains("Βιβλία ΑΕ"));
    }

    #[test]
    fn the_registry_hash_is_the_one_the_widget_puts_in_its_receipts() {
        use consentry_model::choice::{Action, Choice, Layer, Method};
        use consentry_model::consent::Decisions;
        use consentry_model::notice::{build, Signer};
        let config = Config::from_json(CONFIG).unwrap();
        for registered in notices_of(CONFIG).unwrap() {
            let method = Method { layer: Layer::Banner, action: Action::RejectAll };
            let choice =
                Choice::decide(None, &config, Decisions::reject_all(&config), method, &registered.language, 0, || {
                    "0d9c2f4e-8a61-4b7e-9c3d-2f1e0a9b8c7d".into()
                });
            let signer =
                Signer { principal: consentry_receipt::sha256_b64(b"key"), prev_receipt_hash: None, gpc: false };
            let receipt = build(&config, &choice, "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c", signer);
            assert_eq!(receipt.notice_hash, registered.hash(), "{}", registered.language);
        }
    }

    #[test]
    fn what_the_widget_refuses_is_refused_with_its_message() {
        let on_by_default =
            CONFIG.replace(r#""retention": "13 months""#, r#""retention": "13 months", "default": true"#);
        let e = notices_of(&on_by_default).unwrap_err();
        assert!(e.path.ends_with("default"), "{e}");
        assert!(notices_of("{").is_err());
    }
}
