//! The site owner's dashboard: the data behind its plots, and the page itself ([`assets`]).
//!
//! The numbers are the audit report's: the same fold over the period's receipts
//! ([`crate::report::build::tally`]), read per UTC day of `consentTimestamp`
//! ([`crate::report::daily`]) instead of in total. Every per-day series is aligned with
//! [`Dashboard::days`], one entry per day of the period, zeros included, so the page draws them
//! without filling gaps. The log's size comes from the signed tree heads, the last `verify` from
//! [`crate::db::verifications`].
//!
//! The page is static: HTML, one script and one stylesheet, public, under a strict CSP. It holds
//! no data until the site owner types the admin token, which the script keeps in a variable and
//! sends as `Authorization: Bearer` to `GET /v1/dashboard` ([`crate::routes::dashboard`]).

pub mod assets;

use serde::Serialize;

use crate::db::verifications::{self, VerificationBody};
use crate::db::{tree, Db, DbError};
use crate::export::parse_bound;
use crate::report::daily::{Choice, DayCounts, DAY};
use crate::report::document::{LanguageCount, Period, TargetWithdrawals};
use crate::report::tally::Tally;
use crate::time::{format_day, format_millis, format_seconds, now_ms};

/// The longest period the dashboard shows, in days.
pub const MAX_DAYS: i64 = 366;
/// The period shown when none is asked for: the last 30 days, today included.
pub const DEFAULT_DAYS: i64 = 30;

/// `GET /v1/dashboard`. Members are in alphabetical order, like every JSON answer of the server.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Receipts per day by how the decision was made.
    pub choices: Choices,
    /// Every UTC day of the period, `YYYY-MM-DD`.
    pub days: Vec<String>,
    /// When this was computed, RFC 3339.
    pub generated_at: String,
    /// Receipts per day made with the Global Privacy Control signal set.
    pub gpc: Vec<u64>,
    /// `gpc:opt-out` receipts per day: states the signal alone set, with no click. They are in
    /// `receipts` but not in `choices` or `purposes`, which count visitors' decisions.
    pub gpc_opt_out: Vec<u64>,
    /// Receipts and purpose decisions per language shown, over the period.
    pub languages: Vec<LanguageCount>,
    /// The log: its size per day, its latest signed tree head, the last `verify`.
    pub log: LogStatus,
    /// The period, on `consentTimestamp`.
    pub period: Period,
    /// Distinct principals (browsers) with a receipt in the period.
    pub principals: u64,
    /// Granted and refused decisions per purpose per day.
    pub purposes: Vec<PurposeSeries>,
    /// Receipts per day.
    pub receipts: Vec<u64>,
    /// Grants later refused by the same principal.
    pub withdrawals: WithdrawalSeries,
}

/// Receipts per day, by how the decision was made (`collectionMethod`'s action).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Choices {
    /// `*:accept-all`.
    pub accept_all: Vec<u64>,
    /// `*:save`: purposes chosen one by one.
    pub customised: Vec<u64>,
    /// `*:reject-all`.
    pub reject_all: Vec<u64>,
}

/// One purpose's decisions per day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurposeSeries {
    /// Decisions granting it, per day.
    pub granted: Vec<u64>,
    /// The purpose id.
    pub id: String,
    /// Decisions refusing it, per day.
    pub refused: Vec<u64>,
    /// Declared required by the receipts (always granted; the page leaves it out of the rates).
    pub required: bool,
}

/// Withdrawals per day and per purpose or service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawalSeries {
    /// Over the period, per purpose or service.
    pub by_target: Vec<TargetWithdrawals>,
    /// Receipts that withdraw something, per day.
    pub per_day: Vec<u64>,
}

/// The log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogStatus {
    /// The last full `verify` recorded, if any.
    pub last_verify: Option<VerificationBody>,
    /// The latest signed tree head's root, base64url.
    pub root_hash: Option<String>,
    /// The log's size at the end of each day of the period (from its signed tree heads).
    pub sizes: Vec<u64>,
    /// When the latest tree head was signed, RFC 3339.
    pub tree_head_at: Option<String>,
    /// The latest signed tree head's size: receipts in the log.
    pub tree_size: u64,
}

/// The period `[from, to)` in seconds that `from` and `to` (`YYYY-MM-DD` or epoch seconds) name,
/// by default the last [`DEFAULT_DAYS`] days up to the end of today (`now`, seconds). An error
/// says what is wrong, for a 400.
pub fn period(from: Option<&str>, to: Option<&str>, now: i64) -> Result<(i64, i64), String> {
    let to = match to {
        Some(t) => parse_bound(t)?,
        None => (now.div_euclid(DAY) + 1) * DAY,
    };
    let from = match from {
        Some(f) => parse_bound(f)?,
        None => to.saturating_sub(DEFAULT_DAYS * DAY),
    };
    if from >= to {
        return Err("the period is empty: `from` must be before `to` (exclusive)".into());
    }
    if day_count(from, to) > MAX_DAYS {
        return Err(format!("the dashboard shows at most {MAX_DAYS} days; ask for a shorter period"));
    }
    Ok((from, to))
}

fn day_count(from: i64, to: i64) -> i64 {
    (to - 1).div_euclid(DAY) - from.div_euclid(DAY) + 1
}

/// The dashboard of `[from, to)` ([`period`] checked it), on the log as it is now.
pub async fn build(db: &Db, from: i64, to: i64) -> Result<Dashboard, DbError> {
    let (tally, head) = crate::report::build::tally(db, from, to).await?;
    let first_day = from.div_euclid(DAY);
    let days: Vec<i64> = (first_day..first_day + day_count(from, to)).collect();
    let sizes = log_sizes(&tree::sizes_by_day(db, to.saturating_mul(1000)).await?, &days);
    let last_verify = verifications::last(db).await?;
    let log = LogStatus {
        last_verify: last_verify.as_ref().map(VerificationBody::from),
        root_hash: head.as_ref().map(|h| consentry_receipt::b64::encode(&h.head.root)),
        sizes,
        tree_head_at: head.as_ref().map(|h| format_millis(h.head.timestamp_ms)),
        tree_size: head.as_ref().map_or(0, |h| h.head.size),
    };
    let period = Period { from: format_seconds(from), from_ts: from, to: format_seconds(to), to_ts: to };
    Ok(series(&tally, &days, log, period))
}

/// The tally's counts laid out on `days`.
fn series(tally: &Tally, days: &[i64], log: LogStatus, period: Period) -> Dashboard {
    let daily = tally.daily();
    let empty = DayCounts::default();
    let on = |day: &i64| daily.days.get(day).unwrap_or(&empty);
    let each = |f: &dyn Fn(&DayCounts) -> u64| days.iter().map(|d| f(on(d))).collect::<Vec<u64>>();
    let mut ids: Vec<&String> = daily.days.values().flat_map(|d| d.purposes.keys()).collect();
    ids.sort();
    ids.dedup();
    let purposes = ids
        .into_iter()
        .map(|id| {
            let get = |d: &DayCounts| d.purposes.get(id).copied().unwrap_or_default();
            PurposeSeries {
                granted: each(&|d| get(d).0),
                id: id.clone(),
                refused: each(&|d| get(d).1),
                required: daily.required.contains(id),
            }
        })
        .collect();
    Dashboard {
        choices: Choices {
            accept_all: each(&|d| d.choices[Choice::AcceptAll as usize]),
            customised: each(&|d| d.choices[Choice::Customised as usize]),
            reject_all: each(&|d| d.choices[Choice::RejectAll as usize]),
        },
        days: days.iter().map(|d| format_day(*d)).collect(),
        generated_at: format_millis(now_ms()),
        gpc: each(&|d| d.gpc),
        gpc_opt_out: each(&|d| d.gpc_opt_outs),
        languages: tally.decisions().by_language,
        log,
        period,
        principals: tally.principals(),
        purposes,
        receipts: each(&|d| d.receipts),
        withdrawals: WithdrawalSeries {
            by_target: tally.withdrawals_found().by_target,
            per_day: each(&|d| d.withdrawals),
        },
    }
}

/// The log's size at the end of each of `days`: the largest tree size signed on or before it.
fn log_sizes(signed: &[(i64, u64)], days: &[i64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(days.len());
    let (mut i, mut size) = (0, 0);
    for day in days {
        while let Some(&(_, s)) = signed.get(i).filter(|(d, _)| d <= day) {
            size = size.max(s);
            i += 1;
        }
        out.push(size);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_defaults_to_the_last_thirty_days_and_refuses_nonsense() {
        let now = 20_000 * DAY + 3600;
        assert_eq!(period(None, None, now), Ok((19_971 * DAY, 20_001 * DAY)));
        assert_eq!(period(Some("2026-01-01"), Some("2026-01-08"), now).map(|(f, t)| day_count(f, t)), Ok(7));
        assert!(period(Some("2026-01-08"), Some("2026-01-01"), now).is_err());
        assert!(period(Some("yesterday"), None, now).is_err());
        assert!(period(Some("2024-01-01"), Some("2026-01-01"), now).unwrap_err().contains("366"));
        assert_eq!(period(Some("10"), Some("20"), now).map(|(f, t)| day_count(f, t)), Ok(1));
    }

    #[test]
    fn log_sizes_carry_forward_from_the_last_signed_day() {
        assert_eq!(log_sizes(&[(1, 3), (4, 9), (9, 12)], &[3, 4, 5, 8]), [3, 9, 9, 9]);
        assert_eq!(log_sizes(&[], &[3, 4]), [0, 0]);
    }
}
