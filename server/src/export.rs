//! Exports of the log for auditors: JSON Lines or CSV, all receipts or a range of
//! `consentTimestamp`, in log order, read page by page so any size streams in constant memory.
//! Used by `GET /v1/export` and by `consentry-server export`.

use futures_util::Stream;

use crate::days::{format_millis, format_seconds, parse_day};
use crate::db::reads::{receipts_page, StoredReceipt};
use crate::db::{Db, DbError};

/// Receipts read per page.
const PAGE: i64 = 500;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            other => Err(format!("unknown export format `{other}`: use jsonl or csv")),
        }
    }
}

impl Format {
    /// The media type of the export.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Jsonl => "application/x-ndjson",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }
}

const CSV_HEADER: &str = "leaf_index,consent_receipt_id,principal,consent_timestamp,received_at,collection_method,\
policy_version,purposes,services,chain,prev_receipt_hash,receipt_hash,jws\n";

/// A time bound: `YYYY-MM-DD` (UTC midnight) or seconds since the epoch.
pub fn parse_bound(text: &str) -> Result<i64, String> {
    if let Some(day) = parse_day(text) {
        return Ok(day * 86_400);
    }
    text.parse().map_err(|_| format!("`{text}` is neither YYYY-MM-DD nor seconds since the epoch"))
}

/// One receipt as a line of the export (newline included).
pub fn line(format: Format, r: &StoredReceipt) -> String {
    let decisions: serde_json::Value = serde_json::from_str(&r.decisions).unwrap_or(serde_json::Value::Null);
    match format {
        Format::Jsonl => {
            let v = serde_json::json!({
                "leafIndex": r.leaf_index,
                "consentReceiptID": r.receipt_id,
                "principal": r.principal,
                "consentTimestamp": r.consent_ts,
                "receivedAt": format_millis(r.received_ms),
                "collectionMethod": r.collection_method,
                "policyVersion": r.policy_version,
                "decisions": decisions,
                "chain": r.chain,
                "prevReceiptHash": r.prev_receipt_hash,
                "receiptHash": r.receipt_hash,
                "jws": r.jws,
            });
            format!("{v}\n")
        }
        Format::Csv => {
            let fields = [
                r.leaf_index.to_string(),
                r.receipt_id.clone(),
                r.principal.clone(),
                format_seconds(r.consent_ts),
                format_millis(r.received_ms),
                r.collection_method.clone(),
                r.policy_version.clone(),
                flags(&decisions["purposes"]),
                flags(&decisions["services"]),
                r.chain.clone(),
                r.prev_receipt_hash.clone().unwrap_or_default(),
                r.receipt_hash.clone(),
                r.jws.clone(),
            ];
            let mut out = fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
            out.push('\n');
            out
        }
    }
}

/// `analytics=granted;marketing=refused`.
fn flags(v: &serde_json::Value) -> String {
    let Some(map) = v.as_object() else { return String::new() };
    map.iter()
        .map(|(k, v)| format!("{k}={}", if v.as_bool() == Some(true) { "granted" } else { "refused" }))
        .collect::<Vec<_>>()
        .join(";")
}

/// RFC 4180 quoting when needed. Values are never altered (hashes may start with `-`), so open the
/// file in a spreadsheet as text, not as formulas.
fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

/// The export as chunks of text (a header, then one chunk per page).
pub fn chunks(
    db: Db,
    format: Format,
    from: i64,
    to: i64,
) -> impl Stream<Item = Result<String, DbError>> + Send + 'static {
    let header = (format == Format::Csv).then(|| CSV_HEADER.to_string());
    futures_util::stream::try_unfold((db, None::<u64>, header, false), move |(db, after, header, done)| async move {
        if let Some(h) = header {
            return Ok(Some((h, (db, after, None, done))));
        }
        if done {
            return Ok(None);
        }
        let page = receipts_page(&db, after, from, to, PAGE).await?;
        let Some(last) = page.last().map(|r| r.leaf_index) else { return Ok(None) };
        let done = (page.len() as i64) < PAGE;
        let text: String = page.iter().map(|r| line(format, r)).collect();
        Ok(Some((text, (db, Some(last), None, done))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("-hash"), "-hash");
        assert_eq!(flags(&serde_json::json!({"a": true, "b": false})), "a=granted;b=refused");
        assert_eq!(parse_bound("1970-01-02"), Ok(86_400));
        assert_eq!(parse_bound("1790000000"), Ok(1_790_000_000));
        assert!(parse_bound("yesterday").is_err());
    }
}
