//! [`ApiError`]: every failure of a request, mapped to a status and the
//! contract's error body `{"code", "error", "message"}`.
//!
//! Client errors explain themselves; server errors say nothing more than
//! "internal error" while their cause is logged.

use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use tracing::error;
use utoipa::ToSchema;

use crate::actors::ActorError;
use crate::db::DbError;
use crate::domain::Refusal;

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The HTTP status, repeated.
    #[schema(example = 409)]
    pub code: u16,
    /// A machine-readable reason.
    #[schema(example = "film_taken")]
    pub error: String,
    /// A sentence for people.
    #[schema(example = "The film is the active film of Frank (user 2).")]
    pub message: String,
}

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{1}")]
    BadRequest(&'static str, String),
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("log in first")]
    NotAuthenticated,
    #[error("wrong e-mail or password")]
    BadCredentials,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    NotFound(&'static str),
    #[error("{1}")]
    Conflict(&'static str, String),
    /// The methods the resource answers, for the `Allow` header.
    #[error("this resource answers only {0}")]
    MethodNotAllowed(&'static str),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A 400 with a reason and a sentence.
    pub fn bad_request(reason: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest(reason, message.into())
    }

    fn reason(&self) -> &'static str {
        match self {
            ApiError::BadRequest(reason, _) | ApiError::Conflict(reason, _) => reason,
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::NotAuthenticated => "not_authenticated",
            ApiError::BadCredentials => "invalid_credentials",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::Refused(refusal) => match refusal {
                Refusal::FilmNotFound => "not_found",
                Refusal::NotInvited => "not_invited",
                Refusal::ReviewCompleted => "review_completed",
                Refusal::FilmTaken(_) => "film_taken",
                Refusal::UnknownUser(_) => "unknown_user",
                Refusal::AlreadyInvited(_) => "already_invited",
            },
            ApiError::Internal(_) => "internal",
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(..) => StatusCode::BAD_REQUEST,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NotAuthenticated | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(..) => StatusCode::CONFLICT,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Refused(refusal) => match refusal {
                Refusal::FilmNotFound => StatusCode::NOT_FOUND,
                Refusal::NotInvited => StatusCode::FORBIDDEN,
                Refusal::ReviewCompleted
                | Refusal::FilmTaken(_)
                | Refusal::UnknownUser(_)
                | Refusal::AlreadyInvited(_) => StatusCode::CONFLICT,
            },
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            error!(error = format!("{cause:#}"), "request failed");
        }
        let status = self.status_code();
        let mut message = self.to_string();
        if let Some(first) = message.get(..1) {
            message = first.to_uppercase() + &message[1..] + ".";
        }
        let mut response = HttpResponse::build(status);
        if let ApiError::MethodNotAllowed(allowed) = self {
            response.insert_header((header::ALLOW, *allowed));
        }
        response.json(ErrorBody {
            code: status.as_u16(),
            error: self.reason().to_owned(),
            message,
        })
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        ApiError::Internal(error.into())
    }
}

impl From<ActorError> for ApiError {
    fn from(error: ActorError) -> Self {
        match error {
            ActorError::Refused(refusal) => refusal.into(),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<actix::MailboxError> for ApiError {
    fn from(error: actix::MailboxError) -> Self {
        ApiError::Internal(error.into())
    }
}

/// Turns a JSON body rejection into a 400 or 413.
pub fn json_rejection(error: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &error {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge(*limit),
        JsonPayloadError::ContentType => {
            ApiError::bad_request("invalid_content_type", "the body must be application/json")
        }
        JsonPayloadError::Deserialize(cause) => {
            ApiError::bad_request("invalid_body", format!("invalid JSON body: {cause}"))
        }
        other => ApiError::bad_request("invalid_body", format!("unreadable body: {other}")),
    };
    api.into()
}

/// Turns a malformed path segment into a 400.
pub fn path_rejection(error: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request("invalid_path", format!("malformed path: {error}")).into()
}

/// Turns a malformed query string into a 400.
pub fn query_rejection(error: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request("invalid_query", format!("malformed query: {error}")).into()
}

/// The answer for a path no route matches.
pub async fn no_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("no such resource"))
}

/// Gives every error answer that does not come from [`ApiError`] (such as
/// the framework's 405) the contract's JSON body.
pub fn contract_body<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let reason = status.canonical_reason().unwrap_or("Error");
    let body = ErrorBody {
        code: status.as_u16(),
        error: reason.to_lowercase().replace(' ', "_"),
        message: format!("{reason}."),
    };
    let (req, original) = res.into_parts();
    let mut response = HttpResponse::build(status);
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.append_header((name.clone(), value.clone()));
        }
    }
    let response = response.json(body);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}
