//! The selection actors and the directory that finds them.
//!
//! - [`FilmActor`]: one per public film. It owns the film's holder and
//!   serializes every change of the film's selection: acquire, release,
//!   review completion, invitation withdrawal, deletion.
//! - [`ReviewerActor`]: one per user. It serializes the user's own selection
//!   requests end to end, so that a user racing to select several films is
//!   answered as if the requests came one after another.
//!
//! Requests only ever wait in one direction, reviewer → film; film actors
//! tell reviewers about releases with fire-and-forget messages, so no cycle
//! of waits can form. All of them run on one dedicated arbiter; their
//! database work runs on the blocking pool.

pub mod film;
pub mod reviewer;

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use actix::{Actor, Addr, ArbiterHandle, MailboxError};

pub use film::FilmActor;
pub use reviewer::ReviewerActor;

use crate::db::{self, DbError, Pool, films::PublicFilm, listings::Listings};
use crate::domain::{FilmId, Holder, Refusal, UserId};
use crate::mqtt::StatusBroadcaster;
use crate::ws::OnlineUsers;

/// Why an actor could not carry out a request.
#[derive(Debug, thiserror::Error)]
pub enum ActorError {
    /// The request was valid but the rules decline it.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] DbError),
    /// The actor that should answer has stopped.
    #[error("actor unavailable: {0}")]
    Unavailable(#[from] MailboxError),
}

/// Finds the actor of a film or of a user, and hands the actors what they
/// share: the pool, the broadcaster, the online-users hub and the film
/// listings kept in memory. Cheap to clone.
///
/// The maps are behind short-lived locks that are never held across an
/// await; they are an address book, not a lock on any data.
#[derive(Clone)]
pub struct Directory {
    inner: Arc<Inner>,
}

struct Inner {
    films: RwLock<HashMap<FilmId, Addr<FilmActor>>>,
    reviewers: RwLock<HashMap<UserId, Addr<ReviewerActor>>>,
    arbiter: ArbiterHandle,
    pool: Pool,
    listings: Listings,
    broadcaster: Addr<StatusBroadcaster>,
    hub: Addr<OnlineUsers>,
}

impl Directory {
    /// Starts a film actor for every public film and a reviewer actor for
    /// every user of the database, on `arbiter`.
    pub async fn start(
        arbiter: ArbiterHandle,
        pool: Pool,
        broadcaster: Addr<StatusBroadcaster>,
        hub: Addr<OnlineUsers>,
    ) -> Result<Self, DbError> {
        let (films, users, active) = db::run(&pool, |conn| {
            Ok((
                db::films::public_films(conn)?,
                db::users::all(conn)?,
                db::selection::active_films(conn)?,
            ))
        })
        .await?;
        let directory = Directory {
            inner: Arc::new(Inner {
                films: RwLock::default(),
                reviewers: RwLock::default(),
                arbiter,
                pool,
                listings: Listings::default(),
                broadcaster,
                hub,
            }),
        };

        let active: HashMap<UserId, (FilmId, String)> = active
            .into_iter()
            .map(|(user, film, title)| (user, (film, title)))
            .collect();
        // LIMITATION: users are read once; one added to the database later
        // can log in but gets no reviewer actor until the next start.
        for user in users {
            let me = Holder {
                id: user.id,
                name: user.name,
            };
            let film = active.get(&me.id).cloned();
            directory.add_reviewer(me, film);
        }
        for film in films {
            directory.start_film(film);
        }
        Ok(directory)
    }

    /// Starts the actor of a new public film, which announces its status.
    pub fn open_film(&self, id: FilmId, title: String) {
        self.start_film(PublicFilm {
            id,
            title,
            holder: None,
            reviewers: HashMap::new(),
        });
    }

    fn start_film(&self, film: PublicFilm) {
        let id = film.id;
        let actor = FilmActor::new(film, self.clone());
        let addr = FilmActor::start_in_arbiter(&self.inner.arbiter, move |_| actor);
        write(&self.inner.films).insert(id, addr);
    }

    fn add_reviewer(&self, me: Holder, active: Option<(FilmId, String)>) {
        let actor = ReviewerActor::new(me.clone(), active, self.clone());
        let addr = ReviewerActor::start_in_arbiter(&self.inner.arbiter, move |_| actor);
        write(&self.inner.reviewers).insert(me.id, addr);
    }

    /// The actor of a public film, unless there is no such film.
    pub fn film(&self, id: FilmId) -> Option<Addr<FilmActor>> {
        read(&self.inner.films).get(&id).cloned()
    }

    /// The actor of a user, unless there is no such user.
    pub fn reviewer(&self, id: UserId) -> Option<Addr<ReviewerActor>> {
        read(&self.inner.reviewers).get(&id).cloned()
    }

    fn forget_film(&self, id: FilmId) {
        write(&self.inner.films).remove(&id);
    }

    fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    /// The public and invited film listings; whoever writes a public film
    /// or an invitation invalidates them.
    pub fn listings(&self) -> &Listings {
        &self.inner.listings
    }

    fn broadcaster(&self) -> &Addr<StatusBroadcaster> {
        &self.inner.broadcaster
    }

    fn hub(&self) -> &Addr<OnlineUsers> {
        &self.inner.hub
    }
}

// A poisoned map only means a panic elsewhere while inserting; the map itself
// is still a valid address book.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}
