//! HTTP client for the service under test, over awc on the test's actix
//! runtime.
//!
//! A [`Client`] is one browser-like session: it stores the `fm_session`
//! cookie from `Set-Cookie` and sends it back. Clones share the session and
//! the connection pool, so one user can fire many concurrent requests;
//! [`Client::new_session`] gives another user on the same pool. The pool has
//! no connection limit, so hundreds of requests can be in flight at once.
//! The request methods return futures that own their arguments (no borrow
//! of the client or the path), so they can be collected, joined or spawned.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use actix_web::web::Bytes;
use awc::error::PayloadError;
use awc::http::header::{self, HeaderMap};
use awc::http::{Method, StatusCode};
use awc::{ClientRequest, ClientResponse, Connector};
use futures_util::Stream;
use serde_json::{Value, json};

use super::seed::{PASSWORD, SeedUser};

/// Name of the service's session cookie.
pub const SESSION_COOKIE: &str = "fm_session";

/// Per-request deadline; generous because tests load a 2-core machine.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Shorter than the service's keep-alive, so the pool never reuses a
/// connection the server is closing.
const POOL_KEEP_ALIVE: Duration = Duration::from_secs(2);

/// Largest response body a test reads.
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// One HTTP session with the service.
#[derive(Clone)]
pub struct Client {
    http: awc::Client,
    base_url: Rc<str>,
    cookie: Rc<RefCell<Option<String>>>,
}

/// A response, read to the end.
#[derive(Clone)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body parsed as JSON; `Null` if empty or not JSON.
    pub body: Value,
    /// The body as received.
    pub raw: Bytes,
}

impl Client {
    /// A client of the service at `base_url` (`http://127.0.0.1:<port>`),
    /// with no session and its own connection pool.
    pub fn new(base_url: &str) -> Client {
        let connector = Connector::new()
            .limit(0)
            .timeout(Duration::from_secs(10))
            .conn_keep_alive(POOL_KEEP_ALIVE);
        let http = awc::Client::builder()
            .connector(connector)
            .timeout(REQUEST_TIMEOUT)
            .disable_redirects()
            .finish();
        Client {
            http,
            base_url: base_url.trim_end_matches('/').into(),
            cookie: Rc::default(),
        }
    }

    /// Another session (no cookie) on the same connection pool.
    pub fn new_session(&self) -> Client {
        Client {
            http: self.http.clone(),
            base_url: Rc::clone(&self.base_url),
            cookie: Rc::default(),
        }
    }

    /// The service's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The session cookie's value, if the client holds one.
    pub fn session_cookie(&self) -> Option<String> {
        self.cookie.borrow().clone()
    }

    /// Replaces the session cookie (e.g. to replay an expired session).
    pub fn set_session_cookie(&self, value: Option<String>) {
        *self.cookie.borrow_mut() = value;
    }

    /// `POST /api/users/authenticator`; keeps the session on success.
    pub fn login(&self, email: &str, password: &str) -> impl Future<Output = Reply> + use<> {
        let credentials = json!({ "email": email, "password": password });
        self.post("/api/users/authenticator", Some(credentials))
    }

    /// Logs in as a seed user and asserts that it worked.
    pub fn login_as(&self, user: &SeedUser) -> impl Future<Output = Reply> + use<> {
        let user = *user;
        let login = self.login(user.email, PASSWORD);
        async move {
            let reply = login.await;
            assert_eq!(reply.status, 200, "log-in as {}: {reply:?}", user.name);
            reply
        }
    }

    /// `DELETE /api/users/authenticator`.
    pub fn logout(&self) -> impl Future<Output = Reply> + use<> {
        self.delete("/api/users/authenticator", None)
    }

    /// `GET path`, with a JSON body if given. Panics if no response came.
    pub fn get(&self, path: &str, body: Option<Value>) -> impl Future<Output = Reply> + use<> {
        self.request(Method::GET, path, body)
    }

    /// `POST path`, with a JSON body if given. Panics if no response came.
    pub fn post(&self, path: &str, body: Option<Value>) -> impl Future<Output = Reply> + use<> {
        self.request(Method::POST, path, body)
    }

    /// `PUT path`, with a JSON body if given. Panics if no response came.
    pub fn put(&self, path: &str, body: Option<Value>) -> impl Future<Output = Reply> + use<> {
        self.request(Method::PUT, path, body)
    }

    /// `DELETE path`, with a JSON body if given. Panics if no response came.
    pub fn delete(&self, path: &str, body: Option<Value>) -> impl Future<Output = Reply> + use<> {
        self.request(Method::DELETE, path, body)
    }

    /// Any method; panics if no response came.
    pub fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> impl Future<Output = Reply> + use<> {
        let label = format!("{method} {path}");
        let attempt = self.try_request(method, path, body);
        async move { attempt.await.unwrap_or_else(|err| panic!("{label}: {err}")) }
    }

    /// Any method; `Err` describes a transport failure (refused, reset,
    /// timed out), e.g. while the service is down.
    pub fn try_request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> impl Future<Output = Result<Reply, String>> + use<> {
        let client = self.clone();
        let path = path.to_owned();
        async move {
            let request = client.prepare(method, &path);
            let sent = match body {
                Some(json) => request.send_json(&json).await,
                None => request.send().await,
            };
            client.read(sent.map_err(|err| err.to_string())?).await
        }
    }

    /// Sends `body` as is with `content_type`: for malformed JSON, wrong
    /// media types and oversized bodies. Panics if no response came.
    pub fn send_raw<B: Into<Bytes>>(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: B,
    ) -> impl Future<Output = Reply> + use<B> {
        let label = format!("{method} {path}");
        let request = self
            .prepare(method, path)
            .insert_header((header::CONTENT_TYPE, content_type.to_owned()));
        let client = self.clone();
        let body = body.into();
        async move {
            let sent = request
                .send_body(body)
                .await
                .unwrap_or_else(|err| panic!("{label}: {err}"));
            client
                .read(sent)
                .await
                .unwrap_or_else(|err| panic!("{label}: {err}"))
        }
    }

    /// A WebSocket handshake request to `url` carrying the session cookie.
    pub fn ws(&self, url: &str) -> awc::ws::WebsocketsRequest {
        let request = self.http.ws(url);
        match self.cookie_header() {
            Some(cookie) => request.header(header::COOKIE, cookie),
            None => request,
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base_url)
        }
    }

    fn cookie_header(&self) -> Option<String> {
        let cookie = self.cookie.borrow();
        cookie
            .as_ref()
            .map(|value| format!("{SESSION_COOKIE}={value}"))
    }

    fn prepare(&self, method: Method, path: &str) -> ClientRequest {
        let request = self.http.request(method, self.url(path));
        match self.cookie_header() {
            Some(cookie) => request.insert_header((header::COOKIE, cookie)),
            None => request,
        }
    }

    async fn read<S>(&self, mut response: ClientResponse<S>) -> Result<Reply, String>
    where
        S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
    {
        self.remember_cookie(response.headers());
        let raw = response
            .body()
            .limit(BODY_LIMIT)
            .await
            .map_err(|err| format!("reading the body: {err}"))?;
        let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Ok(Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body,
            raw,
        })
    }

    /// Stores or clears the session cookie from the `Set-Cookie` headers.
    fn remember_cookie(&self, headers: &HeaderMap) {
        for value in headers.get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let mut parts = text.split(';').map(str::trim);
            let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
                continue;
            };
            if name != SESSION_COOKIE {
                continue;
            }
            let removed = value.is_empty()
                || parts.any(|attribute| {
                    let attribute = attribute.to_ascii_lowercase();
                    attribute == "max-age=0" || attribute.starts_with("max-age=-")
                });
            *self.cookie.borrow_mut() = (!removed).then(|| value.to_owned());
        }
    }
}

impl Reply {
    /// A header's value as text, if present and readable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// The contract's machine-readable error reason, `body["error"]`.
    pub fn error(&self) -> Option<&str> {
        self.body.get("error").and_then(Value::as_str)
    }

    /// The status as a typed code.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl fmt::Debug for Reply {
    /// Status, headers and (at most 2000 bytes of) the body, for assertion
    /// messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.text();
        let shown: String = text.chars().take(2000).collect();
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &shown)
            .finish()
    }
}
