//! Interface language: which language the notice is shown in, and the interface strings
//! (button labels, headings): English compiled in, the other built-in languages as packs (see
//! [`Pack`]), and the owner's overrides.
//!
//! Negotiation order: the page's `<html lang>` if the configuration offers it, else the browser's
//! languages, else the configuration's first language. Tags match on their primary subtag too
//! (`fr-CA` picks `fr`, `pt-BR` picks `pt`), and Norwegian `no` and `nb` stand for each other.

mod builtin;
mod packs;

pub use builtin::builtin;
pub use packs::{pack_language, Pack, PACK_LANGUAGES};

/// Every interface string the widget shows, besides the owner's own texts (purposes, controller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TextKey {
    /// Heading of the first-layer banner.
    BannerTitle,
    /// Body of the banner; `{controller}` is replaced by the controller's name.
    BannerBody,
    /// Heading above the list of purposes in the banner.
    PurposesHeading,
    /// The accept-all button.
    AcceptAll,
    /// The reject-all button.
    RejectAll,
    /// The button that opens the preference center from the banner.
    Customize,
    /// Saves the choices made in the preference center.
    Save,
    /// Closes the preference center without a new decision.
    Close,
    /// Heading of the preference center.
    PreferencesTitle,
    /// Intro text of the preference center.
    PreferencesBody,
    /// Shown instead of a switch for a required purpose.
    AlwaysActive,
    /// Label for a purpose's retention.
    Retention,
    /// Label for a purpose's recipients.
    Recipients,
    /// Label for a purpose's services.
    Services,
    /// Label for a service's cookies.
    Cookies,
    /// Text of the link to the privacy policy.
    PolicyLink,
    /// Label for the controller's identity.
    Controller,
    /// Label for the controller's contact.
    Contact,
    /// Accessible label of the persistent floating button.
    OpenPreferences,
    /// The reminder that consent can be withdrawn at any time.
    WithdrawNote,
    /// Label before the latest receipt's id and date in the preference center.
    LatestReceipt,
    /// The button that downloads this browser's receipts.
    DownloadReceipts,
    /// Shown in the preference center when a Global Privacy Control signal switched purposes off.
    GpcHonored,
    /// Shown when the signal overrides an earlier explicit grant (Cal. Code Regs. tit. 11 §7025(c)(3)).
    GpcConflict,
    /// The status message announced after the preference center saved a choice.
    ChoicesSaved,
}

impl TextKey {
    /// Every key, in documentation order.
    pub const ALL: [TextKey; 25] = [
        TextKey::BannerTitle,
        TextKey::BannerBody,
        TextKey::PurposesHeading,
        TextKey::AcceptAll,
        TextKey::RejectAll,
        TextKey::Customize,
        TextKey::Save,
        TextKey::Close,
        TextKey::PreferencesTitle,
        TextKey::PreferencesBody,
        TextKey::AlwaysActive,
        TextKey::Retention,
        TextKey::Recipients,
        TextKey::Services,
        TextKey::Cookies,
        TextKey::PolicyLink,
        TextKey::Controller,
        TextKey::Contact,
        TextKey::OpenPreferences,
        TextKey::WithdrawNote,
        TextKey::LatestReceipt,
        TextKey::DownloadReceipts,
        TextKey::GpcHonored,
        TextKey::GpcConflict,
        TextKey::ChoicesSaved,
    ];

    /// The key's name in `ui.texts`.
    pub fn name(self) -> &'static str {
        match self {
            TextKey::BannerTitle => "banner_title",
            TextKey::BannerBody => "banner_body",
            TextKey::PurposesHeading => "purposes_heading",
            TextKey::AcceptAll => "accept_all",
            TextKey::RejectAll => "reject_all",
            TextKey::Customize => "customize",
            TextKey::Save => "save",
            TextKey::Close => "close",
            TextKey::PreferencesTitle => "preferences_title",
            TextKey::PreferencesBody => "preferences_body",
            TextKey::AlwaysActive => "always_active",
            TextKey::Retention => "retention",
            TextKey::Recipients => "recipients",
            TextKey::Services => "services",
            TextKey::Cookies => "cookies",
            TextKey::PolicyLink => "policy_link",
            TextKey::Controller => "controller",
            TextKey::Contact => "contact",
            TextKey::OpenPreferences => "open_preferences",
            TextKey::WithdrawNote => "withdraw_note",
            TextKey::LatestReceipt => "latest_receipt",
            TextKey::DownloadReceipts => "download_receipts",
            TextKey::GpcHonored => "gpc_honored",
            TextKey::GpcConflict => "gpc_conflict",
            TextKey::ChoicesSaved => "choices_saved",
        }
    }

    /// The key named `name`, if any.
    pub fn from_name(name: &str) -> Option<TextKey> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Picks the language to show among `offered` (the configuration's languages, first = default).
///
/// `page_lang` is the page's `<html lang>`; `browser` the visitor's `navigator.languages`.
pub fn negotiate<'a>(offered: &'a [String], page_lang: Option<&str>, browser: &[String]) -> &'a str {
    let find = |tag: &str| -> Option<&'a str> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.is_empty() {
            return None;
        }
        let primary = tag.split('-').next().unwrap_or("");
        // Norwegian: `no` is the macrolanguage of Bokmål (`nb`), which browsers send either way.
        let alias = match primary {
            "no" => "nb",
            "nb" => "no",
            other => other,
        };
        let primary_of = |o: &String| o.to_ascii_lowercase().split('-').next().map(str::to_string);
        offered
            .iter()
            .find(|o| o.to_ascii_lowercase() == tag)
            .or_else(|| offered.iter().find(|o| o.to_ascii_lowercase() == primary))
            .or_else(|| offered.iter().find(|o| primary_of(o).as_deref() == Some(primary)))
            .or_else(|| offered.iter().find(|o| primary_of(o).as_deref() == Some(alias)))
            .map(String::as_str)
    };
    page_lang
        .and_then(find)
        .or_else(|| browser.iter().find_map(|b| find(b)))
        .unwrap_or(offered.first().map(String::as_str).unwrap_or("en"))
}

/// Whether text direction for `lang` is right-to-left.
pub fn is_rtl(lang: &str) -> bool {
    let primary = lang.split('-').next().unwrap_or("").to_ascii_lowercase();
    matches!(primary.as_str(), "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "dv" | "ku" | "sd" | "ug")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn page_language_wins_when_offered() {
        let offered = langs(&["en", "fr"]);
        assert_eq!(negotiate(&offered, Some("fr"), &langs(&["en-US"])), "fr");
        assert_eq!(negotiate(&offered, Some("fr-CA"), &[]), "fr");
    }

    #[test]
    fn browser_languages_when_page_language_not_offered() {
        let offered = langs(&["en", "fr"]);
        assert_eq!(negotiate(&offered, Some("de"), &langs(&["de-DE", "fr-FR", "en"])), "fr");
        assert_eq!(negotiate(&offered, None, &langs(&["fr-FR"])), "fr");
    }

    #[test]
    fn default_language_last() {
        let offered = langs(&["fr", "en"]);
        assert_eq!(negotiate(&offered, None, &langs(&["de"])), "fr");
        assert_eq!(negotiate(&offered, Some(""), &[]), "fr");
    }

    #[test]
    fn regional_offer_matches_primary_request() {
        let offered = langs(&["en", "pt-BR"]);
        assert_eq!(negotiate(&offered, Some("pt"), &[]), "pt-BR");
    }

    #[test]
    fn key_names_round_trip_and_english_is_complete() {
        for key in TextKey::ALL {
            assert_eq!(TextKey::from_name(key.name()), Some(key));
            assert!(builtin("en", key).is_some_and(|s| !s.is_empty()), "en lacks {}", key.name());
        }
        assert_eq!(TextKey::from_name("nope"), None);
    }

    #[test]
    fn region_fallback_and_norwegian_aliases() {
        assert_eq!(negotiate(&langs(&["en", "pt"]), None, &langs(&["pt-BR", "en"])), "pt");
        assert_eq!(negotiate(&langs(&["en", "nb"]), Some("no"), &[]), "nb");
        assert_eq!(negotiate(&langs(&["en", "no"]), None, &langs(&["nb-NO"])), "no");
        assert_eq!(negotiate(&langs(&["en", "zh-Hant"]), Some("zh-Hant-TW"), &[]), "zh-Hant");
    }

    #[test]
    fn rtl_detection() {
        assert!(is_rtl("ar"));
        assert!(is_rtl("he-IL"));
        assert!(!is_rtl("fr"));
    }
}
