//! The multi-row statements of one append transaction: receipts, Merkle nodes, daily rates, and
//! webhook events.
//! One statement per table per batch (in chunks that stay under the backends' parameter limits).

use std::collections::HashMap;

use super::leaf::{Leaf, Tx};
use crate::ack::Answer;
use crate::db::decisions::decisions_json;
use crate::db::params::{bind_all, Param, Placeholders};
use crate::db::{to_i64, Backend, DbError};
use crate::ledger::tree_head::TreeHead;
use crate::ledger::{Hash, NodeKey};
use crate::webhook::event::Event;

pub(super) async fn insert_receipts(
    tx: &mut Tx,
    backend: Backend,
    leaves: &[Leaf<'_>],
    answers: &[Answer],
    sth_size: u64,
) -> Result<(), DbError> {
    const COLS: usize = 15;
    for (chunk, answers) in leaves.chunks(200).zip(answers.chunks(200)) {
        let sql = format!(
            "INSERT INTO receipts (leaf_index, leaf_hash, receipt_id, principal, consent_ts, received_ms, collection_method, \
             policy_version, decisions, prev_receipt_hash, receipt_hash, chain, sth_size, ack, jws) VALUES {}",
            Placeholders::new(backend).groups(chunk.len(), COLS)
        );
        let mut params = Vec::with_capacity(chunk.len() * COLS);
        for (leaf, answer) in chunk.iter().zip(answers) {
            let (a, r) = (leaf.item.admitted, &leaf.item.admitted.receipt);
            params.extend([
                Param::Int(to_i64(leaf.index)),
                Param::Blob(leaf.hash.to_vec()),
                Param::Text(r.id.clone()),
                Param::Text(r.principal.clone()),
                Param::Int(r.timestamp),
                Param::Int(leaf.item.received_ms),
                Param::Text(r.collection_method.to_string()),
                Param::Text(r.policy_version.clone()),
                Param::Text(decisions_json(r)),
                Param::OptText(r.prev_receipt_hash.clone()),
                Param::Text(a.receipt_hash.clone()),
                Param::Text(leaf.link.as_str().to_string()),
                Param::Int(to_i64(sth_size)),
                Param::Text(answer.ack.clone()),
                Param::Text(a.jws.clone()),
            ]);
        }
        bind_all(sqlx::query(&sql), params).execute(&mut **tx).await?;
    }
    Ok(())
}

pub(super) async fn insert_nodes(tx: &mut Tx, backend: Backend, nodes: &[(NodeKey, Hash)]) -> Result<(), DbError> {
    for chunk in nodes.chunks(1000) {
        let sql = format!(
            "INSERT INTO merkle_nodes (level, idx, hash) VALUES {}",
            Placeholders::new(backend).groups(chunk.len(), 3)
        );
        let params = chunk
            .iter()
            .flat_map(|(k, h)| [Param::Int(i64::from(k.level)), Param::Int(to_i64(k.index)), Param::Blob(h.to_vec())])
            .collect();
        bind_all(sqlx::query(&sql), params).execute(&mut **tx).await?;
    }
    Ok(())
}

pub(super) async fn upsert_rates(tx: &mut Tx, backend: Backend, leaves: &[Leaf<'_>]) -> Result<(), DbError> {
    let mut per: HashMap<(i64, &str), (i64, i64)> = HashMap::new();
    for leaf in leaves {
        let r = &leaf.item.admitted.receipt;
        // A state the Global Privacy Control signal alone set is no visitor's decision: it is
        // counted apart (`gpcOptOut` of `/v1/stats/consent-rates`), not in the consent rates.
        if !r.collection_method.is_visitor_decision() {
            continue;
        }
        for (purpose, granted) in &r.purpose_decisions {
            let e = per.entry((r.timestamp.div_euclid(86_400), purpose)).or_default();
            if *granted {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    let rows: Vec<_> = per.into_iter().collect();
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO daily_rates (day, purpose, granted, refused) VALUES {} ON CONFLICT (day, purpose) DO UPDATE SET \
             granted = daily_rates.granted + excluded.granted, refused = daily_rates.refused + excluded.refused",
            Placeholders::new(backend).groups(chunk.len(), 4)
        );
        let params = chunk
            .iter()
            .flat_map(|((day, p), (g, r))| {
                [Param::Int(*day), Param::Text(p.to_string()), Param::Int(*g), Param::Int(*r)]
            })
            .collect();
        bind_all(sqlx::query(&sql), params).execute(&mut **tx).await?;
    }
    Ok(())
}

/// One outbox event per new leaf ([`crate::webhook`]), written only when `serve` has webhooks.
pub(super) async fn insert_events(
    tx: &mut Tx,
    backend: Backend,
    leaves: &[Leaf<'_>],
    head: &TreeHead,
) -> Result<(), DbError> {
    for chunk in leaves.chunks(300) {
        let sql = format!(
            "INSERT INTO webhook_events (leaf_index, event, created_ms) VALUES {}",
            Placeholders::new(backend).groups(chunk.len(), 3)
        );
        let params = chunk
            .iter()
            .flat_map(|leaf| {
                let r = &leaf.item.admitted.receipt;
                let event = Event::new(
                    r,
                    leaf.link.as_str(),
                    leaf.index,
                    leaf.item.received_ms,
                    (head.size, head.timestamp_ms),
                );
                [Param::Int(to_i64(leaf.index)), Param::Text(event.to_json()), Param::Int(head.timestamp_ms)]
            })
            .collect();
        bind_all(sqlx::query(&sql), params).execute(&mut **tx).await?;
    }
    Ok(())
}
