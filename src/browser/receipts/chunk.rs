//! The code-splitting point of the receipt worker: making and delivering receipts (the notice and its
//! hash, the WebCrypto key in IndexedDB, signing, the POSTs and their retries) is fetched as its own
//! chunk the first time a receipt is made or one is waiting to be sent, not before the banner.
//!
//! With the `split` feature (the shipped build) both functions below are `#[wasm_split]` points of
//! one chunk; without it they run directly (tests, dev builds). They cannot be `async` themselves,
//! so each returns the boxed future of the work, whose code lives in the chunk. A chunk that cannot
//! be loaded is a [`ReceiptChunkError`]: the decision itself is already stored and applied, and the
//! receipt is made on a later attempt (the next decision, or the next page view's catch-up).
#![allow(unsafe_code)] // What `#[wasm_split]` expands to: extern "C" declarations of the chunk's exports.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use consentry_model::choice::Choice;

use super::Receipts;

/// Work that runs in the chunk.
pub type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The receipt chunk could not be fetched or instantiated; the browser's console has the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("could not load the receipt code (the browser console has the details); the decision itself is stored and applied, and its receipt will be made later")]
pub struct ReceiptChunkError;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for ReceiptChunkError {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        ReceiptChunkError
    }
}

/// Makes the receipt of `choice` (see [`Receipts::make_now`]).
#[cfg_attr(feature = "split", wasm_split_helpers::wasm_split(receipts, fallible))]
pub fn make_task(worker: Rc<Receipts>, choice: Choice) -> Result<Task, ReceiptChunkError> {
    Ok(Box::pin(async move { worker.make_now(&choice).await }))
}

/// One delivery round (see [`Receipts::flush_round`]).
#[cfg_attr(feature = "split", wasm_split_helpers::wasm_split(receipts, fallible))]
pub fn flush_task(worker: Rc<Receipts>) -> Result<Task, ReceiptChunkError> {
    Ok(Box::pin(worker.flush_round()))
}

/// Makes the receipt of `choice`, once the chunk is there.
pub async fn make(worker: Rc<Receipts>, choice: Choice) -> Result<(), ReceiptChunkError> {
    #[cfg(feature = "split")]
    let task = make_task(worker, choice).await?;
    #[cfg(not(feature = "split"))]
    let task = make_task(worker, choice)?;
    task.await;
    Ok(())
}

/// Runs one delivery round, once the chunk is there.
pub async fn flush(worker: Rc<Receipts>) -> Result<(), ReceiptChunkError> {
    #[cfg(feature = "split")]
    let task = flush_task(worker).await?;
    #[cfg(not(feature = "split"))]
    let task = flush_task(worker)?;
    task.await;
    Ok(())
}
