//! The log writer: one task per process that turns admitted receipts into durable leaves.
//!
//! Request handlers verify receipts in parallel and send them here over a channel. The task takes
//! whatever has queued up (at most [`MAX_BATCH`]), appends it in one transaction
//! ([`batch::append`]), and only after the commit answers every sender. While one commit is being
//! synced to disk the next batch gathers, so the cost of durability is paid once per batch, not
//! once per receipt. If the transaction fails, every receipt of the batch is answered with an
//! error (the client retries; nothing was acknowledged).
//!
//! The task runs on its own OS thread with its own single-threaded runtime and its own database
//! connection. On the shared runtime it would wait its turn behind the request handlers, each
//! busy verifying a signature, at every `await` of its transaction; measured on two cores, that
//! stretched a batch from ~1 ms of work to ~8 ms of wall time and capped throughput there.

pub mod batch;
mod leaf;
mod rows;

pub use batch::Outcome;

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot, watch};

use crate::db::{Db, DbError};
use crate::intake::Admitted;
use crate::keys::ServerKey;
use crate::metrics::Metrics;
use crate::time::now_ms;

/// Receipts appended in one transaction at most.
pub const MAX_BATCH: usize = 256;
/// Receipts waiting for the writer at most; beyond, handlers wait for room (back-pressure).
const QUEUE: usize = 8192;

/// Why a receipt could not be written.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    /// The writer task has stopped (shutting down).
    #[error("the log writer has stopped")]
    Stopped,
    /// The append transaction failed. Every receipt of the batch gets this error, hence the `Arc`.
    #[error("the append transaction failed: {0}")]
    Storage(#[source] Arc<DbError>),
}

/// Why the log writer (or, from [`crate::AppState::start`], the state around it) did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The writer's own runtime could not be built.
    #[error("writer runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The writer's thread could not be spawned.
    #[error("cannot start the writer thread: {0}")]
    Thread(#[source] std::io::Error),
    /// The writer's thread ended before it was ready.
    #[error("the writer thread died while starting")]
    Died,
    /// The database: the writer's own connection, or loading the server key.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The webhooks could not start ([`crate::webhook`]).
    #[error("webhooks: {0}")]
    Webhooks(String),
}

/// The writer's thread; [`WriterThread::join`] waits until its last batch is answered.
#[derive(Debug)]
pub struct WriterThread(std::thread::JoinHandle<()>);

impl WriterThread {
    /// Waits for the writer to finish (after every [`Writer`] handle is dropped).
    pub async fn join(self) -> bool {
        tokio::task::spawn_blocking(move || self.0.join().is_ok()).await.unwrap_or(false)
    }
}

struct Job {
    admitted: Admitted,
    received_ms: i64,
    reply: oneshot::Sender<Result<Outcome, WriteError>>,
}

/// The handle request handlers use to submit receipts.
#[derive(Debug, Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("receipt", &self.admitted.receipt.id).finish()
    }
}

impl Writer {
    /// Starts the writer thread with its own connection to `db`'s database. It ends when every
    /// [`Writer`] handle is dropped, after answering what was queued.
    pub async fn spawn(
        db: &Db,
        key: Arc<ServerKey>,
        metrics: Arc<Metrics>,
    ) -> Result<(Writer, WriterThread), StartError> {
        Writer::spawn_with_events(db, key, metrics, None).await
    }

    /// [`Writer::spawn`]; with `commits`, every append also writes its webhook events
    /// ([`crate::webhook`]) and each commit bumps the counter `commits` holds, to wake the
    /// delivery tasks.
    pub async fn spawn_with_events(
        db: &Db,
        key: Arc<ServerKey>,
        metrics: Arc<Metrics>,
        commits: Option<watch::Sender<u64>>,
    ) -> Result<(Writer, WriterThread), StartError> {
        let (jobs, rx) = mpsc::channel(QUEUE);
        let (ready, connected) = oneshot::channel();
        let db = db.clone();
        let thread = std::thread::Builder::new()
            .name("consentry-writer".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(r) => r,
                    Err(e) => return drop(ready.send(Err(StartError::Runtime(e)))),
                };
                runtime.block_on(async move {
                    match db.another(1).await {
                        Ok(own) => {
                            let _ = ready.send(Ok(()));
                            run(own, key, metrics, rx, commits).await;
                        }
                        Err(e) => drop(ready.send(Err(e.into()))),
                    }
                });
            })
            .map_err(StartError::Thread)?;
        connected.await.map_err(|_| StartError::Died)??;
        Ok((Writer { jobs }, WriterThread(thread)))
    }

    /// Submits a receipt and waits until it is committed (or refused as a conflict).
    pub async fn submit(&self, admitted: Admitted, received_ms: i64) -> Result<Outcome, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job { admitted, received_ms, reply }).await.map_err(|_| WriteError::Stopped)?;
        answer.await.map_err(|_| WriteError::Stopped)?
    }

    /// Whether the task is still running.
    pub fn is_running(&self) -> bool {
        !self.jobs.is_closed()
    }
}

async fn run(
    db: Db,
    key: Arc<ServerKey>,
    metrics: Arc<Metrics>,
    mut rx: mpsc::Receiver<Job>,
    commits: Option<watch::Sender<u64>>,
) {
    let events = commits.is_some();
    let committed = || {
        if let Some(c) = &commits {
            c.send_modify(|n| *n = n.wrapping_add(1));
        }
    };
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let started = Instant::now();
        let result = append_jobs(&db, &key, &jobs, events).await;
        if result.is_ok() {
            committed();
        }
        metrics.commit_latency.observe(started.elapsed());
        match result {
            Ok(outcomes) => {
                metrics.batches.fetch_add(1, Relaxed);
                tracing::debug!(
                    receipts = jobs.len(),
                    micros = started.elapsed().as_micros() as u64,
                    "batch committed"
                );
                for (job, outcome) in jobs.drain(..).zip(outcomes) {
                    count(&metrics, &outcome);
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) if jobs.len() == 1 => fail(&metrics, jobs.drain(..), e),
            Err(e) => {
                // One receipt the database refuses must not fail every other visitor's: append them
                // one by one, so a bad one fails alone (and a transient failure is retried once).
                metrics.batch_failures.fetch_add(1, Relaxed);
                tracing::warn!(error = %e, receipts = jobs.len(), "append transaction failed; retrying one by one");
                for job in jobs.drain(..) {
                    match append_jobs(&db, &key, std::slice::from_ref(&job), events).await {
                        Ok(mut outcomes) => {
                            committed();
                            metrics.batches.fetch_add(1, Relaxed);
                            if let Some(outcome) = outcomes.pop() {
                                count(&metrics, &outcome);
                                let _ = job.reply.send(Ok(outcome));
                            }
                        }
                        Err(e) => fail(&metrics, std::iter::once(job), e),
                    }
                }
            }
        }
    }
    tracing::info!("log writer stopped");
}

/// One append transaction over `jobs`.
async fn append_jobs(db: &Db, key: &ServerKey, jobs: &[Job], events: bool) -> Result<Vec<Outcome>, DbError> {
    let items: Vec<batch::Item> =
        jobs.iter().map(|j| batch::Item { admitted: &j.admitted, received_ms: j.received_ms }).collect();
    batch::append_with_events(db, key, &items, now_ms(), events).await
}

/// Answers `jobs` with the failure of their transaction; nothing of theirs was acknowledged.
fn fail(metrics: &Metrics, jobs: impl Iterator<Item = Job>, e: DbError) {
    metrics.batch_failures.fetch_add(1, Relaxed);
    let error = Arc::new(e);
    for job in jobs {
        tracing::error!(error = %error, receipt = ?job.admitted.receipt.id, "append transaction failed; nothing acknowledged");
        let _ = job.reply.send(Err(WriteError::Storage(error.clone())));
    }
}

fn count(metrics: &Metrics, outcome: &Outcome) {
    match outcome {
        Outcome::Appended(a) => {
            metrics.accepted.fetch_add(1, Relaxed);
            if a.link.is_break() {
                metrics.chain_breaks.fetch_add(1, Relaxed);
            }
        }
        Outcome::Duplicate(_) => {
            metrics.duplicates.fetch_add(1, Relaxed);
        }
        Outcome::Conflict => {
            metrics.conflicts.fetch_add(1, Relaxed);
        }
    }
}
