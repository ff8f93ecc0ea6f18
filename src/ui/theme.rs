//! The site owner's theme colours, checked once the widget is mounted: each pair of
//! [`crate::contrast::PAIRS`] is read as the browser resolves it inside the shadow root, and a pair
//! below WCAG's minimum is replaced by the built-in colours of the theme in force, with one
//! `consentry:` warning each. Both colours of a pair are replaced together, and the buttons share one
//! pair, so accept and reject still look the same.

use wasm_bindgen::JsCast;

use crate::browser::console;
use crate::contrast::{self, Pair, DARK, LIGHT, PAIRS};

/// Checks the colours under `root` (the widget's themed element, already in its shadow root).
pub fn check(root: &web_sys::HtmlElement) {
    let Some(window) = web_sys::window() else { return };
    let Some(document) = window.document() else { return };
    let Ok(probe) = document.create_element("span").map(|e| e.unchecked_into::<web_sys::HtmlElement>()) else {
        return;
    };
    if root.append_child(&probe).is_err() {
        return;
    }
    let classes = root.class_list();
    let prefers_dark =
        || window.match_media("(prefers-color-scheme: dark)").ok().flatten().is_some_and(|m| m.matches());
    let dark = classes.contains("cs-dark") || (classes.contains("cs-auto") && prefers_dark());
    let palette = if dark { &DARK } else { &LIGHT };
    let colour = |var: &str| {
        // CSSOM, not a style attribute: a `style-src` without 'unsafe-inline' allows it.
        probe.style().set_property("color", &format!("var({var})")).ok()?;
        let computed = window.get_computed_style(&probe).ok().flatten()?.get_property_value("color").ok()?;
        contrast::parse(&computed)
    };
    let mut replaced: Vec<&Pair> = Vec::new();
    for pair in &PAIRS {
        let (Some(fg), Some(bg)) = (colour(pair.fg), colour(pair.bg)) else { continue };
        let ratio = contrast::ratio(fg, bg);
        if ratio < pair.min {
            console::warn(&format!(
                "the theme's {}{} has a contrast of {}:1, below the {}:1 WCAG 2.2 asks for (1.4.3): the widget uses its built-in colours for them",
                pair.names,
                if dark { " (dark)" } else { "" },
                contrast::show(ratio),
                contrast::show(pair.min)
            ));
            replaced.push(pair);
        }
    }
    probe.remove();
    let style = root.style();
    for pair in replaced {
        for var in [pair.fg, pair.bg] {
            if let Some((_, value)) = palette.iter().find(|(v, _)| *v == var) {
                let _ = style.set_property(var, value);
            }
        }
    }
}
