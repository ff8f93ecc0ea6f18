//! What every request handler shares: the database, the log writer, the server key, the metrics
//! and the settings of `serve` (and the webhook delivery tasks it started). Cheap to clone (one
//! `Arc`).

use std::net::{IpAddr, SocketAddr};
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderName};

use crate::client_ip::{ClientAddressing, Network};
use crate::db::{self, Db};
use crate::intake::AllowList;
use crate::keys::ServerKey;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimit;
use crate::secret::AdminToken;
use crate::time::now_ms;
use crate::webhook::{self, Webhooks, Workers};
use crate::writer::{StartError, Writer, WriterThread};

/// Failed admin authentications a client may make at once...
pub const ADMIN_FAILURES_BURST: u32 = 10;
/// ... and afterwards per second (one every ten seconds).
pub const ADMIN_FAILURES_PER_SEC: f64 = 0.1;

/// The settings of a running server.
#[derive(Debug)]
pub struct Settings {
    /// Browser origins allowed to post receipts (exact `scheme://host[:port]`).
    pub allowed_origins: Vec<String>,
    /// The auditors' bearer token; `None` turns the admin endpoints off. `Debug` never shows it.
    pub admin_token: Option<AdminToken>,
    /// Failed admin authentications per client: each failure takes a token, and a client without
    /// one is answered 429 until it refills.
    pub admin_failures: RateLimit,
    /// The per-client limit on posted receipts.
    pub rate_limit: RateLimit,
    /// A header naming the client address, when behind a proxy ([`crate::client_ip`]).
    pub client_ip_header: Option<HeaderName>,
    /// The proxies whose `client_ip_header` is believed; empty = every peer's.
    pub trusted_proxies: Vec<Network>,
    /// How long a client has to send a receipt's body (408 after).
    pub body_timeout: Duration,
    /// The operator's allow-lists of notice hashes, policy versions, controllers (empty: any).
    pub allow: AllowList,
    /// The webhooks ([`crate::webhook`]); none: no outbox is written. `Debug` never shows secrets.
    pub webhooks: Webhooks,
}

impl Settings {
    /// The client a request comes from ([`crate::client_ip`]): the forwarding header behind the
    /// trusted proxies, else the peer.
    pub fn client_address(&self, headers: &HeaderMap, peer: Option<&ConnectInfo<SocketAddr>>) -> IpAddr {
        let addressing =
            ClientAddressing { header: self.client_ip_header.as_ref(), trusted_proxies: &self.trusted_proxies };
        addressing.client(headers, peer)
    }

    /// Settings for tests and tools: no origins, no admin token, no rate limit.
    pub fn unrestricted() -> Self {
        Settings {
            allowed_origins: Vec::new(),
            admin_token: None,
            admin_failures: RateLimit::new(ADMIN_FAILURES_PER_SEC, ADMIN_FAILURES_BURST),
            rate_limit: RateLimit::new(0.0, 1),
            client_ip_header: None,
            trusted_proxies: Vec::new(),
            body_timeout: Duration::from_secs(10),
            allow: AllowList::default(),
            webhooks: Webhooks::default(),
        }
    }
}

/// The shared state.
#[derive(Debug)]
pub struct Shared {
    /// The database.
    pub db: Db,
    /// The log writer.
    pub writer: Writer,
    /// The server key.
    pub key: Arc<ServerKey>,
    /// This process's counters.
    pub metrics: Arc<Metrics>,
    /// Settings.
    pub settings: Settings,
    /// The webhook delivery tasks, stopped when the state is dropped.
    pub webhooks: Workers,
}

/// The state handed to the router.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// Loads (or makes) the server key and starts the log writer. The writer task ends once every
    /// clone of the state is dropped; join the thread to know its last batch is answered.
    pub async fn start(db: Db, settings: Settings) -> Result<(AppState, WriterThread), StartError> {
        let key = db::key::load_or_create(&db, now_ms()).await?;
        AppState::start_with_key(db, settings, key).await
    }

    /// Like [`AppState::start`] with a key loaded elsewhere ([`crate::key_file`]).
    pub async fn start_with_key(
        db: Db,
        settings: Settings,
        key: ServerKey,
    ) -> Result<(AppState, WriterThread), StartError> {
        let key = Arc::new(key);
        let metrics = Arc::new(Metrics::default());
        let hooks = &settings.webhooks;
        let (writer, task, webhooks) = if hooks.hooks.is_empty() {
            let (writer, task) = Writer::spawn(&db, key.clone(), metrics.clone()).await?;
            (writer, task, Workers::default())
        } else {
            // Hooks are registered before the writer takes a receipt; their tasks start after.
            webhook::register(&db, hooks).await.map_err(|e| StartError::Webhooks(e.to_string()))?;
            let (commits, signal) = tokio::sync::watch::channel(0);
            let (writer, task) = Writer::spawn_with_events(&db, key.clone(), metrics.clone(), Some(commits)).await?;
            let workers = webhook::start(&db, hooks, signal).await.map_err(|e| StartError::Webhooks(e.to_string()))?;
            (writer, task, workers)
        };
        Ok((AppState(Arc::new(Shared { db, writer, key, metrics, settings, webhooks })), task))
    }
}
