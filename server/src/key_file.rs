//! The log's signing key outside the database it protects (review #7).
//!
//! A key kept in the database signs whatever anyone with a copy of the database writes: a backup
//! or a replica is enough to build another history under the same `kid`. With `--key-file PATH`
//! (or the key itself in `CONSENTRY_SERVER_KEY`) the key lives only there:
//!
//! * the file holds a PKCS#8 P-256 key in PEM (`-----BEGIN PRIVATE KEY-----`, what `openssl
//!   genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` writes); `CONSENTRY_SERVER_KEY`
//!   holds the same PEM text or the DER in base64url;
//! * on first start a missing file is created with mode 0600: with the key the database already
//!   holds (which is then deleted from the database: older backups still have it), else a new one;
//! * a database holding another key than the file's is refused: its log was signed by that key.
//!
//! Several instances sharing a PostgreSQL database each need the same key file.

use std::io::Write;
use std::path::{Path, PathBuf};

use consentry_receipt::b64;
use sqlx::Row;

use crate::db::{Db, DbError};
use crate::keys::{KeyError, ServerKey};

/// Where the server key comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The database (table `server_key`), made on first start: the default.
    Database,
    /// A PEM file, made on first start (mode 0600).
    File(PathBuf),
    /// The key itself (PEM or base64url DER), from `CONSENTRY_SERVER_KEY`.
    Inline(String),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Database => f.write_str("Database"),
            KeySource::File(p) => f.debug_tuple("File").field(p).finish(),
            KeySource::Inline(_) => f.write_str("Inline(<redacted>)"),
        }
    }
}

/// Why the key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// Reading or writing the key file.
    #[error("key file {0}: {1}")]
    Io(PathBuf, #[source] std::io::Error),
    /// The file or variable does not hold a P-256 PKCS#8 key.
    #[error("{0}: not a P-256 PKCS#8 private key ({1})")]
    Format(String, String),
    /// The database holds a different key: its log was signed with that one.
    #[error(
        "the database holds another server key (kid {db}) than {source_name} (kid {given}); its log was signed \
         with the database's key: move that key to the file first (start once with a --key-file that does not exist)"
    )]
    Mismatch {
        /// The database's key id.
        db: String,
        /// The given key's id.
        given: String,
        /// Where the given key came from.
        source_name: String,
    },
    /// The database.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Generating a key.
    #[error(transparent)]
    Key(#[from] KeyError),
}

const PEM_BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
const PEM_END: &str = "-----END PRIVATE KEY-----";

/// A PKCS#8 document as PEM.
pub fn to_pem(pkcs8: &[u8]) -> String {
    let standard: String = b64::encode(pkcs8)
        .chars()
        .map(|c| {
            if c == '-' {
                '+'
            } else if c == '_' {
                '/'
            } else {
                c
            }
        })
        .collect();
    let padded = format!("{standard}{}", "=".repeat((4 - standard.len() % 4) % 4));
    let lines: Vec<&str> = padded.as_bytes().chunks(64).filter_map(|l| std::str::from_utf8(l).ok()).collect();
    format!("{PEM_BEGIN}\n{}\n{PEM_END}\n", lines.join("\n"))
}

/// The PKCS#8 document of a PEM text, or of base64url DER.
pub fn from_text(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let Some(body) = text.strip_prefix(PEM_BEGIN) else { return b64::decode(text) };
    let body = body.trim_end().strip_suffix(PEM_END)?;
    let url: String = body
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| {
            if c == '+' {
                '-'
            } else if c == '/' {
                '_'
            } else {
                c
            }
        })
        .collect();
    b64::decode(&url)
}

/// The server key from `source`, for `serve`.
pub async fn load(db: &Db, source: &KeySource, now_ms: i64) -> Result<ServerKey, KeyFileError> {
    let (name, pkcs8) = match source {
        KeySource::Database => return Ok(crate::db::key::load_or_create(db, now_ms).await?),
        KeySource::Inline(text) => ("CONSENTRY_SERVER_KEY".to_string(), from_text(text)),
        KeySource::File(path) => match std::fs::read_to_string(path) {
            Ok(text) => (path.display().to_string(), from_text(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let pkcs8 = match stored(db).await? {
                    Some(pkcs8) => pkcs8,
                    None => ServerKey::generate_pkcs8()?,
                };
                write_new(path, &pkcs8)?;
                (path.display().to_string(), Some(pkcs8))
            }
            Err(e) => return Err(KeyFileError::Io(path.clone(), e)),
        },
    };
    let pkcs8 = pkcs8.ok_or_else(|| KeyFileError::Format(name.clone(), "not PEM or base64url".into()))?;
    let key = ServerKey::from_pkcs8(&pkcs8).map_err(|e| KeyFileError::Format(name.clone(), e.to_string()))?;
    if let Some(in_db) = stored(db).await? {
        let db_key = ServerKey::from_pkcs8(&in_db).map_err(|e| DbError::Corrupt(e.to_string()))?;
        if db_key.kid() != key.kid() {
            return Err(KeyFileError::Mismatch { db: db_key.kid().into(), given: key.kid().into(), source_name: name });
        }
        sqlx::query("DELETE FROM server_key WHERE id = 1").execute(&db.pool).await.map_err(DbError::from)?;
        tracing::warn!(
            kid = key.kid(),
            "the server key was moved out of the database; backups made before now still hold it"
        );
    }
    Ok(key)
}

async fn stored(db: &Db) -> Result<Option<Vec<u8>>, DbError> {
    let row = sqlx::query("SELECT pkcs8 FROM server_key WHERE id = 1").fetch_optional(&db.pool).await?;
    Ok(match row {
        Some(row) => Some(row.try_get(0)?),
        None => None,
    })
}

/// Creates `path` (which must not exist) readable by its owner only, and writes the key.
fn write_new(path: &Path, pkcs8: &[u8]) -> Result<(), KeyFileError> {
    let io = |e| KeyFileError::Io(path.to_path_buf(), e);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io)?;
    file.write_all(to_pem(pkcs8).as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trips() {
        let pkcs8 = ServerKey::generate_pkcs8().unwrap();
        let pem = to_pem(&pkcs8);
        assert!(pem.starts_with(PEM_BEGIN) && pem.lines().all(|l| l.len() <= 64), "{pem}");
        assert_eq!(from_text(&pem), Some(pkcs8.clone()));
        assert_eq!(from_text(&b64::encode(&pkcs8)), Some(pkcs8));
        assert_eq!(from_text("-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----"), None);
        assert_eq!(format!("{:?}", KeySource::Inline("secret".into())), "Inline(<redacted>)");
    }
}
