//! The public films, kept in memory for the public listing.
//!
//! `GET /api/films/public` is the same for every caller and the most frequent
//! read of the service; answering it from SQLite costs about seven times a
//! trivial request (BENCHMARKS.md). The [`Catalogue`] holds the public films
//! in id order, loads them on the first listing after a change, and forgets
//! them whenever a public film is created, changed or deleted.
//!
//! Every write of a public film calls [`Catalogue::invalidate`] on the
//! blocking thread that committed it, inside the work given to
//! [`super::run`], so the call happens even if the request that asked for
//! the write has gone away. A load that overlaps a write may have read the
//! films before the write committed; each invalidation moves a generation
//! counter on, and a load is kept only if the generation it started with is
//! still current when it ends.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::{DbError, Pool};
use crate::domain::Film;

/// The public films in id order, or the fact that they must be read again.
#[derive(Default)]
pub struct Catalogue {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Moves on at every invalidation.
    generation: u64,
    films: Option<Arc<[Film]>>,
}

impl Catalogue {
    /// Every public film in id order: from memory, or from the database
    /// after a change.
    pub async fn films(&self, pool: &Pool) -> Result<Arc<[Film]>, DbError> {
        let since = {
            let state = self.lock();
            if let Some(films) = &state.films {
                return Ok(Arc::clone(films));
            }
            state.generation
        };
        let films: Arc<[Film]> = super::run(pool, |conn| super::films::public(conn))
            .await?
            .into();
        self.keep(since, &films);
        Ok(films)
    }

    /// Forgets the films; call it after a write of a public film committed.
    pub fn invalidate(&self) {
        let mut state = self.lock();
        state.generation = state.generation.wrapping_add(1);
        state.films = None;
    }

    /// Keeps a load that began at generation `since`, unless a write
    /// invalidated the catalogue meanwhile.
    fn keep(&self, since: u64, films: &Arc<[Film]>) {
        let mut state = self.lock();
        if state.generation == since {
            state.films = Some(Arc::clone(films));
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is two fields written together; a panic elsewhere cannot
        // leave it half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FilmData;

    fn film(id: i64, title: &str) -> Film {
        Film {
            id,
            owner: 1,
            data: FilmData {
                title: title.to_owned(),
                private: false,
                watch_date: None,
                rating: None,
                favorite: None,
            },
        }
    }

    fn cached(catalogue: &Catalogue) -> Option<Vec<Film>> {
        catalogue.lock().films.as_deref().map(<[Film]>::to_vec)
    }

    #[test]
    fn a_load_is_kept_until_the_next_invalidation() {
        let catalogue = Catalogue::default();
        let since = catalogue.lock().generation;
        catalogue.keep(since, &Arc::from(vec![film(1, "A")]));
        assert_eq!(cached(&catalogue), Some(vec![film(1, "A")]));

        catalogue.invalidate();
        assert_eq!(cached(&catalogue), None);
    }

    #[test]
    fn a_load_that_overlapped_a_write_is_dropped() {
        let catalogue = Catalogue::default();
        let since = catalogue.lock().generation;
        // The load read the old title; the write committed and invalidated
        // before the load finished.
        catalogue.invalidate();
        catalogue.keep(since, &Arc::from(vec![film(1, "old title")]));
        assert_eq!(cached(&catalogue), None);

        // A load that began after the write is kept.
        let since = catalogue.lock().generation;
        catalogue.keep(since, &Arc::from(vec![film(1, "new title")]));
        assert_eq!(cached(&catalogue), Some(vec![film(1, "new title")]));
    }
}
