//! Review findings #9 and #10 through the router: behind a proxy, clients are told apart by the
//! forwarding header whatever form its entries take (`IP:port`, `[IPv6]:port`, RFC 7239
//! `Forwarded`), and the addresses of one IPv6 /64 share one bucket.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{HeaderName, Request};
use common::{chain, fresh_db, send, state, Kind};
use consentry_server::ratelimit::RateLimit;
use consentry_server::Settings;

async fn app(header: &'static str, burst: u32) -> axum::Router {
    let settings = Settings {
        rate_limit: RateLimit::new(0.01, burst),
        client_ip_header: Some(HeaderName::from_static(header)),
        ..Settings::unrestricted()
    };
    consentry_server::app(state(fresh_db(Kind::Sqlite).await, settings).await)
}

/// Posts a fresh receipt with `header: value`; the status.
async fn post_as(app: &axum::Router, n: u64, header: &str, value: &str) -> u16 {
    let jws = chain(&format!("client {n}"), 100 * n, 1).remove(0);
    let request = Request::post("/v1/receipts")
        .header("content-type", "application/jose")
        .header(header, value)
        .body(Body::from(jws))
        .unwrap();
    send(app, request).await.status.as_u16()
}

#[tokio::test]
async fn clients_behind_a_proxy_are_told_apart_in_every_address_form() {
    let xff = app("x-forwarded-for", 1).await;
    for n in 1..=4 {
        let value = format!("203.0.113.9, 198.51.100.{n}:4711");
        assert_eq!(post_as(&xff, n, "x-forwarded-for", &value).await, 200, "client {value} has its own bucket");
    }
    assert_eq!(post_as(&xff, 5, "x-forwarded-for", "[2001:db8:aa::1]:4711").await, 200);
    assert_eq!(post_as(&xff, 6, "x-forwarded-for", "198.51.100.1:5000").await, 429, "same client, new port");

    let forwarded = app("forwarded", 1).await;
    for n in 1..=3 {
        let value = format!("for=192.0.2.60;proto=https, for=\"[2001:db8:{n}::17]:4711\";by=203.0.113.43");
        assert_eq!(post_as(&forwarded, n, "forwarded", &value).await, 200, "{value}");
    }
    assert_eq!(post_as(&forwarded, 4, "forwarded", "for=\"[2001:db8:1::17]:80\"").await, 429);
}

#[tokio::test]
async fn the_addresses_of_one_ipv6_64_share_a_bucket() {
    let app = app("x-forwarded-for", 3).await;
    let statuses: Vec<u16> = {
        let mut v = Vec::new();
        for n in 1..=6 {
            v.push(post_as(&app, n, "x-forwarded-for", &format!("2001:db8:5:6:{n:x}::{n:x}")).await);
        }
        v
    };
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429], "one /64, one bucket of 3");
    assert_eq!(post_as(&app, 7, "x-forwarded-for", "2001:db8:5:7::1").await, 200, "the next /64 is another client");
}
