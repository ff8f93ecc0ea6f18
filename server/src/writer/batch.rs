//! One append transaction: a batch of admitted receipts becomes leaves of the log, durably.
//!
//! Inside one transaction, in this order: lock the log head row (`UPDATE … RETURNING`, which
//! PostgreSQL holds until commit and which SQLite takes under `BEGIN IMMEDIATE`), so appends
//! from any number of instances form one log; answer known `(principal, id)` pairs from the log
//! (idempotency) or refuse them (409); classify each new receipt's chain link; extend the tree from the stored
//! frontier; sign the new tree head and one ack per receipt; insert everything with one
//! multi-row statement per table (and, with webhooks, one outbox event per leaf); move the head;
//! commit. Statements per batch do not grow with
//! its size, which is what makes group commit pay.

use std::collections::HashMap;

use sqlx::Row;

pub use super::leaf::Item;
use super::leaf::{Leaf, Tx};
use super::rows::{insert_events, insert_nodes, insert_receipts, upsert_rates};
use crate::ack::{self, Answer};
use crate::chain::Link;
use crate::db::params::{bind_all, Param, Placeholders};
use crate::db::reads::stored_answers;
use crate::db::{to_i64, to_u64, Backend, Db, DbError};
use crate::keys::{KeyError, ServerKey};
use crate::ledger::merkle::leaf_hash;
use crate::ledger::tree_head::TreeHead;
use crate::ledger::{Frontier, Hash, NodeKey};

/// What became of a submitted receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Appended to the log now.
    Appended(Answer),
    /// Already in the log with the same JWS: the stored answer.
    Duplicate(Answer),
    /// Already in the log with other content under the same `consentReceiptID`.
    Conflict,
}

/// What became of each item before the tree head is known.
enum Plan {
    Done(Outcome),
    New(usize),
    SameAsNew(usize),
}

/// Appends `items` in order; one outcome per item. Nothing is visible to others before commit.
/// The new tree head's timestamp is the latest of `now_ms`, the clock once the log head is locked,
/// and the previous head's, so tree heads never go back in time.
pub async fn append(db: &Db, key: &ServerKey, items: &[Item<'_>], now_ms: i64) -> Result<Vec<Outcome>, DbError> {
    append_with_events(db, key, items, now_ms, false).await
}

/// [`append`], and with `events` one webhook event per new leaf in the outbox
/// ([`crate::webhook`]), in the same transaction.
pub async fn append_with_events(
    db: &Db,
    key: &ServerKey,
    items: &[Item<'_>],
    now_ms: i64,
    events: bool,
) -> Result<Vec<Outcome>, DbError> {
    let mut tx = match db.backend {
        Backend::Sqlite => db.pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => db.pool.begin().await?,
    };
    let row = sqlx::query(
        "UPDATE log_head SET updated_ms = updated_ms WHERE id = 1 RETURNING tree_size, frontier, updated_ms",
    )
    .fetch_one(&mut *tx)
    .await?;
    let previous_ms: i64 = row.try_get(2)?;
    let size = to_u64(row.try_get(0)?, "tree size")?;
    let mut frontier =
        Frontier::from_bytes(size, &row.try_get::<Vec<u8>, _>(1)?).map_err(|e| DbError::Corrupt(e.to_string()))?;

    let keys: Vec<(&str, &str)> =
        items.iter().map(|i| (i.admitted.receipt.principal.as_str(), i.admitted.receipt.id.as_str())).collect();
    let known = stored_answers(&mut *tx, db.backend, &keys).await?;
    let principals: Vec<&str> = items.iter().map(|i| i.admitted.receipt.principal.as_str()).collect();
    let mut heads = chain_heads(&mut tx, db.backend, &principals).await?;

    let mut plans = Vec::with_capacity(items.len());
    let mut leaves: Vec<Leaf> = Vec::new();
    let mut nodes: Vec<(NodeKey, Hash)> = Vec::new();
    let mut in_batch: HashMap<(&str, &str), usize> = HashMap::new();
    let mut hashes_in_batch: HashMap<&str, &str> = HashMap::new();
    for item in items {
        let (a, r) = (item.admitted, &item.admitted.receipt);
        if let Some((jws, answer)) = known.get(&(r.principal.clone(), r.id.clone())) {
            plans.push(Plan::Done(if *jws == a.jws { Outcome::Duplicate(answer.clone()) } else { Outcome::Conflict }));
            continue;
        }
        if let Some(&n) = in_batch.get(&(r.principal.as_str(), r.id.as_str())) {
            plans.push(if leaves[n].item.admitted.jws == a.jws {
                Plan::SameAsNew(n)
            } else {
                Plan::Done(Outcome::Conflict)
            });
            continue;
        }
        let prev = r.prev_receipt_hash.as_deref();
        let older_here = prev.is_some_and(|p| hashes_in_batch.get(p) == Some(&r.principal.as_str()));
        let link = Link::classify(prev, heads.get(&r.principal).map(String::as_str), older_here);
        heads.insert(r.principal.clone(), a.receipt_hash.clone());
        hashes_in_batch.insert(&a.receipt_hash, &r.principal);
        in_batch.insert((&r.principal, &r.id), leaves.len());
        plans.push(Plan::New(leaves.len()));
        let hash = leaf_hash(a.jws.as_bytes());
        leaves.push(Leaf { item, index: frontier.size(), hash, link });
        frontier.push(hash, |k, h| {
            if k.level > 0 {
                nodes.push((k, h));
            }
        });
    }
    if leaves.is_empty() {
        tx.rollback().await?;
        return Ok(plans.into_iter().map(|p| if let Plan::Done(o) = p { o } else { Outcome::Conflict }).collect());
    }
    refine_gaps(&mut tx, db.backend, &mut leaves).await?;

    // The clock is read once the head is locked, and a head is never older than the one before:
    // with several instances, the one holding the lock signs the next head (review #19).
    let timestamp_ms = now_ms.max(crate::time::now_ms()).max(previous_ms);
    let head = TreeHead { size: frontier.size(), root: frontier.root(), timestamp_ms };
    let sth = head.sign(key)?;
    let answers = sign_acks(key, &leaves, &head)?;

    insert_receipts(&mut tx, db.backend, &leaves, &answers, head.size).await?;
    insert_nodes(&mut tx, db.backend, &nodes).await?;
    upsert_rates(&mut tx, db.backend, &leaves).await?;
    crate::db::subjects::index(&mut tx, db.backend, leaves.iter().map(|l| (l.index, &l.item.admitted.receipt))).await?;
    if events {
        insert_events(&mut tx, db.backend, &leaves, &head).await?;
    }
    sqlx::query("INSERT INTO tree_heads (tree_size, root_hash, timestamp_ms, jws) VALUES ($1, $2, $3, $4)")
        .bind(to_i64(head.size))
        .bind(head.root.to_vec())
        .bind(head.timestamp_ms)
        .bind(sth.jws)
        .execute(&mut *tx)
        .await?;
    let breaks = leaves.iter().filter(|l| l.link.is_break()).count() as i64;
    sqlx::query(
        "UPDATE log_head SET tree_size = $1, frontier = $2, chain_breaks = chain_breaks + $3, updated_ms = $4 WHERE id = 1",
    )
    .bind(to_i64(head.size))
    .bind(frontier.to_bytes())
    .bind(breaks)
    .bind(head.timestamp_ms)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    Ok(plans
        .into_iter()
        .map(|p| match p {
            Plan::Done(o) => o,
            Plan::New(n) => Outcome::Appended(answers[n].clone()),
            Plan::SameAsNew(n) => Outcome::Duplicate(answers[n].clone()),
        })
        .collect())
}

/// One signed ack per new leaf. A batch's signatures are a tenth of its time, so a large batch is
/// signed on two threads (this runs on the writer's own thread, where blocking is fine).
fn sign_acks(key: &ServerKey, leaves: &[Leaf<'_>], head: &TreeHead) -> Result<Vec<Answer>, KeyError> {
    let sign = |leaf: &Leaf| -> Result<Answer, KeyError> {
        let a = leaf.item.admitted;
        let ack = ack::sign(key, &a.receipt.id, &a.receipt_hash, leaf.index, head, leaf.link)?;
        Ok(Answer { receipt_id: a.receipt.id.clone(), leaf_index: leaf.index, head: *head, link: leaf.link, ack })
    };
    if leaves.len() < 16 {
        return leaves.iter().map(sign).collect();
    }
    let (first, second) = leaves.split_at(leaves.len() / 2);
    std::thread::scope(|s| {
        let helper = s.spawn(|| first.iter().map(sign).collect::<Result<Vec<_>, _>>());
        let rest = second.iter().map(sign).collect::<Result<Vec<_>, _>>()?;
        let mut answers = helper.join().map_err(|_| KeyError::Crypto)??;
        answers.extend(rest);
        Ok(answers)
    })
}

/// The latest receipt hash of each principal that has one: its receipt with the largest leaf
/// index, found through the `(principal, leaf_index)` index.
async fn chain_heads(tx: &mut Tx, backend: Backend, principals: &[&str]) -> Result<HashMap<String, String>, DbError> {
    let mut unique: Vec<&str> = principals.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let sql = format!(
        "SELECT principal, receipt_hash FROM receipts WHERE leaf_index IN \
         (SELECT MAX(leaf_index) FROM receipts WHERE principal IN ({}) GROUP BY principal)",
        Placeholders::new(backend).list(unique.len())
    );
    let params = unique.iter().map(|p| Param::Text(p.to_string())).collect();
    let rows = bind_all(sqlx::query(&sql), params).fetch_all(&mut **tx).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// A `Gap` whose `prevReceiptHash` is an older stored receipt of the same principal is a `Fork`.
/// Only the named hashes are looked up (index `receipts_by_hash`), so the cost does not grow with
/// a principal's history.
async fn refine_gaps(tx: &mut Tx, backend: Backend, leaves: &mut [Leaf<'_>]) -> Result<(), DbError> {
    let mut named: Vec<String> = leaves
        .iter()
        .filter(|l| l.link == Link::Gap)
        .filter_map(|l| l.item.admitted.receipt.prev_receipt_hash.clone())
        .collect();
    if named.is_empty() {
        return Ok(());
    }
    named.sort_unstable();
    named.dedup();
    let sql = format!(
        "SELECT receipt_hash, principal FROM receipts WHERE receipt_hash IN ({})",
        Placeholders::new(backend).list(named.len())
    );
    let rows = bind_all(sqlx::query(&sql), named.into_iter().map(Param::Text).collect()).fetch_all(&mut **tx).await?;
    let mut owners: HashMap<String, Vec<String>> = HashMap::new();
    for r in rows {
        owners.entry(r.try_get(0)?).or_default().push(r.try_get(1)?);
    }
    for leaf in leaves.iter_mut().filter(|l| l.link == Link::Gap) {
        let r = &leaf.item.admitted.receipt;
        if r.prev_receipt_hash.as_ref().and_then(|p| owners.get(p)).is_some_and(|o| o.contains(&r.principal)) {
            leaf.link = Link::Fork;
        }
    }
    Ok(())
}
