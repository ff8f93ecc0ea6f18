//! Which client a request comes from, for the rate limits (review #9).
//!
//! Without `--client-ip-header` it is the TCP peer. With it (behind a proxy), the header's entries
//! are read from the right, skipping the addresses of `--trusted-proxy` networks, and the first
//! other one is the client; a request whose peer is not a trusted proxy (someone reaching the
//! server directly) is keyed by its peer whatever it claims, once any trusted proxy is configured.
//! Entries may be `IP`, `IP:port`, `[IPv6]` or `[IPv6]:port`, or, for the `Forwarded` header, RFC
//! 7239 `for=` parameters (quoted or not). A request without a usable header falls back to its
//! peer, with a warning (at most one a minute) saying that the proxy is not sending it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderName};

/// A network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, or one address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Network {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not an address or a CIDR network like 10.0.0.0/8 or 2001:db8::/32");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().map_err(|_| bad())?, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (s.parse::<IpAddr>().map_err(|_| bad())?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(Network { addr: truncate(addr, prefix), prefix })
    }
}

impl Network {
    /// Whether `ip` is in the network (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        ip.is_ipv4() == self.addr.is_ipv4() && truncate(ip, self.prefix) == self.addr
    }
}

/// `ip` with only its first `prefix` bits kept.
pub fn truncate(ip: IpAddr, prefix: u8) -> IpAddr {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix.min(32))).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask))
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix.min(128))).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
        }
    }
}

/// IPv4-mapped IPv6 (`::ffff:192.0.2.1`) as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One address as a forwarding header writes it: `IP`, `IP:port`, `[IPv6]`, `[IPv6]:port`,
/// optionally in double quotes (RFC 7239 `for="[2001:db8::1]:4711"`).
pub fn parse_address(text: &str) -> Option<IpAddr> {
    let t = text.trim().trim_matches('"');
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sock) = t.parse::<SocketAddr>() {
        return Some(canonical(sock.ip()));
    }
    let (inner, rest) = t.strip_prefix('[')?.split_once(']')?;
    let port_ok = rest.is_empty() || rest.strip_prefix(':').is_some_and(|p| p.parse::<u16>().is_ok());
    port_ok.then(|| inner.parse::<Ipv6Addr>().ok().map(|v6| canonical(IpAddr::V6(v6)))).flatten()
}

/// The addresses a header value lists, left to right; `None` for an entry that does not parse
/// (`unknown`, an obfuscated RFC 7239 identifier, garbage).
pub fn header_entries(name: &HeaderName, value: &str) -> Vec<Option<IpAddr>> {
    if name.as_str().eq_ignore_ascii_case("forwarded") {
        value
            .split(',')
            .map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("for").then(|| parse_address(v)).flatten()
                })
            })
            .collect()
    } else {
        value.split(',').map(parse_address).collect()
    }
}

/// When the missing-header warning was last logged (seconds since the epoch), for all requests.
static LAST_WARNING: AtomicU64 = AtomicU64::new(0);

/// How clients are told apart: the settings' forwarding header and trusted proxies.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientAddressing<'a> {
    /// The forwarding header set by the proxy in front, if any.
    pub header: Option<&'a HeaderName>,
    /// Proxies whose header is believed; empty = any peer's (the proxy is the only way in).
    pub trusted_proxies: &'a [Network],
}

impl ClientAddressing<'_> {
    fn trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(ip))
    }

    /// The client of a request from `peer` with `headers`.
    pub fn client(&self, headers: &HeaderMap, peer: Option<&ConnectInfo<SocketAddr>>) -> IpAddr {
        let peer_ip = peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |p| canonical(p.0.ip()));
        let Some(name) = self.header else { return peer_ip };
        if !self.trusted_proxies.is_empty() && !self.trusted(peer_ip) {
            return peer_ip;
        }
        let entries: Vec<Option<IpAddr>> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| header_entries(name, v))
            .collect();
        let mut chosen = None;
        for entry in entries.iter().rev() {
            match entry {
                Some(ip) if self.trusted(*ip) => chosen = Some(*ip),
                Some(ip) => {
                    chosen = Some(*ip);
                    break;
                }
                None => {
                    chosen = None;
                    break;
                }
            }
        }
        chosen.unwrap_or_else(|| {
            self.warn_missing(name, peer_ip);
            peer_ip
        })
    }

    fn warn_missing(&self, name: &HeaderName, peer: IpAddr) {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let last = LAST_WARNING.load(Ordering::Relaxed);
        if now >= last + 60 && LAST_WARNING.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
            tracing::warn!(
                header = %name, %peer,
                "--client-ip-header is set but a request had no usable value in it: rate-limited by the peer \
                 address (is the proxy sending the header? this warning repeats at most once a minute)"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn reads_every_address_form() {
        for (text, expected) in [
            ("198.51.100.7", "198.51.100.7"),
            (" 198.51.100.7:4711 ", "198.51.100.7"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("[2001:db8::1]:4711", "2001:db8::1"),
            ("\"[2001:db8:cafe::17]:4711\"", "2001:db8:cafe::17"),
            ("::ffff:192.0.2.1", "192.0.2.1"),
        ] {
            assert_eq!(parse_address(text), Some(ip(expected)), "{text}");
        }
        for garbage in ["unknown", "_hidden", "", "[::1", "[::1]x", "1.2.3"] {
            assert_eq!(parse_address(garbage), None, "{garbage}");
        }
        let forwarded = HeaderName::from_static("forwarded");
        assert_eq!(
            header_entries(&forwarded, "for=192.0.2.43;proto=http, For=\"[2001:db8:cafe::17]:4711\";by=203.0.113.43"),
            vec![Some(ip("192.0.2.43")), Some(ip("2001:db8:cafe::17"))]
        );
        assert_eq!(header_entries(&forwarded, "for=unknown"), vec![None]);
    }

    #[test]
    fn networks_and_truncation() {
        let n: Network = "10.0.0.0/8".parse().unwrap();
        assert!(n.contains(ip("10.200.0.1")) && !n.contains(ip("11.0.0.1")) && n.contains(ip("::ffff:10.0.0.1")));
        let v6: Network = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")) && !v6.contains(ip("2001:db9::1")));
        assert!("10.0.0.0/33".parse::<Network>().is_err() && "nope".parse::<Network>().is_err());
        assert_eq!(truncate(ip("2001:db8:1:2:3:4:5:6"), 64), ip("2001:db8:1:2::"));
        assert_eq!(truncate(ip("192.0.2.77"), 0), ip("0.0.0.0"));
    }

    #[test]
    fn skips_trusted_proxies_and_ignores_untrusted_peers() {
        let peer = |s: &str| ConnectInfo(s.parse::<SocketAddr>().unwrap());
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.5, 198.51.100.7:4711, 10.0.0.2"));
        let xff = HeaderName::from_static("x-forwarded-for");
        let open = ClientAddressing { header: Some(&xff), trusted_proxies: &[] };
        assert_eq!(open.client(&headers, Some(&peer("10.0.0.1:1"))), ip("10.0.0.2"), "last entry, no proxy list");
        let proxies: Vec<Network> = vec!["10.0.0.0/8".parse().unwrap()];
        let behind = ClientAddressing { header: Some(&xff), trusted_proxies: &proxies };
        assert_eq!(behind.client(&headers, Some(&peer("10.0.0.1:1"))), ip("198.51.100.7"), "trusted hops skipped");
        assert_eq!(behind.client(&headers, Some(&peer("192.0.2.9:1"))), ip("192.0.2.9"), "not from the proxy");
        assert_eq!(behind.client(&HeaderMap::new(), Some(&peer("10.0.0.1:1"))), ip("10.0.0.1"), "missing header");
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.5, unknown"));
        assert_eq!(behind.client(&headers, Some(&peer("10.0.0.1:1"))), ip("10.0.0.1"), "unusable entry");
        assert_eq!(ClientAddressing::default().client(&headers, Some(&peer("[::1]:9"))), ip("::1"), "no header set");
    }
}
