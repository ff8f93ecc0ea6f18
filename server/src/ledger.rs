//! The receipt log: an append-only Merkle tree in the manner of RFC 9162 (Certificate
//! Transparency v2).
//!
//! * [`merkle`]: leaf and node hashing, spans and perfect subtrees;
//! * [`proof`]: inclusion and consistency proofs, generation (as spans) and verification;
//! * [`frontier`]: the right edge of the tree, enough to append and to compute the root;
//! * [`tree_head`]: signed tree heads.
//!
//! All of it is pure; the storage of nodes and heads is in [`crate::db`], the appending in
//! [`crate::writer`].

pub mod frontier;
pub mod merkle;
pub mod proof;
pub mod tree_head;

pub use frontier::Frontier;
pub use merkle::{leaf_hash, Hash, NodeKey, Span};

#[cfg(test)]
mod tests;
