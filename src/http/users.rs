//! `/api/users`: users, and each user's active-film selection, which is
//! handled entirely by the user's [`crate::actors::ReviewerActor`].

use actix::Addr;
use actix_web::{HttpResponse, web};

use super::AppState;
use super::auth::CurrentUser;
use super::error::{ApiError, ErrorBody};
use super::model::{FilmView, SelectionInput, UserView, check_id};
use crate::actors::ReviewerActor;
use crate::actors::reviewer::{CurrentSelection, Select, Unselect};
use crate::db;

/// Every user.
#[utoipa::path(get, path = "/api/users", tag = "users", operation_id = "list_users",
    responses(
        (status = 200, description = "The users", body = Vec<UserView>),
        (status = 401, description = "Not logged in", body = ErrorBody),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    _user: CurrentUser,
) -> Result<web::Json<Vec<UserView>>, ApiError> {
    let users = db::run(&state.pool, |conn| db::users::all(conn)).await?;
    Ok(web::Json(users.into_iter().map(UserView::from).collect()))
}

/// One user.
#[utoipa::path(get, path = "/api/users/{id}", tag = "users", operation_id = "get_user",
    params(("id" = i64, Path, description = "User id", minimum = 1)),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    _user: CurrentUser,
    id: web::Path<i64>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = check_id("the user id", *id)?;
    let user = db::run(&state.pool, move |conn| db::users::get(conn, id))
        .await?
        .ok_or(ApiError::NotFound("no such user"))?;
    Ok(web::Json(user.into()))
}

fn reviewer(state: &AppState, id: i64) -> Result<Addr<ReviewerActor>, ApiError> {
    let id = check_id("the user id", id)?;
    state
        .directory
        .reviewer(id)
        .ok_or(ApiError::NotFound("no such user"))
}

/// A user's active film.
#[utoipa::path(get, path = "/api/users/{id}/selection", tag = "selection",
    params(("id" = i64, Path, description = "User id", minimum = 1)),
    responses(
        (status = 200, description = "The active film", body = FilmView),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such user, or no active film", body = ErrorBody),
    ))]
pub async fn selection(
    state: web::Data<AppState>,
    _user: CurrentUser,
    id: web::Path<i64>,
) -> Result<web::Json<FilmView>, ApiError> {
    let film = reviewer(&state, *id)?
        .send(CurrentSelection)
        .await?
        .ok_or(ApiError::NotFound("the user has no active film"))?;
    let film = db::run(&state.pool, move |conn| db::films::get(conn, film))
        .await?
        .ok_or(ApiError::NotFound("the user has no active film"))?;
    Ok(web::Json(film.into()))
}

/// Make a film the caller's active film (CONTRACT §6).
#[utoipa::path(put, path = "/api/users/{id}/selection", tag = "selection",
    request_body = SelectionInput,
    params(("id" = i64, Path, description = "User id: the caller", minimum = 1)),
    responses(
        (status = 204, description = "The film is the caller's active film"),
        (status = 400, description = "Malformed id or body", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Another user, or not invited to review the film",
            body = ErrorBody),
        (status = 404, description = "No such public film", body = ErrorBody),
        (status = 409, description = "film_taken: active for another user; \
            review_completed: the caller's review is completed", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
    ))]
pub async fn select(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    input: web::Json<SelectionInput>,
) -> Result<HttpResponse, ApiError> {
    user.must_be(
        check_id("the user id", *id)?,
        "users select their own active film",
    )?;
    let actor = reviewer(&state, *id)?;
    let film = check_id("the film id", input.id)?;
    actor.send(Select { film }).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// Release the caller's active film.
#[utoipa::path(delete, path = "/api/users/{id}/selection", tag = "selection",
    params(("id" = i64, Path, description = "User id: the caller", minimum = 1)),
    responses(
        (status = 204, description = "The caller has no active film"),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Another user", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn unselect(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    user.must_be(
        check_id("the user id", *id)?,
        "users release their own active film",
    )?;
    let actor = reviewer(&state, *id)?;
    actor.send(Unselect).await??;
    Ok(HttpResponse::NoContent().finish())
}
