//! The right edge of the tree: what appending needs, in `O(log n)` space.
//!
//! A tree of `n` leaves is, left to right, one perfect subtree per set bit of `n` (largest first).
//! Keeping just their hashes is enough to append a leaf (a binary carry that completes new perfect
//! subtrees, each reported so it can be stored) and to compute the root. The frontier is stored in
//! the log head row and read back under the head lock by whichever instance appends next.

use super::merkle::{empty_root, node_hash, Hash, NodeKey, Span};

/// The perfect subtrees along the right edge of a tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Frontier {
    size: u64,
    /// One hash per set bit of `size`, highest level first.
    hashes: Vec<Hash>,
}

/// Why stored frontier bytes were refused.
#[derive(Debug, thiserror::Error)]
#[error("stored frontier of {len} bytes does not fit a tree of {size} leaves")]
pub struct FrontierError {
    len: usize,
    size: u64,
}

impl Frontier {
    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf hash; `completed` receives every perfect subtree this completes, the leaf
    /// itself first and then upwards.
    pub fn push(&mut self, leaf: Hash, mut completed: impl FnMut(NodeKey, Hash)) {
        let mut hash = leaf;
        let mut key = NodeKey { level: 0, index: self.size };
        completed(key, hash);
        while key.index & 1 == 1 {
            let Some(left) = self.hashes.pop() else { break };
            hash = node_hash(&left, &hash);
            key = NodeKey { level: key.level + 1, index: key.index >> 1 };
            completed(key, hash);
        }
        self.hashes.push(hash);
        self.size += 1;
    }

    /// `MTH` of the tree.
    pub fn root(&self) -> Hash {
        Span::hash_from_parts(&self.hashes).unwrap_or_else(empty_root)
    }

    /// The stored form: the hashes concatenated.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.hashes.concat()
    }

    /// Reads the stored form for a tree of `size` leaves.
    pub fn from_bytes(size: u64, bytes: &[u8]) -> Result<Self, FrontierError> {
        let wanted = size.count_ones() as usize * 32;
        if bytes.len() != wanted {
            return Err(FrontierError { len: bytes.len(), size });
        }
        let hashes = bytes.chunks_exact(32).map(|c| c.try_into().unwrap_or([0; 32])).collect();
        Ok(Frontier { size, hashes })
    }
}
