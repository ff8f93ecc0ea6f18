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
    /// WCAG's minimum ratio for it, in thousandths (4500 is 4.5:1).
    pub min: u32,
    /// The site owner's properties that set them, for the warning.
    pub names: &'static str,
}

/// Every pair checked: text, secondary text and the switches' edges, links and the focus ring, and
/// the buttons (accept and reject share them, so they stay alike whatever is replaced).
pub const PAIRS: [Pair; 4] = [
    Pair { fg: "--cs-fg", bg: "--cs-bg", min: 4500, names: "--consentry-fg on --consentry-bg" },
    Pair { fg: "--cs-muted", bg: "--cs-bg", min: 4500, names: "--consentry-muted on --consentry-bg" },
    Pair { fg: "--cs-accent", bg: "--cs-bg", min: 4500, names: "--consentry-accent on --consentry-bg" },
    Pair { fg: "--cs-btn-fg", bg: "--cs-btn-bg", min: 4500, names: "--consentry-button-fg on --consentry-button-bg" },
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
pub type Rgb = [u8; 3];

/// Reads a computed colour: `rgb(r, g, b)`, `rgba(r, g, b, 1)` or the space-separated forms, with
/// whole channels (as browsers compute them). A colour that is not fully opaque, or any other
/// syntax, is `None` (not checked). Integers only: float parsing and formatting would add tens of
/// kilobytes to the first download.
pub fn parse(computed: &str) -> Option<Rgb> {
    let s = computed.trim();
    let inner = s.strip_prefix("rgba(").or_else(|| s.strip_prefix("rgb("))?.strip_suffix(')')?;
    let parts: Vec<&str> = inner.split([',', ' ', '/']).map(str::trim).filter(|p| !p.is_empty()).collect();
    let c = |p: &str| p.parse::<u8>().ok();
    match parts.as_slice() {
        [r, g, b] => Some([c(r)?, c(g)?, c(b)?]),
        [r, g, b, "1"] => Some([c(r)?, c(g)?, c(b)?]),
        _ => None,
    }
}

/// `#rrggbb` (the palettes' notation; the tests read them with it).
#[cfg(test)]
fn hex(h: &str) -> Option<Rgb> {
    let h = h.strip_prefix('#').filter(|h| h.len() == 6)?;
    let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some([c(0)?, c(2)?, c(4)?])
}

/// The sRGB channel value `v / 255` linearised (WCAG: `v/12.92` up to 0.04045, else
/// `((v + 0.055) / 1.055)^2.4`), times 65535: a table instead of `powf`, which pulls in libm.
const LINEAR: [u16; 256] = [
    0, 20, 40, 60, 80, 99, 119, 139, 159, 179, 199, 219, 241, 264, 288, 313, 340, 367, 396, 427, 458, 491, 526, 562,
    599, 637, 677, 718, 761, 805, 851, 898, 947, 997, 1048, 1101, 1156, 1212, 1270, 1330, 1391, 1453, 1517, 1583, 1651,
    1720, 1790, 1863, 1937, 2013, 2090, 2170, 2250, 2333, 2418, 2504, 2592, 2681, 2773, 2866, 2961, 3058, 3157, 3258,
    3360, 3464, 3570, 3678, 3788, 3900, 4014, 4129, 4247, 4366, 4488, 4611, 4736, 4864, 4993, 5124, 5257, 5392, 5530,
    5669, 5810, 5953, 6099, 6246, 6395, 6547, 6700, 6856, 7014, 7174, 7335, 7500, 7666, 7834, 8004, 8177, 8352, 8528,
    8708, 8889, 9072, 9258, 9445, 9635, 9828, 10022, 10219, 10417, 10619, 10822, 11028, 11235, 11446, 11658, 11873,
    12090, 12309, 12530, 12754, 12980, 13209, 13440, 13673, 13909, 14146, 14387, 14629, 14874, 15122, 15371, 15623,
    15878, 16135, 16394, 16656, 16920, 17187, 17456, 17727, 18001, 18277, 18556, 18837, 19121, 19407, 19696, 19987,
    20281, 20577, 20876, 21177, 21481, 21787, 22096, 22407, 22721, 23038, 23357, 23678, 24002, 24329, 24658, 24990,
    25325, 25662, 26001, 26344, 26688, 27036, 27386, 27739, 28094, 28452, 28813, 29176, 29542, 29911, 30282, 30656,
    31033, 31412, 31794, 32179, 32567, 32957, 33350, 33745, 34143, 34544, 34948, 35355, 35764, 36176, 36591, 37008,
    37429, 37852, 38278, 38706, 39138, 39572, 40009, 40449, 40891, 41337, 41785, 42236, 42690, 43147, 43606, 44069,
    44534, 45002, 45473, 45947, 46423, 46903, 47385, 47871, 48359, 48850, 49344, 49841, 50341, 50844, 51349, 51858,
    52369, 52884, 53401, 53921, 54445, 54971, 55500, 56032, 56567, 57105, 57646, 58190, 58737, 59287, 59840, 60396,
    60955, 61517, 62082, 62650, 63221, 63795, 64372, 64952, 65535,
];

/// WCAG relative luminance, times 65535.
fn luminance(c: Rgb) -> u32 {
    let lin = |v: u8| u32::from(LINEAR[usize::from(v)]);
    (2126 * lin(c[0]) + 7152 * lin(c[1]) + 722 * lin(c[2])) / 10_000
}

/// The contrast ratio of two colours, in thousandths, rounded down (1000 to 21000):
/// `(L1 + 0.05) / (L2 + 0.05)`.
pub fn ratio(a: Rgb, b: Rgb) -> u32 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    // 0.05 × 65535 ≈ 3277.
    (hi + 3277) * 1000 / (lo + 3277)
}

/// A ratio in thousandths as people write it, to two decimals at most: `4.54`, `4.5`, `21`.
pub fn show(thousandths: u32) -> String {
    let hundredths = (thousandths + 5) / 10;
    let text = format!("{}.{:02}", hundredths / 100, hundredths % 100);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(palette: &[(&str, &str); 6], var: &str) -> Rgb {
        hex(palette.iter().find(|(v, _)| *v == var).unwrap().1).unwrap()
    }

    #[test]
    fn ratios_match_wcag_examples() {
        assert_eq!(show(ratio([0; 3], [255; 3])), "21");
        assert_eq!(show(4500), "4.5");
        assert_eq!(ratio([255; 3], [255; 3]), 1000);
        // #767676 on white is the classic 4.54:1.
        assert_eq!(show(ratio(hex("#767676").unwrap(), [255; 3])), "4.54");
        assert_eq!(show(ratio(hex("#777777").unwrap(), [255; 3])), "4.48");
        assert!(ratio(hex("#777777").unwrap(), [255; 3]) < 4500, "just below 4.5:1");
        assert!(ratio(hex("#767676").unwrap(), [255; 3]) >= 4500, "just above");
    }

    #[test]
    fn computed_colours_parse_and_translucent_ones_are_not_guessed() {
        assert_eq!(parse("rgb(26, 26, 26)"), Some([26, 26, 26]));
        assert_eq!(parse("rgba(255, 0, 0, 1)"), Some([255, 0, 0]));
        assert_eq!(parse("rgb(1 2 3)"), Some([1, 2, 3]));
        assert_eq!(parse("rgb(1.5, 2, 3)"), None);
        assert_eq!(parse("rgba(255, 0, 0, 0.5)"), None);
        assert_eq!(parse("color(display-p3 1 0 0)"), None);
        assert_eq!(parse("rgb(300, 0, 0)"), None);
    }

    #[test]
    fn the_built_in_palettes_pass_every_pair() {
        for (name, palette) in [("light", &LIGHT), ("dark", &DARK)] {
            for p in &PAIRS {
                let r = ratio(of(palette, p.fg), of(palette, p.bg));
                assert!(r >= p.min, "{name}: {} is {}:1", p.names, show(r));
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
