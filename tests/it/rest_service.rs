//! The service around the API: its OpenAPI document and `/docs`, CORS for
//! the web client's dev origin, `/config.json`, and a restart on the same
//! database file.

use awc::http::Method;
use serde_json::{Value, json};

use crate::common::Service;
use crate::common::db::{query_i64, reviews};
use crate::common::seed::{self, ARTHUR, KAREN, USER};
use crate::rest_support::{
    RawReply, completion, create_film, invite, logged_in, page_counters, page_ids, raw, service,
};

/// The web client's development origin, allowed by default.
const CLIENT_ORIGIN: &str = "http://localhost:5173";

/// Every path of CONTRACT §4 with its methods, as OpenAPI names them.
const CONTRACT_PATHS: [(&str, &[&str]); 14] = [
    ("/api", &["get"]),
    ("/api/users/authenticator", &["post", "delete"]),
    ("/api/users", &["get"]),
    ("/api/users/{id}", &["get"]),
    ("/api/users/{id}/selection", &["get", "put", "delete"]),
    ("/api/films", &["post"]),
    ("/api/films/private", &["get"]),
    ("/api/films/private/{id}", &["get", "put", "delete"]),
    ("/api/films/public", &["get"]),
    ("/api/films/public/invited", &["get"]),
    ("/api/films/public/{id}", &["get", "put", "delete"]),
    ("/api/films/public/{id}/reviews", &["get", "post"]),
    (
        "/api/films/public/{id}/reviews/{uid}",
        &["get", "put", "delete"],
    ),
    ("/api/films/public/assignments", &["post"]),
];

#[actix::test]
async fn the_openapi_document_lists_every_path_and_method_of_the_contract() {
    let service = service().await;

    let reply = service.client().get("/api/openapi.json", None).await;

    assert_eq!(reply.status, 200, "{reply:?}");
    let version = reply.body["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3."), "not OpenAPI 3: {version:?}");
    let paths = &reply.body["paths"];
    let missing: Vec<String> = CONTRACT_PATHS
        .iter()
        .flat_map(|(path, methods)| methods.iter().map(move |method| (path, method)))
        .filter(|(path, method)| paths[**path][**method].is_null())
        .map(|(path, method)| format!("{} {path}", method.to_uppercase()))
        .collect();
    assert!(missing.is_empty(), "not in /api/openapi.json: {missing:?}");
}

/// The local assets (`src` and `href` values) of an HTML page at `page`,
/// resolved to absolute paths; `Err` names any that point elsewhere.
fn page_assets(page: &str, html: &str) -> Result<Vec<String>, String> {
    let dir = &page[..=page.rfind('/').unwrap_or(0)];
    let mut assets = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (start, _) in html.match_indices(attribute) {
            let rest = &html[start + attribute.len()..];
            let value = &rest[..rest.find('"').unwrap_or(rest.len())];
            if value.contains("//") {
                return Err(format!("{value} is not served by the service"));
            }
            let local = value.trim_start_matches("./");
            assets.push(if local.starts_with('/') {
                local.to_owned()
            } else {
                format!("{dir}{local}")
            });
        }
    }
    Ok(assets)
}

#[actix::test]
async fn the_docs_page_needs_no_internet_access() {
    let service = service().await;
    let client = service.client();

    let redirect = client.get("/docs", None).await;
    let location = redirect.header("location").unwrap_or_default().to_owned();
    let page = client.get(&location, None).await;
    let assets = page_assets(&location, &page.text());
    let mut answers = Vec::new();
    for asset in assets.clone().unwrap_or_default() {
        answers.push((client.get(&asset, None).await.status, asset));
    }
    let document = client.get("/docs/openapi.json", None).await;

    assert!(
        (300..400).contains(&redirect.status),
        "/docs does not redirect: {redirect:?}"
    );
    assert_eq!(location, "/docs/");
    assert_eq!(page.status, 200, "{page:?}");
    let content_type = page.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(page.text().contains("swagger-ui"), "{page:?}");
    let assets = assets.expect("only local assets");
    assert!(
        assets.iter().any(|asset| asset.ends_with(".js")),
        "{assets:?}"
    );
    let failed: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status != 200)
        .collect();
    assert!(failed.is_empty(), "assets not served: {failed:?}");
    assert_eq!(document.status, 200, "{document:?}");
    assert!(
        document.body["paths"]["/api/films"].is_object(),
        "{document:?}"
    );
}

async fn preflight(service: &Service, origin: &str) -> RawReply {
    let headers = [
        ("origin", origin),
        ("access-control-request-method", "PUT"),
        ("access-control-request-headers", "content-type"),
    ];
    raw(
        service,
        None,
        Method::OPTIONS,
        "/api/users/2/selection",
        &headers,
        "",
    )
    .await
    .expect("an answer to the preflight")
}

#[actix::test]
async fn a_preflight_from_the_web_clients_origin_is_allowed_with_credentials() {
    let service = service().await;

    let reply = preflight(&service, CLIENT_ORIGIN).await;
    let simple = raw(
        &service,
        None,
        Method::GET,
        "/api/films/public",
        &[("origin", CLIENT_ORIGIN)],
        "",
    )
    .await
    .expect("an answer");

    assert!((200..300).contains(&reply.status), "{reply:?}");
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(CLIENT_ORIGIN)
    );
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    let methods = reply
        .header("access-control-allow-methods")
        .unwrap_or_default();
    assert!(methods.contains("PUT"), "{reply:?}");
    assert_eq!(simple.status, 200);
    assert_eq!(
        simple.header("access-control-allow-origin"),
        Some(CLIENT_ORIGIN)
    );
    assert_eq!(
        simple.header("access-control-allow-credentials"),
        Some("true")
    );
}

#[actix::test]
async fn an_unknown_origin_is_not_allowed() {
    let service = service().await;

    let reply = preflight(&service, "http://evil.example").await;
    let simple = raw(
        &service,
        None,
        Method::GET,
        "/api/films/public",
        &[("origin", "http://evil.example")],
        "",
    )
    .await
    .expect("an answer");

    assert!(reply.status < 500, "{reply:?}");
    assert_eq!(
        reply.header("access-control-allow-origin"),
        None,
        "{reply:?}"
    );
    assert!(simple.status < 500, "{simple:?}");
    assert_eq!(
        simple.header("access-control-allow-origin"),
        None,
        "{simple:?}"
    );
}

#[actix::test]
async fn a_refused_preflight_answers_with_the_error_body() {
    let service = service().await;

    let reply = preflight(&service, "http://evil.example").await;

    let body: Value = serde_json::from_slice(&reply.body).unwrap_or(Value::Null);
    assert!((400..500).contains(&reply.status), "{reply:?}");
    assert_eq!(body["code"], json!(reply.status), "{reply:?}");
    assert!(
        body["error"].is_string() && body["message"].is_string(),
        "{reply:?}"
    );
}

#[actix::test]
async fn config_json_points_the_web_client_to_api_and_broker() {
    let service = service().await;

    let reply = service.client().get("/config.json", None).await;

    assert_eq!(reply.status, 200, "{reply:?}");
    let expected = json!({
        "apiBase": "/api",
        "mqttUrl": service.mqtt_ws_url(),
        "wsUrl": "/ws",
    });
    assert_eq!(reply.body, expected);
}

/// Row counts of the three tables.
fn table_counts(service: &Service) -> [i64; 3] {
    ["users", "films", "reviews"]
        .map(|table| query_i64(service.db_path(), &format!("SELECT COUNT(*) FROM {table}")))
}

#[actix::test]
async fn a_restart_keeps_the_data_and_does_not_reseed() {
    let mut service = service().await;
    let owner = logged_in(&service, &USER).await;
    let karen = logged_in(&service, &KAREN).await;
    let private = create_film(&owner, "Written before the restart", true).await;
    let public = create_film(&owner, "Public before the restart", false).await;
    let invited = invite(&owner, public, &[ARTHUR.id]).await;
    let completed = karen
        .put("/api/films/public/2/reviews/3", Some(completion()))
        .await;
    let withdrawn = owner.delete("/api/films/public/1/reviews/2", None).await;
    let before = (table_counts(&service), reviews(service.db_path()));

    service.restart().await;
    let owner = logged_in(&service, &USER).await;
    let users = owner.get("/api/users", None).await;
    let own_private = owner
        .get(&format!("/api/films/private/{private}"), None)
        .await;
    let films = owner.get("/api/films/public", None).await;
    let karens = owner.get("/api/films/public/2/reviews/3", None).await;
    let franks = owner.get("/api/films/public/1/reviews/2", None).await;
    let arthurs = owner
        .get(&format!("/api/films/public/{public}/reviews/6"), None)
        .await;
    let after = (table_counts(&service), reviews(service.db_path()));

    assert_eq!(
        (invited.status, completed.status, withdrawn.status),
        (201, 204, 204)
    );
    assert_eq!(after, before);
    assert_eq!(after.0, [6, 6, 4], "users, films, reviews");
    assert_eq!(users.body.as_array().map(Vec::len), Some(seed::USERS.len()));
    assert_eq!(
        own_private.body["title"],
        json!("Written before the restart")
    );
    assert_eq!(page_counters(&films).2, 5, "{films:?}");
    assert_eq!(page_ids(&films, "films"), [1, 2, 3, 4, public]);
    assert_eq!(karens.body["completed"], json!(true), "{karens:?}");
    assert_eq!(karens.body["review"], completion()["review"]);
    assert_eq!(
        franks.status, 404,
        "a withdrawn seed invitation came back: {franks:?}"
    );
    assert_eq!(arthurs.body["reviewerId"], json!(ARTHUR.id), "{arthurs:?}");
}
