//! Shared by the integration tests: fresh databases (a SQLite file in a new directory, or a new
//! PostgreSQL database), signed receipts, and requests to the router without a socket.
//!
//! PostgreSQL comes from `CONSENTRY_TEST_POSTGRES_URL` (set by `cargo xtask test`), defaulting to
//! the role and database `cargo xtask setup` creates. When it cannot be reached the test FAILS with
//! a message saying so: nothing is skipped silently.

// Helpers outside `#[test]` functions: a failed unwrap here is a failed test, which is what we want.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod client;
pub mod process;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use consentry_receipt::testing::{key_from_seed, sample_jws};
use consentry_server::db::{Db, Open};
use consentry_server::{AppState, Settings};
use http_body_util::BodyExt;
use sqlx::Executor;
use tower::ServiceExt;

/// The default PostgreSQL of `cargo xtask setup`.
pub const DEFAULT_POSTGRES: &str = "postgres://consentry:consentry@127.0.0.1:5432/consentry";

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{prefix}_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A new empty directory under Cargo's `target/tmp` (removed by `cargo clean`).
pub fn temp_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(unique("consentry_server_test"));
    std::fs::create_dir_all(&dir).expect("create a temp dir");
    dir
}

/// The database backends the tests run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A SQLite file.
    Sqlite,
    /// A fresh PostgreSQL database.
    Postgres,
}

/// A URL for a fresh database of `kind`.
pub async fn fresh_url(kind: Kind) -> String {
    match kind {
        Kind::Sqlite => format!("sqlite:{}", temp_dir().join("receipts.db").display()),
        Kind::Postgres => fresh_postgres().await,
    }
}

/// Creates a new PostgreSQL database and returns its URL.
pub async fn fresh_postgres() -> String {
    let base = std::env::var("CONSENTRY_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES.to_string());
    sqlx::any::install_default_drivers();
    let admin = match sqlx::AnyPool::connect(&base).await {
        Ok(p) => p,
        Err(e) => panic!(
            "PostgreSQL is required by this test and is not reachable at {base}: {e}\n\
             Run `cargo xtask setup` (installs and starts it, creates the role) or set CONSENTRY_TEST_POSTGRES_URL."
        ),
    };
    drop_stale_test_databases(&admin).await;
    let name = unique("consentry_test");
    admin.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("CREATE DATABASE (the role needs CREATEDB)");
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').expect("a PostgreSQL URL ends with /DATABASE");
    format!("{prefix}/{name}")
}

/// Drops the test databases of earlier runs (their names carry another process id), once per
/// test process. Test binaries run one after another, so none of them is in use.
async fn drop_stale_test_databases(admin: &sqlx::AnyPool) {
    static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    ONCE.get_or_init(|| async {
        let mine = format!("consentry_test_{}_%", std::process::id());
        let rows = sqlx::query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'consentry\\_test\\_%' AND datname NOT LIKE $1",
        )
        .bind(mine)
        .fetch_all(admin)
        .await
        .unwrap_or_default();
        for row in rows {
            let name: String = sqlx::Row::get(&row, 0);
            let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
        }
    })
    .await;
}

/// A database of `kind`, migrated.
pub async fn fresh_db(kind: Kind) -> Db {
    Db::connect(&fresh_url(kind).await, Open::CreateAndMigrate).await.expect("connect and migrate")
}

/// A started state (key, writer) on `db`.
pub async fn state(db: Db, settings: Settings) -> AppState {
    let (state, _writer) = AppState::start(db, settings).await.expect("start");
    state
}

/// A receipt id from a number.
pub fn id(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// Now, in seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// A chain of `n` receipts of one browser (`seed`), each linking to the one before.
pub fn chain(seed: &str, first_id: u64, n: usize) -> Vec<String> {
    let key = key_from_seed(seed);
    let mut out: Vec<String> = Vec::with_capacity(n);
    for i in 0..n {
        let prev = out.last().map(|p| consentry_receipt::jws::receipt_hash(p));
        out.push(sample_jws(&key, &id(first_id + i as u64), now() - 60 + i as i64, prev, i % 2 == 0));
    }
    out
}

/// A request's answer: status, headers and body text.
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: axum::http::HeaderMap,
    /// Body.
    pub text: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

/// Sends `request` to the router.
pub async fn send(app: &axum::Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    Reply { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
}

/// `POST /v1/receipts` with `application/jose`.
pub async fn post(app: &axum::Router, jws: &str) -> Reply {
    let request = Request::post("/v1/receipts")
        .header("content-type", "application/jose")
        .body(Body::from(jws.to_string()))
        .unwrap();
    send(app, request).await
}

/// `GET path`, with the admin token when given.
pub async fn get(app: &axum::Router, path: &str, token: Option<&str>) -> Reply {
    let mut request = Request::get(path);
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    send(app, request.body(Body::empty()).unwrap()).await
}
