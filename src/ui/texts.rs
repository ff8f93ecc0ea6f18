//! The notice's words: the configuration (shared, never copied) read in the language negotiated at
//! start-up. Every view, first layer and preference center alike, takes its text from here.

use std::rc::Rc;

use consentry_model::config::{Config, Text};
use consentry_model::i18n::TextKey;

/// The configuration and the notice's language.
pub struct Texts {
    config: Rc<Config>,
    language: String,
}

impl Texts {
    /// The texts of `config` in `language`.
    pub fn new(config: Rc<Config>, language: String) -> Rc<Texts> {
        Rc::new(Texts { config, language })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The language of the notice.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// An interface string in the notice's language.
    pub fn t(&self, key: TextKey) -> String {
        self.config.ui_text(key, &self.language)
    }

    /// An owner text in the notice's language.
    pub fn text<'a>(&'a self, text: &'a Text) -> &'a str {
        self.config.text(text, &self.language)
    }
}
