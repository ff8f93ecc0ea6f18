//! The public log endpoints: signed tree heads, inclusion and consistency proofs (RFC 9162 §2.1),
//! and the server's keys. Anyone may check that a receipt is in the log and that the log only
//! grows; the proofs carry hashes only, never receipt contents.
//!
//! * `GET /.well-known/jwks.json`
//! * `GET /v1/log/sth` (latest) and `GET /v1/log/sth/{size}`
//! * `GET /v1/log/inclusion?id=RECEIPT_ID|leafIndex=N[&treeSize=N]`
//! * `GET /v1/log/consistency?first=M[&second=N]`

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use consentry_receipt::b64;
use serde::Deserialize;

use crate::db::{reads, tree};
use crate::error::AppError;
use crate::ledger::merkle::leaf_hash;
use crate::ledger::proof::{consistency_spans, inclusion_spans};
use crate::ledger::tree_head::SignedTreeHead;
use crate::ledger::{Hash, Span};
use crate::state::AppState;

/// The log router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/.well-known/jwks.json", get(jwks))
        .route("/v1/log/sth", get(latest))
        .route("/v1/log/sth/{size}", get(at_size))
        .route("/v1/log/inclusion", get(inclusion))
        .route("/v1/log/consistency", get(consistency))
}

async fn jwks(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(state.key.jwks())
}

async fn latest(State(state): State<AppState>) -> Result<Json<serde_json::Value>, AppError> {
    let sth = tree::latest_tree_head(&state.db).await?.ok_or_else(|| AppError::NotFound("the log is empty".into()))?;
    Ok(Json(sth.to_json()))
}

async fn at_size(State(state): State<AppState>, Path(size): Path<u64>) -> Result<Json<serde_json::Value>, AppError> {
    let sth = tree::tree_head(&state.db, size)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no signed tree head of size {size}")))?;
    Ok(Json(sth.to_json()))
}

/// The latest signed tree head, or 404.
async fn latest_head(state: &AppState) -> Result<SignedTreeHead, AppError> {
    tree::latest_tree_head(&state.db).await?.ok_or_else(|| AppError::NotFound("the log is empty".into()))
}

/// The signed head of `size` if one was made (heads exist at batch boundaries).
async fn head_json(state: &AppState, size: u64) -> Result<serde_json::Value, AppError> {
    Ok(tree::tree_head(&state.db, size).await?.map_or(serde_json::Value::Null, |h| h.to_json()))
}

fn b64s(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(|h| b64::encode(h)).collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InclusionQuery {
    id: Option<String>,
    leaf_index: Option<u64>,
    tree_size: Option<u64>,
}

async fn inclusion(
    State(state): State<AppState>,
    Query(q): Query<InclusionQuery>,
) -> Result<Json<serde_json::Value>, AppError> {
    let latest = latest_head(&state).await?.head.size;
    let size = q.tree_size.unwrap_or(latest);
    let (index, leaf) = match (&q.id, q.leaf_index) {
        (Some(id), None) => {
            let r = reads::receipt_by_id(&state.db, id)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("no receipt {id} in the log")))?;
            (r.leaf_index, Some(leaf_hash(r.jws.as_bytes())))
        }
        (None, Some(i)) => (i, None),
        _ => return Err(AppError::BadRequest("give exactly one of id or leafIndex".into())),
    };
    if size > latest || index >= size {
        return Err(AppError::BadRequest(format!(
            "leaf {index} is not in a tree of {size} (the log has {latest} leaves)"
        )));
    }
    let spans = inclusion_spans(index, size).unwrap_or_default();
    let mut wanted = spans.clone();
    wanted.push(Span::new(index, index + 1));
    wanted.push(Span::new(0, size));
    let mut hashes = tree::span_hashes(&state.db, &wanted).await?;
    let (root, leaf_stored) = (hashes.pop(), hashes.pop());
    let leaf = leaf.or(leaf_stored).unwrap_or_default();
    Ok(Json(serde_json::json!({
        "leafIndex": index,
        "treeSize": size,
        "leafHash": b64::encode(&leaf),
        "rootHash": b64::encode(&root.unwrap_or_default()),
        "proof": b64s(&hashes),
        "treeHead": head_json(&state, size).await?,
    })))
}

#[derive(Deserialize)]
struct ConsistencyQuery {
    first: u64,
    second: Option<u64>,
}

async fn consistency(
    State(state): State<AppState>,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Json<serde_json::Value>, AppError> {
    let latest = latest_head(&state).await?.head.size;
    let second = q.second.unwrap_or(latest);
    if second > latest {
        return Err(AppError::BadRequest(format!("the log has {latest} leaves, not {second}")));
    }
    let spans = consistency_spans(q.first, second).ok_or_else(|| {
        AppError::BadRequest(format!("need 0 < first <= second, got first={} second={second}", q.first))
    })?;
    let mut wanted = spans.clone();
    wanted.push(Span::new(0, q.first));
    wanted.push(Span::new(0, second));
    let mut hashes = tree::span_hashes(&state.db, &wanted).await?;
    let (second_root, first_root) = (hashes.pop().unwrap_or_default(), hashes.pop().unwrap_or_default());
    Ok(Json(serde_json::json!({
        "first": q.first,
        "second": second,
        "firstRoot": b64::encode(&first_root),
        "secondRoot": b64::encode(&second_root),
        "proof": b64s(&hashes),
        "firstTreeHead": head_json(&state, q.first).await?,
        "secondTreeHead": head_json(&state, second).await?,
    })))
}
