//! Cookie name patterns from the configuration (`_ga`, `_pk_id.*`), matched against cookie names
//! when consent is withdrawn, so that the cookies of a refused service are deleted.

/// A cookie name, with `*` standing for any run of characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookiePattern(String);

/// Why a cookie name pattern is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadPattern {
    /// Empty, or a character that cannot appear in a cookie name.
    NotAName(String),
    /// `*` alone (or only `*`s): it would match every cookie.
    Everything,
}

impl std::fmt::Display for BadPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadPattern::NotAName(raw) => write!(f, "\"{raw}\" is not a cookie name pattern"),
            BadPattern::Everything => {
                f.write_str("a pattern of `*` alone would delete every cookie of the site; name the cookies")
            }
        }
    }
}

impl std::error::Error for BadPattern {}

impl CookiePattern {
    /// Checks a pattern: non-empty, no characters that cannot appear in a cookie name, not `*` alone.
    pub fn parse(raw: &str) -> Result<Self, BadPattern> {
        let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, ';' | ',' | '=' | '"');
        if raw.is_empty() || raw.chars().any(bad) {
            return Err(BadPattern::NotAName(raw.to_string()));
        }
        if raw.chars().all(|c| c == '*') {
            return Err(BadPattern::Everything);
        }
        Ok(Self(raw.to_string()))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `name` matches this pattern.
    pub fn matches(&self, name: &str) -> bool {
        glob(self.0.as_bytes(), name.as_bytes())
    }
}

/// Iterative wildcard match with `*` only (no backtracking explosion).
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// The cookie names in a `document.cookie` string.
pub fn cookie_names(document_cookie: &str) -> impl Iterator<Item = &str> {
    document_cookie.split(';').filter_map(|pair| pair.split('=').next()).map(str::trim).filter(|n| !n.is_empty())
}

/// The domains a cookie set by `hostname` may have been set for: the host itself and each parent
/// domain (`www.shop.example.com`, `shop.example.com`, `example.com`), so deletion reaches all of them.
pub fn candidate_domains(hostname: &str) -> Vec<String> {
    let labels: Vec<&str> = hostname.split('.').collect();
    if hostname.parse::<std::net::Ipv4Addr>().is_ok() || labels.len() < 2 {
        return vec![hostname.to_string()];
    }
    (0..labels.len() - 1).map(|i| labels[i..].join(".")).collect()
}

/// The paths a cookie visible at `pathname` may have been set for: the root and each ancestor of the
/// current path, with and without a trailing slash (`/`, `/shop`, `/shop/`, `/shop/cart`,
/// `/shop/cart/` for `/shop/cart`), since a cookie is deleted only on the exact path it was set with.
pub fn candidate_paths(pathname: &str) -> Vec<String> {
    let mut paths = vec!["/".to_string()];
    let mut prefix = String::new();
    for segment in pathname.split('/').filter(|s| !s.is_empty()) {
        prefix.push('/');
        prefix.push_str(segment);
        paths.push(prefix.clone());
        paths.push(format!("{prefix}/"));
    }
    paths
}

/// The attribute sets a cookie may have been written with that a deletion must repeat: none; on a
/// secure page also `Secure`, and `Secure; Partitioned` (a CHIPS cookie lives in a jar of its own).
fn flavours(secure: bool) -> &'static [&'static str] {
    if secure {
        &["", "; Secure", "; Secure; Partitioned"]
    } else {
        &[""]
    }
}

/// The `document.cookie` assignments that delete cookie `name` on every candidate path and domain:
/// per path, one without a domain (a host-only cookie), then one per domain; each in every flavour
/// ([`flavours`]; `secure` says whether the page may write `Secure` cookies). Prefixed names follow
/// their rules: `__Host-` cookies exist only host-only on `/` and `Secure`, `__Secure-` only `Secure`.
/// A domain that is a public suffix (`co.uk`) is refused by the browser itself, so trying it is harmless.
pub fn deletions(name: &str, paths: &[String], domains: &[String], secure: bool) -> Vec<String> {
    let host_prefixed = name.starts_with("__Host-");
    let secure_prefixed = host_prefixed || name.starts_with("__Secure-");
    if secure_prefixed && !secure {
        // The page could not have set it, and cannot delete it.
        return Vec::new();
    }
    let flavours: Vec<&str> = flavours(secure).iter().copied().filter(|f| !secure_prefixed || !f.is_empty()).collect();
    let mut out = Vec::new();
    for path in paths {
        if host_prefixed && path != "/" {
            continue;
        }
        for flavour in &flavours {
            out.push(format!("{name}=; Max-Age=0; path={path}{flavour}"));
            if host_prefixed {
                continue;
            }
            for domain in domains {
                out.push(format!("{name}=; Max-Age=0; path={path}; domain={domain}{flavour}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_wildcard_matching() {
        let p = CookiePattern::parse("_pk_id.*").unwrap();
        assert!(p.matches("_pk_id.1.abcd"));
        assert!(p.matches("_pk_id."));
        assert!(!p.matches("_pk_ses.1"));
        let exact = CookiePattern::parse("_ga").unwrap();
        assert!(exact.matches("_ga"));
        assert!(!exact.matches("_gat"));
        let mid = CookiePattern::parse("a*b*c").unwrap();
        assert!(mid.matches("a123b456c"));
        assert!(mid.matches("abc"));
        assert!(!mid.matches("a123c"));
    }

    #[test]
    fn refuses_bad_patterns() {
        assert_eq!(CookiePattern::parse(""), Err(BadPattern::NotAName(String::new())));
        assert_eq!(CookiePattern::parse("*"), Err(BadPattern::Everything));
        assert_eq!(CookiePattern::parse("**"), Err(BadPattern::Everything));
        assert_eq!(CookiePattern::parse("a b"), Err(BadPattern::NotAName("a b".into())));
        assert_eq!(CookiePattern::parse("a;b"), Err(BadPattern::NotAName("a;b".into())));
    }

    #[test]
    fn parses_document_cookie() {
        let names: Vec<&str> = cookie_names("a=1; _pk_id.x=2;b=; =weird").collect();
        assert_eq!(names, ["a", "_pk_id.x", "b"]);
    }

    #[test]
    fn domains_to_try() {
        assert_eq!(
            candidate_domains("www.shop.example.com"),
            ["www.shop.example.com", "shop.example.com", "example.com"]
        );
        assert_eq!(candidate_domains("localhost"), ["localhost"]);
        assert_eq!(candidate_domains("127.0.0.1"), ["127.0.0.1"]);
    }

    #[test]
    fn paths_to_try() {
        assert_eq!(candidate_paths("/"), ["/"]);
        assert_eq!(candidate_paths(""), ["/"]);
        assert_eq!(candidate_paths("/shop/cart/"), ["/", "/shop", "/shop/", "/shop/cart", "/shop/cart/"]);
        assert_eq!(candidate_paths("/a//b"), ["/", "/a", "/a/", "/a/b", "/a/b/"]);
    }

    #[test]
    fn deletions_cover_every_path_with_and_without_a_domain() {
        let paths = candidate_paths("/shop");
        let domains = candidate_domains("www.example.com");
        assert_eq!(
            deletions("_ga", &paths, &domains, false),
            [
                "_ga=; Max-Age=0; path=/",
                "_ga=; Max-Age=0; path=/; domain=www.example.com",
                "_ga=; Max-Age=0; path=/; domain=example.com",
                "_ga=; Max-Age=0; path=/shop",
                "_ga=; Max-Age=0; path=/shop; domain=www.example.com",
                "_ga=; Max-Age=0; path=/shop; domain=example.com",
                "_ga=; Max-Age=0; path=/shop/",
                "_ga=; Max-Age=0; path=/shop/; domain=www.example.com",
                "_ga=; Max-Age=0; path=/shop/; domain=example.com",
            ]
        );
    }

    #[test]
    fn secure_pages_also_delete_secure_partitioned_and_prefixed_cookies() {
        let (paths, domains) = (candidate_paths("/a"), candidate_domains("shop.example.com"));
        let all = deletions("_ga", &paths, &domains, true);
        assert_eq!(all.len(), 3 * 3 * 3, "3 paths × (host-only + 2 domains) × 3 flavours");
        assert!(all.contains(&"_ga=; Max-Age=0; path=/a/; domain=example.com; Secure; Partitioned".to_string()));
        assert_eq!(
            deletions("__Host-id", &paths, &domains, true),
            ["__Host-id=; Max-Age=0; path=/; Secure", "__Host-id=; Max-Age=0; path=/; Secure; Partitioned"]
        );
        let secure = deletions("__Secure-id", &paths, &domains, true);
        assert!(secure.iter().all(|d| d.contains("; Secure")), "{secure:?}");
        assert!(secure.contains(&"__Secure-id=; Max-Age=0; path=/a; domain=example.com; Secure".to_string()));
        assert!(deletions("__Host-id", &paths, &domains, false).is_empty());
    }
}
