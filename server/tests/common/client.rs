//! A small HTTP/1.1 client for tests and the benchmark that talk to the real binary over TCP.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A keep-alive client for one server.
#[derive(Clone)]
pub struct Client {
    inner: hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>,
    base: String,
}

impl Client {
    /// A client for `base` (`http://127.0.0.1:PORT`).
    pub fn new(base: &str) -> Self {
        let inner =
            hyper_util::client::legacy::Client::builder(TokioExecutor::new()).pool_max_idle_per_host(256).build_http();
        Client { inner, base: base.to_string() }
    }

    /// `POST /v1/receipts`: status and body, or why the exchange failed.
    pub async fn post_receipt(&self, jws: &str) -> Result<(u16, String), String> {
        let request = axum::http::Request::post(format!("{}/v1/receipts", self.base))
            .header("content-type", "application/jose")
            .body(Full::new(Bytes::from(jws.to_string())))
            .map_err(|e| e.to_string())?;
        self.send(request).await
    }

    /// `GET path`, with a bearer token when given.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Result<(u16, String), String> {
        let mut request = axum::http::Request::get(format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.header("authorization", format!("Bearer {t}"));
        }
        self.send(request.body(Full::new(Bytes::new())).map_err(|e| e.to_string())?).await
    }

    async fn send(&self, request: axum::http::Request<Full<Bytes>>) -> Result<(u16, String), String> {
        let response = self.inner.request(request).await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}
