//! Who may do what (CONTRACT §4): every endpoint, called by an anonymous
//! client, the owner of the films, a reviewer invited to them and another
//! user, against one table of expected statuses.

use awc::http::Method;
use serde_json::{Value, json};

use crate::common::seed::{ARTHUR, BEATRICE, KAREN, USER};
use crate::common::{Client, Reply};
use crate::rest_support::{completion, create_film, error_shape, film_input, logged_in, service};

/// Columns of the table, in this order.
const ACTORS: [&str; 4] = ["anonymous", "owner", "reviewer", "other"];
const ANONYMOUS: usize = 0;
const OWNER: usize = 1;
const REVIEWER: usize = 2;
const OTHER: usize = 3;

/// The order in which the actors call each endpoint: the owner, whose call
/// is the one that changes things, comes last; the reviewer succeeds only
/// where the owner is refused.
const CALL_ORDER: [usize; 4] = [ANONYMOUS, OTHER, REVIEWER, OWNER];

/// One endpoint and the status each actor gets, by [`ACTORS`] column.
struct Row {
    method: Method,
    path: String,
    body: Option<Value>,
    expected: [u16; 4],
}

/// A row; `request` is `"METHOD /path"`.
fn row(request: &str, body: Option<Value>, expected: [u16; 4]) -> Row {
    let (method, path) = request.split_once(' ').expect("METHOD /path");
    Row {
        method: Method::from_bytes(method.as_bytes()).expect("a method"),
        path: path.to_owned(),
        body,
        expected,
    }
}

/// The table, in the order the rows run. The owner is seed user 1 (owner of
/// films 1-4 and of `private` and `doomed`); the reviewer is Karen (user 3),
/// invited to film 2; the other user is Beatrice, invited nowhere. Rows that
/// change state keep later rows valid: Karen selects film 2 before she
/// completes its review, Arthur (user 6) is invited to film 2 before he is
/// withdrawn, and logging out comes last.
#[rustfmt::skip]
fn table(private: i64, doomed: i64) -> Vec<Row> {
    let private = format!("/api/films/private/{private}");
    let doomed = format!("/api/films/public/{doomed}");
    let select = Some(json!({"id": 2}));
    let arthur = Some(json!([{"filmId": 2, "reviewerId": ARTHUR.id}]));
    let film = |title: &str, private: bool| Some(film_input(title, private));
    vec![
        row("GET /api", None, [200, 200, 200, 200]),
        row("GET /api/openapi.json", None, [200, 200, 200, 200]),
        row("GET /api/users", None, [401, 200, 200, 200]),
        row("GET /api/users/3", None, [401, 200, 200, 200]),
        row("GET /api/users/2/selection", None, [401, 200, 200, 200]),
        row("PUT /api/users/3/selection", select, [401, 403, 204, 403]),
        row("GET /api/users/3/selection", None, [401, 200, 200, 200]),
        row("DELETE /api/users/3/selection", None, [401, 403, 204, 403]),
        row("POST /api/films", film("Anyone's", true), [401, 201, 201, 201]),
        row("GET /api/films/private", None, [401, 200, 200, 200]),
        row(&format!("GET {private}"), None, [401, 200, 403, 403]),
        row(&format!("PUT {private}"), film("Renamed", true), [401, 204, 403, 403]),
        row(&format!("DELETE {private}"), None, [401, 204, 403, 403]),
        row("GET /api/films/public", None, [200, 200, 200, 200]),
        row("GET /api/films/public/invited", None, [401, 200, 200, 200]),
        row("GET /api/films/public/2", None, [200, 200, 200, 200]),
        row("PUT /api/films/public/2", film("Spirited Away", false), [401, 204, 403, 403]),
        row("GET /api/films/public/2/reviews", None, [200, 200, 200, 200]),
        row("POST /api/films/public/2/reviews", arthur, [401, 201, 403, 403]),
        row("GET /api/films/public/2/reviews/3", None, [200, 200, 200, 200]),
        row("PUT /api/films/public/2/reviews/3", Some(completion()), [401, 403, 204, 403]),
        row("DELETE /api/films/public/2/reviews/6", None, [401, 204, 403, 403]),
        row("POST /api/films/public/assignments", None, [401, 200, 200, 200]),
        row(&format!("DELETE {doomed}"), None, [401, 204, 403, 403]),
        row("DELETE /api/users/authenticator", None, [401, 204, 204, 204]),
    ]
}

/// What is wrong with `reply` to a call expected to answer `expected`.
fn mismatch(reply: &Reply, expected: u16) -> Option<String> {
    let reason = match expected {
        401 => Some("not_authenticated"),
        403 => Some("forbidden"),
        _ => None,
    };
    if reply.status != expected {
        let body: String = reply.text().chars().take(160).collect();
        return Some(format!("got {} {body}", reply.status));
    }
    let reason = reason?;
    error_shape(reply, reason).err()
}

#[actix::test]
async fn every_endpoint_answers_each_kind_of_caller_as_the_table_says() {
    let service = service().await;
    let mut clients: [Client; 4] = std::array::from_fn(|_| service.client());
    clients[OWNER] = logged_in(&service, &USER).await;
    clients[REVIEWER] = logged_in(&service, &KAREN).await;
    clients[OTHER] = logged_in(&service, &BEATRICE).await;
    let private = create_film(&clients[OWNER], "The owner's private film", true).await;
    let doomed = create_film(&clients[OWNER], "To be deleted", false).await;
    let rows = table(private, doomed);

    let mut failures = Vec::new();
    for row in &rows {
        for actor in CALL_ORDER {
            let client = &clients[actor];
            let reply = client
                .request(row.method.clone(), &row.path, row.body.clone())
                .await;
            if let Some(problem) = mismatch(&reply, row.expected[actor]) {
                failures.push(format!(
                    "{} {} as {}: expected {}, {problem}",
                    row.method, row.path, ACTORS[actor], row.expected[actor]
                ));
            }
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {} calls answered otherwise:\n{}",
        failures.len(),
        rows.len() * ACTORS.len(),
        failures.join("\n")
    );
}

#[actix::test]
async fn a_user_selects_and_releases_only_their_own_active_film() {
    let service = service().await;
    let karen = logged_in(&service, &KAREN).await;
    let other = logged_in(&service, &BEATRICE).await;
    let anonymous = service.client();
    let path = format!("/api/users/{}/selection", KAREN.id);
    let film = json!({"id": 2});

    let by_anonymous = anonymous.put(&path, Some(film.clone())).await;
    let by_other = other.put(&path, Some(film.clone())).await;
    let released_by_other = other.delete(&path, None).await;
    let by_self = karen.put(&path, Some(film)).await;
    let held = other.get(&path, None).await;
    let released_by_anonymous = anonymous.delete(&path, None).await;
    let released_by_other_after = other.delete(&path, None).await;
    let still_held = karen.get(&path, None).await;
    let released_by_self = karen.delete(&path, None).await;
    let after = karen.get(&path, None).await;

    assert_eq!(
        (
            by_anonymous.status,
            by_other.status,
            released_by_other.status
        ),
        (401, 403, 403)
    );
    assert_eq!(by_self.status, 204, "{by_self:?}");
    assert_eq!(held.body["id"], json!(2), "{held:?}");
    assert_eq!(released_by_anonymous.status, 401);
    assert_eq!(released_by_other_after.status, 403);
    assert_eq!(still_held.body["id"], json!(2), "{still_held:?}");
    assert_eq!(released_by_self.status, 204, "{released_by_self:?}");
    assert_eq!(after.status, 404, "{after:?}");
}
