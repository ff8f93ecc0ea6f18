//! Reading the tree: the log head, signed tree heads, and the stored hashes that proofs are
//! built from (leaf hashes in `receipts`, inner nodes in `merkle_nodes`).

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::Row;

use super::params::{bind_all, Param, Placeholders};
use super::{to_i64, to_u64, Db, DbError};
use crate::ledger::tree_head::{SignedTreeHead, TreeHead};
use crate::ledger::{Hash, NodeKey, Span};

/// A stored 32-byte hash.
pub(crate) fn hash(bytes: Vec<u8>) -> Result<Hash, DbError> {
    bytes.try_into().map_err(|b: Vec<u8>| DbError::Corrupt(format!("a stored hash of {} bytes", b.len())))
}

fn sth(row: &AnyRow) -> Result<SignedTreeHead, DbError> {
    let head = TreeHead {
        size: to_u64(row.try_get(0)?, "tree size")?,
        root: hash(row.try_get(1)?)?,
        timestamp_ms: row.try_get(2)?,
    };
    Ok(SignedTreeHead { head, jws: row.try_get(3)? })
}

/// Tree size and chain-break count from the log head.
pub async fn head(db: &Db) -> Result<(u64, u64), DbError> {
    let row = sqlx::query("SELECT tree_size, chain_breaks FROM log_head WHERE id = 1").fetch_one(&db.pool).await?;
    Ok((to_u64(row.try_get(0)?, "tree size")?, to_u64(row.try_get(1)?, "chain breaks")?))
}

/// The latest signed tree head, if the log is not empty.
pub async fn latest_tree_head(db: &Db) -> Result<Option<SignedTreeHead>, DbError> {
    let row =
        sqlx::query("SELECT tree_size, root_hash, timestamp_ms, jws FROM tree_heads ORDER BY tree_size DESC LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    row.as_ref().map(sth).transpose()
}

/// The signed tree head of exactly `size` leaves, if one was made.
pub async fn tree_head(db: &Db, size: u64) -> Result<Option<SignedTreeHead>, DbError> {
    let row = sqlx::query("SELECT tree_size, root_hash, timestamp_ms, jws FROM tree_heads WHERE tree_size = $1")
        .bind(to_i64(size))
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(sth).transpose()
}

/// The log's size at the end of each UTC day on which a tree head was signed, before `to_ms`:
/// `(day number, largest tree size signed that day)`, oldest first (the dashboard's log size).
pub async fn sizes_by_day(db: &Db, to_ms: i64) -> Result<Vec<(i64, u64)>, DbError> {
    let rows = sqlx::query(
        "SELECT timestamp_ms / 86400000, MAX(tree_size) FROM tree_heads WHERE timestamp_ms < $1 \
         GROUP BY timestamp_ms / 86400000 ORDER BY 1",
    )
    .bind(to_ms)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, to_u64(r.try_get(1)?, "tree size")?))).collect()
}

/// Signed tree heads after `after` (by size), oldest first, at most `limit`.
pub async fn tree_heads_page(db: &Db, after: u64, limit: i64) -> Result<Vec<SignedTreeHead>, DbError> {
    let rows = sqlx::query("SELECT tree_size, root_hash, timestamp_ms, jws FROM tree_heads WHERE tree_size > $1 ORDER BY tree_size LIMIT $2")
        .bind(to_i64(after))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(sth).collect()
}

/// The stored hashes of the perfect subtrees `keys` (leaf hashes from `receipts`, the others from
/// `merkle_nodes`).
pub async fn nodes(db: &Db, keys: &[NodeKey]) -> Result<HashMap<NodeKey, Hash>, DbError> {
    let mut out = HashMap::new();
    let (leaves, inner): (Vec<NodeKey>, Vec<NodeKey>) = keys.iter().partition(|k| k.level == 0);
    for chunk in leaves.chunks(200) {
        let sql = format!(
            "SELECT leaf_index, leaf_hash FROM receipts WHERE leaf_index IN ({})",
            Placeholders::new(db.backend).list(chunk.len())
        );
        let params = chunk.iter().map(|k| Param::Int(to_i64(k.index))).collect();
        for row in bind_all(sqlx::query(&sql), params).fetch_all(&db.pool).await? {
            out.insert(NodeKey { level: 0, index: to_u64(row.try_get(0)?, "leaf index")? }, hash(row.try_get(1)?)?);
        }
    }
    for chunk in inner.chunks(200) {
        let mut p = Placeholders::new(db.backend);
        let wanted: Vec<String> =
            chunk.iter().map(|_| format!("(level = {} AND idx = {})", p.one(), p.one())).collect();
        let sql = format!("SELECT level, idx, hash FROM merkle_nodes WHERE {}", wanted.join(" OR "));
        let params = chunk.iter().flat_map(|k| [Param::Int(i64::from(k.level)), Param::Int(to_i64(k.index))]).collect();
        for row in bind_all(sqlx::query(&sql), params).fetch_all(&db.pool).await? {
            let level: i64 = row.try_get(0)?;
            let key = NodeKey { level: level as u32, index: to_u64(row.try_get(1)?, "node index")? };
            out.insert(key, hash(row.try_get(2)?)?);
        }
    }
    Ok(out)
}

/// `MTH` of each span, from stored perfect nodes (one query for all of them).
pub async fn span_hashes(db: &Db, spans: &[Span]) -> Result<Vec<Hash>, DbError> {
    let keys: Vec<NodeKey> = spans.iter().flat_map(|s| s.perfect_parts()).collect();
    let found = nodes(db, &keys).await?;
    spans
        .iter()
        .map(|s| {
            s.hash(|k| found.get(&k).copied())
                .ok_or_else(|| DbError::Corrupt(format!("a Merkle node of {s:?} is missing")))
        })
        .collect()
}

/// Stored nodes of one level (>= 1) from index `from`, in order, at most `limit` (for `verify`).
pub async fn nodes_of_level(db: &Db, level: u32, from: u64, limit: i64) -> Result<Vec<(u64, Hash)>, DbError> {
    let rows = sqlx::query("SELECT idx, hash FROM merkle_nodes WHERE level = $1 AND idx >= $2 ORDER BY idx LIMIT $3")
        .bind(i64::from(level))
        .bind(to_i64(from))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| Ok((to_u64(r.try_get(0)?, "node index")?, hash(r.try_get(1)?)?))).collect()
}

/// Count of stored nodes of level >= 1 (for `verify`).
pub async fn node_count(db: &Db) -> Result<u64, DbError> {
    let row = sqlx::query("SELECT COUNT(*) FROM merkle_nodes").fetch_one(&db.pool).await?;
    to_u64(row.try_get(0)?, "node count")
}
