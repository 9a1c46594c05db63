//! `/api/films`: private and public films.
//!
//! Plain reads and writes go straight to the database on the blocking pool;
//! the public and invited listings are served from
//! [`crate::db::listings::Listings`], which every write of a public film or
//! of an invitation invalidates; whatever can change a public film's
//! selection (deletion, renaming) goes through the film's actor.

use actix_web::{HttpResponse, web};

use super::AppState;
use super::auth::CurrentUser;
use super::error::{ApiError, ErrorBody};
use super::model::{FilmInput, FilmPage, FilmView, PageQuery, PageRequest, check_id, film_link};
use crate::actors::film::{Delete, Retitle};
use crate::db::{self, listings::Films};
use crate::domain::{Film, FilmData, FilmId};

/// Loads a film of the given visibility, or 404.
pub(super) async fn visible_film(
    state: &AppState,
    id: i64,
    private: bool,
) -> Result<Film, ApiError> {
    let id = check_id("the film id", id)?;
    db::run(&state.pool, move |conn| db::films::get(conn, id))
        .await?
        .filter(|film| film.data.private == private)
        .ok_or(ApiError::NotFound("no such film"))
}

/// Loads a film of the given visibility owned by `user`: 404, then 403.
async fn owned_film(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    private: bool,
) -> Result<Film, ApiError> {
    let film = visible_film(state, id, private).await?;
    if film.owner != user.id {
        return Err(ApiError::Forbidden("only the owner may do this"));
    }
    Ok(film)
}

/// The page `query` asks for of a whole listing held in memory.
fn page_of(films: &Films, query: &PageQuery, size: u32, path: &str) -> Result<FilmPage, ApiError> {
    let request = PageRequest::new(query, size)?;
    let total = u64::try_from(films.len()).unwrap_or(u64::MAX);
    let page = request.info(total, path)?;
    // Past the end is a 404 from `info`; the clamps only keep the slice safe.
    let start = usize::try_from(request.offset()).map_or(films.len(), |at| at.min(films.len()));
    let end = start.saturating_add(request.size as usize).min(films.len());
    let films = films[start..end]
        .iter()
        .cloned()
        .map(FilmView::from)
        .collect();
    Ok(FilmPage { page, films })
}

/// Runs a write of a film; a write of a public film invalidates the
/// listings.
async fn write_film<T: Send + 'static>(
    state: &AppState,
    private: bool,
    write: impl FnOnce(&mut rusqlite::Connection) -> Result<T, db::DbError> + Send + 'static,
) -> Result<T, ApiError> {
    let written = if private {
        db::run(&state.pool, write).await?
    } else {
        db::run(&state.pool, state.directory.listings().after_write(write)).await?
    };
    Ok(written)
}

/// Create a film owned by the caller.
#[utoipa::path(post, path = "/api/films", tag = "films", request_body = FilmInput,
    responses(
        (status = 201, description = "Created", body = FilmView,
            headers(("Location" = String, description = "The new film"))),
        (status = 400, description = "Invalid film", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    input: web::Json<FilmInput>,
) -> Result<HttpResponse, ApiError> {
    let data = input.into_inner().validate()?;
    let owner = user.id;
    let film = write_film(&state, data.private, move |conn| {
        db::films::insert(conn, owner, &data)
    })
    .await?;
    if !film.data.private {
        state.directory.open_film(film.id, film.data.title.clone());
    }
    Ok(HttpResponse::Created()
        .insert_header(("Location", film_link(film.id, film.data.private)))
        .json(FilmView::from(film)))
}

/// The caller's private films.
#[utoipa::path(get, path = "/api/films/private", tag = "films", params(PageQuery),
    responses(
        (status = 200, description = "A page of films", body = FilmPage),
        (status = 400, description = "Invalid page number", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "Past the last page", body = ErrorBody),
    ))]
pub async fn private_films(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let request = PageRequest::new(&query, state.page_size)?;
    let owner = user.id;
    let (films, total) = db::run(&state.pool, move |conn| {
        db::films::private_page(conn, owner, request.offset(), request.size)
    })
    .await?;
    let page = request.info(total, "/api/films/private")?;
    let films = films.into_iter().map(FilmView::from).collect();
    Ok(HttpResponse::Ok().json(FilmPage { page, films }))
}

/// Every public film.
#[utoipa::path(get, path = "/api/films/public", tag = "films", params(PageQuery),
    responses(
        (status = 200, description = "A page of films", body = FilmPage),
        (status = 400, description = "Invalid page number", body = ErrorBody),
        (status = 404, description = "Past the last page", body = ErrorBody),
    ))]
pub async fn public_films(
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let films = state.directory.listings().public(&state.pool).await?;
    let page = page_of(&films, &query, state.page_size, "/api/films/public")?;
    Ok(HttpResponse::Ok().json(page))
}

/// The public films the caller is invited to review.
#[utoipa::path(get, path = "/api/films/public/invited", tag = "films", params(PageQuery),
    responses(
        (status = 200, description = "A page of films", body = FilmPage),
        (status = 400, description = "Invalid page number", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "Past the last page", body = ErrorBody),
    ))]
pub async fn invited_films(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let listings = state.directory.listings();
    let films = listings.invited(&state.pool, user.id).await?;
    let page = page_of(&films, &query, state.page_size, "/api/films/public/invited")?;
    Ok(HttpResponse::Ok().json(page))
}

/// One of the caller's private films.
#[utoipa::path(get, path = "/api/films/private/{id}", tag = "films",
    params(("id" = i64, Path, description = "Film id", minimum = 1)),
    responses(
        (status = 200, description = "The film", body = FilmView),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "No such private film", body = ErrorBody),
    ))]
pub async fn private_film(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<web::Json<FilmView>, ApiError> {
    let film = owned_film(&state, &user, *id, true).await?;
    Ok(web::Json(film.into()))
}

/// One public film.
#[utoipa::path(get, path = "/api/films/public/{id}", tag = "films",
    params(("id" = i64, Path, description = "Film id", minimum = 1)),
    responses(
        (status = 200, description = "The film", body = FilmView),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such public film", body = ErrorBody),
    ))]
pub async fn public_film(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<web::Json<FilmView>, ApiError> {
    let film = visible_film(&state, *id, false).await?;
    Ok(web::Json(film.into()))
}

async fn update(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    private: bool,
    input: FilmInput,
) -> Result<(FilmId, FilmData), ApiError> {
    let film = owned_film(state, user, id, private).await?;
    let data = input.validate()?;
    if data.private != film.data.private {
        return Err(ApiError::Conflict(
            "visibility_change",
            "a film cannot change between private and public".into(),
        ));
    }
    let (id, stored) = (film.id, data.clone());
    write_film(state, private, move |conn| {
        db::films::update(conn, id, &stored)
    })
    .await?;
    Ok((id, data))
}

/// Change one of the caller's private films.
#[utoipa::path(put, path = "/api/films/private/{id}", tag = "films", request_body = FilmInput,
    params(("id" = i64, Path, description = "Film id", minimum = 1)),
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Invalid film or id", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "No such private film", body = ErrorBody),
        (status = 409, description = "Visibility cannot change", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
    ))]
pub async fn update_private(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    input: web::Json<FilmInput>,
) -> Result<HttpResponse, ApiError> {
    update(&state, &user, *id, true, input.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change one of the caller's public films.
#[utoipa::path(put, path = "/api/films/public/{id}", tag = "films", request_body = FilmInput,
    params(("id" = i64, Path, description = "Film id", minimum = 1)),
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Invalid film or id", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "No such public film", body = ErrorBody),
        (status = 409, description = "Visibility cannot change", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
    ))]
pub async fn update_public(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    input: web::Json<FilmInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, data) = update(&state, &user, *id, false, input.into_inner()).await?;
    if let Some(actor) = state.directory.film(id) {
        actor.do_send(Retitle { title: data.title });
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Delete one of the caller's private films.
#[utoipa::path(delete, path = "/api/films/private/{id}", tag = "films",
    params(("id" = i64, Path, description = "Film id", minimum = 1)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "No such private film", body = ErrorBody),
    ))]
pub async fn delete_private(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let film = owned_film(&state, &user, *id, true).await?;
    db::run(&state.pool, move |conn| db::films::delete(conn, film.id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Delete one of the caller's public films; its topic then says `deleted`.
#[utoipa::path(delete, path = "/api/films/public/{id}", tag = "films",
    params(("id" = i64, Path, description = "Film id", minimum = 1)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "No such public film", body = ErrorBody),
    ))]
pub async fn delete_public(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let film = owned_film(&state, &user, *id, false).await?;
    let actor = state
        .directory
        .film(film.id)
        .ok_or(ApiError::NotFound("no such film"))?;
    match actor.send(Delete).await {
        Ok(deleted) => deleted?,
        // The actor stopped: someone else deleted the film meanwhile.
        Err(_) => return Err(ApiError::NotFound("no such film")),
    }
    Ok(HttpResponse::NoContent().finish())
}
