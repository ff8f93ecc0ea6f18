//! The language packs this build knows: each tag with the SHA-256 of its file, compiled in by
//! `build.rs`, and the URL and integrity value the widget fetches it with (see `browser::packs`).
//! Plain Rust, so it is tested natively.

include!(concat!(env!("OUT_DIR"), "/packs.rs"));

/// The URL (under `base`, the loader's directory ending in `/`) and the integrity value of the
/// pack of `tag`.
pub fn locate(tag: &str, base: &str) -> Option<(String, String)> {
    let (_, digest) = PACKS.iter().find(|(t, _)| *t == tag)?;
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    Some((format!("{base}consentry-lang-{tag}-{hex}.json"), format!("sha256-{}", base64(digest))))
}

/// Standard base64 with padding, as integrity values are written.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            let c = if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' };
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_the_standard_padded_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn the_loader_expects_a_pack_for_every_language_but_english() {
        let loader = include_str!("loader.js");
        let line = loader.lines().find(|l| l.contains("var PACK_LANGUAGES = ")).expect("the loader's list");
        let listed: Vec<&str> = line.split('\'').nth(1).expect("a quoted list").split_whitespace().collect();
        let packs: Vec<&str> = PACKS.iter().map(|(t, _)| *t).filter(|t| *t != "en").collect();
        assert_eq!(listed, packs);
    }

    #[test]
    fn every_pack_has_a_name_and_an_integrity_value() {
        assert_eq!(PACKS.len(), consentry_model::i18n::PACK_LANGUAGES.len());
        let (url, integrity) = locate("de", "https://cdn.example/c/").unwrap();
        assert!(url.starts_with("https://cdn.example/c/consentry-lang-de-") && url.ends_with(".json"));
        assert_eq!(url.len(), "https://cdn.example/c/consentry-lang-de-".len() + 16 + ".json".len());
        assert!(integrity.starts_with("sha256-") && integrity.len() == "sha256-".len() + 44);
        assert!(locate("ja", "/").is_none());
    }
}
