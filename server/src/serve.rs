//! `consentry-server serve`: open the database (migrating it), start the log writer, serve the API
//! until SIGINT or SIGTERM, then let in-flight requests and the last batch finish.

use std::net::SocketAddr;

use axum::http::HeaderName;
use tokio::net::TcpListener;

use crate::db::{Db, DbError, Open};
use crate::ratelimit::RateLimit;
use crate::state::{AppState, Settings};
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
    /// Take the client address from this header's last entry (only behind a trusted proxy).
    #[arg(long, value_name = "HEADER")]
    pub client_ip_header: Option<String>,
    /// Bearer token of the auditors' endpoints; without it they are disabled.
    #[arg(long, env = "CONSENTRY_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
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
    fn settings(&self) -> Result<Settings, ServeError> {
        let allowed_origins =
            self.allow_origins.iter().map(|o| parse_origin(o)).collect::<Result<_, _>>().map_err(ServeError::Option)?;
        let client_ip_header = match &self.client_ip_header {
            Some(h) => Some(
                HeaderName::try_from(h.as_str())
                    .map_err(|_| ServeError::Option(format!("`{h}` is not a header name")))?,
            ),
            None => None,
        };
        let admin_token = self.admin_token.clone().filter(|t| !t.is_empty());
        if admin_token.as_ref().is_some_and(|t| t.len() < 16) {
            tracing::warn!("CONSENTRY_ADMIN_TOKEN is shorter than 16 characters; use a long random token");
        }
        Ok(Settings {
            allowed_origins,
            admin_token,
            rate_limit: RateLimit::new(self.rate_limit, self.rate_burst),
            client_ip_header,
        })
    }
}

/// Runs the server until a shutdown signal.
pub async fn serve(opts: ServeOptions) -> Result<(), ServeError> {
    let settings = opts.settings()?;
    let db = Db::connect(&opts.database, Open::CreateAndMigrate).await?;
    let admin = if settings.admin_token.is_some() { "on" } else { "off (no CONSENTRY_ADMIN_TOKEN)" };
    tracing::info!(backend = ?db.backend, origins = ?settings.allowed_origins, admin, "database ready");
    let (state, writer) = AppState::start(db, settings).await?;
    tracing::info!(kid = state.key.kid(), "server key loaded");
    let listener = TcpListener::bind(opts.listen).await.map_err(|e| ServeError::Io(opts.listen, e))?;
    let addr = listener.local_addr().map_err(|e| ServeError::Io(opts.listen, e))?;
    tracing::info!(%addr, "listening");
    let app = crate::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await.map_err(|e| ServeError::Io(addr, e))?;
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
