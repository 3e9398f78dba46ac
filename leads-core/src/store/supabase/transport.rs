//! The transport seam under SupabaseStore: requests are built (with the `postgrest` crate) into a
//! plain [`HttpRequest`], answers come back as a plain [`HttpResponse`], and a [`Transport`]
//! moves them and sleeps between retries. [`ReqwestTransport`] is the real one; tests script
//! their own to check retries, backoff and batch bookkeeping without a socket, and leads-wasm
//! gives the browser's timer for the backoff.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::store::{MaybeSend, MaybeSync};

/// A boxed future, `Send` on native targets (see [`MaybeSend`]).
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future (not `Send` on wasm32, where JavaScript values are not).
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A request, ready to send: everything the server sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, `PATCH` or `DELETE`.
    pub method: String,
    /// The whole URL, query string included (spaces as `%20`).
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<String>,
    /// How long the request may take (native targets; browsers have their own limits).
    pub timeout: Duration,
}

impl HttpRequest {
    /// The value of header `name` (case-insensitive), if set.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// An answer: its status, its `Content-Range` header and its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Range` header (PostgREST's totals), if sent.
    pub content_range: Option<String>,
    /// The body, as text.
    pub body: String,
}

/// Moves requests to the server and back, and waits between retries.
pub trait Transport: MaybeSend + MaybeSync {
    /// Sends `request`; `Err` (a message) when no answer came: connection refused or reset,
    /// timeout, unreadable body. Those are retried like 429 and 5xx answers.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, String>>;

    /// Waits `duration` before a retry.
    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()>;
}

/// The real transport: `reqwest`, with tokio's timer on native targets. On wasm32 it does not
/// wait between retries (leads-wasm gives its store the browser's timer instead).
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl Default for ReqwestTransport {
    /// On a default `reqwest::Client`.
    fn default() -> Self {
        ReqwestTransport::new(reqwest::Client::new())
    }
}

impl ReqwestTransport {
    /// A transport on `client`.
    #[must_use]
    pub fn new(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, String>> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|e| e.to_string())?;
            let mut builder = self.client.request(method, &request.url);
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            if let Some(body) = request.body {
                builder = builder.body(body);
            }
            #[cfg(not(target_arch = "wasm32"))]
            {
                builder = builder.timeout(request.timeout);
            }
            let response = builder.send().await.map_err(|e| e.to_string())?;
            let status = response.status().as_u16();
            let content_range =
                response.headers().get("content-range").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let body = response.text().await.map_err(|e| e.to_string())?;
            Ok(HttpResponse { status, content_range, body })
        })
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        #[cfg(not(target_arch = "wasm32"))]
        return Box::pin(tokio::time::sleep(duration));
        #[cfg(target_arch = "wasm32")]
        {
            let _ = duration;
            Box::pin(std::future::ready(()))
        }
    }
}

/// A request built by the `postgrest` crate (a `reqwest::Request`) as an [`HttpRequest`], with
/// `+` in the query string written `%20` (the crate writes spaces as `+`; some servers read
/// them literally).
pub(crate) fn from_reqwest(request: &reqwest::Request, timeout: Duration) -> HttpRequest {
    let mut url = request.url().clone();
    if let Some(q) = url.query().map(|q| q.replace('+', "%20")) {
        url.set_query(Some(&q));
    }
    let headers = request
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
        .collect();
    let body = request
        .body()
        .and_then(|b| b.as_bytes())
        .filter(|b| !b.is_empty())
        .map(|b| String::from_utf8_lossy(b).into_owned());
    HttpRequest { method: request.method().as_str().to_owned(), url: url.into(), headers, body, timeout }
}

/// The wait before retry `attempt` (1-based): ~100 ms, 200 ms, 400 ms, … up to 6.4 s, each
/// between half and all of it, by `jitter` (0–255).
pub(crate) fn backoff_delay(attempt: u32, jitter: u8) -> Duration {
    let ms = 100u64 << attempt.saturating_sub(1).min(6);
    Duration::from_millis(ms / 2 + ms * u64::from(jitter) / 512)
}

/// Whether an answer with `status` is worth another try (idempotent requests only).
pub(crate) fn is_retryable(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}
