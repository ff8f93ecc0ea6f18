//! From a decision to a consent receipt payload: the notice exactly as shown (in the language shown)
//! and the Kantara/Consentry receipt fields. Pure: the browser adapter (`receipts.rs`) adds the key,
//! the signature, the chain state and the delivery.

use consentry_receipt::{
    Notice, NoticeController, NoticePurpose, NoticeService, Receipt, ReceiptPurpose, ReceiptService,
};

use crate::choice::Choice;
use crate::config::Config;
use crate::i18n::TextKey;

/// The notice a visitor sees in `lang`: every owner text and every interface string, resolved.
pub fn notice(config: &Config, lang: &str) -> Notice {
    let t = |text| config.text(text, lang).to_string();
    Notice {
        policy_version: config.policy_version.clone(),
        language: lang.to_string(),
        controller: controller(config),
        purposes: config
            .purposes
            .iter()
            .map(|p| NoticePurpose {
                id: p.id.to_string(),
                required: p.required,
                name: t(&p.name),
                description: t(&p.description),
                retention: t(&p.retention),
                recipients: t(&p.recipients),
                services: p
                    .services
                    .iter()
                    .map(|s| NoticeService {
                        id: s.id.to_string(),
                        name: t(&s.name),
                        description: t(&s.description),
                        cookies: s.cookies.iter().map(|c| c.as_str().to_string()).collect(),
                        policy_url: s.policy_url.clone(),
                    })
                    .collect(),
            })
            .collect(),
        interface: TextKey::ALL.iter().map(|k| (k.name().to_string(), config.ui_text(*k, lang))).collect(),
    }
}

fn controller(config: &Config) -> NoticeController {
    let c = &config.controller;
    NoticeController {
        name: c.name.clone(),
        contact: c.contact.clone(),
        address: c.address.clone(),
        policy_url: c.policy_url.clone(),
    }
}

/// What the browser supplies besides the decision.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The RFC 7638 thumbprint of this browser's signing key.
    pub principal: String,
    /// Hash of this browser's previous receipt, `None` for the first.
    pub prev_receipt_hash: Option<String>,
    /// Whether `navigator.globalPrivacyControl` was set.
    pub gpc: bool,
}

/// The receipt payload for a recorded choice. The purposes it lists, the controller and the notice
/// hash all come from the one notice the visitor was shown. `subject_id` is left `None`: who the
/// site said the visitor was belongs to the moment of the decision, not to the configuration, so
/// the caller sets it (the widget: the id identified when the choice was made, none for a receipt
/// of an earlier page view's decision).
pub fn build(config: &Config, choice: &Choice, receipt_id: &str, signer: Signer) -> Receipt {
    let shown = notice(config, &choice.language);
    let notice_hash = shown.hash();
    Receipt {
        id: receipt_id.to_string(),
        timestamp: choice.updated.div_euclid(1000),
        collection_method: choice.method,
        jurisdiction: config.jurisdiction.clone(),
        language: choice.language.clone(),
        principal: signer.principal,
        policy_url: shown.controller.policy_url.clone(),
        controller: shown.controller,
        purposes: shown
            .purposes
            .into_iter()
            .map(|p| ReceiptPurpose {
                id: p.id,
                name: p.name,
                required: p.required,
                retention: p.retention,
                recipients: p.recipients,
                services: p.services.into_iter().map(|s| ReceiptService { id: s.id, name: s.name }).collect(),
            })
            .collect(),
        purpose_decisions: choice.decisions.purposes().iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        service_decisions: choice.decisions.services().iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        policy_version: choice.policy_version.clone(),
        notice_hash,
        prev_receipt_hash: signer.prev_receipt_hash,
        gpc: signer.gpc,
        expires_at: choice.expires.div_euclid(1000),
        consent_id: choice.id.clone(),
        overrides_gpc: choice.gpc_override,
        subject_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{config, matomo_only_choice};

    fn choice(lang: &str) -> Choice {
        matomo_only_choice(lang, 1_790_000_000_123, "0d9c2f4e-8a61-4b7e-9c3d-2f1e0a9b8c7d")
    }

    fn signer() -> Signer {
        Signer { principal: consentry_receipt::sha256_b64(b"key"), prev_receipt_hash: None, gpc: true }
    }

    #[test]
    fn notice_is_in_the_language_shown_and_hash_follows_it() {
        let c = config();
        let fr = notice(&c, "fr");
        assert_eq!(fr.purposes[1].name, "Mesure d'audience");
        assert!(fr.interface.iter().any(|(k, v)| k == "reject_all" && v == "Tout refuser"));
        assert_eq!(fr.interface.len(), TextKey::ALL.len());
        assert_eq!(fr.hash(), notice(&c, "fr").hash());
        assert_ne!(fr.hash(), notice(&c, "en").hash());
    }

    #[test]
    fn payload_records_every_decision_and_passes_the_shared_schema() {
        let c = config();
        let r = build(&c, &choice("fr"), "7b0c5a62-3f1d-4e8a-9b2c-5d6e7f8a9b0c", signer());
        assert_eq!(r.collection_method.to_string(), "preferences:save");
        assert_eq!(r.timestamp, 1_790_000_000);
        assert_eq!(r.language, "fr");
        assert_eq!(r.jurisdiction, "EU");
        assert_eq!(r.notice_hash, notice(&c, "fr").hash());
        assert_eq!(
            r.purpose_decisions,
            [("necessary".to_string(), true), ("analytics".to_string(), true), ("marketing".to_string(), false)]
        );
        assert_eq!(
            r.service_decisions,
            [("analytics/matomo".to_string(), true), ("analytics/hotjar".to_string(), false)]
        );
        assert!(r.gpc);
        let back = Receipt::from_json(&r.to_json()).expect("the widget's payload matches the schema the server checks");
        assert_eq!(back, r);
    }
}
