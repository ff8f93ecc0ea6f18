//! `consentry-server report` and `consentry-server verify-report`: a report of a period written to
//! a file (or standard output) with its detached signature beside it, and the check an auditor
//! runs on a copy.

use std::io::Write;
use std::path::{Path, PathBuf};

use consentry_receipt::b64;

use super::{issue, signature_verifies, Format, PreviousHead, ReportRequest};
use crate::db::{key, tree, Db, Open};
use crate::export::parse_bound;
use crate::key_file;
use crate::keys::ServerKey;
use crate::ledger::tree_head::{SignedTreeHead, TreeHead};
use crate::secret::Secret;
use crate::verify::parse_jwks;

/// The options of `consentry-server report` (each field's doc comment is its `--help` text).
#[derive(Debug, Clone, clap::Args)]
pub struct ReportOptions {
    /// The database to report on.
    #[arg(long)]
    pub database: String,
    /// From this day (YYYY-MM-DD) or second, inclusive, on consentTimestamp.
    #[arg(long, value_parser = parse_bound)]
    pub from: i64,
    /// Up to this day or second, exclusive.
    #[arg(long, value_parser = parse_bound)]
    pub to: i64,
    /// `json`, `html` or `pdf`.
    #[arg(long, default_value = "json")]
    pub format: Format,
    /// Write the report here (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write the detached JWS here (default: FILE.jws beside --out; on standard error without --out).
    #[arg(long, value_name = "FILE")]
    pub signature: Option<PathBuf>,
    /// The previous report's tree head (its JSON report, or a tree head as /v1/log/sth gives it):
    /// the consistency proof starts there. Default: the last report recorded in the database.
    #[arg(long, value_name = "FILE")]
    pub previous_head: Option<PathBuf>,
    /// The server key, when it is kept in a file (as `serve --key-file`).
    #[arg(long, value_name = "PATH", conflicts_with = "server_key")]
    pub key_file: Option<PathBuf>,
    /// The server key itself (as `serve`).
    #[arg(long, env = "CONSENTRY_SERVER_KEY", hide_env_values = true, value_name = "KEY")]
    pub server_key: Option<Secret>,
}

/// The key that signs this log: from the file or variable, else the database; it must be the key
/// of the log's latest tree head, so the report verifies with the published JWKS.
async fn signing_key(db: &Db, opts: &ReportOptions) -> Result<ServerKey, String> {
    let from_text = |name: &str, text: &str| {
        let pkcs8 = key_file::from_text(text).ok_or_else(|| format!("{name}: not a PEM or base64url PKCS#8 key"))?;
        ServerKey::from_pkcs8(&pkcs8).map_err(|e| format!("{name}: {e}"))
    };
    let key = match (&opts.key_file, &opts.server_key) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            from_text(&path.display().to_string(), &text)?
        }
        (None, Some(secret)) => from_text("CONSENTRY_SERVER_KEY", secret.expose())?,
        (None, None) => key::load(db).await.map_err(|e| format!("{e}: if the key is kept outside, pass --key-file"))?,
    };
    if let Some(head) = tree::latest_tree_head(db).await.map_err(|e| e.to_string())? {
        if !head.is_valid(key.public_jwk()) {
            return Err(format!("the key {} did not sign this log's tree heads: give the server's key", key.kid()));
        }
    }
    Ok(key)
}

/// A signed tree head from a file: a tree head (`{treeSize, rootHash, timestamp, signature}`)
/// or a JSON report (its `log.treeHead`).
pub fn read_previous_head(path: &Path) -> Result<SignedTreeHead, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    let h = if doc.get("treeSize").is_some() { &doc } else { &doc["log"]["treeHead"] };
    let bad = || format!("{}: no signed tree head (treeSize, rootHash, timestamp, signature) in it", path.display());
    let size = h.get("treeSize").and_then(|v| v.as_u64()).ok_or_else(bad)?;
    let root = h.get("rootHash").and_then(|v| v.as_str()).and_then(b64::decode).ok_or_else(bad)?;
    let timestamp_ms = h.get("timestamp").and_then(|v| v.as_i64()).ok_or_else(bad)?;
    let jws = h.get("signature").and_then(|v| v.as_str()).ok_or_else(bad)?.to_string();
    let root = root.try_into().map_err(|_| bad())?;
    Ok(SignedTreeHead { head: TreeHead { size, root, timestamp_ms }, jws })
}

/// Runs `report`; `Ok(false)` when the report was written but the log did not pass (verify failed
/// or the consistency proof does not verify): exit status 1.
pub async fn run(opts: &ReportOptions) -> Result<bool, Box<dyn std::error::Error>> {
    let db = Db::connect(&opts.database, Open::Existing).await?;
    let key = signing_key(&db, opts).await?;
    let previous = match &opts.previous_head {
        Some(path) => PreviousHead::Given(read_previous_head(path)?),
        None => PreviousHead::LastReport,
    };
    let request = ReportRequest { from: opts.from, to: opts.to, previous };
    let issued = issue(&db, &key, &request, opts.format).await?;
    match &opts.out {
        Some(path) => std::fs::write(path, &issued.bytes).map_err(|e| format!("{}: {e}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&issued.bytes)?;
            out.flush()?;
        }
    }
    let signature_path =
        opts.signature.clone().or_else(|| opts.out.as_ref().map(|p| PathBuf::from(format!("{}.jws", p.display()))));
    match signature_path {
        Some(path) => {
            std::fs::write(&path, format!("{}\n", issued.signature)).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => eprintln!("report: signature (detached JWS): {}", issued.signature),
    }
    let r = &issued.report;
    eprintln!(
        "report: {} receipts, {} withdrawals, {} GPC, {} chain breaks, {} with unknown notices; verify {}",
        r.receipts,
        r.withdrawals.receipts,
        r.gpc.receipts,
        r.chain.breaks,
        r.unknown_notices.receipts,
        r.log.verify.status
    );
    let consistent = r.log.consistency.as_ref().is_none_or(|c| c.verified);
    if !consistent {
        eprintln!("report: the consistency proof from the previous head does NOT verify");
    }
    Ok(r.log.verify.status != "failed" && consistent)
}

/// `verify-report`: whether `signature` (a detached JWS) is the key of `jwks` over `report`'s bytes.
pub fn verify_report(jwks: &Path, report: &Path, signature: &Path) -> Result<bool, String> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let jwk = parse_jwks(&String::from_utf8_lossy(&read(jwks)?)).map_err(|e| format!("{}: {e}", jwks.display()))?;
    let signature = String::from_utf8_lossy(&read(signature)?).trim().to_string();
    Ok(signature_verifies(&jwk, &signature, &read(report)?))
}
