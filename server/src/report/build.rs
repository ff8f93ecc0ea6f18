//! Building a report from the database: the period's receipts under the latest signed tree head
//! ([`super::tally`]), the registry's texts for the hashes they name, the previous report's head
//! and a consistency proof from it, and a full `verify` of the log.

use std::collections::HashMap;

use consentry_receipt::b64;

use super::document::{
    AuditReport, Consistency, LogEvidence, NoticeInForce, Period, UnknownHash, UnknownNotices, VerifyOutcome,
    REPORT_VERSION,
};
use super::tally::Tally;
use crate::db::notices::{self, StoredNotice};
use crate::db::verifications::{self, Verification};
use crate::db::{reports, scan, tree, Db, DbError};
use crate::keys::ServerKey;
use crate::ledger::proof::{consistency_spans, verify_consistency};
use crate::ledger::tree_head::SignedTreeHead;
use crate::ledger::Span;
use crate::routes::log::TreeHeadBody;
use crate::time::{format_millis, format_seconds, now_ms};
use crate::verify::{verify_trusting, Trust};

/// Receipts read per page.
const PAGE: i64 = 1000;

/// Where the consistency proof starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviousHead {
    /// The head of the last report recorded in the database (none before the first report).
    LastReport,
    /// A signed tree head the caller kept (from an earlier report or `/v1/log/sth`); its
    /// signature must verify under the server key.
    Given(SignedTreeHead),
    /// The tree head of this size, as the database holds it.
    Size(u64),
}

/// What a report is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    /// Start of the period, seconds (inclusive).
    pub from: i64,
    /// End of the period, seconds (exclusive).
    pub to: i64,
    /// Where the consistency proof starts.
    pub previous: PreviousHead,
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A request that makes no sense (a clear 400).
    #[error("{0}")]
    Request(String),
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Signing or rendering.
    #[error("{0}")]
    Render(String),
}

/// Whether a report runs a full `verify` of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verify {
    /// Every report made by the server does (its `log.verify`).
    Full,
    /// `log.verify.status` is `skipped`: for the benchmark, which times the two parts apart.
    Skip,
}

/// Builds the report on the log as it is now.
pub async fn build(db: &Db, key: &ServerKey, request: &ReportRequest) -> Result<AuditReport, ReportError> {
    build_with(db, key, request, Verify::Full).await
}

/// The period's receipts `[from, to)` counted, in log order, under the latest signed tree head
/// (returned with the counts; every receipt counted is under it). Receipts before `from` are read
/// for their decisions only, to find withdrawals. Shared by the report and the dashboard.
pub async fn tally(db: &Db, from: i64, to: i64) -> Result<(Tally, Option<SignedTreeHead>), DbError> {
    let head = tree::latest_tree_head(db).await?;
    let size = head.as_ref().map_or(0, |h| h.head.size);
    let mut tally = Tally::new(from);
    let mut after = None;
    loop {
        let page = scan::page(db, after, size, (from, to), PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.leaf_index);
        for r in &page {
            tally.observe(r);
        }
    }
    Ok((tally, head))
}

/// [`build`], with or without the full `verify`.
pub async fn build_with(
    db: &Db,
    key: &ServerKey,
    request: &ReportRequest,
    verify: Verify,
) -> Result<AuditReport, ReportError> {
    if request.from >= request.to {
        return Err(ReportError::Request("the period is empty: `from` must be before `to` (exclusive)".into()));
    }
    let (tally, head) = tally(db, request.from, request.to).await?;
    let period_end = scan::tree_head_before(db, request.to.saturating_mul(1000)).await?;
    let registry: HashMap<String, StoredNotice> =
        notices::all(db).await?.into_iter().map(|n| (n.notice_hash.clone(), n)).collect();
    let (notices, unknown) = split_by_registry(&tally, &registry);
    let (previous, source) = previous_head(db, key, &request.previous).await?;
    let consistency = match (&previous, &head) {
        (Some(p), Some(h)) => Some(consistency(db, p, h).await?),
        _ => None,
    };
    let verify = match verify {
        Verify::Full => full_verify(db, key, head.as_ref(), "report").await?,
        Verify::Skip => VerifyOutcome::skipped(),
    };
    Ok(AuditReport {
        chain: tally.chain(),
        controllers: tally.controllers(),
        decisions: tally.decisions(),
        generated_at: format_millis(now_ms()),
        gpc: tally.gpc(),
        log: LogEvidence {
            consistency,
            period_end_tree_head: period_end.as_ref().map(TreeHeadBody::from),
            previous_tree_head: previous.as_ref().map(TreeHeadBody::from),
            previous_tree_head_source: source,
            server_key: key.kid().to_string(),
            tree_head: head.as_ref().map(TreeHeadBody::from),
            verify,
        },
        notices,
        period: Period {
            from: format_seconds(request.from),
            from_ts: request.from,
            to: format_seconds(request.to),
            to_ts: request.to,
        },
        principals: tally.principals(),
        receipts: tally.receipts,
        report: REPORT_VERSION,
        unknown_notices: unknown,
        unreadable_receipts: tally.unreadable,
        withdrawals: tally.withdrawals_found(),
    })
}

fn split_by_registry(tally: &Tally, registry: &HashMap<String, StoredNotice>) -> (Vec<NoticeInForce>, UnknownNotices) {
    let mut known = Vec::new();
    let mut unknown = UnknownNotices { hashes: Vec::new(), receipts: 0 };
    for (hash, seen) in &tally.hashes {
        match registry.get(hash) {
            Some(n) => known.push(NoticeInForce {
                first_seen: seen.first.1.clone(),
                language: n.language.clone(),
                last_seen: seen.last.1.clone(),
                notice: serde_json::from_str(&n.notice).unwrap_or(serde_json::Value::String(n.notice.clone())),
                notice_hash: hash.clone(),
                policy_version: n.policy_version.clone(),
                receipts: seen.receipts,
                registered_at: format_millis(n.registered_ms),
            }),
            None => {
                unknown.receipts += seen.receipts;
                unknown.hashes.push(UnknownHash {
                    first_seen: seen.first.1.clone(),
                    language: seen.language.clone(),
                    last_seen: seen.last.1.clone(),
                    notice_hash: hash.clone(),
                    policy_version: seen.policy_version.clone(),
                    receipts: seen.receipts,
                });
            }
        }
    }
    known.sort_by(|a, b| {
        (&a.policy_version, &a.language, &a.notice_hash).cmp(&(&b.policy_version, &b.language, &b.notice_hash))
    });
    (known, unknown)
}

async fn previous_head(
    db: &Db,
    key: &ServerKey,
    previous: &PreviousHead,
) -> Result<(Option<SignedTreeHead>, &'static str), ReportError> {
    match previous {
        PreviousHead::Given(sth) => {
            if !sth.is_valid(key.public_jwk()) {
                return Err(ReportError::Request(format!(
                    "the previous tree head (size {}) is not signed by this server's key {}",
                    sth.head.size,
                    key.kid()
                )));
            }
            Ok((Some(sth.clone()), "argument"))
        }
        PreviousHead::Size(size) => match tree::tree_head(db, *size).await? {
            Some(sth) => Ok((Some(sth), "argument")),
            None => Err(ReportError::Request(format!("no signed tree head of size {size}"))),
        },
        PreviousHead::LastReport => match reports::last_tree_size(db).await? {
            Some(size) => Ok((Some(scan::tree_head_of(db, size).await?), "last-report")),
            None => Ok((None, "none")),
        },
    }
}

/// The RFC 9162 proof from `first` to `second`, verified against the roots the heads state (the
/// first one's as given, not as stored: a log rewritten since fails here).
async fn consistency(db: &Db, first: &SignedTreeHead, second: &SignedTreeHead) -> Result<Consistency, ReportError> {
    let (m, n) = (first.head.size, second.head.size);
    let mut c = Consistency { first: m, proof: Vec::new(), second: n, verified: false };
    let Some(spans) = consistency_spans(m, n) else { return Ok(c) };
    let proof = tree::span_hashes(db, &spans).await?;
    c.verified = verify_consistency(m, n, &first.head.root, &second.head.root, &proof);
    let stored_first = tree::span_hashes(db, &[Span::new(0, m)]).await?;
    c.verified &= stored_first.first() == Some(&first.head.root);
    c.proof = proof.iter().map(|h| b64::encode(h)).collect();
    Ok(c)
}

/// `verify` of the whole log with the server's key pinned and `head` (the report's) required,
/// recorded as run by `source` ([`crate::db::verifications`]; the dashboard shows the last one).
/// If the log grew meanwhile (a live server), what it found is not conclusive either way.
pub async fn full_verify(
    db: &Db,
    key: &ServerKey,
    head: Option<&SignedTreeHead>,
    source: &str,
) -> Result<VerifyOutcome, DbError> {
    let trust = Trust { key: Some(key.public_jwk().clone()), tree_head: head.map(|h| (h.head.size, h.head.root)) };
    let started = now_ms();
    let before = tree::head(db).await?.0;
    let report = verify_trusting(db, &trust).await?;
    let after = tree::head(db).await?.0;
    let status = if before != after {
        "inconclusive"
    } else if report.problem_count == 0 {
        "passed"
    } else {
        "failed"
    };
    let finished = now_ms();
    let record = Verification {
        finished_ms: finished,
        source: source.to_string(),
        tree_size: before,
        status: status.to_string(),
        receipts: report.receipts,
        problem_count: report.problem_count,
        duration_ms: u64::try_from(finished - started).unwrap_or(0),
    };
    verifications::record(db, &record).await?;
    Ok(VerifyOutcome {
        chain_breaks: report.chain_breaks,
        nodes: report.nodes,
        problem_count: report.problem_count,
        problems: report.problems,
        receipts: report.receipts,
        root_hash: b64::encode(&report.root),
        status,
        tree_heads: report.tree_heads,
    })
}
