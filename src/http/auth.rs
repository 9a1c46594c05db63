//! Sessions and log-in: an in-memory store behind `actix-session`, the
//! [`CurrentUser`] extractor, and the authenticator endpoints.
//!
//! A session lives `session_seconds` from log-in; its state is
//! `{uid, name, sid}`, where `sid` names the session to the online-users hub.

use std::collections::HashMap;
use std::future::{Ready, ready};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_session::storage::{
    LoadError, SaveError, SessionKey, SessionStore, UpdateError, generate_session_key,
};
use actix_session::{Session, SessionExt};
use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use tracing::info;

use super::AppState;
use super::error::ApiError;
use super::model::{Credentials, LoginView, UserView, selection_link};
use crate::db;
use crate::domain::{Holder, User, UserId};
use crate::ws::{LoggedIn, LoggedOut};

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "fm_session";

/// Hash checked when the e-mail is unknown, so that both failures cost the
/// same time (password "not-a-user").
const DECOY_HASH: &str = "$2b$10$zIaC6rmfrClRH/ljzOe4LeFrvldEqOj3gu6dz.Bgh5sacbLk3Umwu";

type State = HashMap<String, String>;

/// Session state kept in memory, each entry until its deadline.
// LIMITATION: sessions live in this process; a restart logs everyone out.
#[derive(Clone, Default)]
pub struct MemoryStore {
    entries: Arc<Mutex<HashMap<String, (State, Instant)>>>,
}

impl MemoryStore {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (State, Instant)>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn put(&self, key: &SessionKey, state: State, ttl: &CookieDuration) {
        let ttl = Duration::from_secs(ttl.whole_seconds().max(0) as u64);
        let mut entries = self.entries();
        let now = Instant::now();
        entries.retain(|_, (_, deadline)| *deadline > now);
        entries.insert(key.as_ref().to_owned(), (state, now + ttl));
    }
}

impl SessionStore for MemoryStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        let mut entries = self.entries();
        match entries.get(key.as_ref()) {
            Some((state, deadline)) if *deadline > Instant::now() => Ok(Some(state.clone())),
            Some(_) => {
                entries.remove(key.as_ref());
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn save(&self, state: State, ttl: &CookieDuration) -> Result<SessionKey, SaveError> {
        let key = generate_session_key();
        self.put(&key, state, ttl);
        Ok(key)
    }

    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &CookieDuration,
    ) -> Result<SessionKey, UpdateError> {
        self.put(&key, state, ttl);
        Ok(key)
    }

    async fn update_ttl(&self, _key: &SessionKey, _ttl: &CookieDuration) -> anyhow::Result<()> {
        // Sessions have a fixed lifetime from log-in.
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.entries().remove(key.as_ref());
        Ok(())
    }
}

/// The logged-in user of a request; extracting it fails with 401 otherwise.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub name: String,
    session: String,
}

impl CurrentUser {
    fn from_session(session: &Session) -> Option<Self> {
        Some(CurrentUser {
            id: session.get("uid").ok()??,
            name: session.get("name").ok()??,
            session: session.get("sid").ok()??,
        })
    }

    /// Fails with 403 unless this is user `id`.
    pub fn must_be(&self, id: UserId, what: &'static str) -> Result<(), ApiError> {
        if self.id == id {
            Ok(())
        } else {
            Err(ApiError::Forbidden(what))
        }
    }
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(CurrentUser::from_session(&req.get_session()).ok_or(ApiError::NotAuthenticated))
    }
}

/// Log in.
#[utoipa::path(
    post, path = "/api/users/authenticator", tag = "users",
    request_body = Credentials,
    responses(
        (status = 200, description = "Logged in; the session cookie is set", body = LoginView),
        (status = 400, description = "Malformed body", body = super::error::ErrorBody),
        (status = 401, description = "Wrong e-mail or password", body = super::error::ErrorBody),
        (status = 413, description = "Body too large", body = super::error::ErrorBody),
    )
)]
pub async fn login(
    state: web::Data<AppState>,
    session: Session,
    credentials: web::Json<Credentials>,
) -> Result<HttpResponse, ApiError> {
    let Credentials { email, password } = credentials.into_inner();
    let found = db::run(&state.pool, move |conn| db::users::with_hash(conn, &email)).await?;
    // Verifying is slow by design: on the blocking pool, and without holding
    // a database connection meanwhile.
    let user = web::block(move || {
        let hash = found.as_ref().map_or(DECOY_HASH, |(_, hash)| hash.as_str());
        let valid = bcrypt::verify(&password, hash).unwrap_or(false);
        found.filter(|_| valid).map(|(user, _)| user)
    })
    .await
    .map_err(|error| ApiError::Internal(error.into()))?
    .ok_or(ApiError::BadCredentials)?;

    if let Some(previous) = CurrentUser::from_session(&session) {
        state.hub.do_send(LoggedOut {
            session: previous.session,
        });
    }
    start_session(&state, &session, &user)?;
    info!(user_id = user.id, "logged in");

    Ok(HttpResponse::Ok().json(LoginView {
        selection: selection_link(user.id),
        user: UserView::from(user),
    }))
}

fn start_session(state: &AppState, session: &Session, user: &User) -> Result<(), ApiError> {
    let sid = format!("{:032x}", rand::random::<u128>());
    session.renew();
    session.clear();
    let stored = session
        .insert("uid", user.id)
        .and_then(|()| session.insert("name", &user.name))
        .and_then(|()| session.insert("sid", &sid));
    stored.map_err(|error| ApiError::Internal(anyhow::anyhow!("session state: {error}")))?;
    state.hub.do_send(LoggedIn {
        session: sid,
        user: Holder {
            id: user.id,
            name: user.name.clone(),
        },
        ttl: state.session_ttl,
    });
    Ok(())
}

/// Log out.
#[utoipa::path(
    delete, path = "/api/users/authenticator", tag = "users",
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "Not logged in", body = super::error::ErrorBody),
    )
)]
pub async fn logout(
    state: web::Data<AppState>,
    user: CurrentUser,
    session: Session,
) -> HttpResponse {
    state.hub.do_send(LoggedOut {
        session: user.session,
    });
    session.purge();
    info!(user_id = user.id, "logged out");
    HttpResponse::NoContent().finish()
}
