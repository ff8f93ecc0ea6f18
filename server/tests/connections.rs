//! Review finding #2, on loopback TCP with short limits so the test takes a few seconds: stalled
//! connections (no header, half a header, half a body, idle after a request) are closed within the
//! bound while `/healthz` keeps answering beside hundreds of them, and past the connection cap new
//! connections are closed at once.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{fresh_db, state, Kind};
use consentry_server::listener::{self, ConnectionLimits};
use consentry_server::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

const HEADER_TIMEOUT: Duration = Duration::from_millis(800);
const BODY_TIMEOUT: Duration = Duration::from_millis(800);
/// How late after its timeout a stalled connection may still be closed.
const SLACK: Duration = Duration::from_millis(2500);

/// Starts the listener on a free loopback port; dropping the sender stops it.
async fn start(max_connections: usize) -> (SocketAddr, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let settings = Settings { body_timeout: BODY_TIMEOUT, ..Settings::unrestricted() };
    let app = consentry_server::app(state(fresh_db(Kind::Sqlite).await, settings).await);
    let socket = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let limits = ConnectionLimits { header_timeout: HEADER_TIMEOUT, max_connections };
    let server = tokio::spawn(listener::serve(socket, app, limits, async move {
        let _ = stopped.await;
    }));
    (addr, stop, server)
}

/// `GET /healthz` on a new connection: the status line, or why there was none within 3 s.
async fn healthz(addr: SocketAddr) -> Result<String, String> {
    let exchange = async {
        let mut s = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            .await
            .map_err(|e| e.to_string())?;
        let mut answer = String::new();
        s.read_to_string(&mut answer).await.map_err(|e| e.to_string())?;
        Ok(answer.lines().next().unwrap_or("").to_string())
    };
    tokio::time::timeout(Duration::from_secs(3), exchange).await.map_err(|_| "no answer in 3 s".to_string())?
}

/// Waits until the server closes `s` (end of stream or reset), at most until `deadline`; returns
/// what it sent before closing.
async fn closed_by(mut s: TcpStream, deadline: Instant) -> Result<String, String> {
    let mut got = Vec::new();
    let wait = deadline.saturating_duration_since(Instant::now());
    match tokio::time::timeout(wait, s.read_to_end(&mut got)).await {
        Ok(_) => Ok(String::from_utf8_lossy(&got).into_owned()),
        Err(_) => Err(format!("still open; received {:?}", String::from_utf8_lossy(&got))),
    }
}

/// How many connections this process can afford: 500 when the descriptor limit allows (each costs
/// two here, client and server side), fewer under a small `ulimit -n`.
fn stalled_count() -> usize {
    let limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|t| t.lines().find(|l| l.starts_with("Max open files"))?.split_whitespace().nth(3)?.parse().ok())
        .unwrap_or(1024usize);
    500.min(limit.saturating_sub(200) / 2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_connections_are_closed_and_healthz_keeps_answering() {
    let (addr, stop, server) = start(2000).await;
    let n = stalled_count();
    let mut stalled = Vec::with_capacity(n);
    for i in 0..n {
        let mut s = TcpStream::connect(addr).await.unwrap();
        match i % 4 {
            0 => {}
            1 => s.write_all(b"POST /v1/receipts HTTP/1.1\r\nHost: t\r\nContent-").await.unwrap(),
            2 => s
                .write_all(b"POST /v1/receipts HTTP/1.1\r\nHost: t\r\nContent-Type: application/jose\r\nContent-Length: 2000\r\n\r\neyJ")
                .await
                .unwrap(),
            _ => {
                // A finished request, then silence on the kept-alive connection.
                s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").await.unwrap();
            }
        }
        stalled.push((i % 4, s));
    }
    let opened = Instant::now();
    for _ in 0..3 {
        let status = healthz(addr).await;
        assert_eq!(status.as_deref(), Ok("HTTP/1.1 200 OK"), "beside {n} stalled connections");
    }
    assert!(opened.elapsed() < HEADER_TIMEOUT, "healthz answered while they were all still held");

    let deadline = opened + HEADER_TIMEOUT.max(BODY_TIMEOUT) + SLACK;
    for (kind, s) in stalled {
        let sent = closed_by(s, deadline).await.unwrap_or_else(|e| panic!("stalled connection of kind {kind}: {e}"));
        match kind {
            2 => assert!(sent.starts_with("HTTP/1.1 408"), "a body that never came is a 408: {sent:?}"),
            3 => assert!(sent.starts_with("HTTP/1.1 200"), "{sent:?}"),
            _ => {}
        }
    }
    assert_eq!(healthz(addr).await.as_deref(), Ok("HTTP/1.1 200 OK"), "and after");
    drop(stop);
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("stops on its signal").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_cap_new_connections_are_closed_at_once() {
    let (addr, stop, server) = start(20).await;
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(TcpStream::connect(addr).await.unwrap());
    }
    // Give the accept loop a moment to take all twenty.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let over = TcpStream::connect(addr).await.unwrap();
    let refused = closed_by(over, Instant::now() + Duration::from_millis(500)).await;
    assert_eq!(refused.as_deref(), Ok(""), "the 21st connection is closed without an answer");
    // Once the stalled ones time out, the server answers again.
    tokio::time::sleep(HEADER_TIMEOUT + Duration::from_millis(300)).await;
    let started = Instant::now();
    let status = loop {
        match healthz(addr).await {
            Ok(s) if !s.is_empty() => break s,
            _ if started.elapsed() < SLACK => tokio::time::sleep(Duration::from_millis(50)).await,
            other => panic!("no answer after the stalled connections timed out: {other:?}"),
        }
    };
    assert_eq!(status, "HTTP/1.1 200 OK");
    drop((held, stop));
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("stops on its signal").unwrap();
}
