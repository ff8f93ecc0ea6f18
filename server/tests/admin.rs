//! Review finding #6: the auditors' endpoints. A short token refuses to start (the real binary),
//! failed attempts are throttled per client, and neither the settings nor the command-line options
//! print the token.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use common::{fresh_db, send, state, Kind, Reply};
use consentry_server::serve::ServeOptions;
use consentry_server::Settings;

const TOKEN: &str = "0123456789abcdef0123456789abcdef";

async fn export_from(app: &axum::Router, client: &str, token: &str) -> Reply {
    let mut request =
        Request::get("/v1/stats/consent-rates").header("authorization", format!("Bearer {token}")).body(Body::empty());
    let request = request.as_mut().unwrap();
    request.extensions_mut().insert(ConnectInfo(client.parse::<SocketAddr>().unwrap()));
    send(app, std::mem::take(request)).await
}

#[tokio::test]
async fn failed_admin_authentication_is_throttled_per_client() {
    let settings = Settings { admin_token: Some(TOKEN.into()), ..Settings::unrestricted() };
    let app = consentry_server::app(state(fresh_db(Kind::Sqlite).await, settings).await);
    let guesser = "198.51.100.7:40000";
    for n in 0..10 {
        assert_eq!(export_from(&app, guesser, &format!("guess-{n}")).await.status, 401, "guess {n}");
    }
    let throttled = export_from(&app, guesser, "guess-10").await;
    assert_eq!((throttled.status.as_u16(), throttled.json()["error"].as_str()), (429, Some("rate_limited")));
    assert!(throttled.headers["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(export_from(&app, guesser, TOKEN).await.status, 429, "even the right token waits: guessing costs time");
    assert_eq!(export_from(&app, "203.0.113.9:50000", TOKEN).await.status, 200, "other clients are not affected");
}

#[test]
fn settings_and_options_never_print_the_token() {
    let secret = "s3cr3t-admin-token-that-must-not-leak-0123456789";
    let settings = Settings { admin_token: Some(secret.into()), ..Settings::unrestricted() };
    let options = ServeOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        database: "sqlite:x.db".into(),
        allow_origins: vec![],
        rate_limit: 10.0,
        rate_burst: 50,
        client_ip_header: None,
        trusted_proxies: vec![],
        notice_hashes: vec![],
        policy_versions: vec![],
        controller_urls: vec![],
        header_timeout: 10,
        body_timeout: 10,
        max_connections: 1024,
        key_file: None,
        server_key: Some(secret.parse().unwrap()),
        admin_token: Some(secret.into()),
        webhooks: Default::default(),
    };
    for printed in [format!("{settings:?}"), format!("{settings:#?}"), format!("{options:?}"), format!("{options:#?}")]
    {
        assert!(!printed.contains(secret) && !printed.contains("s3cr3t"), "{printed}");
        assert!(printed.contains("redacted"), "{printed}");
    }
}

/// The real binary with `change-me` as its token exits with status 1 and says why, instead of
/// serving.
#[test]
fn a_short_admin_token_refuses_to_start() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let db = common::temp_dir().join("receipts.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_consentry-server"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--database"])
        .arg(format!("sqlite:{}", db.display()))
        .env("CONSENTRY_ADMIN_TOKEN", "change-me")
        .env("CONSENTRY_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("consentry-server started with a 9-character admin token");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("at least 32") && !stderr.contains("change-me"), "{stderr}");
    assert!(!db.exists(), "nothing was created");
}
