//! The audit report as data: what [`super::tally`] counts and [`super::build`] proves, before any
//! rendering. The JSON report is this structure serialized; the HTML and PDF renderings are made
//! from it and show the same numbers. Members are in alphabetical order, like every JSON answer of
//! the server.

use serde::Serialize;

use crate::routes::log::TreeHeadBody;

/// The version of the report's structure, its `report` member.
pub const REPORT_VERSION: &str = "consentry-audit-report/1";

/// A whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    /// Receipts of the period by chain link: first, linked, and the breaks by kind.
    pub chain: ChainCounts,
    /// The controllers the period's receipts name, with how many receipts name each.
    pub controllers: Vec<ControllerSeen>,
    /// Decisions per purpose, service, collection method and language.
    pub decisions: DecisionCounts,
    /// When the report was made, RFC 3339.
    pub generated_at: String,
    /// Global Privacy Control signals.
    pub gpc: GpcSignals,
    /// The log's evidence: tree heads, consistency proof, and the result of a full `verify`.
    pub log: LogEvidence,
    /// Every registered notice that receipts of the period name, with its texts.
    pub notices: Vec<NoticeInForce>,
    /// The period, on `consentTimestamp`.
    pub period: Period,
    /// Distinct principals (browsers) with a receipt in the period.
    pub principals: u64,
    /// Receipts in the period (in the log under `log.treeHead`).
    pub receipts: u64,
    /// [`REPORT_VERSION`].
    pub report: &'static str,
    /// Receipts whose `noticeHash` is not in the registry.
    pub unknown_notices: UnknownNotices,
    /// Receipts of the period whose payload could not be read (`verify` lists them too).
    pub unreadable_receipts: u64,
    /// Grants later refused by the same principal.
    pub withdrawals: Withdrawals,
}

/// `[from, to)` on `consentTimestamp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    /// Start, RFC 3339 (inclusive).
    pub from: String,
    /// Start, seconds since the epoch.
    pub from_ts: i64,
    /// End, RFC 3339 (exclusive).
    pub to: String,
    /// End, seconds since the epoch.
    pub to_ts: i64,
}

/// A receipt named by the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptRef {
    /// `consentReceiptID`.
    #[serde(rename = "consentReceiptID")]
    pub consent_receipt_id: String,
    /// `consentTimestamp`, RFC 3339.
    pub consent_timestamp: String,
    /// Position in the log.
    pub leaf_index: u64,
}

/// A controller as receipts name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControllerSeen {
    /// Contact address.
    pub contact: String,
    /// Legal name.
    pub name: String,
    /// Privacy policy.
    pub policy_url: String,
    /// Receipts naming it.
    pub receipts: u64,
}

/// Granted and refused decisions on one purpose or service (`purpose/service`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetCount {
    /// Decisions granting it.
    pub granted: u64,
    /// The purpose id or `purpose/service`.
    pub id: String,
    /// Decisions refusing it.
    pub refused: u64,
}

/// Receipts made one way (`collectionMethod`, `layer:action`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MethodCount {
    /// `banner:accept-all`, `preferences:save`, `api:reject-all`…
    pub method: String,
    /// Receipts.
    pub receipts: u64,
}

/// Receipts and purpose decisions in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageCount {
    /// Purpose decisions granting.
    pub granted: u64,
    /// The language shown.
    pub language: String,
    /// Receipts.
    pub receipts: u64,
    /// Purpose decisions refusing.
    pub refused: u64,
}

/// The decisions of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionCounts {
    /// Per language shown.
    pub by_language: Vec<LanguageCount>,
    /// Per collection method: every `layer:action`, zeros included.
    pub by_method: Vec<MethodCount>,
    /// Per purpose.
    pub purposes: Vec<TargetCount>,
    /// Per service.
    pub services: Vec<TargetCount>,
}

/// Global Privacy Control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GpcSignals {
    /// Receipts made with the signal set.
    pub receipts: u64,
    /// Of those, receipts that still grant an optional purpose (the visitor's explicit choice).
    pub with_grants: u64,
}

/// Chain links of the period's receipts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChainCounts {
    /// All breaks.
    pub breaks: u64,
    /// A principal's first receipt.
    pub first: u64,
    /// `break:fork`: names an older receipt (two tabs).
    pub fork: u64,
    /// `break:gap`: names a receipt never stored.
    pub gap: u64,
    /// Linked to the principal's previous receipt.
    pub linked: u64,
    /// `break:restart`: no previous receipt named though the principal has some.
    pub restart: u64,
}

/// One withdrawal, as an example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WithdrawalSeen {
    /// The receipt that refused.
    pub receipt: ReceiptRef,
    /// `piiPrincipalId`.
    pub principal: String,
    /// The purposes and services granted before and refused by this receipt.
    pub targets: Vec<String>,
}

/// Withdrawals: a receipt of the period refusing a purpose or service that the same principal's
/// previous receipt (in log order, before or in the period) granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Withdrawals {
    /// Withdrawals per purpose or service.
    pub by_target: Vec<TargetWithdrawals>,
    /// The first ones, in log order (at most [`super::tally::EXAMPLES`]).
    pub examples: Vec<WithdrawalSeen>,
    /// Principals who withdrew something.
    pub principals: u64,
    /// Receipts that withdraw something.
    pub receipts: u64,
}

/// Withdrawals of one purpose or service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetWithdrawals {
    /// Purpose id or `purpose/service`.
    pub id: String,
    /// How many.
    pub withdrawals: u64,
}

/// A registered notice named by receipts of the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeInForce {
    /// The earliest receipt naming it (by `consentTimestamp`).
    pub first_seen: ReceiptRef,
    /// The language.
    pub language: String,
    /// The latest receipt naming it.
    pub last_seen: ReceiptRef,
    /// The notice: the registered canonical JSON, parsed (every text the visitor could read).
    pub notice: serde_json::Value,
    /// `noticeHash`.
    pub notice_hash: String,
    /// `policy_version`.
    pub policy_version: String,
    /// Receipts naming it.
    pub receipts: u64,
    /// When it was registered, RFC 3339.
    pub registered_at: String,
}

/// A `noticeHash` that is not registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnknownHash {
    /// The earliest receipt naming it.
    pub first_seen: ReceiptRef,
    /// The receipts' language.
    pub language: String,
    /// The latest receipt naming it.
    pub last_seen: ReceiptRef,
    /// The hash.
    pub notice_hash: String,
    /// The receipts' `policyVersion`.
    pub policy_version: String,
    /// Receipts naming it.
    pub receipts: u64,
}

/// Receipts whose notice is not registered: accepted, and flagged here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownNotices {
    /// Each unknown hash.
    pub hashes: Vec<UnknownHash>,
    /// Receipts naming one.
    pub receipts: u64,
}

/// A consistency proof between two signed tree heads (RFC 9162 §2.1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consistency {
    /// The earlier tree size.
    pub first: u64,
    /// The proof, base64url hashes.
    pub proof: Vec<String>,
    /// The later tree size.
    pub second: u64,
    /// Whether the proof verifies from the previous head's root to this report's root.
    pub verified: bool,
}

/// What `verify` said about the whole log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyOutcome {
    /// Chain breaks recounted.
    pub chain_breaks: u64,
    /// Merkle nodes compared.
    pub nodes: u64,
    /// Problems in all.
    pub problem_count: u64,
    /// The first problems.
    pub problems: Vec<String>,
    /// Receipts checked.
    pub receipts: u64,
    /// The recomputed root, base64url.
    pub root_hash: String,
    /// `passed`, `failed`, or `inconclusive` (the log grew while it ran: run it on a quiescent
    /// database or a backup); `skipped` only in the benchmark's reports.
    pub status: &'static str,
    /// Signed tree heads checked.
    pub tree_heads: u64,
}

impl VerifyOutcome {
    /// A report built without the full `verify` ([`super::build::Verify::Skip`]).
    pub fn skipped() -> Self {
        VerifyOutcome {
            chain_breaks: 0,
            nodes: 0,
            problem_count: 0,
            problems: Vec::new(),
            receipts: 0,
            root_hash: String::new(),
            status: "skipped",
            tree_heads: 0,
        }
    }
}

/// The log's evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEvidence {
    /// From the previous report's head to this report's, when there is one.
    pub consistency: Option<Consistency>,
    /// The last signed tree head made before the period's end.
    pub period_end_tree_head: Option<TreeHeadBody>,
    /// The previous report's head.
    pub previous_tree_head: Option<TreeHeadBody>,
    /// Where it came from: `argument` (given to this report), `last-report` (the last report
    /// recorded in the database) or `none`.
    pub previous_tree_head_source: &'static str,
    /// `kid` of the key that signs tree heads and this report (`/.well-known/jwks.json`).
    pub server_key: String,
    /// The signed tree head the report was built on: the latest when it was made. Every receipt
    /// counted is in the log under it.
    pub tree_head: Option<TreeHeadBody>,
    /// The full `verify` of the log.
    pub verify: VerifyOutcome,
}
