//! The two film listings every caller reads most, kept in memory.
//!
//! `GET /api/films/public` is the same for every caller and
//! `GET /api/films/public/invited` the same for every session of one user;
//! together they are the bulk of the reads of a busy service, and answering
//! them from SQLite costs several times a trivial request (BENCHMARKS.md).
//! [`Listings`] holds the public films, and the invited public films of each
//! user who asked, in id order; it loads a list on the first read after a
//! change and forgets every list whenever a public film or an invitation is
//! created, changed or deleted. Such writes are rare next to the reads, so
//! one generation for everything keeps the rule simple.
//!
//! Every such write is wrapped in [`Listings::after_write`], which
//! invalidates the lists on the blocking thread that committed it, inside
//! the work given to [`super::run`], so this happens even if the request that
//! asked for the write has gone away. A
//! load that overlaps a write may have read the films before the write
//! committed; each invalidation moves a generation counter on, and a load is
//! kept only if the generation it started with is still current when it
//! ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;

use super::{DbError, Pool};
use crate::domain::{Film, UserId};

/// A listing as it is shared between requests.
pub type Films = Arc<[Film]>;

/// The listed films in id order, or the fact that they must be read again.
/// Cheap to clone; clones share the lists.
// LIMITATION: only writes made by this process invalidate the lists; a
// change written into the file by another program shows after the next one.
#[derive(Clone, Default)]
pub struct Listings {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Moves on at every invalidation.
    generation: u64,
    public: Option<Films>,
    invited: HashMap<UserId, Films>,
}

impl Listings {
    /// Every public film in id order.
    pub async fn public(&self, pool: &Pool) -> Result<Films, DbError> {
        self.read_through(
            pool,
            |state| state.public.clone(),
            super::films::public,
            |state, films| state.public = Some(films),
        )
        .await
    }

    /// The public films `user` is invited to review, in id order.
    pub async fn invited(&self, pool: &Pool, user: UserId) -> Result<Films, DbError> {
        self.read_through(
            pool,
            |state| state.invited.get(&user).cloned(),
            move |conn| super::films::invited(conn, user),
            |state, films| {
                state.invited.insert(user, films);
            },
        )
        .await
    }

    /// `write` (of a public film or of invitations), then, once it returned
    /// without a storage error, an invalidation of every list: give it to
    /// [`super::run`], so that the lists are forgotten on the blocking thread
    /// right after the commit and before anyone hears of the write.
    pub fn after_write<T>(
        &self,
        write: impl FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    ) -> impl FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static {
        let listings = self.clone();
        move |conn| {
            let written = write(conn)?;
            listings.invalidate();
            Ok(written)
        }
    }

    /// Forgets every list.
    pub fn invalidate(&self) {
        let mut state = self.lock();
        state.generation = state.generation.wrapping_add(1);
        state.public = None;
        state.invited.clear();
    }

    /// The list `cached` finds, or else the one `load` reads, which `keep`
    /// stores unless a write invalidated the lists meanwhile.
    async fn read_through(
        &self,
        pool: &Pool,
        cached: impl FnOnce(&State) -> Option<Films>,
        load: impl FnOnce(&Connection) -> Result<Vec<Film>, DbError> + Send + 'static,
        keep: impl FnOnce(&mut State, Films),
    ) -> Result<Films, DbError> {
        let since = {
            let state = self.lock();
            if let Some(films) = cached(&state) {
                return Ok(films);
            }
            state.generation
        };
        let films: Films = super::run(pool, move |conn| load(conn)).await?.into();
        self.keep(since, |state| keep(state, Arc::clone(&films)));
        Ok(films)
    }

    /// Runs `store` unless the lists were invalidated since `since`.
    fn keep(&self, since: u64, store: impl FnOnce(&mut State)) {
        let mut state = self.lock();
        if state.generation == since {
            store(&mut state);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Each field is replaced whole; a panic elsewhere cannot leave the
        // state half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;

    fn listings_over_seed() -> (tempfile::TempDir, Pool, Listings) {
        let dir = tempfile::tempdir().unwrap();
        let pool = db::open(&dir.path().join("fm.db")).unwrap();
        (dir, pool, Listings::default())
    }

    fn rename(pool: &Pool, film: i64, title: &str) {
        pool.get()
            .unwrap()
            .execute("UPDATE films SET title = ?1 WHERE id = ?2", (title, film))
            .unwrap();
    }

    fn titles(films: &Films) -> Vec<&str> {
        films.iter().map(|film| film.data.title.as_str()).collect()
    }

    #[actix_web::test]
    async fn a_list_is_kept_until_the_next_invalidation() {
        let (_dir, pool, listings) = listings_over_seed();
        let first = listings.public(&pool).await.unwrap();
        rename(&pool, 1, "Renamed");

        let cached = listings.public(&pool).await.unwrap();
        listings.invalidate();
        let reloaded = listings.public(&pool).await.unwrap();

        assert!(Arc::ptr_eq(&first, &cached), "served from memory");
        assert_eq!(titles(&reloaded)[0], "Renamed");
    }

    #[actix_web::test]
    async fn each_user_has_their_own_invited_list_and_one_invalidation_clears_all() {
        let (_dir, pool, listings) = listings_over_seed();
        let frank = listings.invited(&pool, 2).await.unwrap();
        let karen = listings.invited(&pool, 3).await.unwrap();
        rename(&pool, 2, "Renamed");
        listings.invalidate();

        let karen_after = listings.invited(&pool, 3).await.unwrap();

        let ids = |films: &Films| films.iter().map(|film| film.id).collect::<Vec<_>>();
        assert_eq!((ids(&frank), ids(&karen)), (vec![1, 2], vec![2]));
        assert_eq!(titles(&karen_after), ["Renamed"]);
    }

    #[actix_web::test]
    async fn a_load_that_overlapped_a_write_is_not_kept() {
        let (_dir, pool, listings) = listings_over_seed();
        let since = listings.lock().generation;
        // A load read the films, then a write committed and invalidated
        // before the load stored its result.
        let stale: Films = db::films::public(&pool.get().unwrap()).unwrap().into();
        rename(&pool, 1, "Renamed");
        listings.invalidate();

        listings.keep(since, |state| state.public = Some(stale));
        let served = listings.public(&pool).await.unwrap();

        assert_eq!(titles(&served)[0], "Renamed");
    }
}
