//! Helpers of the REST test modules (`rest_*`, `authz`, `hostile`): a
//! service without a broker, seed users logged in, films and invitations
//! made through the API, the contract's error body and page counters, and
//! raw requests with headers the harness's [`Client`] does not set.

use std::time::Duration;

use actix_web::web::Bytes;
use awc::http::Method;
use awc::http::header::{self, HeaderMap};
use serde_json::{Value, json};

use crate::common::client::SESSION_COOKIE;
use crate::common::seed::SeedUser;
use crate::common::{Client, Reply, Service};

/// Deadline of one raw request.
const RAW_TIMEOUT: Duration = Duration::from_secs(30);

/// A service with a new database and no broker: REST needs none.
pub async fn service() -> Service {
    Service::builder().start().await
}

/// A service with a new database, no broker and `FM_PAGE_SIZE` = `size`.
pub async fn service_with_page_size(size: u32) -> Service {
    Service::builder()
        .env("FM_PAGE_SIZE", &size.to_string())
        .start()
        .await
}

/// A new session of `user` on `service`.
pub async fn logged_in(service: &Service, user: &SeedUser) -> Client {
    let client = service.client();
    client.login_as(user).await;
    client
}

/// The input of a film with only the required fields.
pub fn film_input(title: &str, private: bool) -> Value {
    json!({ "title": title, "private": private })
}

/// Creates a film as `owner` and returns its id.
pub async fn create_film(owner: &Client, title: &str, private: bool) -> i64 {
    let reply = owner
        .post("/api/films", Some(film_input(title, private)))
        .await;
    assert_eq!(reply.status, 201, "create {title:?}: {reply:?}");
    reply.body["id"].as_i64().expect("the new film's id")
}

/// Invites `reviewers` to public film `film` as its owner.
pub async fn invite(owner: &Client, film: i64, reviewers: &[i64]) -> Reply {
    let invitations: Vec<Value> = reviewers
        .iter()
        .map(|&reviewer| json!({ "filmId": film, "reviewerId": reviewer }))
        .collect();
    owner
        .post(
            &format!("/api/films/public/{film}/reviews"),
            Some(json!(invitations)),
        )
        .await
}

/// A valid completion of a review.
pub fn completion() -> Value {
    json!({ "reviewDate": "2026-12-01", "rating": 8, "review": "Worth a second look." })
}

/// Asserts that `reply` is the contract's error: the status, and a body of
/// exactly `{"code": status, "error": reason, "message": "<sentence>"}`.
#[track_caller]
pub fn assert_error(reply: &Reply, status: u16, reason: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    if let Err(problem) = error_shape(reply, reason) {
        panic!("{problem}: {reply:?}");
    }
}

/// Why `reply`'s body is not the contract's error body with `reason`.
pub fn error_shape(reply: &Reply, reason: &str) -> Result<(), String> {
    let Some(fields) = reply.body.as_object() else {
        return Err("the error body is not a JSON object".to_owned());
    };
    let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    keys.sort_unstable();
    if keys != ["code", "error", "message"] {
        return Err(format!("the error body has the keys {keys:?}"));
    }
    if reply.body["code"] != json!(reply.status) {
        return Err("`code` is not the HTTP status".to_owned());
    }
    if reply.error() != Some(reason) {
        return Err(format!("`error` is not {reason:?}"));
    }
    match reply.body["message"].as_str() {
        Some(message) if !message.trim().is_empty() => Ok(()),
        _ => Err("`message` is not a sentence".to_owned()),
    }
}

/// The counters of a page: `(totalPages, currentPage, totalItems, next)`.
pub fn page_counters(reply: &Reply) -> (i64, i64, i64, Option<&str>) {
    let number = |key: &str| {
        reply.body[key]
            .as_i64()
            .unwrap_or_else(|| panic!("page without {key}: {reply:?}"))
    };
    let next = reply.body.get("next").map(|next| {
        next.as_str()
            .unwrap_or_else(|| panic!("`next` is not a link: {reply:?}"))
    });
    (
        number("totalPages"),
        number("currentPage"),
        number("totalItems"),
        next,
    )
}

/// The `id` of each film, or the `reviewerId` of each review, of a page
/// whose items are under `key` (`films` or `reviews`).
pub fn page_ids(reply: &Reply, key: &str) -> Vec<i64> {
    let items = reply.body[key]
        .as_array()
        .unwrap_or_else(|| panic!("page without {key}: {reply:?}"));
    items
        .iter()
        .map(|item| {
            item.get("id")
                .or_else(|| item.get("reviewerId"))
                .and_then(Value::as_i64)
                .unwrap_or_else(|| panic!("item without an id: {item}"))
        })
        .collect()
}

/// The `(id, title)` of each film of a page of films.
pub fn page_titles(reply: &Reply) -> Vec<(i64, String)> {
    let films = reply.body["films"]
        .as_array()
        .unwrap_or_else(|| panic!("page without films: {reply:?}"));
    films
        .iter()
        .map(|film| {
            let id = film["id"].as_i64();
            let title = film["title"].as_str().map(str::to_owned);
            id.zip(title)
                .unwrap_or_else(|| panic!("film without id or title: {film}"))
        })
        .collect()
}

/// A response to a [`raw`] request.
#[derive(Debug)]
pub struct RawReply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Sends a request with exactly these extra `headers` (plus the session
/// cookie of `session`, if any) and `body`; `Err` on a transport failure.
pub async fn raw(
    service: &Service,
    session: Option<&Client>,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Result<RawReply, String> {
    let http = awc::Client::builder()
        .timeout(RAW_TIMEOUT)
        .disable_redirects()
        .finish();
    let mut request = http.request(method, service.url(path));
    for &(name, value) in headers {
        request = request.insert_header((name, value));
    }
    if let Some(cookie) = session.and_then(Client::session_cookie) {
        request = request.insert_header((header::COOKIE, format!("{SESSION_COOKIE}={cookie}")));
    }
    let mut response = request
        .send_body(body.into())
        .await
        .map_err(|err| err.to_string())?;
    let body = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .map_err(|err| format!("reading the body: {err}"))?;
    Ok(RawReply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body,
    })
}

impl RawReply {
    /// A header's value as text, if present and readable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}
