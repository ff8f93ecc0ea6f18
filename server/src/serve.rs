//! `consentry-server serve`: open the database (migrating it), start the log writer, serve the API
//! until SIGINT or SIGTERM, then let in-flight requests and the last batch finish.

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::HeaderName;
use tokio::net::TcpListener;

use crate::client_ip::Network;
use crate::db::{Db, DbError, Open};
use crate::intake::AllowList;
use crate::key_file::{self, KeySource};
use crate::listener::{self, ConnectionLimits};
use crate::ratelimit::RateLimit;
use crate::secret::{AdminToken, Secret};
use crate::state::{AppState, Settings, ADMIN_FAILURES_BURST, ADMIN_FAILURES_PER_SEC};
use crate::writer::StartError;

/// What `serve` needs: the options of `consentry-server serve` (each field's doc comment is its
/// `--help` text).
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// `sqlite:PATH` (or a file path) or `postgres://USER:PASS@HOST/DB`.
    #[arg(long, default_value = "sqlite:consentry-receipts.db")]
    pub database: String,
    /// A browser origin allowed to post receipts (repeat for several).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,
    /// Receipts per second per client, sustained (0 turns the limit off).
    #[arg(long, default_value_t = 10.0)]
    pub rate_limit: f64,
    /// Receipts per client at once.
    #[arg(long, default_value_t = 50)]
    pub rate_burst: u32,
    /// Take the client address from this header (`X-Forwarded-For`, `X-Real-IP`, `Forwarded`…):
    /// its last entry that is not a `--trusted-proxy`. Only behind a proxy that sets it.
    #[arg(long, value_name = "HEADER")]
    pub client_ip_header: Option<String>,
    /// A proxy (address or CIDR network, repeat for several) whose `--client-ip-header` is
    /// believed; requests from other peers are keyed by their own address.
    #[arg(long = "trusted-proxy", value_name = "CIDR")]
    pub trusted_proxies: Vec<Network>,
    /// Accept only receipts with this `noticeHash` (repeat for several; none: any).
    #[arg(long = "notice-hash", value_name = "HASH")]
    pub notice_hashes: Vec<String>,
    /// Accept only receipts with this `policyVersion` (repeat for several; none: any).
    #[arg(long = "policy-version", value_name = "VERSION")]
    pub policy_versions: Vec<String>,
    /// Accept only receipts whose controller's `piiControllerUrl` is this (repeat; none: any).
    #[arg(long = "controller-url", value_name = "URL")]
    pub controller_urls: Vec<String>,
    /// Seconds a client has to send a request's header (and, on a kept-alive connection, the next
    /// request's); then the connection is closed.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a client has to send a receipt's body once its header is in (408 after).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub body_timeout: u64,
    /// Client connections open at once at most; more are closed on arrival.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_connections: usize,
    /// Keep the log's signing key in this PEM file (made on first start, mode 0600) instead of in
    /// the database, so that a copy of the database cannot sign a rewritten history.
    #[arg(long, value_name = "PATH", conflicts_with = "server_key")]
    pub key_file: Option<std::path::PathBuf>,
    /// The log's signing key itself (PKCS#8 PEM or base64url DER), instead of in the database.
    #[arg(long, env = "CONSENTRY_SERVER_KEY", hide_env_values = true, value_name = "KEY")]
    pub server_key: Option<Secret>,
    /// Bearer token of the auditors' endpoints, at least 32 characters (`openssl rand -hex 32`);
    /// without it they are disabled.
    #[arg(long, env = "CONSENTRY_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<AdminToken>,
    /// Signed webhooks (`--webhook NAME=URL`, `--webhook-secret-file NAME=PATH`, their policy).
    #[command(flatten)]
    pub webhooks: crate::webhook::WebhookOptions,
}

/// Why `serve` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A bad option.
    #[error("{0}")]
    Option(String),
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The server key or the log writer.
    #[error(transparent)]
    Start(#[from] StartError),
    /// The server key outside the database.
    #[error(transparent)]
    Key(#[from] key_file::KeyFileError),
    /// Binding or serving.
    #[error("cannot serve on {0}: {1}")]
    Io(SocketAddr, std::io::Error),
}

/// An origin as browsers send it: `scheme://host[:port]`, no path, no trailing slash.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let origin = text.trim_end_matches('/');
    let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ']) => Ok(origin.to_string()),
        _ => Err(format!("`{text}` is not an origin like https://www.example.com or http://127.0.0.1:8080")),
    }
}

impl ServeOptions {
    /// The settings these options make; refuses bad origins, a bad header name, a short admin token.
    pub fn settings(&self) -> Result<Settings, ServeError> {
        let allowed_origins =
            self.allow_origins.iter().map(|o| parse_origin(o)).collect::<Result<_, _>>().map_err(ServeError::Option)?;
        let client_ip_header = match &self.client_ip_header {
            Some(h) => Some(
                HeaderName::try_from(h.as_str())
                    .map_err(|_| ServeError::Option(format!("`{h}` is not a header name")))?,
            ),
            None => None,
        };
        let admin_token = self.admin_token.clone().filter(|t| !t.expose().is_empty());
        if let Some(token) = &admin_token {
            token.check_strength().map_err(ServeError::Option)?;
        }
        Ok(Settings {
            allowed_origins,
            admin_token,
            admin_failures: RateLimit::new(ADMIN_FAILURES_PER_SEC, ADMIN_FAILURES_BURST),
            rate_limit: RateLimit::new(self.rate_limit, self.rate_burst),
            client_ip_header,
            trusted_proxies: self.trusted_proxies.clone(),
            body_timeout: Duration::from_secs(self.body_timeout.max(1)),
            allow: AllowList {
                notice_hashes: self.notice_hashes.clone(),
                policy_versions: self.policy_versions.clone(),
                controller_urls: self.controller_urls.clone(),
            },
            webhooks: self.webhooks.webhooks().map_err(ServeError::Option)?,
        })
    }
}

/// Runs the server until a shutdown signal.
pub async fn serve(opts: ServeOptions) -> Result<(), ServeError> {
    let settings = opts.settings()?;
    let db = Db::connect(&opts.database, Open::CreateAndMigrate).await?;
    let admin = if settings.admin_token.is_some() { "on" } else { "off (no CONSENTRY_ADMIN_TOKEN)" };
    tracing::info!(backend = ?db.backend, origins = ?settings.allowed_origins, admin, "database ready");
    let source = match (&opts.key_file, &opts.server_key) {
        (Some(path), _) => KeySource::File(path.clone()),
        (None, Some(key)) => KeySource::Inline(key.expose().to_string()),
        (None, None) => KeySource::Database,
    };
    let key = key_file::load(&db, &source, crate::time::now_ms()).await?;
    tracing::info!(source = ?source, "server key source");
    let (state, writer) = AppState::start_with_key(db, settings, key).await?;
    tracing::info!(kid = state.key.kid(), "server key loaded");
    let listener = TcpListener::bind(opts.listen).await.map_err(|e| ServeError::Io(opts.listen, e))?;
    let addr = listener.local_addr().map_err(|e| ServeError::Io(opts.listen, e))?;
    tracing::info!(%addr, "listening");
    let limits = ConnectionLimits {
        header_timeout: Duration::from_secs(opts.header_timeout.max(1)),
        max_connections: opts.max_connections.max(1),
    };
    listener::serve(listener, crate::app(state), limits, shutdown()).await;
    if !writer.join().await {
        tracing::error!("the log writer ended abnormally");
    }
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = interrupt.await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("shutting down: finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(parse_origin("http://127.0.0.1:8080/"), Ok("http://127.0.0.1:8080".into()));
        assert_eq!(parse_origin("https://www.example.com"), Ok("https://www.example.com".into()));
        assert!(parse_origin("www.example.com").is_err());
        assert!(parse_origin("https://example.com/path").is_err());
        assert!(parse_origin("*").is_err());
    }
}
