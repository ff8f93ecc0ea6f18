//! The database: a SQLite file by default, PostgreSQL when several instances share one log.
//!
//! Both go through sqlx's `Any` driver with the same SQL (`$1` placeholders work in both); the
//! schema has one migration directory per backend because the column types differ. Durability is
//! set per connection: SQLite in WAL mode with `synchronous=FULL` (a commit is on disk when it
//! returns), PostgreSQL with `synchronous_commit=on` whatever the server's default.
//!
//! * [`key`]: the server key row;
//! * [`decisions`]: how a receipt's decisions are stored in one column;
//! * [`reads`]: receipts as the HTTP API and the commands read them;
//! * [`tree`]: the log head, tree heads and Merkle nodes;
//! * [`notices`]: the notice registry; [`reports`]: the audit reports made; [`scan`]: what a
//!   report reads; [`verifications`]: the full `verify` runs, the last of which the dashboard shows;
//! * [`webhooks`]: the webhook outbox and each hook's batches; [`subjects`]: the subject index;
//! * the appending transaction is [`crate::writer::batch`].

pub mod decisions;
pub mod key;
pub mod notices;
pub mod params;
pub mod reads;
pub mod reports;
pub mod scan;
pub mod subjects;
pub mod tree;
pub mod verifications;
pub mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

/// A database error, or a URL that names none.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is not `sqlite:PATH`, a file path, or `postgres://…`.
    #[error("unsupported database URL `{0}`: use sqlite:PATH, a file path, or postgres://USER:PASS@HOST/DB")]
    Url(String),
    /// `verify`/`export` on a SQLite file that does not exist.
    #[error("no SQLite database at {0}")]
    Missing(String),
    /// The driver failed.
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Signing with the server key failed.
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
    /// Stored data that cannot be right (a corrupt frontier, a bad key).
    #[error("inconsistent stored data: {0}")]
    Corrupt(String),
}

/// A pool on one database.
#[derive(Debug, Clone)]
pub struct Db {
    /// The connections.
    pub pool: AnyPool,
    /// Which database it is.
    pub backend: Backend,
    /// The URL given to the driver.
    url: String,
}

/// How to open the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// Create the SQLite file if missing and run migrations (`serve`).
    CreateAndMigrate,
    /// The database must exist; run migrations anyway so an older schema is readable.
    Existing,
}

impl Db {
    /// Connects, applies durability settings on every connection, and runs the migrations.
    pub async fn connect(url: &str, open: Open) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalize(url, open)?;
        let pool = pool(&url, backend, if backend == Backend::Sqlite { 8 } else { 16 }).await?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Db { pool, backend, url })
    }

    /// Another pool of `connections` on the same (migrated) database, bound to the runtime that
    /// calls this: the log writer runs on its own thread and runtime with its own connection.
    pub async fn another(&self, connections: u32) -> Result<Db, DbError> {
        Ok(Db { pool: pool(&self.url, self.backend, connections).await?, backend: self.backend, url: self.url.clone() })
    }

    /// `SELECT 1`: is the database answering?
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// A pool whose every connection is set up for durability.
async fn pool(url: &str, backend: Backend, connections: u32) -> Result<AnyPool, DbError> {
    let options = AnyConnectOptions::from_str(url)?;
    let pool = AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                let statements: &[&str] = match backend {
                    Backend::Sqlite => &[
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA busy_timeout = 10000",
                        "PRAGMA cache_size = -32768",
                    ],
                    Backend::Postgres => &["SET synchronous_commit = on"],
                };
                for s in statements {
                    conn.execute(*s).await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Which backend `url` names, and the URL the driver gets.
pub fn normalize(url: &str, open: Open) -> Result<(Backend, String), DbError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgres, url.to_string()));
    }
    let path = match url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        Some(rest) => rest.split('?').next().unwrap_or(rest),
        None if !url.contains("://") && !url.is_empty() => url,
        None => return Err(DbError::Url(url.to_string())),
    };
    if path.is_empty() || path == ":memory:" {
        return Err(DbError::Url(format!("{url} (a receipt log must be a file)")));
    }
    let mode = match open {
        Open::CreateAndMigrate => "rwc",
        Open::Existing if std::path::Path::new(path).exists() => "rw",
        Open::Existing => return Err(DbError::Missing(path.to_string())),
    };
    Ok((Backend::Sqlite, format!("sqlite://{path}?mode={mode}")))
}

/// Converts a stored integer that must be non-negative.
pub fn to_u64(v: i64, what: &str) -> Result<u64, DbError> {
    u64::try_from(v).map_err(|_| DbError::Corrupt(format!("negative {what}: {v}")))
}

/// Converts a count or index for storage.
pub fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let create = Open::CreateAndMigrate;
        assert_eq!(normalize("sqlite:r.db", create).unwrap(), (Backend::Sqlite, "sqlite://r.db?mode=rwc".into()));
        assert_eq!(normalize("sqlite:///tmp/r.db", create).unwrap().1, "sqlite:///tmp/r.db?mode=rwc");
        assert_eq!(normalize("data/r.db", create).unwrap().1, "sqlite://data/r.db?mode=rwc");
        assert_eq!(normalize("postgres://u:p@h/db", create).unwrap().0, Backend::Postgres);
        assert!(matches!(normalize("mysql://x", create), Err(DbError::Url(_))));
        assert!(matches!(normalize("sqlite::memory:", create), Err(DbError::Url(_))));
        assert!(matches!(normalize("/nonexistent/r.db", Open::Existing), Err(DbError::Missing(_))));
    }
}
