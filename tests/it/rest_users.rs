//! Users (CONTRACT §4, `/api/users`), and the promise that no answer of any
//! endpoint ever carries a password hash.

use awc::http::Method;
use serde_json::{Value, json};

use crate::common::Reply;
use crate::common::db::open_read_only;
use crate::common::seed::{ARTHUR, BEATRICE, FRANK, KAREN, PASSWORD, RENE, SeedUser, USER, USERS};
use crate::rest_support::{assert_error, completion, film_input, logged_in, service};

#[actix::test]
async fn the_user_list_holds_every_seed_user_with_a_self_link() {
    let service = service().await;
    let client = logged_in(&service, &KAREN).await;

    let reply = client.get("/api/users", None).await;

    assert_eq!(reply.status, 200, "{reply:?}");
    let expected: Vec<Value> = USERS
        .iter()
        .map(|user| {
            json!({
                "id": user.id,
                "name": user.name,
                "email": user.email,
                "self": format!("/api/users/{}", user.id),
            })
        })
        .collect();
    assert_eq!(reply.body, json!(expected));
}

#[actix::test]
async fn one_user_is_served_by_id_and_an_unknown_one_is_a_404() {
    let service = service().await;
    let client = logged_in(&service, &KAREN).await;

    let rene = client.get("/api/users/4", None).await;
    let unknown = client.get("/api/users/999", None).await;
    let zero = client.get("/api/users/0", None).await;
    let word = client.get("/api/users/rene", None).await;

    assert_eq!(rene.status, 200, "{rene:?}");
    let expected = json!({
        "id": RENE.id,
        "name": "Rene",
        "email": "rene@example.com",
        "self": "/api/users/4",
    });
    assert_eq!(rene.body, expected);
    assert_error(&unknown, 404, "not_found");
    assert_error(&zero, 400, "invalid_id");
    assert_error(&word, 400, "invalid_path");
}

#[actix::test]
async fn users_are_only_shown_to_logged_in_callers() {
    let service = service().await;
    let anonymous = service.client();

    let list = anonymous.get("/api/users", None).await;
    let one = anonymous.get("/api/users/1", None).await;

    assert_error(&list, 401, "not_authenticated");
    assert_error(&one, 401, "not_authenticated");
}

/// Who makes a call of the hash test.
#[derive(Clone, Copy)]
enum Caller {
    Anonymous,
    Owner,
    Frank,
}

/// Calls covering every endpoint and most error answers, in order: the
/// owner is seed user 1, whose new films get ids 5 (private) and 6 (public).
#[rustfmt::skip]
fn calls() -> Vec<(Caller, &'static str, Option<Value>)> {
    use Caller::{Anonymous, Frank, Owner};
    let login = |user: &SeedUser, password: &str| {
        Some(json!({ "email": user.email, "password": password }))
    };
    let invite = |users: [i64; 2]| {
        Some(json!(users.map(|user| json!({ "filmId": 6, "reviewerId": user }))))
    };
    vec![
        (Owner, "POST /api/users/authenticator", login(&USER, PASSWORD)),
        (Frank, "POST /api/users/authenticator", login(&FRANK, PASSWORD)),
        (Anonymous, "POST /api/users/authenticator", login(&KAREN, "wrong")),
        (Anonymous, "GET /api", None),
        (Anonymous, "GET /api/openapi.json", None),
        (Anonymous, "GET /docs/openapi.json", None),
        (Anonymous, "GET /config.json", None),
        (Owner, "GET /api/users", None),
        (Owner, "GET /api/users/1", None),
        (Owner, "GET /api/users/2", None),
        (Owner, "GET /api/users/999", None),
        (Owner, "GET /api/users/2/selection", None),
        (Owner, "GET /api/users/3/selection", None),
        (Frank, "PUT /api/users/2/selection", Some(json!({"id": 2}))),
        (Frank, "PUT /api/users/2/selection", Some(json!({"id": 3}))),
        (Frank, "DELETE /api/users/2/selection", None),
        (Owner, "POST /api/films", Some(film_input("Kept", true))),
        (Owner, "POST /api/films", Some(film_input("Shared", false))),
        (Owner, "POST /api/films", Some(film_input("", false))),
        (Owner, "GET /api/films/private", None),
        (Owner, "GET /api/films/private/5", None),
        (Owner, "PUT /api/films/private/5", Some(film_input("Kept!", true))),
        (Frank, "PUT /api/films/private/5", Some(film_input("Mine", true))),
        (Owner, "PUT /api/films/private/5", Some(film_input("Public now", false))),
        (Anonymous, "GET /api/films/public", None),
        (Frank, "GET /api/films/public/invited", None),
        (Anonymous, "GET /api/films/public/6", None),
        (Owner, "POST /api/films/public/6/reviews", invite([KAREN.id, BEATRICE.id])),
        (Owner, "POST /api/films/public/6/reviews", invite([ARTHUR.id, 999])),
        (Anonymous, "GET /api/films/public/6/reviews", None),
        (Anonymous, "GET /api/films/public/6/reviews/3", None),
        (Frank, "PUT /api/films/public/1/reviews/2", Some(completion())),
        (Frank, "PUT /api/films/public/1/reviews/2", Some(completion())),
        (Owner, "DELETE /api/films/public/6/reviews/5", None),
        (Owner, "POST /api/films/public/assignments", None),
        (Owner, "DELETE /api/films/public/6", None),
        (Owner, "DELETE /api/films/private/5", None),
        (Owner, "DELETE /api/users/authenticator", None),
        (Owner, "DELETE /api/users/authenticator", None),
    ]
}

/// Whether `value` has a key `hash` at any depth.
fn has_hash_key(value: &Value) -> bool {
    match value {
        Value::Object(fields) => fields
            .iter()
            .any(|(key, field)| key.eq_ignore_ascii_case("hash") || has_hash_key(field)),
        Value::Array(items) => items.iter().any(has_hash_key),
        _ => false,
    }
}

#[actix::test]
async fn no_response_of_any_endpoint_carries_a_password_hash() {
    let service = service().await;
    let stored: String = open_read_only(service.db_path())
        .query_row("SELECT hash FROM users WHERE id = 1", [], |row| row.get(0))
        .expect("the seed user's hash");
    let clients = [service.client(), service.client(), service.client()];

    let mut seen: Vec<(&str, Reply)> = Vec::new();
    for (caller, request, body) in calls() {
        let (method, path) = request.split_once(' ').expect("METHOD /path");
        let method = Method::from_bytes(method.as_bytes()).expect("a method");
        let reply = clients[caller as usize].request(method, path, body).await;
        seen.push((request, reply));
    }

    assert!(
        stored.starts_with("$2b$"),
        "the seed hash is not bcrypt: {stored}"
    );
    let statuses: Vec<u16> = seen.iter().map(|(_, reply)| reply.status).collect();
    for status in [200, 201, 204, 400, 401, 403, 404, 409] {
        assert!(statuses.contains(&status), "no {status} among {statuses:?}");
    }
    for (request, reply) in &seen {
        let text = reply.text();
        assert!(reply.status < 500, "{request}: {reply:?}");
        assert!(
            !text.contains("$2b$") && !text.contains(&stored),
            "{request}: {reply:?}"
        );
        assert!(
            !has_hash_key(&reply.body),
            "{request} has a hash key: {reply:?}"
        );
    }
}
