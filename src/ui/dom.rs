//! The few DOM calls the first layer is built with: elements with attributes, text, and children.
//! No templates and no `innerHTML`: every text (most of it the site owner's) goes in as a text node.

use wasm_bindgen::JsCast;

use crate::browser::error::BrowserError;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Builds elements for one document.
#[derive(Clone)]
pub struct Dom {
    document: web_sys::Document,
}

impl Dom {
    /// A builder for `document`.
    pub fn new(document: web_sys::Document) -> Dom {
        Dom { document }
    }

    /// `<tag attr="value" …>`.
    pub fn el(&self, tag: &str, attrs: &[(&str, &str)]) -> Result<web_sys::HtmlElement, BrowserError> {
        let el = self.document.create_element(tag)?;
        for (name, value) in attrs {
            el.set_attribute(name, value)?;
        }
        el.dyn_into().map_err(|_| BrowserError::Unexpected("not an HTML element"))
    }

    /// `<tag …>text</tag>`.
    pub fn text_el(&self, tag: &str, attrs: &[(&str, &str)], text: &str) -> Result<web_sys::HtmlElement, BrowserError> {
        let el = self.el(tag, attrs)?;
        el.set_text_content(Some(text));
        Ok(el)
    }

    /// An SVG element (`<svg>`, `<path>`).
    pub fn svg(&self, tag: &str, attrs: &[(&str, &str)]) -> Result<web_sys::Element, BrowserError> {
        let el = self.document.create_element_ns(Some(SVG_NS), tag)?;
        for (name, value) in attrs {
            el.set_attribute(name, value)?;
        }
        Ok(el)
    }

    /// Appends `text` to `parent` as a text node.
    pub fn text(&self, parent: &web_sys::Node, text: &str) -> Result<(), BrowserError> {
        parent.append_child(&self.document.create_text_node(text))?;
        Ok(())
    }
}

/// Appends each of `children` to `parent`.
pub fn append(parent: &web_sys::Node, children: &[&web_sys::HtmlElement]) -> Result<(), BrowserError> {
    for child in children {
        parent.append_child(child)?;
    }
    Ok(())
}
