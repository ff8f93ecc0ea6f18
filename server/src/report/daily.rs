//! The period's counts per UTC day of `consentTimestamp`, kept by [`super::tally::Tally`] beside
//! its totals: receipts, how each decision was made (accept all, reject all, customised), GPC
//! signals, withdrawals, and granted/refused per purpose. The dashboard plots them
//! ([`crate::dashboard`]); the audit report uses the totals only.

use std::collections::{BTreeMap, BTreeSet};

use consentry_receipt::vocab::{Action, Method};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// How a decision was made, in the three kinds site owners compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// `*:accept-all`.
    AcceptAll,
    /// `*:reject-all`.
    RejectAll,
    /// `*:save`: purposes set one by one.
    Customised,
}

impl Choice {
    /// The kind of a `collectionMethod`; `None` for `gpc:opt-out` (no visitor chose: the signal
    /// alone set the state; counted apart).
    pub fn of(method: &Method) -> Option<Choice> {
        match method.action {
            Action::AcceptAll => Some(Choice::AcceptAll),
            Action::RejectAll => Some(Choice::RejectAll),
            Action::Save => Some(Choice::Customised),
            Action::OptOut => None,
        }
    }
}

/// One day's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    /// Receipts.
    pub receipts: u64,
    /// Receipts made with Accept all, Reject all, or customised (in that order).
    pub choices: [u64; 3],
    /// Receipts made with the Global Privacy Control signal set.
    pub gpc: u64,
    /// `gpc:opt-out` receipts: states the signal alone set, with no visitor decision. They are
    /// counted in `receipts` but not in `choices` or `purposes`, which are visitors' decisions.
    pub gpc_opt_outs: u64,
    /// Receipts that withdraw a grant ([`super::document::Withdrawals`]).
    pub withdrawals: u64,
    /// Purpose id → (granted, refused).
    pub purposes: BTreeMap<String, (u64, u64)>,
}

/// The days of a period, sparse: a day without receipts has no entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Daily {
    /// Day number (days since 1970-01-01) → counts.
    pub days: BTreeMap<i64, DayCounts>,
    /// Purposes that some receipt of the period declared required (always granted).
    pub required: BTreeSet<String>,
}

impl Daily {
    fn day(&mut self, consent_ts: i64) -> &mut DayCounts {
        self.days.entry(consent_ts.div_euclid(DAY)).or_default()
    }

    /// A receipt of the period: its method and its purpose decisions.
    pub fn receipt<'a>(
        &mut self,
        consent_ts: i64,
        collection_method: &str,
        purposes: impl IntoIterator<Item = (&'a String, &'a bool)>,
    ) {
        let day = self.day(consent_ts);
        day.receipts += 1;
        let method = collection_method.parse::<Method>().ok();
        // As the writer's rates and `verify` count: only visitors' decisions are choices and purposes.
        if method.as_ref().is_some_and(|m| !m.is_visitor_decision()) {
            day.gpc_opt_outs += 1;
            return;
        }
        if let Some(choice) = method.as_ref().and_then(Choice::of) {
            day.choices[choice as usize] += 1;
        }
        for (id, on) in purposes {
            let e = day.purposes.entry(id.clone()).or_default();
            if *on {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }

    /// The receipt at `consent_ts` carried the GPC signal.
    pub fn gpc(&mut self, consent_ts: i64) {
        self.day(consent_ts).gpc += 1;
    }

    /// The receipt at `consent_ts` withdrew something.
    pub fn withdrawal(&mut self, consent_ts: i64) {
        self.day(consent_ts).withdrawals += 1;
    }

    /// Purpose `id` is declared required.
    pub fn required(&mut self, id: &str) {
        if !self.required.contains(id) {
            self.required.insert(id.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_fall_on_their_utc_day() {
        let mut d = Daily::default();
        let analytics = ("analytics".to_string(), true);
        d.receipt(DAY - 1, "banner:accept-all", [(&analytics.0, &analytics.1)]);
        d.receipt(DAY, "preferences:save", [(&analytics.0, &false)]);
        d.receipt(DAY + 5, "api:reject-all", []);
        d.receipt(DAY + 6, "nonsense", []);
        d.receipt(DAY + 7, "gpc:opt-out", [(&analytics.0, &false)]);
        d.gpc(DAY + 5);
        d.withdrawal(DAY);
        assert_eq!(d.days[&0].choices, [1, 0, 0]);
        assert_eq!(d.days[&0].purposes["analytics"], (1, 0));
        let second = &d.days[&1];
        assert_eq!((second.receipts, second.choices, second.gpc, second.withdrawals), (4, [0, 1, 1], 1, 1));
        assert_eq!(second.gpc_opt_outs, 1);
        assert_eq!(second.purposes["analytics"], (0, 1), "the signal's refusal is not a visitor's decision");
        let of = |m: &str| Choice::of(&m.parse::<Method>().expect("a method"));
        assert_eq!(of("banner:save"), Some(Choice::Customised));
        assert_eq!(of("gpc:opt-out"), None);
    }
}
