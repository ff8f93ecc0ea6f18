//! Visitor-facing text that may be translated: a plain string, or a map from language tag to string.

/// A visitor-facing text, as written in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// The same text in every language.
    Plain(String),
    /// One text per language tag, in configuration order; always holds the configuration's default language.
    Localized(Vec<(String, String)>),
}

impl Text {
    /// The text in `lang`, falling back to `default_lang` (validation guarantees that one exists).
    pub fn get<'a>(&'a self, lang: &str, default_lang: &str) -> &'a str {
        match self {
            Text::Plain(s) => s,
            Text::Localized(map) => {
                let find = |l: &str| map.iter().find(|(k, _)| k == l).map(|(_, v)| v.as_str());
                find(lang).or_else(|| find(default_lang)).or_else(|| map.first().map(|(_, v)| v.as_str())).unwrap_or("")
            }
        }
    }

    /// Whether this text has its own translation for `lang` (a plain string counts for every language).
    pub fn covers(&self, lang: &str) -> bool {
        match self {
            Text::Plain(_) => true,
            Text::Localized(map) => map.iter().any(|(k, _)| k == lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localized_text_falls_back_to_default_language() {
        let t =
            Text::Localized(vec![("en".to_string(), "Hello".to_string()), ("fr".to_string(), "Bonjour".to_string())]);
        assert_eq!(t.get("fr", "en"), "Bonjour");
        assert_eq!(t.get("de", "en"), "Hello");
        assert!(t.covers("fr"));
        assert!(!t.covers("de"));
        assert_eq!(Text::Plain("x".into()).get("fr", "en"), "x");
    }
}
