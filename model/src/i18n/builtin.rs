//! The built-in interface strings. Neutral wording on purpose: no nudging, accept and reject said alike.

use super::TextKey;

/// Languages with built-in interface strings.
pub const BUILTIN_LANGUAGES: [&str; 2] = ["en", "fr"];

/// The built-in string for `key` in `lang` (matched on the primary subtag), if the language is built in.
pub fn builtin(lang: &str, key: TextKey) -> Option<&'static str> {
    let primary = lang.split('-').next().unwrap_or("");
    match primary.to_ascii_lowercase().as_str() {
        "en" => Some(en(key)),
        "fr" => Some(fr(key)),
        _ => None,
    }
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

fn fr(key: TextKey) -> &'static str {
    use TextKey::*;
    match key {
        BannerTitle => "Vos choix de confidentialité",
        BannerBody => "{controller} vous demande votre consentement pour utiliser des cookies et technologies similaires pour les finalités ci-dessous. Rien de facultatif n’est utilisé sans votre accord. Refuser ne change rien à votre utilisation de ce site.",
        PurposesHeading => "Finalités",
        AcceptAll => "Tout accepter",
        RejectAll => "Tout refuser",
        Customize => "Personnaliser",
        Save => "Enregistrer mes choix",
        Close => "Fermer",
        PreferencesTitle => "Préférences de confidentialité",
        PreferencesBody => "Choisissez pour chaque finalité et chaque service. Tout ce qui est facultatif reste désactivé tant que vous ne l’activez pas.",
        AlwaysActive => "Toujours actif",
        Retention => "Conservation",
        Recipients => "Destinataires",
        Services => "Services",
        Cookies => "Cookies",
        PolicyLink => "Politique de confidentialité",
        Controller => "Responsable du traitement",
        Contact => "Contact",
        OpenPreferences => "Choix de confidentialité",
        WithdrawNote => "Vous pouvez modifier ou retirer votre consentement à tout moment avec le bouton « Choix de confidentialité ».",
        LatestReceipt => "Dernier reçu de consentement",
        DownloadReceipts => "Télécharger mes reçus",
        GpcHonored => "Signal de refus respecté : le Global Privacy Control de votre navigateur a désactivé les finalités qu’il couvre.",
        GpcConflict => "Ce signal remplace un choix que vous aviez fait. Réactiver une de ces finalités vaut consentement malgré le signal.",
        ChoicesSaved => "Vos choix ont été enregistrés.",
    }
}
