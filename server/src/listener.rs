//! The HTTP/1.1 listener: accepts connections up to a cap, gives each a header-read (and idle)
//! timeout, and on shutdown lets in-flight requests finish.
//!
//! `axum::serve` sets no timer, so hyper's header timeout never fires and a client that opens a
//! connection and sends nothing (or a header a byte a minute) holds a file descriptor forever;
//! enough of them and `accept` fails for everyone (review #2). Here every connection runs with
//! hyper's [`TokioTimer`]: the header of each request, including the wait for the next request
//! on a kept-alive connection, must arrive within [`ConnectionLimits::header_timeout`], or the
//! connection is closed. The body has its own deadline (`Settings::body_timeout`, in the receipts
//! route, which is the only one that reads one). Past [`ConnectionLimits::max_connections`] new
//! connections are closed at once, so the process never runs out of descriptors. A reverse proxy
//! in front (TLS, its own timeouts) is still the recommended deployment.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long in-flight requests get to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(30);

/// Limits on client connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request's header (and, between requests, the next one's) must arrive within this.
    pub header_timeout: Duration,
    /// Connections open at once at most; more are closed as they arrive.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits { header_timeout: Duration::from_secs(10), max_connections: 1024 }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then waits (at most 30 s) for open
/// requests to finish. Handlers see the peer address as `ConnectInfo<SocketAddr>`.
pub async fn serve(listener: TcpListener, app: Router, limits: ConnectionLimits, shutdown: impl Future<Output = ()>) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // EMFILE and friends: wait instead of spinning; closing connections frees them.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tracing::debug!(%peer, max = limits.max_connections, "connection refused: too many open");
            drop(stream);
            continue;
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            tower_service::Service::call(&mut app.clone(), request)
        });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%peer, error = %e, "connection closed");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("some connections were still open {} s after the shutdown signal", DRAIN.as_secs());
    }
}
