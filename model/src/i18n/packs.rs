//! The language packs: the interface strings of one language, `src/i18n/packs/<tag>.json` (an
//! object from every [`TextKey`] name to its string). English is compiled into every build; the
//! widget fetches the one other pack a page view shows (`cargo xtask dist` writes them beside the
//! module, content-addressed), and the receipt server compiles them all in (feature
//! `all-languages`), so both compute the same notice from the same bytes.

use crate::json;

use super::TextKey;

/// Languages with a built-in pack, sorted: the 24 official EU languages, Icelandic and Norwegian
/// (Bokmål, Nynorsk) for the EEA, Arabic and Hebrew.
pub const PACK_LANGUAGES: [&str; 29] = [
    "ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "he", "hr", "hu", "is", "it", "lt", "lv",
    "mt", "nb", "nl", "nn", "pl", "pt", "ro", "sk", "sl", "sv",
];

/// The pack a language tag is shown with: its primary subtag if a pack exists (`pt-BR` → `pt`),
/// with `no` (Norwegian) read as Bokmål.
pub fn pack_language(lang: &str) -> Option<&'static str> {
    let primary = lang.split('-').next().unwrap_or("").to_ascii_lowercase();
    let primary = if primary == "no" { "nb".to_string() } else { primary };
    PACK_LANGUAGES.iter().copied().find(|t| *t == primary)
}

/// One language's interface strings, every key present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pack {
    lang: &'static str,
    /// In [`TextKey::ALL`] order.
    strings: Vec<String>,
}

impl Pack {
    /// Reads the pack of `lang` (a [`PACK_LANGUAGES`] tag) from its JSON text: an object with every
    /// key exactly once, each a non-empty string without control characters.
    pub fn parse(lang: &str, text: &str) -> Result<Pack, String> {
        let refused = || format!("pack {lang}: not a complete pack of interface strings");
        let lang = PACK_LANGUAGES.iter().copied().find(|t| *t == lang).ok_or_else(refused)?;
        let value = json::parse(text).map_err(|_| refused())?;
        let members = value.as_object().filter(|m| m.len() == TextKey::ALL.len()).ok_or_else(refused)?;
        let usable = |s: &&str| !s.trim().is_empty() && !s.chars().any(char::is_control);
        let strings = TextKey::ALL
            .iter()
            .map(|key| {
                let found = members.iter().find(|(k, _)| k == key.name()).and_then(|(_, v)| v.as_str());
                found.filter(usable).map(str::to_string).ok_or_else(refused)
            })
            .collect::<Result<Vec<String>, String>>()?;
        Ok(Pack { lang, strings })
    }

    /// The pack's language tag.
    pub fn lang(&self) -> &'static str {
        self.lang
    }

    /// The string for `key`.
    pub fn get(&self, key: TextKey) -> &str {
        let i = TextKey::ALL.iter().position(|k| *k == key).unwrap_or(0);
        &self.strings[i]
    }

    /// Whether this pack is the one `lang` is shown with.
    pub fn serves(&self, lang: &str) -> bool {
        pack_language(lang) == Some(self.lang)
    }
}

/// The JSON text of every pack, compiled in (the server's notice registry needs them all).
#[cfg(feature = "all-languages")]
pub fn compiled(lang: &str) -> Option<&'static Pack> {
    use std::sync::OnceLock;
    static PACKS: OnceLock<Vec<Pack>> = OnceLock::new();
    let tag = pack_language(lang)?;
    let packs = PACKS.get_or_init(|| {
        // Every pack parses (the language-pack test reads each as this does); one that did not would
        // read as absent, so its language falls back like a language without a pack.
        SOURCES.iter().filter_map(|(t, text)| Pack::parse(t, text).ok()).collect()
    });
    packs.iter().find(|p| p.lang == tag)
}

#[cfg(feature = "all-languages")]
const SOURCES: [(&str, &str); 29] = [
    ("ar", include_str!("packs/ar.json")),
    ("bg", include_str!("packs/bg.json")),
    ("cs", include_str!("packs/cs.json")),
    ("da", include_str!("packs/da.json")),
    ("de", include_str!("packs/de.json")),
    ("el", include_str!("packs/el.json")),
    ("en", include_str!("packs/en.json")),
    ("es", include_str!("packs/es.json")),
    ("et", include_str!("packs/et.json")),
    ("fi", include_str!("packs/fi.json")),
    ("fr", include_str!("packs/fr.json")),
    ("ga", include_str!("packs/ga.json")),
    ("he", include_str!("packs/he.json")),
    ("hr", include_str!("packs/hr.json")),
    ("hu", include_str!("packs/hu.json")),
    ("is", include_str!("packs/is.json")),
    ("it", include_str!("packs/it.json")),
    ("lt", include_str!("packs/lt.json")),
    ("lv", include_str!("packs/lv.json")),
    ("mt", include_str!("packs/mt.json")),
    ("nb", include_str!("packs/nb.json")),
    ("nl", include_str!("packs/nl.json")),
    ("nn", include_str!("packs/nn.json")),
    ("pl", include_str!("packs/pl.json")),
    ("pt", include_str!("packs/pt.json")),
    ("ro", include_str!("packs/ro.json")),
    ("sk", include_str!("packs/sk.json")),
    ("sl", include_str!("packs/sl.json")),
    ("sv", include_str!("packs/sv.json")),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Value;

    #[test]
    fn regional_tags_and_norwegian_find_their_pack() {
        assert_eq!(pack_language("pt-BR"), Some("pt"));
        assert_eq!(pack_language("no"), Some("nb"));
        assert_eq!(pack_language("nn-NO"), Some("nn"));
        assert_eq!(pack_language("DE"), Some("de"));
        assert_eq!(pack_language("ja"), None);
    }

    #[test]
    fn a_pack_holds_every_key_once_or_is_refused() {
        let full =
            || TextKey::ALL.iter().map(|k| (k.name(), Value::str(format!("x {}", k.name())))).collect::<Vec<_>>();
        let text = |members: Vec<(&str, Value)>| Value::object(members).to_string();
        let pack = Pack::parse("de", &text(full())).unwrap();
        assert_eq!(pack.get(TextKey::Save), "x save");
        assert!(pack.serves("de-AT") && !pack.serves("fr"));
        let mut missing = full();
        missing.pop();
        assert!(Pack::parse("de", &text(missing)).is_err());
        let mut empty = full();
        empty[0].1 = Value::str(" ");
        assert!(Pack::parse("de", &text(empty)).unwrap_err().contains("pack de"));
        let mut extra = full();
        extra[1] = ("nope", Value::str("x"));
        assert!(Pack::parse("de", &text(extra)).is_err());
        assert!(Pack::parse("xx", &text(full())).is_err());
        assert!(Pack::parse("de", "[]").is_err());
    }
}
