//! Review finding #7: the log's signing key outside the database it protects, and a `verify` that
//! pins the key and a tree head obtained earlier, so that a history rewritten by someone holding
//! the database and a copy of the key is caught.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

use common::{chain, fresh_url, get, post, temp_dir, Kind};
use consentry_receipt::b64;
use consentry_server::db::{Db, Open};
use consentry_server::key_file::{self, KeyFileError, KeySource};
use consentry_server::keys::ServerKey;
use consentry_server::verify::{parse_jwks, verify_trusting, Trust};
use consentry_server::{AppState, Settings};

async fn fresh() -> (String, Db) {
    let url = fresh_url(Kind::Sqlite).await;
    let db = Db::connect(&url, Open::CreateAndMigrate).await.unwrap();
    (url, db)
}

async fn stored_keys(db: &Db) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM server_key").fetch_one(&db.pool).await.unwrap()
}

#[tokio::test]
async fn the_key_file_is_made_once_owner_only_and_never_stored() {
    let (_, db) = fresh().await;
    let path = temp_dir().join("server-key.pem");
    let first = key_file::load(&db, &KeySource::File(path.clone()), 0).await.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(stored_keys(&db).await, 0, "not in the database");
    let again = key_file::load(&db, &KeySource::File(path.clone()), 0).await.unwrap();
    assert_eq!(again.kid(), first.kid(), "the same key on every start");
    let inline = KeySource::Inline(std::fs::read_to_string(&path).unwrap());
    assert_eq!(key_file::load(&db, &inline, 0).await.unwrap().kid(), first.kid(), "or from the environment");

    // A database that holds its own key (the old default) gives it to a new key file, and forgets it.
    let (_, old) = fresh().await;
    let in_db = consentry_server::db::key::load_or_create(&old, 0).await.unwrap();
    let moved = temp_dir().join("moved.pem");
    let loaded = key_file::load(&old, &KeySource::File(moved.clone()), 0).await.unwrap();
    assert_eq!((loaded.kid(), stored_keys(&old).await), (in_db.kid(), 0));
    // ... but a database signed by one key is not served with another.
    let (_, other) = fresh().await;
    consentry_server::db::key::load_or_create(&other, 0).await.unwrap();
    let refused = key_file::load(&other, &KeySource::File(moved), 0).await;
    assert!(matches!(refused, Err(KeyFileError::Mismatch { .. })), "{refused:?}");
}

/// A log of `receipts` on a new SQLite file, signed with the key in `key_path`.
async fn log_with(key_path: &std::path::Path, receipts: &[String]) -> (String, Db, axum::Router) {
    let (url, db) = fresh().await;
    let key: ServerKey = key_file::load(&db, &KeySource::File(key_path.to_path_buf()), 0).await.unwrap();
    let (state, _writer) = AppState::start_with_key(db.clone(), Settings::unrestricted(), key).await.unwrap();
    let app = consentry_server::app(state);
    for jws in receipts {
        assert_eq!(post(&app, jws).await.status, 200);
    }
    (url, db, app)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_rewritten_with_a_copied_key_fails_a_pinned_verify() {
    let dir = temp_dir();
    let key_path = dir.join("server-key.pem");
    let receipts = chain("rewritten", 1, 3);
    let (url, db, app) = log_with(&key_path, &receipts).await;
    // What an auditor kept from the running server: its JWKS and a tree head.
    let jwks = get(&app, "/.well-known/jwks.json", None).await.text;
    let sth = get(&app, "/v1/log/sth", None).await.json();
    let pinned = Trust {
        key: Some(parse_jwks(&jwks).unwrap()),
        tree_head: Some((3, b64::decode(sth["rootHash"].as_str().unwrap()).unwrap().try_into().unwrap())),
    };
    assert_eq!(verify_trusting(&db, &pinned).await.unwrap().problems, Vec::<String>::new());

    // Someone with the database and a copy of the key rebuilds it without the latest receipt (a
    // withdrawal, say), or with it replaced: every signature is the real key's.
    let dropped_latest = log_with(&key_path, &receipts[..2]).await;
    let replaced =
        log_with(&key_path, &[receipts[0].clone(), receipts[1].clone(), chain("other", 9, 1).remove(0)]).await;
    for (what, forged) in [("latest receipt dropped", &dropped_latest.1), ("latest receipt replaced", &replaced.1)] {
        let key_only = Trust { key: pinned.key.clone(), tree_head: None };
        assert!(verify_trusting(forged, &key_only).await.unwrap().problems.is_empty(), "{what}: the key alone passes");
        let report = verify_trusting(forged, &pinned).await.unwrap();
        assert!(report.problems.iter().any(|p| p.contains("pinned tree head 3")), "{what}: {:?}", report.problems);
    }
    // A log signed by any other key fails on the pinned key alone.
    let (_, stranger, _) = log_with(&dir.join("another-key.pem"), &receipts).await;
    let report = verify_trusting(&stranger, &Trust { key: pinned.key.clone(), tree_head: None }).await.unwrap();
    assert!(report.problem_count >= 3, "{:?}", report.problems);

    // The command: `verify --jwks FILE --expect-sth SIZE:ROOT`.
    let jwks_path = dir.join("jwks.json");
    std::fs::write(&jwks_path, &jwks).unwrap();
    let expect = format!("3:{}", sth["rootHash"].as_str().unwrap());
    let run = |database: &str| {
        Command::new(env!("CARGO_BIN_EXE_consentry-server"))
            .args(["verify", "--database", database, "--jwks"])
            .arg(&jwks_path)
            .args(["--expect-sth", &expect])
            .env("CONSENTRY_LOG", "warn")
            .output()
            .unwrap()
    };
    let genuine = run(&url);
    assert!(genuine.status.success(), "{}", String::from_utf8_lossy(&genuine.stdout));
    let forged = run(&dropped_latest.0);
    let out = String::from_utf8_lossy(&forged.stdout);
    assert_eq!(forged.status.code(), Some(1), "{out}");
    assert!(out.contains("pinned tree head 3 is larger than the log"), "{out}");
}
