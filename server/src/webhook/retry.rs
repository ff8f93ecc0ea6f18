//! When a failed delivery is tried again: exponential backoff with "equal jitter". After the
//! `n`th failed attempt the delay is `d = min(max, base × 2^(n−1))`, and the retry comes at a
//! uniformly random point of `[d/2, d]`, so that many servers whose CRM came back do not all
//! retry at the same instant.

use std::time::Duration;

/// The delay after the `attempts`th failed attempt (1 = the first), with `random` a uniformly
/// random number (any `u64`).
pub fn delay(attempts: u32, base: Duration, max: Duration, random: u64) -> Duration {
    let doublings = attempts.saturating_sub(1).min(40);
    let full = base.saturating_mul(1u32 << doublings.min(31)).saturating_mul(1u32 << doublings.saturating_sub(31));
    let full_ms = u64::try_from(full.min(max).as_millis()).unwrap_or(u64::MAX);
    let half = full_ms / 2;
    Duration::from_millis(half + random % (full_ms - half + 1))
}

/// A random `u64` from the system's generator (0 if it fails: the delay is then the shortest).
pub fn random() -> u64 {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 8];
    match ring::rand::SystemRandom::new().fill(&mut bytes) {
        Ok(()) => u64::from_le_bytes(bytes),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_with_jitter_up_to_the_cap() {
        let (base, max) = (Duration::from_secs(1), Duration::from_secs(600));
        assert_eq!(delay(1, base, max, 0), Duration::from_millis(500));
        assert_eq!(delay(1, base, max, 500), Duration::from_millis(1000));
        assert_eq!(delay(1, base, max, 501), Duration::from_millis(500));
        assert_eq!(delay(4, base, max, 0), Duration::from_secs(4));
        assert_eq!(delay(4, base, max, u64::MAX), Duration::from_millis(4000 + u64::MAX % 4001));
        for attempts in [11, 12, 40, u32::MAX] {
            for random in [0, 7, u64::MAX] {
                let d = delay(attempts, base, max, random);
                assert!(d >= Duration::from_secs(300) && d <= max, "{attempts}: {d:?}");
            }
        }
    }
}
