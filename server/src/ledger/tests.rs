//! The ledger against RFC 9162: the worked example of §2.1.5 (the seven-leaf tree, its inclusion
//! and consistency proofs, written as the RFC's letters), and exhaustive checks that every proof
//! for every tree of up to 64 leaves verifies, and that tampered ones do not.

use std::collections::HashMap;

use super::frontier::Frontier;
use super::merkle::{empty_root, leaf_hash, node_hash, root_of, split, Hash, NodeKey, Span};
use super::proof::{consistency_spans, inclusion_spans, verify_consistency, verify_inclusion};

fn leaves(n: u64) -> Vec<Hash> {
    (0..n).map(|i| leaf_hash(format!("leaf {i}").as_bytes())).collect()
}

/// The stored nodes of a tree, as the writer produces them.
fn nodes(leaves: &[Hash]) -> (Frontier, HashMap<NodeKey, Hash>) {
    let mut frontier = Frontier::default();
    let mut nodes = HashMap::new();
    for leaf in leaves {
        frontier.push(*leaf, |k, h| {
            assert!(nodes.insert(k, h).is_none(), "{k:?} completed twice");
        });
    }
    (frontier, nodes)
}

fn hashes(spans: &[Span], nodes: &HashMap<NodeKey, Hash>) -> Vec<Hash> {
    spans.iter().map(|s| s.hash(|k| nodes.get(&k).copied()).unwrap()).collect()
}

#[test]
fn hashing_follows_rfc_9162_2_1_1() {
    assert_eq!(split(2), 1);
    assert_eq!(split(3), 2);
    assert_eq!(split(4), 2);
    assert_eq!(split(5), 4);
    assert_eq!(split(64), 32);
    assert_eq!(split(65), 64);
    let d = leaves(3);
    assert_eq!(root_of(&[]), empty_root());
    assert_eq!(root_of(&d[..1]), d[0]);
    assert_eq!(root_of(&d), node_hash(&node_hash(&d[0], &d[1]), &d[2]));
    let mut leaf = vec![0u8];
    leaf.extend_from_slice(b"abc");
    assert_eq!(leaf_hash(b"abc").to_vec(), sha2_of(&leaf));
}

fn sha2_of(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}

/// RFC 9162 §2.1.5: the tree of seven leaves d0…d6, with a…f the leaf hashes of d0…d5 (d6's is
/// its own), g = (a,b), h = (c,d), i = (e,f), j = d6's, k = (g,h), l = (i,j); and the earlier trees
/// hash0 (3 leaves), hash1 (4), hash2 (6).
#[test]
fn rfc_9162_example_tree() {
    let s = Span::new;
    let (a, b, c, d, f) = (s(0, 1), s(1, 2), s(2, 3), s(3, 4), s(5, 6));
    let (g, h, i, j, k, l) = (s(0, 2), s(2, 4), s(4, 6), s(6, 7), s(0, 4), s(4, 7));
    let _ = a;
    assert_eq!(inclusion_spans(0, 7).unwrap(), [b, h, l]);
    assert_eq!(inclusion_spans(3, 7).unwrap(), [c, g, l]);
    assert_eq!(inclusion_spans(4, 7).unwrap(), [f, j, k]);
    assert_eq!(inclusion_spans(6, 7).unwrap(), [i, k]);
    assert_eq!(consistency_spans(3, 7).unwrap(), [c, d, g, l]);
    assert_eq!(consistency_spans(4, 7).unwrap(), [l]);
    assert_eq!(consistency_spans(6, 7).unwrap(), [i, j, k]);
    assert_eq!(consistency_spans(7, 7).unwrap(), []);
    assert_eq!(inclusion_spans(7, 7), None);
    assert_eq!(consistency_spans(0, 7), None);
    assert_eq!(consistency_spans(8, 7), None);

    let data = leaves(7);
    let (_, nodes) = nodes(&data);
    let root = root_of(&data);
    let proof = hashes(&[b, h, l], &nodes);
    assert!(verify_inclusion(0, 7, &data[0], &proof, &root));
    let hash0 = root_of(&data[..3]);
    let proof = hashes(&[c, d, g, l], &nodes);
    assert!(verify_consistency(3, 7, &hash0, &root, &proof));
    assert!(!verify_consistency(3, 7, &root_of(&data[..4]), &root, &proof));
}

#[test]
fn frontier_appends_like_the_recursive_definition() {
    let d = leaves(70);
    let mut frontier = Frontier::default();
    assert_eq!(frontier.root(), empty_root());
    for n in 1..=d.len() {
        frontier.push(d[n - 1], |_, _| {});
        assert_eq!(frontier.root(), root_of(&d[..n]), "size {n}");
        let back = Frontier::from_bytes(n as u64, &frontier.to_bytes()).unwrap();
        assert_eq!(back, frontier);
    }
    assert!(Frontier::from_bytes(7, &[0; 64]).is_err(), "7 leaves need 3 hashes");
    let (_, nodes) = nodes(&d);
    assert_eq!(nodes.len(), 70 + 35 + 17 + 8 + 4 + 2 + 1, "one node per perfect subtree");
}

/// Every inclusion proof of every leaf of every tree up to 64 leaves, and every consistency proof
/// between every pair of sizes, verifies; changing the leaf, the index, the root, or any one proof
/// hash, or dropping a hash, makes it fail.
#[test]
fn every_proof_up_to_64_leaves_verifies_and_tampering_fails() {
    let d = leaves(64);
    let (_, nodes) = nodes(&d);
    let roots: Vec<Hash> = (0..=64).map(|n| root_of(&d[..n])).collect();
    let other = leaf_hash(b"not in the log");
    for n in 1..=64u64 {
        let root = roots[n as usize];
        assert_eq!(Span::new(0, n).hash(|k| nodes.get(&k).copied()), Some(root));
        for m in 0..n {
            let proof = hashes(&inclusion_spans(m, n).unwrap(), &nodes);
            let leaf = d[m as usize];
            assert!(verify_inclusion(m, n, &leaf, &proof, &root), "inclusion {m} in {n}");
            assert!(!verify_inclusion(m, n, &other, &proof, &root));
            assert!(!verify_inclusion(m, n, &leaf, &proof, &other));
            if n > 1 {
                assert!(!verify_inclusion((m + 1) % n, n, &leaf, &proof, &root), "index {m} in {n}");
                assert!(!verify_inclusion(m, n, &leaf, &proof[1..], &root));
                for i in 0..proof.len() {
                    let mut bad = proof.clone();
                    bad[i] = other;
                    assert!(!verify_inclusion(m, n, &leaf, &bad, &root));
                }
            }
        }
        for m in 1..=n {
            let proof = hashes(&consistency_spans(m, n).unwrap(), &nodes);
            let first = roots[m as usize];
            assert!(verify_consistency(m, n, &first, &root, &proof), "consistency {m} → {n}");
            assert!(!verify_consistency(m, n, &other, &root, &proof));
            assert!(!verify_consistency(m, n, &first, &other, &proof));
            if m < n {
                assert!(!verify_consistency(m, n, &first, &root, &proof[1..]));
                for i in 0..proof.len() {
                    let mut bad = proof.clone();
                    bad[i] = other;
                    assert!(!verify_consistency(m, n, &first, &root, &bad), "{m} → {n}, hash {i}");
                }
            }
        }
    }
}

#[test]
fn spans_of_proofs_are_aligned_to_stored_nodes() {
    for n in 1..=64u64 {
        let spans = (0..n)
            .flat_map(|m| inclusion_spans(m, n).unwrap())
            .chain((1..=n).flat_map(|m| consistency_spans(m, n).unwrap()));
        for span in spans {
            for key in span.perfect_parts() {
                assert!((key.index + 1) << key.level <= n, "{key:?} lies inside a tree of {n}");
            }
        }
    }
}
