//! The OpenAPI document, generated from the handlers' annotations, served at
//! `/api/openapi.json`, and the Swagger UI at `/docs` (assets compiled in).

use actix_web::{HttpResponse, web};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use super::{auth, error, films, model, reviews, users};
use crate::http as api;

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Film Manager", description = "Films, review invitations and active films."),
    paths(
        api::root,
        auth::login, auth::logout,
        users::list, users::get, users::selection, users::select, users::unselect,
        films::create, films::private_films, films::public_films, films::invited_films,
        films::private_film, films::public_film, films::update_private, films::update_public,
        films::delete_private, films::delete_public,
        reviews::list, reviews::invite, reviews::get, reviews::complete, reviews::withdraw,
        reviews::assign,
    ),
    components(schemas(error::ErrorBody, model::PageInfo)),
    tags(
        (name = "api", description = "Entry point"),
        (name = "films", description = "Private and public films"),
        (name = "reviews", description = "Review invitations"),
        (name = "users", description = "Users and log-in"),
        (name = "selection", description = "Each user's active film"),
    )
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// Mounts the interactive documentation at `/docs`.
pub fn docs(cfg: &mut web::ServiceConfig) {
    cfg.service(SwaggerUi::new("/docs/{_:.*}").url("/docs/openapi.json", ApiDoc::openapi()))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::Found()
                    .insert_header(("Location", "/docs/"))
                    .finish()
            }),
        );
}
