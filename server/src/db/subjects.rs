//! The subject index: which receipts carry a given `subjectId` (the site's own pseudonymous
//! customer id, `consentry.identify`), and the current consent of that subject.
//!
//! Written by the log writer in the append's own transaction ([`index`]); read by
//! `GET /v1/subjects/{id}/consent` ([`current`]). It is derived data: the id is inside the signed
//! receipt, so the ledger stays tamper-evident, and `verify` rebuilds the index from the receipts
//! and reports any difference ([`all`]).
//!
//! The current state of a purpose (or `purpose/service`) is the decision of the subject's receipt
//! with the largest leaf index that decides it: the server's own acceptance order, which no client
//! clock can move (a browser's receipts arrive in chain order). A receipt made offline on a second
//! device and delivered later counts from its delivery; its `consentTimestamp` is returned too.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sqlx::Row;

use super::decisions::Decisions;
use super::params::{bind_all, Param, Placeholders};
use super::{to_i64, Backend, Db, DbError};

/// Records the subject of each new leaf that has one: `(leaf index, receipt)` in log order.
pub async fn index<'a>(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    leaves: impl Iterator<Item = (u64, &'a consentry_receipt::Receipt)>,
) -> Result<(), DbError> {
    let rows: Vec<(String, u64)> = leaves.filter_map(|(i, r)| r.subject_id.clone().map(|s| (s, i))).collect();
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO subject_receipts (subject_id, leaf_index) VALUES {}",
            Placeholders::new(backend).groups(chunk.len(), 2)
        );
        let params = chunk.iter().flat_map(|(s, i)| [Param::Text(s.clone()), Param::Int(to_i64(*i))]).collect();
        bind_all(sqlx::query(&sql), params).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Every `(subject id, leaf index)` of the index, for `verify`'s comparison with the receipts.
pub async fn all(db: &Db) -> Result<BTreeSet<(String, i64)>, DbError> {
    let rows = sqlx::query("SELECT subject_id, leaf_index FROM subject_receipts").fetch_all(&db.pool).await?;
    rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?))).collect()
}

/// The receipt that set a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decided {
    /// Granted or refused.
    pub granted: bool,
    /// `consentReceiptID`.
    pub receipt_id: String,
    /// `consentTimestamp`, seconds since the epoch (the browser's clock).
    pub consent_timestamp: i64,
    /// When the server accepted it, ms since the epoch.
    pub received_ms: i64,
    /// `collectionMethod`.
    pub collection_method: String,
    /// `policyVersion`.
    pub policy_version: String,
    /// Its position in the log.
    pub leaf_index: i64,
}

/// `GET /v1/subjects/{id}/consent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectConsent {
    /// The subject id asked about.
    pub subject_id: String,
    /// How many receipts carry it.
    pub receipts: u64,
    /// Purpose id → its current decision.
    pub purposes: BTreeMap<String, Decided>,
    /// `purpose/service` → its current decision.
    pub services: BTreeMap<String, Decided>,
}

/// The current consent of `subject`, `None` if no receipt carries it.
pub async fn current(db: &Db, subject: &str) -> Result<Option<SubjectConsent>, DbError> {
    let rows = sqlx::query(
        "SELECT r.receipt_id, r.consent_ts, r.received_ms, r.collection_method, r.policy_version, r.decisions, \
         r.leaf_index FROM subject_receipts s JOIN receipts r ON r.leaf_index = s.leaf_index \
         WHERE s.subject_id = $1 ORDER BY r.leaf_index",
    )
    .bind(subject.to_string())
    .fetch_all(&db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut out = SubjectConsent {
        subject_id: subject.to_string(),
        receipts: rows.len() as u64,
        purposes: BTreeMap::new(),
        services: BTreeMap::new(),
    };
    // In log order: a later receipt replaces what an earlier one said, purpose by purpose.
    for row in &rows {
        let column: String = row.try_get(5)?;
        let decisions = Decisions::parse(&column)
            .ok_or_else(|| DbError::Corrupt(format!("unreadable decisions column: {column}")))?;
        let decided = |granted: bool| -> Result<Decided, DbError> {
            Ok(Decided {
                granted,
                receipt_id: row.try_get(0)?,
                consent_timestamp: row.try_get(1)?,
                received_ms: row.try_get(2)?,
                collection_method: row.try_get(3)?,
                policy_version: row.try_get(4)?,
                leaf_index: row.try_get(6)?,
            })
        };
        for (k, v) in decisions.purposes {
            out.purposes.insert(k, decided(v)?);
        }
        for (k, v) in decisions.services {
            out.services.insert(k, decided(v)?);
        }
    }
    Ok(Some(out))
}
