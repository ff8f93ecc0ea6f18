//! `consentry-server verify`: rebuild the whole log from the stored receipts and compare it with
//! everything the server stored and signed.
//!
//! Every receipt's JWS is verified again with the receipt rules; its stored columns (id,
//! principal, time, decisions, hashes, chain link) must match what the JWS says and what the
//! chain recomputes to; its ack must be the server's signature over its position. The Merkle tree
//! is rebuilt leaf by leaf: every stored leaf hash and node, the stored frontier, the root of every
//! signed tree head (whose signature is checked) must match, and tree heads must not go back in
//! time. The chain-break count and the daily rates are recounted. Memory: a few hundred bytes per receipt (tree levels and chain hashes).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use consentry_receipt::b64;
use consentry_receipt::jws::{assemble, receipt_hash, JwsError};
use consentry_receipt::signature::normalize_low_s;
use consentry_receipt::verifier::{verify_with, Verified};
use sqlx::Row;

use crate::ack;
use crate::chain::Link;
use crate::db::decisions::decisions_json;
use crate::db::reads::{self, StoredReceipt};
use crate::db::tree;
use crate::db::{key, Db, DbError};
use crate::intake::ring_es256;
use crate::keys::open;
use crate::ledger::merkle::leaf_hash;
use crate::ledger::tree_head::{SignedTreeHead, TreeHead};
use crate::ledger::{Frontier, Hash};
use consentry_receipt::PublicJwk;

/// Problems listed in full at most (the rest are counted).
const SHOWN: usize = 50;

/// What `verify` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Receipts checked.
    pub receipts: u64,
    /// Signed tree heads checked.
    pub tree_heads: u64,
    /// Merkle nodes compared.
    pub nodes: u64,
    /// Chain breaks recounted.
    pub chain_breaks: u64,
    /// The recomputed root.
    pub root: Hash,
    /// The first problems found.
    pub problems: Vec<String>,
    /// How many problems in all.
    pub problem_count: u64,
}

impl Report {
    fn problem(&mut self, p: String) {
        self.problem_count += 1;
        if self.problems.len() < SHOWN {
            self.problems.push(p);
        }
    }
}

/// Recomputation state of the chains and rates.
#[derive(Default)]
struct Recount {
    last: HashMap<String, String>,
    owner: HashMap<String, String>,
    rates: BTreeMap<(i64, String), (u64, u64)>,
    /// `(subjectId, leaf index)` of every receipt that carries a subject.
    subjects: BTreeSet<(String, i64)>,
}

/// What `verify` trusts that does not come from the database it checks. Without it, the key is
/// the one stored in the database, and a rewritten history signed with a copy of that key passes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trust {
    /// The server's public key, pinned (from `/.well-known/jwks.json` fetched earlier); `None`:
    /// the key stored in the database.
    pub key: Option<PublicJwk>,
    /// A tree head obtained earlier, `(treeSize, rootHash)`: the log must contain it, that is,
    /// its first `treeSize` leaves must hash to `rootHash`.
    pub tree_head: Option<(u64, Hash)>,
}

/// Reads a JWKS document holding exactly one P-256 key (as `/.well-known/jwks.json` serves it).
pub fn parse_jwks(text: &str) -> Result<PublicJwk, String> {
    let doc = consentry_receipt::json::parse(text).map_err(|e| format!("not JSON: {e}"))?;
    let keys = doc.get("keys").and_then(|k| k.as_array()).ok_or("no \"keys\" array")?;
    let [key] = keys else { return Err(format!("{} keys; pin exactly one", keys.len())) };
    let member = |name: &str| key.get(name).and_then(|v| v.as_str());
    if member("kty") != Some("EC") || member("crv") != Some("P-256") {
        return Err("the key is not an EC P-256 key".into());
    }
    let (Some(x), Some(y)) = (member("x"), member("y")) else { return Err("the key lacks x or y".into()) };
    let jwk = PublicJwk { x: x.to_string(), y: y.to_string() };
    PublicJwk::from_json(&jwk.to_json()).map_err(|e| e.to_string())
}

/// Reads `SIZE:ROOT` (`ROOT` base64url, as `/v1/log/sth` gives `treeSize` and `rootHash`).
pub fn parse_tree_head(text: &str) -> Result<(u64, Hash), String> {
    let bad = || format!("`{text}` is not SIZE:ROOT (treeSize and base64url rootHash of a signed tree head)");
    let (size, root) = text.split_once(':').ok_or_else(bad)?;
    let size: u64 = size.parse().map_err(|_| bad())?;
    let root: Hash = b64::decode(root).and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
    if size == 0 {
        return Err(bad());
    }
    Ok((size, root))
}

/// Verifies the whole log in `db`, with the key stored in it.
pub async fn verify(db: &Db) -> Result<Report, DbError> {
    verify_trusting(db, &Trust::default()).await
}

/// Verifies the whole log in `db` against what `trust` pins.
pub async fn verify_trusting(db: &Db, trust: &Trust) -> Result<Report, DbError> {
    let jwk = match &trust.key {
        Some(jwk) => jwk.clone(),
        None => key::load(db)
            .await
            .map_err(|e| match e {
                DbError::Corrupt(m) => {
                    DbError::Corrupt(format!("{m}: if the key is kept outside, pin its JWKS (--jwks)"))
                }
                e => e,
            })?
            .public_jwk()
            .clone(),
    };
    let mut report = Report::default();
    let heads = all_tree_heads(db).await?;
    let by_size: HashMap<u64, TreeHead> = heads.iter().map(|h| (h.head.size, h.head)).collect();
    for h in &heads {
        if !h.is_valid(&jwk) {
            report
                .problem(format!("tree head {}: signature does not verify or does not state its columns", h.head.size));
        }
    }
    for pair in heads.windows(2) {
        if pair[1].head.timestamp_ms < pair[0].head.timestamp_ms {
            report.problem(format!(
                "tree head {} is timestamped before tree head {}: heads must not go back in time",
                pair[1].head.size, pair[0].head.size
            ));
        }
    }
    // A plain vector iterator (no closure type) is held across the awaits below, so the future
    // is `Send` and the report's HTTP handler can run it.
    let head_list: Vec<TreeHead> = heads.iter().map(|h| h.head).collect();
    let mut next_head = head_list.into_iter().peekable();
    let mut frontier = Frontier::default();
    let mut levels: Vec<Vec<Hash>> = Vec::new();
    let mut recount = Recount::default();
    let mut after = None;
    loop {
        let page = reads::receipts_page(db, after, i64::MIN, i64::MAX, 1000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.leaf_index);
        for r in &page {
            if r.leaf_index != frontier.size() {
                report.problem(format!(
                    "leaf {} missing: the next stored receipt is leaf {}",
                    frontier.size(),
                    r.leaf_index
                ));
            }
            check_receipt(r, &mut recount, &mut report);
            check_ack(r, &by_size, &jwk, &mut report);
            frontier.push(leaf_hash(r.jws.as_bytes()), |k, h| {
                let level = k.level as usize;
                if levels.len() <= level {
                    levels.resize(level + 1, Vec::new());
                }
                levels[level].push(h);
            });
            if let Some((size, root)) = trust.tree_head.filter(|(size, _)| *size == frontier.size()) {
                if frontier.root() != root {
                    report.problem(format!("the pinned tree head {size}: the first {size} leaves have another root"));
                }
            }
            while let Some(h) = next_head.next_if(|h| h.size <= frontier.size()) {
                if h.size < frontier.size() || h.root != frontier.root() {
                    report.problem(format!("tree head {}: root does not match the receipts", h.size));
                }
                report.tree_heads += 1;
            }
        }
    }
    report.receipts = frontier.size();
    if let Some((size, _)) = trust.tree_head.filter(|(size, _)| *size > frontier.size()) {
        report.problem(format!("the pinned tree head {size} is larger than the log ({} leaves)", frontier.size()));
    }
    report.root = frontier.root();
    for h in next_head {
        report.problem(format!("tree head {} is larger than the log ({} leaves)", h.size, frontier.size()));
    }
    check_head(db, &frontier, &mut report).await?;
    check_nodes(db, &levels, &mut report).await?;
    check_tables(db, &recount, &mut report).await?;
    Ok(report)
}

async fn all_tree_heads(db: &Db) -> Result<Vec<SignedTreeHead>, DbError> {
    let mut heads = Vec::new();
    loop {
        let page = tree::tree_heads_page(db, heads.last().map_or(0, |h: &SignedTreeHead| h.head.size), 1000).await?;
        if page.is_empty() {
            return Ok(heads);
        }
        heads.extend(page);
    }
}

/// The receipt rules on a stored receipt. Receipts admitted before high-S signatures were refused
/// may have one; `(r, s)` verifies exactly when `(r, n − s)` does, so such a receipt is checked
/// through its low-S twin (the stored JWS, which is the leaf, is left as it is).
fn verify_stored(jws: &str) -> Result<Verified, JwsError> {
    match verify_with(jws, ring_es256) {
        Err(JwsError::HighS) => {
            let (input, signature) = jws.rsplit_once('.').ok_or(JwsError::HighS)?;
            let mut signature: [u8; 64] =
                b64::decode(signature).and_then(|s| s.try_into().ok()).ok_or(JwsError::HighS)?;
            normalize_low_s(&mut signature);
            verify_with(&assemble(input, &signature), ring_es256)
        }
        other => other,
    }
}

fn check_receipt(r: &StoredReceipt, recount: &mut Recount, report: &mut Report) {
    let at = format!("leaf {} ({})", r.leaf_index, r.receipt_id);
    let v = match verify_stored(&r.jws) {
        Ok(v) => v.receipt,
        Err(e) => return report.problem(format!("{at}: {e}")),
    };
    let columns_match = v.id == r.receipt_id
        && v.principal == r.principal
        && v.timestamp == r.consent_ts
        && v.collection_method.to_string() == r.collection_method
        && v.policy_version == r.policy_version
        && v.prev_receipt_hash == r.prev_receipt_hash
        && decisions_json(&v) == r.decisions
        && receipt_hash(&r.jws) == r.receipt_hash
        && leaf_hash(r.jws.as_bytes()) == r.leaf_hash;
    if !columns_match {
        report.problem(format!("{at}: stored columns differ from the signed receipt"));
    }
    let prev = v.prev_receipt_hash.as_deref();
    let older = prev.and_then(|p| recount.owner.get(p)) == Some(&v.principal);
    let link = Link::classify(prev, recount.last.get(&v.principal).map(String::as_str), older);
    if link.as_str() != r.chain {
        report.problem(format!("{at}: stored chain link {} but the chain says {}", r.chain, link.as_str()));
    }
    if link.is_break() {
        report.chain_breaks += 1;
    }
    if let Some(subject) = &v.subject_id {
        recount.subjects.insert((subject.clone(), r.leaf_index as i64));
    }
    recount.last.insert(v.principal.clone(), r.receipt_hash.clone());
    recount.owner.insert(r.receipt_hash.clone(), v.principal.clone());
    // As the writer counts them: `gpc:opt-out` receipts are not in the daily rates.
    let decisions = if v.collection_method.is_visitor_decision() { &v.purpose_decisions[..] } else { &[] };
    for (purpose, granted) in decisions {
        let e = recount.rates.entry((v.timestamp.div_euclid(86_400), purpose.clone())).or_default();
        if *granted {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
}

fn check_ack(
    r: &StoredReceipt,
    heads: &HashMap<u64, TreeHead>,
    jwk: &consentry_receipt::PublicJwk,
    report: &mut Report,
) {
    let at = format!("leaf {} ({})", r.leaf_index, r.receipt_id);
    let Some(head) = heads.get(&r.sth_size) else {
        return report.problem(format!("{at}: no tree head of size {}", r.sth_size));
    };
    let Some(link) = Link::parse(&r.chain) else {
        return report.problem(format!("{at}: unknown chain link {}", r.chain));
    };
    if r.leaf_index >= r.sth_size {
        report.problem(format!("{at}: acknowledged under tree head {} that does not contain it", r.sth_size));
    }
    let expected = ack::payload(&r.receipt_id, &r.receipt_hash, r.leaf_index, head, link);
    if open(jwk, ack::TYP, &r.ack) != Some(expected) {
        report.problem(format!("{at}: the stored ack is not the server's signature over this position"));
    }
}

async fn check_head(db: &Db, frontier: &Frontier, report: &mut Report) -> Result<(), DbError> {
    let row =
        sqlx::query("SELECT tree_size, frontier, chain_breaks FROM log_head WHERE id = 1").fetch_one(&db.pool).await?;
    let (size, bytes, breaks): (i64, Vec<u8>, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    if size != frontier.size() as i64 || bytes != frontier.to_bytes() {
        report.problem(format!(
            "log head says {size} leaves with another right edge; the receipts make {}",
            frontier.size()
        ));
    }
    if breaks != report.chain_breaks as i64 {
        report.problem(format!("log head counts {breaks} chain breaks; the receipts make {}", report.chain_breaks));
    }
    Ok(())
}

async fn check_nodes(db: &Db, levels: &[Vec<Hash>], report: &mut Report) -> Result<(), DbError> {
    for (level, hashes) in levels.iter().enumerate().skip(1) {
        let mut from = 0u64;
        loop {
            let page = tree::nodes_of_level(db, level as u32, from, 5000).await?;
            let Some(&(last, _)) = page.last() else { break };
            for (idx, hash) in page {
                if hashes.get(idx as usize) != Some(&hash) {
                    report.problem(format!("Merkle node (level {level}, index {idx}) differs from the receipts"));
                }
            }
            from = last + 1;
        }
    }
    let expected: u64 = levels.iter().skip(1).map(|l| l.len() as u64).sum();
    let stored = tree::node_count(db).await?;
    if stored != expected {
        report.problem(format!("{stored} Merkle nodes stored; the receipts make {expected}"));
    }
    report.nodes = stored;
    Ok(())
}

async fn check_tables(db: &Db, recount: &Recount, report: &mut Report) -> Result<(), DbError> {
    let rates: BTreeMap<(i64, String), (u64, u64)> =
        reads::all_daily_rates(db).await?.into_iter().map(|r| ((r.day, r.purpose), (r.granted, r.refused))).collect();
    if rates != recount.rates {
        report.problem("the daily rates differ from the receipts".into());
    }
    let subjects = crate::db::subjects::all(db).await?;
    if subjects != recount.subjects {
        let missing = recount.subjects.difference(&subjects).count();
        let extra = subjects.difference(&recount.subjects).count();
        report.problem(format!(
            "the subject index differs from the receipts (missing: {missing}; carried by no receipt: {extra})"
        ));
    }
    Ok(())
}
