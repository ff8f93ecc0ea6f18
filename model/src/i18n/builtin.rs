//! The interface strings compiled into every build: English (also `packs/en.json`, which the pack
//! test holds equal). Neutral wording on purpose: no nudging, accept and reject said alike.

use super::TextKey;

/// The compiled-in string for `key` in `lang` (matched on the primary subtag): English always;
/// with the feature `all-languages` (the receipt server), every pack.
pub fn builtin(lang: &str, key: TextKey) -> Option<&'static str> {
    let primary = lang.split('-').next().unwrap_or("");
    if primary.eq_ignore_ascii_case("en") {
        return Some(en(key));
    }
    #[cfg(feature = "all-languages")]
    if let Some(pack) = super::packs::compiled(lang) {
        return Some(pack.get(key));
    }
    None
}

fn en(key: TextKey) -> &'static str {
    use TextKey::*;
    match key {
        BannerTitle => "Your privacy choices",
        BannerBody => "{controller} asks for your consent to use cookies and similar technologies for the purposes below. Nothing optional is used unless you agree. Refusing has no effect on your use of this site.",
        PurposesHeading => "Purposes",
        AcceptAll => "Accept all",
        RejectAll => "Reject all",
        Customize => "Customize",
        Save => "Save choices",
        Close => "Close",
        PreferencesTitle => "Privacy preferences",
        PreferencesBody => "Choose for each purpose and each service. Everything optional is off until you turn it on.",
        AlwaysActive => "Always active",
        Retention => "Kept for",
        Recipients => "Recipients",
        Services => "Services",
        Cookies => "Cookies",
        PolicyLink => "Privacy policy",
        Controller => "Controller",
        Contact => "Contact",
        OpenPreferences => "Privacy choices",
        WithdrawNote => "You can change or withdraw your consent at any time with the “Privacy choices” button.",
        LatestReceipt => "Latest consent receipt",
        DownloadReceipts => "Download my receipts",
        GpcHonored => "Opt-out preference signal honored: your browser's Global Privacy Control turned off the purposes it covers.",
        GpcConflict => "This overrides a choice you made earlier. Turning such a purpose on again gives your consent despite the signal.",
        ChoicesSaved => "Your choices have been saved.",
    }
}
