//! The HTTP client deliveries go through: HTTP/1.1 over rustls (ring, the system's trusted roots)
//! or plain HTTP, keep-alive, no redirects followed (a 3xx is a failed attempt), and every attempt
//! bounded by the hook's timeout. Only the status comes back; the body of the answer is not read.

use std::time::Duration;

use axum::http::{header, HeaderValue, Request};
use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::config::HookUrl;

/// A shared client (one connection pool for every hook).
#[derive(Clone)]
pub struct Sender(Client<HttpsConnector<HttpConnector>, Full<Bytes>>);

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sender")
    }
}

impl Sender {
    /// A client; with `needs_tls`, the system's trusted roots must load (else the error says so).
    pub fn new(needs_tls: bool) -> Result<Sender, String> {
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS for webhooks: {e}"))?;
        let tls = if needs_tls {
            use hyper_rustls::ConfigBuilderExt;
            builder
                .with_native_roots()
                .map_err(|e| format!("an https webhook needs the system's trusted root certificates: {e}"))?
                .with_no_client_auth()
        } else {
            builder.with_root_certificates(rustls::RootCertStore::empty()).with_no_client_auth()
        };
        let connector =
            hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http().enable_http1().build();
        Ok(Sender(Client::builder(TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build(connector)))
    }

    /// POSTs `body` to `url` with `headers`; the status, or why no status came back in `timeout`.
    pub async fn post(
        &self,
        url: &HookUrl,
        headers: &[(&'static str, String)],
        body: String,
        timeout: Duration,
    ) -> Result<u16, String> {
        let mut request = Request::post(url.uri().clone())
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::USER_AGENT, concat!("consentry-server/", env!("CARGO_PKG_VERSION")));
        for (name, value) in headers {
            let value = HeaderValue::from_str(value).map_err(|_| format!("header {name} is not a header value"))?;
            request = request.header(*name, value);
        }
        let request = request.body(Full::new(Bytes::from(body))).map_err(|e| e.to_string())?;
        match tokio::time::timeout(timeout, self.0.request(request)).await {
            Ok(Ok(response)) => Ok(response.status().as_u16()),
            Ok(Err(e)) => Err(chain(&e)),
            Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
        }
    }
}

/// An error and its sources, one sentence.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
