//! A per-client token bucket for `POST /v1/receipts` (and, counting failures, the admin routes).
//!
//! A client is its IP address ([`crate::client_ip`]); IPv6 addresses are grouped by their /64
//! (what one subscriber or host usually gets), so an attacker does not get a fresh bucket per
//! address of its prefix. Each client has a bucket of `burst` tokens refilled at `rate` per
//! second; a request takes one or is answered 429 with `Retry-After` (which the widget honours by
//! retrying later).
//!
//! The table is bounded ([`MAX_BUCKETS`]): past [`SWEEP_AT`] clients, buckets that have refilled
//! (idle clients, nothing to remember) are swept, at most once a second so that the sweep is not
//! paid per request; if the table is still full, an arbitrary bucket is forgotten for each new
//! client (that client starts with a full bucket again: the limit degrades, memory does not grow).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::client_ip::truncate;

/// Clients before idle buckets are swept.
pub const SWEEP_AT: usize = 50_000;
/// Clients remembered at most.
pub const MAX_BUCKETS: usize = 100_000;
/// Sweeps at most this often.
const SWEEP_EVERY: Duration = Duration::from_secs(1);
/// IPv6 clients are keyed by this prefix.
pub const IPV6_PREFIX: u8 = 64;

/// The limiter.
#[derive(Debug)]
pub struct RateLimit {
    rate: f64,
    burst: f64,
    table: Mutex<Table>,
}

#[derive(Debug, Default)]
struct Table {
    buckets: HashMap<IpAddr, (f64, Instant)>,
    last_sweep: Option<Instant>,
}

impl RateLimit {
    /// `rate` requests per second sustained, `burst` at once. A rate of 0 turns the limit off.
    pub fn new(rate: f64, burst: u32) -> Self {
        RateLimit { rate, burst: f64::from(burst.max(1)), table: Mutex::new(Table::default()) }
    }

    /// Takes a token for `client`, or says after how many seconds one will be there.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        self.bucket(client, now, true)
    }

    /// Whether `client` has a token, without taking it (the admin throttle counts failures only).
    pub fn available(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        self.bucket(client, now, false)
    }

    /// Clients remembered now.
    pub fn clients(&self) -> usize {
        self.table.lock().map_or(0, |t| t.buckets.len())
    }

    fn bucket(&self, client: IpAddr, now: Instant, take: bool) -> Result<(), u64> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let key = if client.is_ipv6() { truncate(client, IPV6_PREFIX) } else { client };
        let Ok(mut table) = self.table.lock() else { return Ok(()) };
        let table = &mut *table;
        if table.buckets.len() >= SWEEP_AT && table.last_sweep.is_none_or(|t| now.duration_since(t) >= SWEEP_EVERY) {
            let (rate, burst) = (self.rate, self.burst);
            table.buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
            table.last_sweep = Some(now);
        }
        if table.buckets.len() >= MAX_BUCKETS && !table.buckets.contains_key(&key) {
            if let Some(evicted) = table.buckets.keys().next().copied() {
                table.buckets.remove(&evicted);
            }
        }
        let (tokens, at) = table.buckets.entry(key).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            if take {
                *tokens -= 1.0;
            }
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bursts_then_refills() {
        let limit = RateLimit::new(2.0, 3);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t = Instant::now();
        assert!((0..3).all(|_| limit.check(a, t).is_ok()));
        assert_eq!(limit.check(a, t), Err(1));
        assert!(limit.check(b, t).is_ok(), "clients are separate");
        assert!(limit.check(a, t + Duration::from_millis(500)).is_ok());
        assert!(limit.check(a, t + Duration::from_millis(500)).is_err());
        assert!(RateLimit::new(0.0, 1).check(a, t).is_ok());
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let limit = RateLimit::new(1.0, 2);
        let t = Instant::now();
        let same64: Vec<IpAddr> = (1..=3).map(|i| format!("2001:db8:1:2::{i:x}").parse().unwrap()).collect();
        assert!(limit.check(same64[0], t).is_ok() && limit.check(same64[1], t).is_ok());
        assert!(limit.check(same64[2], t).is_err(), "a third address of the same /64 finds the bucket empty");
        assert!(limit.check("2001:db8:1:3::1".parse().unwrap(), t).is_ok(), "another /64 is another client");
    }

    #[test]
    fn the_table_is_bounded_and_sweeps_at_most_once_a_second() {
        let limit = RateLimit::new(0.001, 5);
        let t = Instant::now();
        for i in 0..(MAX_BUCKETS as u32 + 20_000) {
            let _ = limit.check(IpAddr::V4(i.into()), t);
        }
        assert!(limit.clients() <= MAX_BUCKETS, "{}", limit.clients());
        // Every bucket is still short of refilled, so a sweep frees nothing: the table stays at its
        // cap, a new client evicts an old one, and the time per request stays flat.
        let started = Instant::now();
        for i in 0..20_000u32 {
            let _ = limit.check(IpAddr::V4((i + 1_000_000_000).into()), t + Duration::from_millis(u64::from(i)));
        }
        assert!(limit.clients() <= MAX_BUCKETS);
        // 20,000 requests over 20 s of clock: at most 21 sweeps of 100,000 buckets, not one each.
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        // An idle table is swept: long after, the refilled buckets go.
        let _ = limit.check("192.0.2.1".parse().unwrap(), t + Duration::from_secs(100_000));
        assert!(limit.clients() < 10, "{}", limit.clients());
    }
}
