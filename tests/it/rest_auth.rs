//! Log-in, log-out and sessions (CONTRACT §4, `/api/users/authenticator`),
//! and the API's entry point `GET /api`.

use std::time::{Duration, Instant};

use awc::http::Method;
use serde_json::json;

use crate::common::seed::{FRANK, KAREN, PASSWORD};
use crate::common::{Service, wait_for};
use crate::rest_support::{assert_error, film_input, logged_in, service};

/// Session lifetime of the expiry test, in seconds.
const SHORT_SESSION_SECONDS: u64 = 2;

#[actix::test]
async fn logging_in_answers_the_user_and_sets_an_http_only_lax_cookie() {
    let service = service().await;
    let client = service.client();

    let reply = client.login(FRANK.email, PASSWORD).await;
    let with_session = client.get("/api/users", None).await;

    assert_eq!(reply.status, 200, "{reply:?}");
    let expected = json!({
        "id": 2,
        "name": "Frank",
        "email": "frank@example.com",
        "self": "/api/users/2",
        "selection": "/api/users/2/selection",
    });
    assert_eq!(reply.body, expected);
    let cookie = reply.header("set-cookie").expect("a Set-Cookie header");
    assert!(cookie.starts_with("fm_session="), "{cookie}");
    let attributes = cookie.to_ascii_lowercase();
    assert!(attributes.contains("httponly"), "{cookie}");
    assert!(attributes.contains("samesite=lax"), "{cookie}");
    assert_eq!(with_session.status, 200, "{with_session:?}");
}

#[actix::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let service = service().await;
    let client = service.client();

    let wrong_password = client.login(FRANK.email, "not-the-password").await;
    let unknown_email = client.login("nobody@example.com", PASSWORD).await;
    let afterwards = client.get("/api/users", None).await;

    assert_error(&wrong_password, 401, "invalid_credentials");
    assert_error(&unknown_email, 401, "invalid_credentials");
    assert_eq!(wrong_password.body, unknown_email.body);
    assert_eq!(wrong_password.header("set-cookie"), None);
    assert_eq!(client.session_cookie(), None);
    assert_error(&afterwards, 401, "not_authenticated");
}

#[actix::test]
async fn a_malformed_log_in_is_a_400() {
    let service = service().await;
    let client = service.client();
    let path = "/api/users/authenticator";

    let missing_password = client.post(path, Some(json!({"email": FRANK.email}))).await;
    let unknown_field = client
        .post(
            path,
            Some(json!({"email": FRANK.email, "password": PASSWORD, "remember": true})),
        )
        .await;
    let wrong_type = client
        .post(path, Some(json!({"email": 2, "password": PASSWORD})))
        .await;
    let not_json = client
        .send_raw(Method::POST, path, "application/json", "email=frank")
        .await;
    let form = client
        .send_raw(
            Method::POST,
            path,
            "application/x-www-form-urlencoded",
            "email=frank%40example.com&password=password",
        )
        .await;

    assert_error(&missing_password, 400, "invalid_body");
    assert_error(&unknown_field, 400, "invalid_body");
    assert_error(&wrong_type, 400, "invalid_body");
    assert_error(&not_json, 400, "invalid_body");
    assert_error(&form, 400, "invalid_content_type");
    assert_eq!(client.session_cookie(), None);
}

#[actix::test]
async fn logging_out_answers_204_and_the_session_then_gets_401() {
    let service = service().await;
    let client = logged_in(&service, &FRANK).await;
    let cookie = client.session_cookie();

    let logout = client.logout().await;
    let after = client.get("/api/users", None).await;
    let again = client.logout().await;
    client.set_session_cookie(cookie);
    let replayed = client.get("/api/users", None).await;

    assert_eq!(logout.status, 204, "{logout:?}");
    assert!(logout.raw.is_empty(), "{logout:?}");
    assert_error(&after, 401, "not_authenticated");
    assert_error(&again, 401, "not_authenticated");
    assert_error(&replayed, 401, "not_authenticated");
}

#[actix::test]
async fn logging_out_without_a_session_is_a_401() {
    let service = service().await;

    let reply = service.client().logout().await;

    assert_error(&reply, 401, "not_authenticated");
}

#[actix::test]
async fn logging_in_over_a_session_replaces_its_user() {
    let service = service().await;
    let client = logged_in(&service, &FRANK).await;
    let frank_cookie = client.session_cookie();

    let login = client.login(KAREN.email, PASSWORD).await;
    let created = client
        .post("/api/films", Some(film_input("Whose film?", true)))
        .await;
    let old = service.client();
    old.set_session_cookie(frank_cookie.clone());
    let with_old_cookie = old.get("/api/users", None).await;

    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login.body["id"], json!(KAREN.id));
    assert_ne!(client.session_cookie(), frank_cookie);
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.body["owner"], json!(KAREN.id), "{created:?}");
    assert_error(&with_old_cookie, 401, "not_authenticated");
}

#[actix::test]
async fn a_session_expires_a_fixed_time_after_log_in() {
    let service = Service::builder()
        .env("FM_SESSION_SECONDS", &SHORT_SESSION_SECONDS.to_string())
        .start()
        .await;
    let client = service.client();
    let lifetime = Duration::from_secs(SHORT_SESSION_SECONDS);
    let before_login = Instant::now();
    client.login_as(&FRANK).await;

    let fresh = client.get("/api/users", None).await;
    // Every poll is activity; a sliding session would never expire here.
    let expired_after = wait_for(lifetime * 5, || async {
        let reply = client.get("/api/users", None).await;
        (reply.status == 401).then(|| (before_login.elapsed(), reply))
    })
    .await;

    assert_eq!(fresh.status, 200, "{fresh:?}");
    let (elapsed, reply) = expired_after.expect("the session never expired");
    assert!(
        elapsed >= lifetime - Duration::from_millis(100),
        "expired after {elapsed:?}, before its lifetime {lifetime:?}"
    );
    assert_error(&reply, 401, "not_authenticated");
}

#[actix::test]
async fn an_expired_session_can_log_in_again() {
    let service = Service::builder()
        .env("FM_SESSION_SECONDS", &SHORT_SESSION_SECONDS.to_string())
        .start()
        .await;
    let client = logged_in(&service, &FRANK).await;
    let expired = wait_for(Duration::from_secs(SHORT_SESSION_SECONDS * 5), || async {
        let reply = client.get("/api/users", None).await;
        (reply.status == 401).then_some(())
    })
    .await;

    let login = client.login(KAREN.email, PASSWORD).await;
    let after = client.get("/api/users", None).await;

    assert!(expired.is_some(), "the session never expired");
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(after.status, 200, "{after:?}");
}

#[actix::test]
async fn the_api_root_links_every_collection_of_the_contract() {
    let service = service().await;

    let reply = service.client().get("/api", None).await;

    assert_eq!(reply.status, 200, "{reply:?}");
    let expected = [
        ("films", "/api/films"),
        ("privateFilms", "/api/films/private"),
        ("publicFilms", "/api/films/public"),
        ("invitedPublicFilms", "/api/films/public/invited"),
        ("reviewAssignments", "/api/films/public/assignments"),
        ("users", "/api/users"),
        ("usersAuthenticator", "/api/users/authenticator"),
    ];
    for (key, link) in expected {
        assert_eq!(reply.body[key], json!(link), "{key} in {reply:?}");
    }
}

#[actix::test]
async fn an_unknown_api_path_is_a_404_with_the_error_body() {
    let service = service().await;

    let reply = service.client().get("/api/no/such/thing", None).await;

    assert_error(&reply, 404, "not_found");
}
