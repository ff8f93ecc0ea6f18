//! Counting a period's receipts: a pure fold over the receipts in log order, fed by
//! [`super::build`] page by page, in memory proportional to the principals seen (each one's
//! granted purposes and services, to find withdrawals), not to the receipts. Beside the totals
//! it keeps the same counts per day ([`super::daily`]), which the dashboard plots.

use std::collections::{BTreeMap, HashMap, HashSet};

use consentry_receipt::vocab::Method;
use consentry_receipt::{b64, json, Receipt};

use super::daily::Daily;
use super::document::{
    ChainCounts, ControllerSeen, DecisionCounts, GpcSignals, LanguageCount, MethodCount, ReceiptRef, TargetCount,
    TargetWithdrawals, WithdrawalSeen, Withdrawals,
};
use crate::db::decisions::Decisions;
use crate::db::scan::ScannedReceipt;
use crate::time::format_seconds;

/// Withdrawals listed one by one at most (the rest are counted).
pub const EXAMPLES: usize = 100;

/// Receipts naming one `noticeHash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashSeen {
    /// The receipts' `policyVersion` (of the first one seen).
    pub policy_version: String,
    /// Their language.
    pub language: String,
    /// How many.
    pub receipts: u64,
    /// Earliest by `consentTimestamp` (then log order), with that timestamp.
    pub first: (i64, ReceiptRef),
    /// Latest.
    pub last: (i64, ReceiptRef),
}

/// The running counts.
#[derive(Debug, Default)]
pub struct Tally {
    from: i64,
    /// Receipts of the period.
    pub receipts: u64,
    /// Of those, whose payload could not be read.
    pub unreadable: u64,
    principals: HashSet<String>,
    purposes: BTreeMap<String, (u64, u64)>,
    services: BTreeMap<String, (u64, u64)>,
    methods: BTreeMap<String, u64>,
    languages: BTreeMap<String, (u64, u64, u64)>,
    gpc: (u64, u64),
    chain: ChainCounts,
    /// Per `noticeHash`.
    pub hashes: BTreeMap<String, HashSeen>,
    controllers: BTreeMap<(String, String, String), u64>,
    granted: HashMap<String, Vec<String>>,
    withdrawn: BTreeMap<String, u64>,
    withdrawal_receipts: u64,
    withdrawing: HashSet<String>,
    examples: Vec<WithdrawalSeen>,
    daily: Daily,
}

fn bump(map: &mut BTreeMap<String, (u64, u64)>, key: &str, granted: bool) {
    let e = map.entry(key.to_string()).or_default();
    if granted {
        e.0 += 1;
    } else {
        e.1 += 1;
    }
}

/// The payload of a compact JWS, read without checking it (`verify` does, for the whole log).
fn payload(jws: &str) -> Option<Receipt> {
    let part = jws.split('.').nth(1)?;
    let text = String::from_utf8(b64::decode(part)?).ok()?;
    Receipt::from_json(&json::parse(&text).ok()?).ok()
}

impl Tally {
    /// Counts for the period starting at `from` (seconds; receipts before it only feed the
    /// withdrawal state).
    pub fn new(from: i64) -> Self {
        Tally { from, ..Default::default() }
    }

    /// One receipt, in log order.
    pub fn observe(&mut self, r: &ScannedReceipt) {
        let decisions = Decisions::parse(&r.decisions).unwrap_or_default();
        if r.consent_ts >= self.from {
            self.count(r, &decisions);
        }
        let granted: Vec<String> = decisions
            .purposes
            .iter()
            .chain(decisions.services.iter())
            .filter(|(_, on)| **on)
            .map(|(k, _)| k.clone())
            .collect();
        self.granted.insert(r.principal.clone(), granted);
    }

    fn count(&mut self, r: &ScannedReceipt, decisions: &Decisions) {
        self.receipts += 1;
        self.principals.insert(r.principal.clone());
        *self.methods.entry(r.collection_method.clone()).or_default() += 1;
        match r.chain.as_str() {
            "first" => self.chain.first += 1,
            "linked" => self.chain.linked += 1,
            "break:restart" => self.chain.restart += 1,
            "break:gap" => self.chain.gap += 1,
            "break:fork" => self.chain.fork += 1,
            _ => {}
        }
        if r.chain.starts_with("break") {
            self.chain.breaks += 1;
        }
        for (id, on) in &decisions.purposes {
            bump(&mut self.purposes, id, *on);
        }
        for (id, on) in &decisions.services {
            bump(&mut self.services, id, *on);
        }
        self.daily.receipt(r.consent_ts, &r.collection_method, &decisions.purposes);
        self.withdrawals(r, decisions);
        let Some(receipt) = payload(&r.jws) else {
            self.unreadable += 1;
            return;
        };
        let granted = receipt.purpose_decisions.iter().filter(|(_, on)| *on).count() as u64;
        let lang = self.languages.entry(receipt.language.clone()).or_default();
        lang.0 += 1;
        lang.1 += granted;
        lang.2 += receipt.purpose_decisions.len() as u64 - granted;
        for p in receipt.purposes.iter().filter(|p| p.required) {
            self.daily.required(&p.id);
        }
        if receipt.gpc {
            self.daily.gpc(r.consent_ts);
            self.gpc.0 += 1;
            let required = |id: &str| receipt.purposes.iter().any(|p| p.id == id && p.required);
            if receipt.purpose_decisions.iter().any(|(id, on)| *on && !required(id)) {
                self.gpc.1 += 1;
            }
        }
        let c = &receipt.controller;
        *self.controllers.entry((c.name.clone(), c.contact.clone(), c.policy_url.clone())).or_default() += 1;
        let at = (r.consent_ts, reference(r));
        let seen = self.hashes.entry(receipt.notice_hash.clone()).or_insert_with(|| HashSeen {
            policy_version: receipt.policy_version.clone(),
            language: receipt.language.clone(),
            receipts: 0,
            first: at.clone(),
            last: at.clone(),
        });
        seen.receipts += 1;
        if at.0 < seen.first.0 {
            seen.first = at.clone();
        }
        if at.0 >= seen.last.0 {
            seen.last = at;
        }
    }

    fn withdrawals(&mut self, r: &ScannedReceipt, decisions: &Decisions) {
        let Some(before) = self.granted.get(&r.principal) else { return };
        let refused =
            |k: &String| decisions.purposes.get(k).or_else(|| decisions.services.get(k)).is_some_and(|on| !*on);
        let targets: Vec<String> = before.iter().filter(|k| refused(k)).cloned().collect();
        if targets.is_empty() {
            return;
        }
        self.withdrawal_receipts += 1;
        self.daily.withdrawal(r.consent_ts);
        self.withdrawing.insert(r.principal.clone());
        for t in &targets {
            *self.withdrawn.entry(t.clone()).or_default() += 1;
        }
        if self.examples.len() < EXAMPLES {
            self.examples.push(WithdrawalSeen { receipt: reference(r), principal: r.principal.clone(), targets });
        }
    }

    /// The counts per day.
    pub fn daily(&self) -> &Daily {
        &self.daily
    }

    /// Distinct principals of the period.
    pub fn principals(&self) -> u64 {
        self.principals.len() as u64
    }

    /// The chain counts.
    pub fn chain(&self) -> ChainCounts {
        self.chain.clone()
    }

    /// The decision counts; every `layer:action` is listed, zeros included.
    pub fn decisions(&self) -> DecisionCounts {
        let targets = |m: &BTreeMap<String, (u64, u64)>| {
            m.iter().map(|(id, (g, r))| TargetCount { granted: *g, id: id.clone(), refused: *r }).collect()
        };
        let mut methods = self.methods.clone();
        for method in Method::ALL {
            methods.entry(method.to_string()).or_default();
        }
        DecisionCounts {
            by_language: self
                .languages
                .iter()
                .map(|(l, (n, g, r))| LanguageCount { granted: *g, language: l.clone(), receipts: *n, refused: *r })
                .collect(),
            by_method: methods.into_iter().map(|(method, receipts)| MethodCount { method, receipts }).collect(),
            purposes: targets(&self.purposes),
            services: targets(&self.services),
        }
    }

    /// The GPC counts.
    pub fn gpc(&self) -> GpcSignals {
        GpcSignals { receipts: self.gpc.0, with_grants: self.gpc.1 }
    }

    /// The controllers named, most receipts first.
    pub fn controllers(&self) -> Vec<ControllerSeen> {
        let mut out: Vec<ControllerSeen> = self
            .controllers
            .iter()
            .map(|((name, contact, url), n)| ControllerSeen {
                contact: contact.clone(),
                name: name.clone(),
                policy_url: url.clone(),
                receipts: *n,
            })
            .collect();
        out.sort_by_key(|c| std::cmp::Reverse(c.receipts));
        out
    }

    /// The withdrawals.
    pub fn withdrawals_found(&self) -> Withdrawals {
        Withdrawals {
            by_target: self
                .withdrawn
                .iter()
                .map(|(id, n)| TargetWithdrawals { id: id.clone(), withdrawals: *n })
                .collect(),
            examples: self.examples.clone(),
            principals: self.withdrawing.len() as u64,
            receipts: self.withdrawal_receipts,
        }
    }
}

fn reference(r: &ScannedReceipt) -> ReceiptRef {
    ReceiptRef {
        consent_receipt_id: r.receipt_id.clone(),
        consent_timestamp: format_seconds(r.consent_ts),
        leaf_index: r.leaf_index,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(leaf: u64, principal: &str, ts: i64, analytics: bool, chain: &str) -> ScannedReceipt {
        ScannedReceipt {
            leaf_index: leaf,
            receipt_id: format!("r-{leaf}"),
            principal: principal.into(),
            consent_ts: ts,
            collection_method: "banner:accept-all".into(),
            policy_version: "v1".into(),
            decisions: format!(r#"{{"purposes":{{"analytics":{analytics},"necessary":true}},"services":{{}}}}"#),
            chain: chain.into(),
            jws: String::new(),
        }
    }

    #[test]
    fn a_grant_before_the_period_refused_in_it_is_a_withdrawal() {
        let mut t = Tally::new(100);
        t.observe(&row(0, "p", 50, true, "first"));
        t.observe(&row(1, "q", 150, false, "first"));
        t.observe(&row(2, "p", 160, false, "linked"));
        t.observe(&row(3, "p", 170, false, "break:restart"));
        assert_eq!(t.receipts, 3, "the receipt before the period is not counted");
        assert_eq!(t.unreadable, 3, "no JWS in these rows");
        let w = t.withdrawals_found();
        assert_eq!((w.receipts, w.principals), (1, 1));
        assert_eq!(w.by_target, [TargetWithdrawals { id: "analytics".into(), withdrawals: 1 }]);
        assert_eq!(w.examples[0].receipt.leaf_index, 2);
        let c = t.chain();
        assert_eq!((c.first, c.linked, c.restart, c.breaks), (1, 1, 1, 1));
        let d = t.decisions();
        assert_eq!(d.purposes[0], TargetCount { granted: 0, id: "analytics".into(), refused: 3 });
        assert_eq!(d.by_method.len(), 10, "every layer:action, and gpc:opt-out");
        assert_eq!(d.by_method.iter().map(|m| m.receipts).sum::<u64>(), 3);
        assert_eq!(t.principals(), 2);
        let days = &t.daily().days;
        assert_eq!(days.len(), 1, "all on day 0");
        assert_eq!((days[&0].receipts, days[&0].withdrawals, days[&0].purposes["analytics"]), (3, 1, (0, 3)));
    }
}
