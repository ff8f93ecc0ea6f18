//! This browser's receipts: the archive the visitor can download, the chain head
//! (`prevReceiptHash` of the next receipt) and the outbox of receipts not yet acknowledged by the
//! endpoint, with the retry schedule. Pure: stored as one JSON record (`localStorage["consentry.receipts"]`)
//! so that a receipt and its outbox entry are written together.
//!
//! Nothing is dropped silently: when the outbox is full a new receipt is kept in the archive as
//! `overflow` and counted; when the archive is full the oldest receipts that are not waiting for
//! delivery go first, and the count of removed ones is kept and reported.

use consentry_receipt::json::{self, Value};

/// Storage key of the record.
pub const STORAGE_KEY: &str = crate::contract::RECEIPTS_KEY;
/// Receipts waiting for delivery at most.
pub const MAX_PENDING: usize = 50;
/// Receipts kept in the archive at most.
pub const MAX_ARCHIVE: usize = 200;
/// First retry delay.
pub const BASE_DELAY_MS: i64 = 2_000;
/// Longest retry delay.
pub const MAX_DELAY_MS: i64 = 10 * 60 * 1000;

/// Where a receipt is in its delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Waiting in the outbox.
    Pending,
    /// Acknowledged by the endpoint with a 2xx.
    Delivered,
    /// Refused by the endpoint with a 4xx other than 408/429: will not be retried.
    Rejected,
    /// No endpoint configured: kept locally only.
    Local,
    /// Not queued because the outbox was full.
    Overflow,
}

impl Delivery {
    fn name(self) -> &'static str {
        match self {
            Delivery::Pending => "pending",
            Delivery::Delivered => "delivered",
            Delivery::Rejected => "rejected",
            Delivery::Local => "local",
            Delivery::Overflow => "overflow",
        }
    }

    fn from_name(s: &str) -> Option<Self> {
        [Delivery::Pending, Delivery::Delivered, Delivery::Rejected, Delivery::Local, Delivery::Overflow]
            .into_iter()
            .find(|d| d.name() == s)
    }
}

/// What the endpoint's answer to a delivery means for the receipt (`receipt/SPEC.md` §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A 2xx: acknowledged; the body is the acknowledgment.
    Delivered,
    /// 408, 429 or 5xx (or no answer at all): try again later.
    Retry,
    /// Any other status: refused for good, never sent again.
    Refused,
}

/// Classifies the HTTP status of a delivery attempt.
pub fn classify(status: u16) -> Answer {
    match status {
        200..=299 => Answer::Delivered,
        408 | 429 | 500..=599 => Answer::Retry,
        _ => Answer::Refused,
    }
}

/// One receipt of this browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `consentReceiptID`.
    pub id: String,
    /// When it was made, ms since the epoch.
    pub at: i64,
    /// The compact JWS.
    pub jws: String,
    /// Delivery state.
    pub delivery: Delivery,
    /// Failed delivery attempts so far.
    pub attempts: u32,
    /// Earliest next attempt, ms since the epoch.
    pub next: i64,
    /// The endpoint's acknowledgment (its JSON answer), once delivered.
    pub ack: Option<String>,
}

/// What adding a receipt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Queued for delivery (or kept locally when there is no endpoint).
    Queued,
    /// Archived but not queued: the outbox is full.
    OutboxFull,
}

/// The record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceiptLog {
    /// Hash of the latest receipt (the next one's `prevReceiptHash`).
    pub chain: Option<String>,
    /// Receipts, oldest first.
    pub items: Vec<Item>,
    /// Receipts that could not be queued because the outbox was full.
    pub overflow: u64,
    /// Acknowledged receipts removed from a full archive.
    pub trimmed: u64,
    /// The [`crate::session::signal_key`] of the latest `gpc:opt-out` receipt, if one was made
    /// (written only when set, so older logs read the same).
    pub signal: Option<String>,
}

impl ReceiptLog {
    /// Reads the stored record; anything unreadable gives `None` (the caller reports it).
    pub fn decode(raw: &str) -> Option<ReceiptLog> {
        let v = json::parse(raw).ok()?;
        if v.get("v")?.as_u64()? != 1 {
            return None;
        }
        let chain = match v.get("chain")? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            _ => return None,
        };
        let items = v
            .get("items")?
            .as_array()?
            .iter()
            .map(|i| {
                Some(Item {
                    id: i.get("id")?.as_str()?.to_string(),
                    at: i.get("at")?.as_i64()?,
                    jws: i.get("jws")?.as_str()?.to_string(),
                    delivery: Delivery::from_name(i.get("delivery")?.as_str()?)?,
                    attempts: u32::try_from(i.get("attempts")?.as_u64()?).ok()?,
                    next: i.get("next")?.as_i64()?,
                    ack: match i.get("ack")? {
                        Value::Null => None,
                        Value::String(s) => Some(s.clone()),
                        _ => return None,
                    },
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let signal = match v.get("signal") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return None,
        };
        Some(ReceiptLog {
            chain,
            items,
            overflow: v.get("overflow")?.as_u64()?,
            trimmed: v.get("trimmed")?.as_u64()?,
            signal,
        })
    }

    /// The stored form.
    pub fn encode(&self) -> String {
        let items = self.items.iter().map(|i| {
            Value::object([
                ("id", Value::str(&i.id)),
                ("at", Value::int(i.at)),
                ("jws", Value::str(&i.jws)),
                ("delivery", Value::str(i.delivery.name())),
                ("attempts", Value::int(i64::from(i.attempts))),
                ("next", Value::int(i.next)),
                ("ack", Value::opt(i.ack.as_ref(), Value::str)),
            ])
        });
        let mut log = Value::object([
            ("v", Value::int(1)),
            ("chain", Value::opt(self.chain.as_ref(), Value::str)),
            ("items", Value::Array(items.collect())),
            ("overflow", Value::int(self.overflow as i64)),
            ("trimmed", Value::int(self.trimmed as i64)),
        ]);
        if let (Some(key), Value::Object(members)) = (&self.signal, &mut log) {
            members.push(("signal".to_string(), Value::str(key)));
        }
        log.to_string()
    }

    /// Adds a new receipt (and moves the chain head to it).
    pub fn add(&mut self, id: &str, jws: &str, now: i64, has_endpoint: bool) -> Added {
        self.chain = Some(consentry_receipt::jws::receipt_hash(jws));
        let (delivery, added) = if !has_endpoint {
            (Delivery::Local, Added::Queued)
        } else if self.pending().count() >= MAX_PENDING {
            self.overflow += 1;
            (Delivery::Overflow, Added::OutboxFull)
        } else {
            (Delivery::Pending, Added::Queued)
        };
        self.items.push(Item {
            id: id.to_string(),
            at: now,
            jws: jws.to_string(),
            delivery,
            attempts: 0,
            next: now,
            ack: None,
        });
        while self.items.len() > MAX_ARCHIVE {
            let Some(pos) = self.items.iter().position(|i| i.delivery != Delivery::Pending) else { break };
            self.items.remove(pos);
            self.trimmed += 1;
        }
        added
    }

    /// Receipts waiting for delivery, oldest first.
    pub fn pending(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.delivery == Delivery::Pending)
    }

    /// The receipts to send at `now`, oldest first: every pending one once the oldest is due, else none.
    /// The outbox is a queue: a receipt never overtakes an earlier one of this browser, so the receiver
    /// sees the `prevReceiptHash` chain in order (a server flags an out-of-order link as a break).
    pub fn due(&self, now: i64) -> Vec<Item> {
        match self.pending().next() {
            Some(head) if head.next <= now => self.pending().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// When the oldest pending receipt is next due (the queue moves only when its head does).
    pub fn next_due(&self) -> Option<i64> {
        self.pending().next().map(|i| i.next)
    }

    fn item(&mut self, id: &str) -> Option<&mut Item> {
        self.items.iter_mut().find(|i| i.id == id)
    }

    /// The endpoint acknowledged `id`.
    pub fn delivered(&mut self, id: &str, ack: String) {
        if let Some(i) = self.item(id) {
            i.delivery = Delivery::Delivered;
            i.ack = Some(ack);
        }
    }

    /// The endpoint refused `id` for good.
    pub fn rejected(&mut self, id: &str) {
        if let Some(i) = self.item(id) {
            i.delivery = Delivery::Rejected;
        }
    }

    /// A delivery attempt failed (network, 5xx, 408, 429): retry later with exponential backoff and
    /// jitter (`jitter` in `[0, 1)` spreads the delay over ½–1½ of the nominal value).
    pub fn failed(&mut self, id: &str, now: i64, jitter: f64) {
        if let Some(i) = self.item(id) {
            i.attempts = i.attempts.saturating_add(1);
            let nominal = BASE_DELAY_MS.saturating_mul(1i64 << (i.attempts - 1).min(20)).min(MAX_DELAY_MS);
            i.next = now + (nominal as f64 * (0.5 + jitter.clamp(0.0, 1.0))) as i64;
        }
    }

    /// The latest receipt.
    pub fn latest(&self) -> Option<&Item> {
        self.items.last()
    }

    /// The downloadable file: every archived receipt with its delivery state and acknowledgment.
    pub fn export(&self) -> String {
        Value::object([
            ("format", Value::str("consentry-receipts-v1")),
            (
                "receipts",
                Value::Array(
                    self.items
                        .iter()
                        .map(|i| {
                            Value::object([
                                ("consentReceiptID", Value::str(&i.id)),
                                ("createdAt", Value::int(i.at)),
                                ("delivery", Value::str(i.delivery.name())),
                                ("jws", Value::str(&i.jws)),
                                ("ack", Value::opt(i.ack.as_ref(), Value::str)),
                            ])
                        })
                        .collect(),
                ),
            ),
            ("trimmed", Value::int(self.trimmed as i64)),
        ])
        .to_string()
    }
}

#[cfg(test)]
mod tests;
