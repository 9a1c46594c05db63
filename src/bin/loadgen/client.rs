//! The HTTP side of a simulated user: log-in, and timed requests that
//! report their status (and the error reason of a refusal).
//!
//! One [`Http`] per client thread holds the awc connection pool, sized so
//! that every user of the thread keeps its own keep-alive connection. A
//! [`Session`] is one logged-in user: its id and its `fm_session` cookie,
//! sent with every request.

use std::rc::Rc;
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use anyhow::{Context, bail};
use awc::Connector;
use awc::http::Method;
use awc::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};

use crate::prepare::{LoadUser, PASSWORD};

/// Name of the service's session cookie.
const COOKIE_NAME: &str = "fm_session";

/// Deadline of one request; far above any latency worth measuring.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Idle time after which the pool drops a connection; below the service's
/// keep-alive (5 s) so that a connection the server is closing is not
/// reused between scenarios.
const POOL_KEEP_ALIVE: Duration = Duration::from_secs(2);

/// Pool keep-alive of a session that sends a request every few seconds
/// ([`Http::for_session`]): long enough to keep its one connection between
/// requests, still below the service's keep-alive.
const SESSION_KEEP_ALIVE: Duration = Duration::from_secs(4);

/// Largest body read (a page of films is a few KiB).
const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// A logged-in load user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: i64,
    cookie: String,
}

impl Session {
    /// The `fm_session=...` pair to send in a `Cookie` header.
    pub fn cookie(&self) -> &str {
        &self.cookie
    }
}

/// What one request brought back.
#[derive(Debug, Clone)]
pub struct Answer {
    /// When the request was handed to the client.
    pub sent: Instant,
    /// When its whole body had been read.
    pub done: Instant,
    pub outcome: Outcome,
}

/// A status with its error reason, or a transport failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Status code and, for 4xx/5xx, the `error` field of the body.
    Status(u16, Option<String>),
    /// No response: refused, reset, timed out.
    Transport(String),
}

impl Outcome {
    /// A short label for the report: `204`, `409 film_taken`, `transport`.
    pub fn label(&self) -> String {
        match self {
            Outcome::Status(code, None) => code.to_string(),
            Outcome::Status(code, Some(reason)) => format!("{code} {reason}"),
            Outcome::Transport(_) => "transport error".to_owned(),
        }
    }
}

impl Answer {
    /// Latency from hand-over to the last body byte.
    pub fn latency(&self) -> Duration {
        self.done - self.sent
    }
}

/// An HTTP client of the service for one thread.
#[derive(Clone)]
pub struct Http {
    client: awc::Client,
    base: Rc<str>,
}

impl Http {
    /// A client of the service at `base` with room for `connections`.
    pub fn new(base: &str, connections: usize) -> Http {
        Http::with_pool(base, connections + 8, POOL_KEEP_ALIVE)
    }

    /// A client with a pool of its own for one long-lived session: one
    /// connection, kept open between requests a few seconds apart.
    pub fn for_session(base: &str) -> Http {
        Http::with_pool(base, 1, SESSION_KEEP_ALIVE)
    }

    fn with_pool(base: &str, limit: usize, keep_alive: Duration) -> Http {
        let connector = Connector::new()
            .limit(limit)
            .timeout(Duration::from_secs(10))
            .conn_keep_alive(keep_alive);
        let client = awc::Client::builder()
            .connector(connector)
            .timeout(REQUEST_TIMEOUT)
            .disable_redirects()
            .finish();
        Http {
            client,
            base: base.into(),
        }
    }

    /// Logs `user` in and keeps the session cookie.
    pub async fn login(&self, user: &LoadUser) -> anyhow::Result<Session> {
        let body = serde_json::json!({ "email": user.email, "password": PASSWORD });
        let mut response = self
            .client
            .post(format!("{}/api/users/authenticator", self.base))
            .send_json(&body)
            .await
            .map_err(|err| anyhow::anyhow!("log-in of {}: {err}", user.email))?;
        let _ = response.body().limit(BODY_LIMIT).await;
        if response.status() != 200 {
            bail!("log-in of {} answered {}", user.email, response.status());
        }
        let cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| value.split(';').next())
            .find(|pair| pair.starts_with(&format!("{COOKIE_NAME}=")))
            .with_context(|| format!("log-in of {} set no {COOKIE_NAME} cookie", user.email))?;
        Ok(Session {
            user_id: user.id,
            cookie: cookie.to_owned(),
        })
    }

    /// Sends one request as `session`, with `json` as the body if given,
    /// and reads the whole answer.
    pub async fn call(
        &self,
        session: &Session,
        method: Method,
        path: &str,
        json: Option<String>,
    ) -> Answer {
        let request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .insert_header((COOKIE, session.cookie.as_str()));
        let sent = Instant::now();
        let response = match json {
            Some(body) => {
                request
                    .insert_header((CONTENT_TYPE, "application/json"))
                    .send_body(body)
                    .await
            }
            None => request.send().await,
        };
        let outcome = match response {
            Ok(mut response) => match response.body().limit(BODY_LIMIT).await {
                Ok(body) => Outcome::Status(
                    response.status().as_u16(),
                    reason(response.status().as_u16(), &body),
                ),
                Err(err) => Outcome::Transport(format!("reading the body: {err}")),
            },
            Err(err) => Outcome::Transport(err.to_string()),
        };
        Answer {
            sent,
            done: Instant::now(),
            outcome,
        }
    }

    /// `GET path` as `session`: the status and the body parsed as JSON
    /// (`null` if it is not JSON); for set-up steps and checks.
    pub async fn get_json(
        &self,
        session: &Session,
        path: &str,
    ) -> anyhow::Result<(u16, serde_json::Value)> {
        let mut response = self
            .client
            .get(format!("{}{path}", self.base))
            .insert_header((COOKIE, session.cookie.as_str()))
            .send()
            .await
            .map_err(|err| anyhow::anyhow!("GET {path}: {err}"))?;
        let body = response
            .body()
            .limit(BODY_LIMIT)
            .await
            .with_context(|| format!("GET {path}"))?;
        let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        Ok((response.status().as_u16(), json))
    }
}

/// The `error` field of an error body, which names the refusal.
fn reason(status: u16, body: &Bytes) -> Option<String> {
    if status < 400 {
        return None;
    }
    let parsed: serde_json::Value = serde_json::from_slice(body).ok()?;
    parsed.get("error")?.as_str().map(str::to_owned)
}
