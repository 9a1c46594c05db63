//! `/api/films/public/{id}/reviews` and the balanced assignments:
//! invitations, their completion and withdrawal.
//!
//! Completion and withdrawal may release an active film, so they go through
//! the film's actor; new invitations are stored here, then told to it. Every
//! change of who is invited invalidates the invited listings.

use actix::Addr;
use actix_web::{HttpResponse, web};

use super::AppState;
use super::auth::CurrentUser;
use super::error::{ApiError, ErrorBody};
use super::films::visible_film;
use super::model::{
    Assignment, CompletionInput, InvitationInput, MAX_INVITATIONS, PageQuery, PageRequest,
    ReviewPage, ReviewView, check_id,
};
use crate::actors::FilmActor;
use crate::actors::film::{CompleteReview, Invited, Withdraw};
use crate::db;
use crate::domain::{Film, Refusal};

/// A film's reviews.
#[utoipa::path(get, path = "/api/films/public/{id}/reviews", tag = "reviews",
    operation_id = "list_reviews",
    params(("id" = i64, Path, description = "Film id", minimum = 1), PageQuery),
    responses(
        (status = 200, description = "A page of reviews", body = ReviewPage),
        (status = 400, description = "Malformed id or page", body = ErrorBody),
        (status = 404, description = "No such public film, or past the last page", body = ErrorBody),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let film = visible_film(&state, *id, false).await?;
    let request = PageRequest::new(&query, state.page_size)?;
    let (reviews, total) = db::run(&state.pool, move |conn| {
        db::reviews::page(conn, film.id, request.offset(), request.size)
    })
    .await?;
    let page = request.info(total, &format!("/api/films/public/{}/reviews", film.id))?;
    let reviews = reviews.into_iter().map(ReviewView::from).collect();
    Ok(HttpResponse::Ok().json(ReviewPage { page, reviews }))
}

/// Invite reviewers to one of the caller's public films.
#[utoipa::path(post, path = "/api/films/public/{id}/reviews", tag = "reviews",
    request_body(content = Vec<InvitationInput>,
        description = "1 to 100 invitations, each for the film of the path"),
    params(("id" = i64, Path, description = "Film id", minimum = 1)),
    responses(
        (status = 201, description = "The created invitations", body = Vec<ReviewView>),
        (status = 400, description = "Malformed invitations", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "No such public film", body = ErrorBody),
        (status = 409, description = "Unknown user or existing invitation", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
    ))]
pub async fn invite(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    invitations: web::Json<Vec<InvitationInput>>,
) -> Result<HttpResponse, ApiError> {
    let film = owned(&state, &user, *id).await?;
    let reviewers = invited_users(film.id, &invitations)?;
    let stored = reviewers.clone();
    let store = move |conn: &mut _| db::reviews::invite(conn, film.id, &stored);
    let created = db::run(&state.pool, state.directory.listings().after_write(store)).await??;
    if let Some(actor) = state.directory.film(film.id) {
        actor.do_send(Invited { users: reviewers });
    }
    let created: Vec<ReviewView> = created.into_iter().map(ReviewView::from).collect();
    Ok(HttpResponse::Created().json(created))
}

fn invited_users(film: i64, invitations: &[InvitationInput]) -> Result<Vec<i64>, ApiError> {
    if invitations.is_empty() || invitations.len() > MAX_INVITATIONS {
        return Err(ApiError::bad_request(
            "invalid_invitations",
            format!("send 1 to {MAX_INVITATIONS} invitations"),
        ));
    }
    invitations
        .iter()
        .map(|invitation| {
            if invitation.film_id != film {
                return Err(ApiError::bad_request(
                    "invalid_invitations",
                    "every invitation's filmId must be the film of the path",
                ));
            }
            check_id("every reviewerId", invitation.reviewer_id)
        })
        .collect()
}

/// One review.
#[utoipa::path(get, path = "/api/films/public/{id}/reviews/{uid}", tag = "reviews",
    operation_id = "get_review",
    params(
        ("id" = i64, Path, description = "Film id", minimum = 1),
        ("uid" = i64, Path, description = "Reviewer id", minimum = 1),
    ),
    responses(
        (status = 200, description = "The review", body = ReviewView),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "No such review", body = ErrorBody),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<ReviewView>, ApiError> {
    let (film, user) = path.into_inner();
    let film = visible_film(&state, film, false).await?;
    let user = check_id("the reviewer id", user)?;
    let review = db::run(&state.pool, move |conn| {
        db::reviews::get(conn, film.id, user)
    })
    .await?
    .ok_or(ApiError::NotFound("no such review"))?;
    Ok(web::Json(review.into()))
}

/// Complete the caller's review; an active film is released.
#[utoipa::path(put, path = "/api/films/public/{id}/reviews/{uid}", tag = "reviews",
    request_body = CompletionInput,
    params(
        ("id" = i64, Path, description = "Film id", minimum = 1),
        ("uid" = i64, Path, description = "Reviewer id: the caller", minimum = 1),
    ),
    responses(
        (status = 204, description = "Completed"),
        (status = 400, description = "Invalid review or id", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not the caller's review", body = ErrorBody),
        (status = 404, description = "No such review", body = ErrorBody),
        (status = 409, description = "Already completed", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
    ))]
pub async fn complete(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    input: web::Json<CompletionInput>,
) -> Result<HttpResponse, ApiError> {
    let (film, reviewer) = path.into_inner();
    let reviewer = check_id("the reviewer id", reviewer)?;
    user.must_be(reviewer, "only the reviewer may complete a review")?;
    let completion = input.into_inner().validate()?;
    let film = visible_film(&state, film, false).await?;
    let actor = actor_of(&state, &film)?;
    let completed = actor
        .send(CompleteReview {
            user: user.id,
            completion,
        })
        .await;
    answer(completed.map_err(|_| Refusal::FilmNotFound)?)
}

/// Withdraw a non-completed invitation of one of the caller's films; an
/// active film is released.
#[utoipa::path(delete, path = "/api/films/public/{id}/reviews/{uid}", tag = "reviews",
    params(
        ("id" = i64, Path, description = "Film id", minimum = 1),
        ("uid" = i64, Path, description = "Reviewer id", minimum = 1),
    ),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not the owner", body = ErrorBody),
        (status = 404, description = "No such invitation", body = ErrorBody),
        (status = 409, description = "The review is completed", body = ErrorBody),
    ))]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (film, reviewer) = path.into_inner();
    let film = owned(&state, &user, film).await?;
    let reviewer = check_id("the reviewer id", reviewer)?;
    let actor = actor_of(&state, &film)?;
    let withdrawn = actor.send(Withdraw { user: reviewer }).await;
    answer(withdrawn.map_err(|_| Refusal::FilmNotFound)?)
}

/// Invite a reviewer to each of the caller's public films that has none.
#[utoipa::path(post, path = "/api/films/public/assignments", tag = "reviews",
    responses(
        (status = 200, description = "The new invitations", body = Vec<Assignment>),
        (status = 401, description = "Not logged in", body = ErrorBody),
    ))]
pub async fn assign(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<web::Json<Vec<Assignment>>, ApiError> {
    let owner = user.id;
    let store = move |conn: &mut _| db::reviews::assign(conn, owner);
    let assigned = db::run(&state.pool, state.directory.listings().after_write(store)).await?;
    for &(film, user) in &assigned {
        if let Some(actor) = state.directory.film(film) {
            actor.do_send(Invited { users: vec![user] });
        }
    }
    let assigned = assigned
        .into_iter()
        .map(|(film_id, reviewer_id)| Assignment {
            film_id,
            reviewer_id,
        })
        .collect();
    Ok(web::Json(assigned))
}

async fn owned(state: &AppState, user: &CurrentUser, film: i64) -> Result<Film, ApiError> {
    let film = visible_film(state, film, false).await?;
    if film.owner != user.id {
        return Err(ApiError::Forbidden("only the film's owner may do this"));
    }
    Ok(film)
}

fn actor_of(state: &AppState, film: &Film) -> Result<Addr<FilmActor>, ApiError> {
    state
        .directory
        .film(film.id)
        .ok_or(ApiError::NotFound("no such film"))
}

/// 204, or the refusal; an invitation that is missing is a 404 here.
fn answer(result: Result<(), crate::actors::ActorError>) -> Result<HttpResponse, ApiError> {
    match result {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(crate::actors::ActorError::Refused(Refusal::NotInvited)) => {
            Err(ApiError::NotFound("no such review invitation"))
        }
        Err(other) => Err(other.into()),
    }
}
