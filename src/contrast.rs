//! Colour contrast (WCAG 2.2, 1.4.3 and 1.4.11): the ratio of two colours as the browser computes
//! them (`rgb(…)` / `rgba(…)`), and the built-in palettes a theme falls back to when a site's own
//! colours are too faint to read. Plain Rust, tested natively; the widget probes the colours in its
//! shadow root (`ui::theme`).

/// A pair of the widget's colours that must stay readable, and the least contrast it needs.
pub struct Pair {
    /// The foreground custom property inside the widget (`--cs-…`).
    pub fg: &'static str,
    /// The background it sits on.
    pub bg: &'static str,
    /// WCAG's minimum ratio for it.
    pub min: f64,
    /// The site owner's properties that set them, for the warning.
    pub names: &'static str,
}

/// Every pair checked: text, secondary text and the switches' edges, links and the focus ring, and
/// the buttons (accept and reject share them, so they stay alike whatever is replaced).
pub const PAIRS: [Pair; 4] = [
    Pair { fg: "--cs-fg", bg: "--cs-bg", min: 4.5, names: "--consentry-fg on --consentry-bg" },
    Pair { fg: "--cs-muted", bg: "--cs-bg", min: 4.5, names: "--consentry-muted on --consentry-bg" },
    Pair { fg: "--cs-accent", bg: "--cs-bg", min: 4.5, names: "--consentry-accent on --consentry-bg" },
    Pair { fg: "--cs-btn-fg", bg: "--cs-btn-bg", min: 4.5, names: "--consentry-button-fg on --consentry-button-bg" },
];

/// The built-in light palette (as `style/consentry.css` has it).
pub const LIGHT: [(&str, &str); 6] = [
    ("--cs-bg", "#ffffff"),
    ("--cs-fg", "#1a1a1a"),
    ("--cs-muted", "#4a4a4a"),
    ("--cs-accent", "#1f4fd1"),
    ("--cs-btn-bg", "#1f4fd1"),
    ("--cs-btn-fg", "#ffffff"),
];

/// The built-in dark palette.
pub const DARK: [(&str, &str); 6] = [
    ("--cs-bg", "#1c1d21"),
    ("--cs-fg", "#f2f2f2"),
    ("--cs-muted", "#c4c4c4"),
    ("--cs-accent", "#8fb0ff"),
    ("--cs-btn-bg", "#8fb0ff"),
    ("--cs-btn-fg", "#0d1530"),
];

/// An opaque colour, 0–255 per channel.
pub type Rgb = [f64; 3];

/// Reads a computed colour: `rgb(r, g, b)`, `rgba(r, g, b, a)` or the space-separated forms. A
/// colour that is not fully opaque, or any other syntax, is `None` (not checked).
pub fn parse(computed: &str) -> Option<Rgb> {
    let s = computed.trim();
    let inner = s.strip_prefix("rgba(").or_else(|| s.strip_prefix("rgb("))?.strip_suffix(')')?;
    let parts: Vec<&str> = inner.split([',', ' ', '/']).map(str::trim).filter(|p| !p.is_empty()).collect();
    let channel = |p: &str| p.parse::<f64>().ok().filter(|v| (0.0..=255.0).contains(v));
    match parts.as_slice() {
        [r, g, b] => Some([channel(r)?, channel(g)?, channel(b)?]),
        [r, g, b, a] if a.parse::<f64>().ok() == Some(1.0) => Some([channel(r)?, channel(g)?, channel(b)?]),
        _ => None,
    }
}

/// `#rrggbb` (the palettes' notation; the tests read them with it).
#[cfg(test)]
fn hex(h: &str) -> Option<Rgb> {
    let h = h.strip_prefix('#').filter(|h| h.len() == 6)?;
    let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok().map(f64::from);
    Some([c(0)?, c(2)?, c(4)?])
}

/// WCAG relative luminance.
fn luminance(c: Rgb) -> f64 {
    let lin = |v: f64| {
        let s = v / 255.0;
        if s <= 0.040_45 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

/// The contrast ratio of two colours, 1 to 21.
pub fn ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(palette: &[(&str, &str); 6], var: &str) -> Rgb {
        hex(palette.iter().find(|(v, _)| *v == var).unwrap().1).unwrap()
    }

    #[test]
    fn ratios_match_wcag_examples() {
        assert!((ratio([0.0; 3], [255.0; 3]) - 21.0).abs() < 1e-9);
        assert!((ratio([255.0; 3], [255.0; 3]) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1.
        assert!((ratio(hex("#767676").unwrap(), [255.0; 3]) - 4.54).abs() < 0.01);
    }

    #[test]
    fn computed_colours_parse_and_translucent_ones_are_not_guessed() {
        assert_eq!(parse("rgb(26, 26, 26)"), Some([26.0, 26.0, 26.0]));
        assert_eq!(parse("rgba(255, 0, 0, 1)"), Some([255.0, 0.0, 0.0]));
        assert_eq!(parse("rgb(1 2 3)"), Some([1.0, 2.0, 3.0]));
        assert_eq!(parse("rgba(255, 0, 0, 0.5)"), None);
        assert_eq!(parse("color(display-p3 1 0 0)"), None);
        assert_eq!(parse("rgb(300, 0, 0)"), None);
    }

    #[test]
    fn the_built_in_palettes_pass_every_pair() {
        for (name, palette) in [("light", &LIGHT), ("dark", &DARK)] {
            for p in &PAIRS {
                let r = ratio(of(palette, p.fg), of(palette, p.bg));
                assert!(r >= p.min, "{name}: {} is {r:.2}:1", p.names);
            }
        }
    }

    #[test]
    fn the_palettes_are_the_stylesheets() {
        let css = include_str!("../style/consentry.css");
        for (var, value) in LIGHT {
            let public = var.replace("--cs-btn-", "--consentry-button-").replace("--cs-", "--consentry-");
            assert!(css.contains(&format!("{var}: var({public}, {value})")), "light {var}");
        }
        for (var, value) in DARK {
            let public = var.replace("--cs-btn-", "--consentry-button-").replace("--cs-", "--consentry-");
            assert!(css.contains(&format!("{var}: var({public}-dark, {value})")), "dark {var}");
        }
    }
}
