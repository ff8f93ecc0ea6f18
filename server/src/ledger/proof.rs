//! Inclusion and consistency proofs (RFC 9162 §2.1.3 and §2.1.4): which subtrees a proof lists,
//! and the verification algorithms a client runs, written from the RFC's text.
//!
//! Generation returns [`Span`]s; the caller hashes them from stored perfect nodes
//! ([`Span::perfect_parts`]). Verification takes plain hashes and needs nothing from the server.

use super::merkle::{node_hash, split, Hash, Span};

/// `PATH(m, D[n])`: the spans whose hashes prove leaf `index` is in the tree of `size` leaves,
/// from the leaf's sibling up to the root's other child. `None` when `index >= size`.
pub fn inclusion_spans(index: u64, size: u64) -> Option<Vec<Span>> {
    if index >= size {
        return None;
    }
    let mut out = Vec::new();
    path(index, 0, size, &mut out);
    Some(out)
}

fn path(m: u64, start: u64, n: u64, out: &mut Vec<Span>) {
    if n <= 1 {
        return;
    }
    let k = split(n);
    if m < k {
        path(m, start, k, out);
        out.push(Span::new(start + k, start + n));
    } else {
        path(m - k, start + k, n - k, out);
        out.push(Span::new(start, start + k));
    }
}

/// `PROOF(m, D[n])`: the spans whose hashes prove the tree of `first` leaves is a prefix of the
/// tree of `second` leaves. Empty when `first == second`; `None` unless `0 < first <= second`.
pub fn consistency_spans(first: u64, second: u64) -> Option<Vec<Span>> {
    if first == 0 || first > second {
        return None;
    }
    let mut out = Vec::new();
    subproof(first, 0, second, true, &mut out);
    Some(out)
}

fn subproof(m: u64, start: u64, n: u64, whole: bool, out: &mut Vec<Span>) {
    if m == n {
        if !whole {
            out.push(Span::new(start, start + n));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, start, k, whole, out);
        out.push(Span::new(start + k, start + n));
    } else {
        subproof(m - k, start + k, n - k, false, out);
        out.push(Span::new(start, start + k));
    }
}

/// RFC 9162 §2.1.3.2: does `proof` show `leaf` (a leaf hash) at `index` in the tree of `size`
/// leaves whose root is `root`?
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

/// RFC 9162 §2.1.4.2: does `proof` show the tree of `first` leaves (root `first_root`) is a prefix
/// of the tree of `second` leaves (root `second_root`)? Equal sizes need an empty proof and equal
/// roots.
pub fn verify_consistency(first: u64, second: u64, first_root: &Hash, second_root: &Hash, proof: &[Hash]) -> bool {
    if first == 0 || first > second {
        return false;
    }
    if first == second {
        return proof.is_empty() && first_root == second_root;
    }
    if proof.is_empty() {
        return false;
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(*first_root);
    }
    path.extend_from_slice(proof);
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    fr == *first_root && sr == *second_root && s == 0
}
