//! Counters of this process, rendered with the log's own figures as Prometheus text
//! (`GET /metrics`, text format 0.0.4).
//!
//! Process counters reset on restart; the ledger figures (`consentry_log_tree_size`,
//! `consentry_chain_breaks`) come from the database and are the same on every instance.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::intake::Refusal;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 12] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0];

/// A cumulative latency histogram.
#[derive(Debug, Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (bound, c) in BUCKETS.iter().zip(&self.counts) {
            if secs <= *bound {
                c.fetch_add(1, Relaxed);
            }
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_micros.fetch_add(d.as_micros() as u64, Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (bound, c) in BUCKETS.iter().zip(&self.counts) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {}", c.load(Relaxed));
        }
        let count = self.count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {}", self.sum_micros.load(Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {count}");
    }
}

/// This process's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Receipts appended to the log.
    pub accepted: AtomicU64,
    /// The same JWS posted again (answered from the log).
    pub duplicates: AtomicU64,
    /// Same `consentReceiptID`, other content (409).
    pub conflicts: AtomicU64,
    /// Refused, by [`Refusal::CODES`] position.
    pub refused: [AtomicU64; Refusal::CODES.len()],
    /// Requests turned away by the rate limit.
    pub rate_limited: AtomicU64,
    /// Receipts appended with a chain break, by this process.
    pub chain_breaks: AtomicU64,
    /// Batches committed.
    pub batches: AtomicU64,
    /// Batches that failed (their receipts got 503 and were not acknowledged).
    pub batch_failures: AtomicU64,
    /// Time from a receipt's arrival to its answer.
    pub receipt_latency: Histogram,
    /// Time of one batch transaction, commit included.
    pub commit_latency: Histogram,
}

impl Metrics {
    /// Counts a refusal.
    pub fn refused(&self, r: &Refusal) {
        if let Some(i) = Refusal::CODES.iter().position(|c| *c == r.code()) {
            self.refused[i].fetch_add(1, Relaxed);
        }
    }

    /// The Prometheus text, with the ledger's figures read from the database.
    pub fn render(&self, tree_size: u64, chain_breaks: u64) -> String {
        let mut out = String::with_capacity(4096);
        let counter = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}");
        };
        counter(
            &mut out,
            "consentry_receipts_accepted_total",
            "Receipts appended to the log by this process.",
            self.accepted.load(Relaxed),
        );
        counter(
            &mut out,
            "consentry_receipts_duplicate_total",
            "Receipts posted again and answered from the log.",
            self.duplicates.load(Relaxed),
        );
        counter(
            &mut out,
            "consentry_receipts_conflict_total",
            "Receipts refused with 409: known id, other content.",
            self.conflicts.load(Relaxed),
        );
        let _ = writeln!(out, "# HELP consentry_receipts_refused_total Receipts refused before storage, by reason.\n# TYPE consentry_receipts_refused_total counter");
        for (code, c) in Refusal::CODES.iter().zip(&self.refused) {
            let _ = writeln!(out, "consentry_receipts_refused_total{{reason=\"{code}\"}} {}", c.load(Relaxed));
        }
        counter(
            &mut out,
            "consentry_rate_limited_total",
            "Requests refused with 429 by the per-client rate limit.",
            self.rate_limited.load(Relaxed),
        );
        counter(
            &mut out,
            "consentry_chain_breaks_flagged_total",
            "Receipts appended by this process with a chain break.",
            self.chain_breaks.load(Relaxed),
        );
        counter(&mut out, "consentry_batches_total", "Append transactions committed.", self.batches.load(Relaxed));
        counter(
            &mut out,
            "consentry_batch_failures_total",
            "Append transactions that failed (receipts answered 503).",
            self.batch_failures.load(Relaxed),
        );
        self.receipt_latency.render(&mut out, "consentry_receipt_seconds", "Arrival to answer of accepted receipts.");
        self.commit_latency.render(&mut out, "consentry_commit_seconds", "Duration of one append transaction.");
        let _ = writeln!(out, "# HELP consentry_log_tree_size Leaves in the Merkle log.\n# TYPE consentry_log_tree_size gauge\nconsentry_log_tree_size {tree_size}");
        let _ = writeln!(out, "# HELP consentry_chain_breaks Stored receipts flagged with a chain break (all instances).\n# TYPE consentry_chain_breaks gauge\nconsentry_chain_breaks {chain_breaks}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::default();
        m.accepted.fetch_add(3, Relaxed);
        m.refused(&Refusal::ContentType);
        m.receipt_latency.observe(Duration::from_millis(3));
        let text = m.render(3, 1);
        assert!(text.contains("consentry_receipts_accepted_total 3\n"));
        assert!(text.contains("consentry_receipts_refused_total{reason=\"content_type\"} 1\n"));
        assert!(text.contains("consentry_receipt_seconds_bucket{le=\"0.002\"} 0\n"));
        assert!(text.contains("consentry_receipt_seconds_bucket{le=\"0.005\"} 1\n"));
        assert!(
            text.contains("consentry_log_tree_size 3\nconsentry_chain_breaks 1")
                || text.contains("consentry_chain_breaks 1\n")
        );
    }
}
