//! What every request handler shares: the database, the log writer, the server key, the metrics
//! and the settings of `serve`. Cheap to clone (one `Arc`).

use std::ops::Deref;
use std::sync::Arc;

use axum::http::HeaderName;

use crate::db::{self, Db};
use crate::keys::ServerKey;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimit;
use crate::time::now_ms;
use crate::writer::{StartError, Writer, WriterThread};

/// The settings of a running server.
#[derive(Debug)]
pub struct Settings {
    /// Browser origins allowed to post receipts (exact `scheme://host[:port]`).
    pub allowed_origins: Vec<String>,
    /// The auditors' bearer token; `None` turns the admin endpoints off.
    pub admin_token: Option<String>,
    /// The per-client limit on posted receipts.
    pub rate_limit: RateLimit,
    /// A header naming the client address (last entry wins), when behind a trusted proxy.
    pub client_ip_header: Option<HeaderName>,
}

impl Settings {
    /// Settings for tests and tools: no origins, no admin token, no rate limit.
    pub fn unrestricted() -> Self {
        Settings {
            allowed_origins: Vec::new(),
            admin_token: None,
            rate_limit: RateLimit::new(0.0, 1),
            client_ip_header: None,
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
        let key = Arc::new(db::key::load_or_create(&db, now_ms()).await?);
        let metrics = Arc::new(Metrics::default());
        let (writer, task) = Writer::spawn(&db, key.clone(), metrics.clone()).await?;
        Ok((AppState(Arc::new(Shared { db, writer, key, metrics, settings })), task))
    }
}
