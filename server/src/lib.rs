//! # consentry-server
//!
//! The receipt ledger a site owner runs beside the Consentry widget: it collects the consent
//! receipts browsers sign, checks them with the same crate that defines them
//! (`consentry-receipt`), keeps them in an append-only Merkle log in the manner of RFC 9162, and
//! gives auditors exports and proofs.
//!
//! ## How a receipt travels
//!
//! 1. `POST /v1/receipts` ([`routes::receipts`]): origin, rate limit, media type, size, then the
//!    receipt rules ([`intake`]): ES256 only, the embedded P-256 key, the signature, the schema,
//!    `piiPrincipalId` = key thumbprint, a timestamp not in the future. A refusal is a 4xx with a
//!    stable code and nothing is stored.
//! 2. The handler hands the admitted receipt to the log writer ([`writer`]), one task per process
//!    that appends whatever has queued up in one transaction ([`writer::batch`]): idempotency by
//!    `consentReceiptID`, chain continuity per principal ([`chain`], breaks flagged, not refused),
//!    new Merkle nodes, a signed tree head, one signed acknowledgment per receipt ([`ack`]).
//! 3. After the commit (synced to disk) every handler of the batch answers its client.
//!
//! ## Where things live
//!
//! * [`ledger`]: Merkle hashing, frontier, proofs and tree heads, pure and tested against RFC 9162;
//! * [`db`]: SQLite or PostgreSQL through one set of SQL statements, migrations at start-up;
//! * [`keys`]: the server's ES256 key, made on first start and kept in the database, or outside
//!   it ([`key_file`]);
//! * [`routes`]: one router per resource, merged by [`app`]; [`error::AppError`] is the one
//!   error type the handlers return;
//! * [`client_ip`]: which client a request is from (forwarding headers, trusted proxies);
//! * [`notices`]: the notice registry (what each `noticeHash` stands for); [`report`]: the signed
//!   audit report (JSON, HTML, PDF); [`dashboard`]: the site owner's dashboard (its data and its
//!   page);
//! * [`webhook`]: signed webhooks, from a durable outbox the log writer fills;
//! * [`export`]: auditor exports; [`secret`]: the admin token, never printed; [`time`]: the server's clock and calendar dates; [`metrics`],
//!   [`ratelimit`]: operations;
//! * [`listener`]: connections, their cap and timeouts;
//! * [`serve`], [`verify`]: the `serve`, `verify` and `export` commands; `main.rs` only parses the
//!   command line.
//!
//! Several instances may share one PostgreSQL database: every append locks the single log head
//! row inside its transaction, so the log stays one sequence whichever instance writes.

#![deny(missing_docs)]

pub mod ack;
pub mod chain;
pub mod client_ip;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod export;
pub mod intake;
pub mod key_file;
pub mod keys;
pub mod ledger;
pub mod listener;
pub mod metrics;
pub mod notices;
pub mod ratelimit;
pub mod report;
pub mod routes;
pub mod secret;
pub mod serve;
pub mod state;
pub mod time;
pub mod verify;
pub mod webhook;
pub mod writer;

pub use routes::app;
pub use state::{AppState, Settings};
