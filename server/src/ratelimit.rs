//! A per-client token bucket for `POST /v1/receipts`.
//!
//! A client is its IP address (the peer address, or the last entry of a configured forwarding
//! header when the server sits behind a proxy). Each has a bucket of `burst` tokens refilled at
//! `rate` per second; a request takes one or is answered 429 with `Retry-After` (which the widget
//! honours by retrying later). Idle buckets are forgotten when the table grows.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets kept before idle ones are swept.
const SWEEP_AT: usize = 50_000;

/// The limiter.
#[derive(Debug)]
pub struct RateLimit {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimit {
    /// `rate` requests per second sustained, `burst` at once. A rate of 0 turns the limit off.
    pub fn new(rate: f64, burst: u32) -> Self {
        RateLimit { rate, burst: f64::from(burst.max(1)), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes a token for `client`, or says after how many seconds one will be there.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), u64> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        if buckets.len() >= SWEEP_AT {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(client).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
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
}
