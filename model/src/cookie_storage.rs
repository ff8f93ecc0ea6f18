//! Pure pieces of the cookie storage mode (`storage: "cookie"`, issue 13 part 5, INTEGRATIONS.md §6):
//! the parent domains a browser adapter probes for `cookie_domain: "auto"`, the check of an explicit
//! `cookie_domain` against the page's host, reading every `consentry` value out of `document.cookie`,
//! and which of several duplicates (host-only and domain cookies) wins.
//!
//! Not wired into the widget yet: the codec, the configuration fields and the browser backend are
//! still to do.

/// The domains to try for `cookie_domain: "auto"`, shortest first: a test cookie is set on each in
/// turn and the first the browser accepts is the registrable domain. The top-level label alone is
/// never tried (no browser accepts it), and an IP address or a one-label host (`localhost`) has no
/// parent domain at all: the cookie stays host-only. No "last two labels" rule, so `example.co.uk`
/// is found after the browser refuses `co.uk`.
pub fn probe_candidates(host: &str) -> Vec<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() || is_ip(&host) {
        return Vec::new();
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return Vec::new();
    }
    (2..=labels.len()).map(|n| labels[labels.len() - n..].join(".")).collect()
}

fn is_ip(host: &str) -> bool {
    host.starts_with('[') || host.contains(':') || host.parse::<std::net::Ipv4Addr>().is_ok()
}

/// Checks an explicit `cookie_domain` against the page's host: it must be the host or one of its
/// parent domains (a browser silently drops any other). Returns the normalised domain (lower case,
/// no leading dot) or the reason it cannot be used.
pub fn check_domain(domain: &str, host: &str) -> Result<String, String> {
    let wanted = domain.trim().trim_start_matches('.').trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if wanted.is_empty() || wanted.split('.').any(str::is_empty) {
        return Err(format!("\"{domain}\" is not a domain name"));
    }
    if is_ip(&host) && wanted != host {
        return Err(format!(
            "the page's host {host} is an IP address: it has no parent domain to share \"{domain}\" with"
        ));
    }
    if wanted == host || host.ends_with(&format!(".{wanted}")) {
        Ok(wanted)
    } else {
        Err(format!(
            "\"{domain}\" is neither this page's host ({host}) nor a parent domain of it: the browser would refuse the cookie"
        ))
    }
}

/// Every value of the cookies named `name` in a `document.cookie` string, in the order the browser
/// gives them (a host-only and a domain cookie of one name both appear).
pub fn cookie_values<'a>(all: &'a str, name: &str) -> Vec<&'a str> {
    all.split(';')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k.trim() == name).then_some(v.trim())
        })
        .collect()
}

/// Which duplicate wins: `updated` holds, for each value found, its decision time if it decoded, or
/// `None` if it is corrupt or foreign. Returns the index of the newest readable one, and whether the
/// cookies must be rewritten (more than one was found: the stale ones are expired and the winner
/// written again on the shared domain). `None` when nothing is readable.
pub fn reconcile(updated: &[Option<i64>]) -> Option<(usize, bool)> {
    let newest =
        updated.iter().enumerate().filter_map(|(i, u)| u.map(|u| (i, u))).max_by_key(|(i, u)| (*u, usize::MAX - i))?;
    Some((newest.0, updated.len() > 1))
}

#[cfg(test)]
mod tests;
