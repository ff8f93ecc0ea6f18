//! The public log endpoints: signed tree heads, inclusion and consistency proofs (RFC 9162 §2.1),
//! and the server's keys. Anyone may check that a receipt is in the log and that the log only
//! grows; the proofs carry hashes only, never receipt contents.
//!
//! * `GET /.well-known/jwks.json`
//! * `GET /v1/log/sth` (latest) and `GET /v1/log/sth/{size}`
//! * `GET /v1/log/inclusion?id=RECEIPT_ID[&principal=P]|leafIndex=N[&treeSize=N]` (an id is unique
//!   per principal: `principal` is needed only when two principals used the same id)
//! * `GET /v1/log/consistency?first=M[&second=N]`

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use consentry_receipt::b64;
use serde::{Deserialize, Serialize};

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

// The answers. Members are in alphabetical order: the order these bodies have always had on the
// wire (they were `serde_json::Value`s, whose objects sort their keys).

/// A signed tree head: `GET /v1/log/sth`, `GET /v1/log/sth/{size}`, and inside the proofs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeHeadBody {
    /// `MTH` of the first `treeSize` leaves, base64url.
    pub root_hash: String,
    /// Compact JWS (`typ` `consentry-sth+jws`) over the other three members.
    pub signature: String,
    /// When it was signed, ms since the epoch.
    pub timestamp: i64,
    /// Number of leaves.
    pub tree_size: u64,
}

impl From<&SignedTreeHead> for TreeHeadBody {
    fn from(sth: &SignedTreeHead) -> Self {
        TreeHeadBody {
            root_hash: b64::encode(&sth.head.root),
            signature: sth.jws.clone(),
            timestamp: sth.head.timestamp_ms,
            tree_size: sth.head.size,
        }
    }
}

/// `GET /v1/log/inclusion`: RFC 9162 §2.1.3 `PATH` of one leaf in a tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InclusionProof {
    /// The leaf hash, base64url.
    pub leaf_hash: String,
    /// The leaf's index.
    pub leaf_index: u64,
    /// The audit path, base64url hashes.
    pub proof: Vec<String>,
    /// Root of the tree of `treeSize` leaves, base64url.
    pub root_hash: String,
    /// The signed head of that size, `null` if none was made (heads exist at batch boundaries).
    pub tree_head: Option<TreeHeadBody>,
    /// The tree the proof is for.
    pub tree_size: u64,
}

/// `GET /v1/log/consistency`: RFC 9162 §2.1.4 `PROOF` between two tree sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsistencyProof {
    /// The smaller tree size.
    pub first: u64,
    /// Its root, base64url.
    pub first_root: String,
    /// Its signed head, `null` if none was made.
    pub first_tree_head: Option<TreeHeadBody>,
    /// The consistency proof, base64url hashes.
    pub proof: Vec<String>,
    /// The larger tree size.
    pub second: u64,
    /// Its root, base64url.
    pub second_root: String,
    /// Its signed head, `null` if none was made.
    pub second_tree_head: Option<TreeHeadBody>,
}

async fn jwks(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(state.key.jwks())
}

async fn latest(State(state): State<AppState>) -> Result<Json<TreeHeadBody>, AppError> {
    let sth = tree::latest_tree_head(&state.db).await?.ok_or_else(|| AppError::NotFound("the log is empty".into()))?;
    Ok(Json(TreeHeadBody::from(&sth)))
}

async fn at_size(State(state): State<AppState>, Path(size): Path<u64>) -> Result<Json<TreeHeadBody>, AppError> {
    let sth = tree::tree_head(&state.db, size)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no signed tree head of size {size}")))?;
    Ok(Json(TreeHeadBody::from(&sth)))
}

/// The latest signed tree head, or 404.
async fn latest_head(state: &AppState) -> Result<SignedTreeHead, AppError> {
    tree::latest_tree_head(&state.db).await?.ok_or_else(|| AppError::NotFound("the log is empty".into()))
}

/// The signed head of `size` if one was made (heads exist at batch boundaries).
async fn head_body(state: &AppState, size: u64) -> Result<Option<TreeHeadBody>, AppError> {
    Ok(tree::tree_head(&state.db, size).await?.as_ref().map(TreeHeadBody::from))
}

fn b64s(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(|h| b64::encode(h)).collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InclusionQuery {
    id: Option<String>,
    principal: Option<String>,
    leaf_index: Option<u64>,
    tree_size: Option<u64>,
}

async fn inclusion(
    State(state): State<AppState>,
    Query(q): Query<InclusionQuery>,
) -> Result<Json<InclusionProof>, AppError> {
    let latest = latest_head(&state).await?.head.size;
    let size = q.tree_size.unwrap_or(latest);
    let (index, leaf) = match (&q.id, q.leaf_index) {
        (Some(id), None) => {
            let found = reads::receipts_by_id(&state.db, id, q.principal.as_deref()).await?;
            let r = match found.as_slice() {
                [r] => r,
                [] => return Err(AppError::NotFound(format!("no receipt {id:?} in the log"))),
                _ => {
                    return Err(AppError::BadRequest(format!(
                        "receipts of several principals have the id {id:?}: add principal=PII_PRINCIPAL_ID"
                    )))
                }
            };
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
    Ok(Json(InclusionProof {
        leaf_hash: b64::encode(&leaf),
        leaf_index: index,
        proof: b64s(&hashes),
        root_hash: b64::encode(&root.unwrap_or_default()),
        tree_head: head_body(&state, size).await?,
        tree_size: size,
    }))
}

#[derive(Deserialize)]
struct ConsistencyQuery {
    first: u64,
    second: Option<u64>,
}

async fn consistency(
    State(state): State<AppState>,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Json<ConsistencyProof>, AppError> {
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
    Ok(Json(ConsistencyProof {
        first: q.first,
        first_root: b64::encode(&first_root),
        first_tree_head: head_body(&state, q.first).await?,
        proof: b64s(&hashes),
        second,
        second_root: b64::encode(&second_root),
        second_tree_head: head_body(&state, second).await?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::tree_head::TreeHead;

    #[test]
    fn proofs_keep_their_wire_form() {
        let sth = SignedTreeHead { head: TreeHead { size: 2, root: [1; 32], timestamp_ms: 5 }, jws: "h.p.s".into() };
        let (one, two) = (b64::encode(&[1; 32]), b64::encode(&[2; 32]));
        let head = format!(r#"{{"rootHash":"{one}","signature":"h.p.s","timestamp":5,"treeSize":2}}"#);
        assert_eq!(serde_json::to_string(&TreeHeadBody::from(&sth)).unwrap(), head);

        let inclusion = InclusionProof {
            leaf_hash: two.clone(),
            leaf_index: 1,
            proof: vec![two.clone()],
            root_hash: one.clone(),
            tree_head: Some(TreeHeadBody::from(&sth)),
            tree_size: 2,
        };
        assert_eq!(
            serde_json::to_string(&inclusion).unwrap(),
            format!(
                r#"{{"leafHash":"{two}","leafIndex":1,"proof":["{two}"],"rootHash":"{one}","treeHead":{head},"treeSize":2}}"#
            )
        );

        let consistency = ConsistencyProof {
            first: 1,
            first_root: two.clone(),
            first_tree_head: None,
            proof: vec![],
            second: 2,
            second_root: one.clone(),
            second_tree_head: Some(TreeHeadBody::from(&sth)),
        };
        assert_eq!(
            serde_json::to_string(&consistency).unwrap(),
            format!(
                r#"{{"first":1,"firstRoot":"{two}","firstTreeHead":null,"proof":[],"second":2,"secondRoot":"{one}","secondTreeHead":{head}}}"#
            )
        );
    }
}
