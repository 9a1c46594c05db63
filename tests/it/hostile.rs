//! Hostile input (CONTRACT §4: "nothing a client sends may produce a 5xx or
//! take the service down"): broken encodings, oversized and deeply nested
//! bodies, absurd numbers and ids, wrong media types and malformed queries,
//! each answered with a 4xx error body, after which the service still works.

use std::time::Duration;

use actix_web::web::Bytes;
use awc::http::Method;
use futures_util::stream;
use serde_json::{Value, json};

use crate::common::client::SESSION_COOKIE;
use crate::common::seed::{FRANK, PASSWORD, USER};
use crate::common::{Client, Service};
use crate::rest_support::{assert_error, logged_in, page_counters, raw, service};

/// The service's default body limit (`max_body_bytes`).
const BODY_LIMIT: usize = 64 * 1024;

/// Nesting depth of the deeply nested bodies.
const DEPTH: usize = 10_000;

/// The size of the largest bodies sent.
const MEGABYTE: usize = 1024 * 1024;

/// 2^70: fits no 64-bit integer.
const TWO_POW_70: &str = "1180591620717411303424";

/// One hostile request and the status it must get.
struct Attack {
    method: Method,
    path: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    expected: u16,
}

impl Attack {
    /// `request` is `"METHOD /path"`; the body is sent as JSON.
    fn new(request: &str, body: impl Into<Vec<u8>>, expected: u16) -> Self {
        let (method, path) = request.split_once(' ').expect("METHOD /path");
        Attack {
            method: Method::from_bytes(method.as_bytes()).expect("a method"),
            path: path.to_owned(),
            content_type: Some("application/json"),
            body: body.into(),
            expected,
        }
    }

    /// Sent with this `Content-Type`, or none.
    fn typed(mut self, content_type: Option<&'static str>) -> Self {
        self.content_type = content_type;
        self
    }

    /// The request and the start of its body, for failure messages.
    fn label(&self) -> String {
        let body = String::from_utf8_lossy(&self.body);
        let start: String = body.chars().take(60).collect();
        format!(
            "{} {} [{}] {start}... ({} bytes)",
            self.method,
            self.path,
            self.content_type.unwrap_or("no content type"),
            self.body.len()
        )
    }
}

/// A body-less request that must answer `expected`.
fn bare(request: &str, expected: u16) -> Attack {
    Attack::new(request, Vec::new(), expected).typed(None)
}

/// `[[[...]]]`, `depth` levels deep.
fn nested_arrays(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// `{"a":{"a":...1...}}`, `depth` levels deep.
fn nested_objects(depth: usize) -> String {
    format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
}

fn film(title: &str, private: bool) -> String {
    json!({ "title": title, "private": private }).to_string()
}

fn review(text: &str) -> String {
    json!({ "reviewDate": "2026-12-01", "rating": 5, "review": text }).to_string()
}

fn credentials(email: &str, password: &str) -> String {
    json!({ "email": email, "password": password }).to_string()
}

/// Hostile bodies, sent by the owner of films 1-4 (seed user 1).
#[rustfmt::skip]
fn body_attacks() -> Vec<Attack> {
    use Attack as A;
    let (arrays, objects) = (nested_arrays(DEPTH), nested_objects(DEPTH));
    let long = |length: usize| "a".repeat(length);
    let rating = |value: &str| format!(r#"{{"title":"x","private":true,"rating":{value}}}"#);
    let select = |value: &str| format!(r#"{{"id":{value}}}"#);
    let invite = |film: &str, user: &str| format!(r#"[{{"filmId":{film},"reviewerId":{user}}}]"#);
    let invitations = json!(vec![json!({"filmId": 1, "reviewerId": 2}); MEGABYTE / 30]);
    let (max, min) = (i64::MAX.to_string(), i64::MIN.to_string());
    let form = "multipart/form-data; boundary=b";
    let part = "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--b--\r\n";
    let user = "user@example.com";
    vec![
        // Broken UTF-8.
        A::new("POST /api/films", &b"{\"title\":\"\xff\xfe\",\"private\":true}"[..], 400),
        A::new("POST /api/users/authenticator", &b"{\"email\":\"\xc3\x28\"}"[..], 400),
        A::new("PUT /api/users/1/selection", &b"{\"id\":1,\"title\":\"\xed\xa0\x80\"}"[..], 400),
        A::new("POST /api/films/public/1/reviews", (0..=255).collect::<Vec<u8>>(), 400),
        // Larger than the limit.
        A::new("POST /api/films", film(&long(BODY_LIMIT + 1024), true), 413),
        A::new("POST /api/films", film(&long(MEGABYTE), true), 413),
        A::new("PUT /api/films/public/1", film(&long(MEGABYTE), false), 413),
        A::new("POST /api/users/authenticator", credentials(user, &long(MEGABYTE)), 413),
        A::new("POST /api/films/public/1/reviews", invitations.to_string(), 413),
        A::new("PUT /api/films/public/1/reviews/1", review(&long(MEGABYTE)), 413),
        // Deeply nested.
        A::new("POST /api/films", arrays.clone(), 400),
        A::new("POST /api/films", format!(r#"{{"title":{arrays},"private":true}}"#), 400),
        A::new("PUT /api/users/1/selection", format!(r#"{{"id":1,"title":{arrays}}}"#), 400),
        A::new("PUT /api/users/1/selection", format!(r#"{{"id":1,"owner":{objects}}}"#), 400),
        A::new("POST /api/films/public/1/reviews", arrays.clone(), 400),
        A::new("POST /api/users/authenticator", format!(r#"{{"email":{arrays}}}"#), 400),
        // Numbers no 64-bit integer holds, and ids out of range.
        A::new("POST /api/films", rating("1e400"), 400),
        A::new("POST /api/films", rating(TWO_POW_70), 400),
        A::new("POST /api/films", rating(&format!("-{TWO_POW_70}")), 400),
        A::new("POST /api/films", rating(&min), 400),
        A::new("PUT /api/users/1/selection", select("1e400"), 400),
        A::new("PUT /api/users/1/selection", select(TWO_POW_70), 400),
        A::new("PUT /api/users/1/selection", select("9223372036854775808"), 400),
        A::new("PUT /api/users/1/selection", select(&max), 404),
        A::new("PUT /api/users/1/selection", select("0"), 400),
        A::new("PUT /api/users/1/selection", select("-1"), 400),
        A::new("POST /api/films/public/1/reviews", invite("1", TWO_POW_70), 400),
        A::new("POST /api/films/public/1/reviews", invite("1", &max), 409),
        A::new("POST /api/films/public/1/reviews", invite("1", "0"), 400),
        A::new("POST /api/films/public/1/reviews", invite("1", "-2"), 400),
        A::new("POST /api/films/public/1/reviews", invite("0", "2"), 400),
        // Long strings under the body limit.
        A::new("POST /api/films", film(&long(10_000), true), 400),
        A::new("PUT /api/films/public/1/reviews/1", review(&long(10_000)), 400),
        A::new("POST /api/users/authenticator", credentials(&long(10_000), "password"), 401),
        A::new("POST /api/users/authenticator", credentials(user, &long(10_000)), 401),
        // Not JSON, or not the JSON asked for.
        A::new("POST /api/films", "", 400),
        A::new("POST /api/films", "null", 400),
        A::new("POST /api/films", r#"{"title":"x""#, 400),
        A::new("POST /api/films", r#"{"title":"x","private":true} and more"#, 400),
        A::new("POST /api/films", r#"{"title":"x","title":"y","private":true}"#, 400),
        A::new("PUT /api/films/public/1/reviews/1", r#"{"reviewDate":[],"rating":5}"#, 400),
        // Wrong media types.
        A::new("POST /api/films", film("x", true), 400).typed(Some("text/plain")),
        A::new("POST /api/films", film("x", true), 400).typed(None),
        A::new("POST /api/films", "title=x", 400).typed(Some("application/x-www-form-urlencoded")),
        A::new("POST /api/films", part, 400).typed(Some(form)),
        A::new("POST /api/films", film("x", true), 400).typed(Some("application/jsonx")),
        A::new("POST /api/users/authenticator", credentials(user, "password"), 400)
            .typed(Some("text/plain")),
        A::new("POST /api/films/public/1/reviews", invite("1", "5"), 400)
            .typed(Some("text/plain")),
    ]
}

/// Hostile paths and queries, sent by the owner of films 1-4.
#[rustfmt::skip]
fn path_attacks() -> Vec<Attack> {
    use Attack as A;
    let (change, completion, select) = (film("x", false), review("x"), r#"{"id":1}"#);
    let max = i64::MAX;
    vec![
        bare("GET /api/films/public/0", 400),
        bare("GET /api/films/public/-1", 400),
        bare("GET /api/films/private/0", 400),
        bare("GET /api/films/private/-7", 400),
        bare(&format!("GET /api/films/public/{TWO_POW_70}"), 400),
        bare(&format!("GET /api/films/public/{max}"), 404),
        bare("GET /api/films/public/1.5", 400),
        bare("GET /api/films/public/abc", 400),
        bare("GET /api/films/public/%FF", 400),
        bare("GET /api/films/public/%00", 400),
        A::new("PUT /api/films/public/0", change.clone(), 400),
        A::new("PUT /api/films/private/-1", change, 400),
        bare("DELETE /api/films/public/0", 400),
        bare("DELETE /api/films/private/-1", 400),
        bare("GET /api/films/public/0/reviews", 400),
        bare("GET /api/films/public/1/reviews/0", 400),
        bare("GET /api/films/public/1/reviews/-3", 400),
        bare(&format!("GET /api/films/public/1/reviews/{TWO_POW_70}"), 400),
        bare("GET /api/films/public/1/reviews/abc", 400),
        A::new("PUT /api/films/public/1/reviews/0", completion, 400),
        bare("DELETE /api/films/public/1/reviews/-1", 400),
        bare("GET /api/users/0", 400),
        bare("GET /api/users/-1", 400),
        bare(&format!("GET /api/users/{TWO_POW_70}"), 400),
        bare("GET /api/users/0/selection", 400),
        bare("GET /api/users/abc/selection", 400),
        A::new("PUT /api/users/0/selection", select, 400),
        A::new("PUT /api/users/-1/selection", select, 400),
        bare("DELETE /api/users/0/selection", 400),
        bare("DELETE /api/users/-5/selection", 400),
        bare("GET /api/films/public?pageNo=abc", 400),
        bare("GET /api/films/public?pageNo=0", 400),
        bare("GET /api/films/public?pageNo=-1", 400),
        bare("GET /api/films/public?pageNo=1.5", 400),
        bare("GET /api/films/public?pageNo=", 400),
        bare("GET /api/films/public?pageNo=%FF", 400),
        bare("GET /api/films/public?pageNo=1&pageNo=2", 400),
        bare(&format!("GET /api/films/public?pageNo={TWO_POW_70}"), 400),
        bare("GET /api/films/private?pageNo=abc", 400),
        bare("GET /api/films/public/invited?pageNo=0", 400),
        bare("GET /api/films/public/2/reviews?pageNo=x", 400),
        bare("GET /api/films/public/2/reviews?pageNo=-9", 400),
    ]
}

/// Whether `body` is an error body `{"code", "error", "message"}` whose
/// code is `status`, whatever its reason.
fn is_error_body(status: u16, body: &[u8]) -> bool {
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let keys = body
        .as_object()
        .map(|fields| fields.keys().map(String::as_str).collect::<Vec<_>>());
    keys.is_some_and(|mut keys| {
        keys.sort_unstable();
        keys == ["code", "error", "message"]
    }) && body["code"] == json!(status)
        && body["error"]
            .as_str()
            .is_some_and(|reason| !reason.is_empty())
}

/// Sends every attack; returns a line per attack not answered as expected.
async fn launch(service: &Service, session: &Client, attacks: &[Attack]) -> Vec<String> {
    let mut failures = Vec::new();
    for attack in attacks {
        let headers: Vec<(&str, &str)> = attack
            .content_type
            .map(|value| ("content-type", value))
            .into_iter()
            .collect();
        let sent = raw(
            service,
            Some(session),
            attack.method.clone(),
            &attack.path,
            &headers,
            attack.body.clone(),
        )
        .await;
        let label = attack.label();
        match sent {
            Ok(reply)
                if reply.status == attack.expected && is_error_body(reply.status, &reply.body) => {}
            Ok(reply) => {
                let body: String = String::from_utf8_lossy(&reply.body)
                    .chars()
                    .take(200)
                    .collect();
                failures.push(format!(
                    "{label}: expected {} with an error body, got {} {body}",
                    attack.expected, reply.status
                ));
            }
            Err(err) => failures.push(format!("{label}: no answer: {err}")),
        }
    }
    failures
}

/// Asserts that the service is alive and serves reads and log-ins, and that
/// the public films are still exactly the seed's.
async fn assert_still_serving(service: &mut Service) {
    let root = service.client().get("/api", None).await;
    let login = service.client().login(FRANK.email, PASSWORD).await;
    let films = service.client().get("/api/films/public", None).await;

    assert!(service.is_running(), "the service died");
    assert_eq!(root.status, 200, "{root:?}");
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(page_counters(&films).2, 4, "{films:?}");
}

#[actix::test]
async fn hostile_bodies_get_a_4xx_error_and_the_service_keeps_serving() {
    let mut service = service().await;
    let owner = logged_in(&service, &USER).await;
    let attacks = body_attacks();

    let failures = launch(&service, &owner, &attacks).await;

    assert!(
        failures.is_empty(),
        "{} of {} hostile bodies were answered otherwise:\n{}",
        failures.len(),
        attacks.len(),
        failures.join("\n")
    );
    assert_still_serving(&mut service).await;
}

#[actix::test]
async fn hostile_paths_and_queries_get_a_4xx_error_and_the_service_keeps_serving() {
    let mut service = service().await;
    let owner = logged_in(&service, &USER).await;
    let attacks = path_attacks();

    let failures = launch(&service, &owner, &attacks).await;

    assert!(
        failures.is_empty(),
        "{} of {} hostile paths were answered otherwise:\n{}",
        failures.len(),
        attacks.len(),
        failures.join("\n")
    );
    assert_still_serving(&mut service).await;
}

#[actix::test]
async fn a_huge_body_without_a_length_is_a_413() {
    let mut service = service().await;
    let owner = logged_in(&service, &USER).await;
    let chunk = Bytes::from(vec![b'a'; 16 * 1024]);
    let mut chunks = vec![Bytes::from_static(b"{\"private\":true,\"title\":\"")];
    chunks.extend(std::iter::repeat_n(chunk, 64));
    let body = stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
    let cookie = format!(
        "{SESSION_COOKIE}={}",
        owner.session_cookie().unwrap_or_default()
    );

    let http = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let sent = http
        .post(service.url("/api/films"))
        .insert_header(("content-type", "application/json"))
        .insert_header(("cookie", cookie))
        .send_stream(body)
        .await;

    let mut response = sent.expect("an answer to a chunked body");
    let answer = response.body().await.unwrap_or_default();

    assert_eq!(response.status().as_u16(), 413, "{answer:?}");
    assert!(is_error_body(413, &answer), "{answer:?}");
    assert_still_serving(&mut service).await;
}

#[actix::test]
async fn a_forged_or_empty_session_cookie_is_a_401() {
    let service = service().await;
    let forged = service.client();
    forged.set_session_cookie(Some("forged-session-value".to_owned()));
    let empty = service.client();
    empty.set_session_cookie(Some(String::new()));

    let with_forged = forged.get("/api/users", None).await;
    let with_empty = empty.get("/api/users", None).await;

    assert_error(&with_forged, 401, "not_authenticated");
    assert_error(&with_empty, 401, "not_authenticated");
}

#[actix::test]
async fn a_wrong_method_on_a_known_resource_is_a_405_with_the_error_body() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;
    let wrong = [
        (Method::PATCH, "/api/films/public/1", "GET, PUT, DELETE"),
        (Method::POST, "/api/users/1", "GET"),
        (Method::DELETE, "/api/users", "GET"),
        (Method::GET, "/api/films", "POST"),
        (Method::DELETE, "/api/films/private", "GET"),
        (Method::PUT, "/api", "GET"),
        (Method::TRACE, "/api/users/authenticator", "POST, DELETE"),
    ];

    let mut failures = Vec::new();
    for (method, path, allowed) in wrong {
        let reply = owner.request(method.clone(), path, None).await;
        let allow_header = reply.header("allow");
        if reply.status != 405
            || !is_error_body(reply.status, &reply.raw)
            || allow_header != Some(allowed)
        {
            failures.push(format!(
                "{method} {path}: {} {} (Allow: {allow_header:?})",
                reply.status,
                reply.text()
            ));
        }
    }

    assert!(
        failures.is_empty(),
        "not a 405 error:\n{}",
        failures.join("\n")
    );
}
