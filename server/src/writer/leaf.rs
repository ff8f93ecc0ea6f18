//! What one append transaction works on: the submitted [`Item`]s, the new [`Leaf`]s they become,
//! and the transaction itself ([`Tx`]). Shared by [`super::batch`] (which plans the batch) and
//! [`super::rows`] (which writes it).

use crate::chain::Link;
use crate::intake::Admitted;
use crate::ledger::Hash;

/// One receipt of a batch.
pub struct Item<'a> {
    /// The admitted receipt.
    pub admitted: &'a Admitted,
    /// When it arrived, ms since the epoch.
    pub received_ms: i64,
}

/// A new leaf of this batch.
pub(super) struct Leaf<'a> {
    /// The receipt.
    pub(super) item: &'a Item<'a>,
    /// Its leaf index.
    pub(super) index: u64,
    /// Its leaf hash.
    pub(super) hash: Hash,
    /// Its chain link.
    pub(super) link: Link,
}

/// The append transaction.
pub(super) type Tx = sqlx::Transaction<'static, sqlx::Any>;
