//! The audit report: for a period, what the controller must be able to demonstrate (GDPR art.
//! 7(1)): the notices in force with their texts, the decisions by purpose, service, collection
//! method and language, withdrawals, GPC signals, chain breaks, unknown notice hashes, and the
//! log's evidence (the signed tree head it was built on, a consistency proof from the previous
//! report's head, a full `verify`).
//!
//! * [`document`]: the report as data; the JSON report is it serialized;
//! * [`tally`]: counting the receipts (pure), with [`daily`] counts for the dashboard; [`build`]:
//!   reading the database and the proofs;
//! * [`html`] (prints well) and [`pdf`] (krilla, an embedded DejaVu Sans) render the same data;
//! * [`command`]: `consentry-server report` and `verify-report`.
//!
//! Every rendering is signed on its exact bytes: a detached JWS (RFC 7515 appendix F) by the
//! server key published at `/.well-known/jwks.json`, `typ` [`TYP`], `cty` the media type. Every
//! report made is recorded (`reports` table): the next one's consistency proof starts at the last
//! one's tree head unless it is given another.

pub mod build;
pub mod command;
pub mod daily;
pub mod document;
pub mod html;
pub mod pdf;
pub mod tally;

use crate::db::reports::{self, IssuedReport};
use crate::db::Db;
use crate::keys::ServerKey;
use crate::time::now_ms;

pub use build::{PreviousHead, ReportError, ReportRequest};
pub use document::AuditReport;

/// `typ` of a report's detached signature.
pub const TYP: &str = "consentry-report+jws";

/// A rendering of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The data itself, pretty-printed JSON.
    Json,
    /// A standalone HTML page with print styles.
    Html,
    /// A PDF (A4).
    Pdf,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            "pdf" => Ok(Format::Pdf),
            other => Err(format!("unknown report format `{other}`: use json, html or pdf")),
        }
    }
}

impl Format {
    /// Its name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }

    /// Its media type (the signature's `cty`).
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
        }
    }

    /// The report rendered in this format.
    pub fn render(self, report: &AuditReport) -> Result<Vec<u8>, ReportError> {
        match self {
            Format::Json => {
                let mut out = serde_json::to_vec_pretty(report).map_err(|e| ReportError::Render(e.to_string()))?;
                out.push(b'\n');
                Ok(out)
            }
            Format::Html => Ok(html::render(report).into_bytes()),
            Format::Pdf => pdf::render(report),
        }
    }
}

/// A report made, rendered and signed.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The data.
    pub report: AuditReport,
    /// The rendering's bytes.
    pub bytes: Vec<u8>,
    /// The detached JWS over `bytes`.
    pub signature: String,
}

/// Builds, renders, signs and records a report.
pub async fn issue(db: &Db, key: &ServerKey, request: &ReportRequest, format: Format) -> Result<Issued, ReportError> {
    let report = build::build(db, key, request).await?;
    let bytes = format.render(&report)?;
    let signature =
        key.sign_detached(TYP, format.content_type(), &bytes).map_err(|e| ReportError::Render(e.to_string()))?;
    if let Some(head) = &report.log.tree_head {
        let root = consentry_receipt::b64::decode(&head.root_hash).unwrap_or_default();
        reports::record(
            db,
            &IssuedReport {
                created_ms: now_ms(),
                from_ts: request.from,
                to_ts: request.to,
                format: format.name().to_string(),
                tree_size: head.tree_size,
                root_hash: root,
                report_sha256: consentry_receipt::sha256_b64(&bytes),
                signature: signature.clone(),
            },
        )
        .await?;
    }
    Ok(Issued { report, bytes, signature })
}

/// Whether `signature` is the server's detached JWS over `bytes` (`jwk` from the JWKS).
pub fn signature_verifies(jwk: &consentry_receipt::PublicJwk, signature: &str, bytes: &[u8]) -> bool {
    crate::keys::open_detached(jwk, TYP, signature, bytes)
}
