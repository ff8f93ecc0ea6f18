//! Merkle tree hashing of RFC 9162 §2.1.1, and the vocabulary the proofs are written in.
//!
//! The log is the list of accepted receipts, each leaf the ASCII bytes of one compact JWS.
//! `MTH({}) = SHA-256()`, `MTH({d}) = SHA-256(0x00 ‖ d)`, and for `n > 1` with `k` the largest power
//! of two below `n`: `MTH(D[n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))`.
//!
//! Every subtree that RFC 9162's recursion visits is a [`Span`] `[start, end)` whose start is a
//! multiple of the power of two at or above its length; its hash is built from *perfect* subtrees
//! (`2^level` leaves, aligned), which the server stores once each as [`NodeKey`]s. So any proof for
//! any tree size needs only stored perfect nodes and a few hashes computed on the fly.

use sha2::{Digest, Sha256};

/// A SHA-256 value.
pub type Hash = [u8; 32];

/// `SHA-256(0x00 ‖ leaf)`.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree, `SHA-256()`.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly below `n` (`n >= 2`), RFC 9162's `k`.
pub fn split(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// A perfect subtree: `2^level` leaves starting at leaf `index << level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeKey {
    /// Height above the leaves (0 = a leaf hash).
    pub level: u32,
    /// Position among the subtrees of that level.
    pub index: u64,
}

/// The leaves `[start, end)` of a subtree visited by RFC 9162's recursion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First leaf.
    pub start: u64,
    /// One past the last leaf.
    pub end: u64,
}

impl Span {
    /// The span `[start, end)`.
    pub fn new(start: u64, end: u64) -> Self {
        Span { start, end }
    }

    fn len(self) -> u64 {
        self.end - self.start
    }

    /// The perfect subtrees that make up this span, left to right (its size's binary digits).
    pub fn perfect_parts(self) -> Vec<NodeKey> {
        let mut parts = Vec::new();
        let mut start = self.start;
        while start < self.end {
            let len = self.end - start;
            let size = if len.is_power_of_two() { len } else { split(len) };
            let level = size.trailing_zeros();
            parts.push(NodeKey { level, index: start >> level });
            start += size;
        }
        parts
    }

    /// `MTH` of the span from the hashes of its perfect parts (in [`Span::perfect_parts`] order):
    /// RFC 9162 splits off the largest power of two first, so the parts combine from the right.
    pub fn hash_from_parts(parts: &[Hash]) -> Option<Hash> {
        let (last, rest) = parts.split_last()?;
        Some(rest.iter().rev().fold(*last, |right, left| node_hash(left, &right)))
    }

    /// `MTH` of the span, looking perfect subtrees up with `node`.
    pub fn hash(self, node: impl Fn(NodeKey) -> Option<Hash>) -> Option<Hash> {
        if self.len() == 0 {
            return Some(empty_root());
        }
        let parts: Option<Vec<Hash>> = self.perfect_parts().into_iter().map(node).collect();
        Span::hash_from_parts(&parts?)
    }
}

/// `MTH(D[n])` computed directly from leaf hashes with RFC 9162's recursive definition
/// (the reference the faster code is tested against, and what `verify` rebuilds).
pub fn root_of(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n as u64) as usize;
            node_hash(&root_of(&leaves[..k]), &root_of(&leaves[k..]))
        }
    }
}
