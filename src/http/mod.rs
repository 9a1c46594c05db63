//! The HTTP side: REST under `/api`, the OpenAPI document and `/docs`, the
//! online-users WebSocket at `/ws`, `/config.json` and the web client.
//!
//! Handlers validate, then either read or write plain data through the
//! blocking pool or send a message to an actor; they hold no lock on any
//! data themselves.

pub mod auth;
pub mod error;
mod films;
pub mod model;
mod openapi;
mod reviews;
mod users;

use std::path::PathBuf;
use std::time::Duration;

use actix::Addr;
use actix_web::dev::{ServiceRequest, ServiceResponse, fn_service};
use actix_web::{HttpResponse, ResponseError, web};
use serde_json::json;

use crate::actors::Directory;
use crate::db::Pool;
use crate::ws::{self, OnlineUsers};

pub use openapi::ApiDoc;

/// What every handler may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub directory: Directory,
    pub hub: Addr<OnlineUsers>,
    pub page_size: u32,
    pub session_ttl: Duration,
    /// Broker address for browsers, handed out by `/config.json`.
    pub mqtt_ws_url: String,
    pub static_dir: PathBuf,
    pub max_body_bytes: usize,
}

/// Registers every route of the service.
pub fn routes(cfg: &mut web::ServiceConfig, state: &AppState) {
    cfg.app_data(web::Data::new(state.clone()))
        .app_data(web::Data::new(state.hub.clone()))
        .app_data(
            web::JsonConfig::default()
                .limit(state.max_body_bytes)
                .error_handler(error::json_rejection),
        )
        .app_data(web::PathConfig::default().error_handler(error::path_rejection))
        .app_data(web::QueryConfig::default().error_handler(error::query_rejection))
        .service(
            web::scope("/api")
                .configure(api)
                .default_service(web::to(error::no_route)),
        )
        .route("/ws", web::get().to(ws::session::connect))
        .route("/config.json", web::get().to(client_config))
        .configure(openapi::docs);
    web_client(cfg, &state.static_dir);
}

fn api(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("", "GET").get(root))
        .service(resource("/openapi.json", "GET").get(openapi::document))
        .service(
            resource("/users/authenticator", "POST, DELETE")
                .post(auth::login)
                .delete(auth::logout),
        )
        .service(resource("/users", "GET").get(users::list))
        .service(resource("/users/{id}", "GET").get(users::get))
        .service(
            resource("/users/{id}/selection", "GET, PUT, DELETE")
                .get(users::selection)
                .put(users::select)
                .delete(users::unselect),
        )
        .service(resource("/films", "POST").post(films::create))
        .service(resource("/films/private", "GET").get(films::private_films))
        .service(
            resource("/films/private/{id}", "GET, PUT, DELETE")
                .get(films::private_film)
                .put(films::update_private)
                .delete(films::delete_private),
        )
        .service(resource("/films/public", "GET").get(films::public_films))
        .service(resource("/films/public/invited", "GET").get(films::invited_films))
        .service(resource("/films/public/assignments", "POST").post(reviews::assign))
        .service(
            resource("/films/public/{id}", "GET, PUT, DELETE")
                .get(films::public_film)
                .put(films::update_public)
                .delete(films::delete_public),
        )
        .service(
            resource("/films/public/{id}/reviews", "GET, POST")
                .get(reviews::list)
                .post(reviews::invite),
        )
        .service(
            resource("/films/public/{id}/reviews/{uid}", "GET, PUT, DELETE")
                .get(reviews::get)
                .put(reviews::complete)
                .delete(reviews::withdraw),
        );
}

/// A resource that answers 405, with `Allow: allowed`, to the methods it
/// does not route.
fn resource(path: &str, allowed: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move || async move {
        Err::<HttpResponse, _>(error::ApiError::MethodNotAllowed(allowed))
    }))
}

/// The entry points of the API.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiLinks {
    films: &'static str,
    private_films: &'static str,
    public_films: &'static str,
    invited_public_films: &'static str,
    review_assignments: &'static str,
    users: &'static str,
    users_authenticator: &'static str,
    openapi: &'static str,
}

/// The entry points of the API.
#[utoipa::path(get, path = "/api", tag = "api",
    responses((status = 200, description = "Links to every collection", body = ApiLinks)))]
pub async fn root() -> web::Json<ApiLinks> {
    web::Json(ApiLinks {
        films: "/api/films",
        private_films: "/api/films/private",
        public_films: "/api/films/public",
        invited_public_films: "/api/films/public/invited",
        review_assignments: "/api/films/public/assignments",
        users: "/api/users",
        users_authenticator: "/api/users/authenticator",
        openapi: "/api/openapi.json",
    })
}

/// `GET /config.json`: run-time settings of the web client.
async fn client_config(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "apiBase": "/api",
        "mqttUrl": state.mqtt_ws_url,
        "wsUrl": "/ws",
    }))
}

/// Serves the built web client, with `index.html` for client routes.
fn web_client(cfg: &mut web::ServiceConfig, dir: &std::path::Path) {
    let index = dir.join("index.html");
    if !index.is_file() {
        cfg.default_service(web::to(|| async {
            Err::<HttpResponse, _>(error::ApiError::NotFound(
                "the web client is not built (run npm run build in client/)",
            ))
        }));
        return;
    }
    let files = actix_files::Files::new("/", dir)
        .index_file("index.html")
        .default_handler(fn_service(move |req: ServiceRequest| {
            let index = index.clone();
            async move {
                let (req, _) = req.into_parts();
                let response = match actix_files::NamedFile::open_async(&index).await {
                    Ok(file) => file.into_response(&req),
                    Err(error) => error::ApiError::Internal(error.into()).error_response(),
                };
                Ok(ServiceResponse::new(req, response))
            }
        }));
    cfg.service(files);
}
