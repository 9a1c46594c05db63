//! Active films: the `active` column of `reviews`.
//!
//! Only a film's actor calls [`activate`] and [`deactivate`] for that film,
//! so the actors' view and these rows change in the same order. Statements
//! are cached per connection: parsing them cost more than running them.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::DbError;
use crate::domain::{FilmId, Refusal, UserId};

/// Makes `film` the active film of `user`. In the same transaction the
/// user's previous active film, returned, becomes inactive, so the database
/// never shows two active films for one user.
pub fn activate(
    conn: &mut Connection,
    film: FilmId,
    user: UserId,
) -> Result<Result<Option<FilmId>, Refusal>, DbError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let completed: Option<bool> = tx
        .prepare_cached("SELECT completed FROM reviews WHERE filmId = ?1 AND reviewerId = ?2")?
        .query_row([film, user], |r| r.get(0))
        .optional()?;
    match completed {
        None => return Ok(Err(Refusal::NotInvited)),
        Some(true) => return Ok(Err(Refusal::ReviewCompleted)),
        Some(false) => {}
    }

    let previous: Option<FilmId> = tx
        .prepare_cached("SELECT filmId FROM reviews WHERE reviewerId = ?1 AND active = 1")?
        .query_row([user], |r| r.get(0))
        .optional()?
        .filter(|&previous| previous != film);
    tx.prepare_cached(
        "UPDATE reviews SET active = 0 WHERE reviewerId = ?1 AND active = 1 AND filmId <> ?2",
    )?
    .execute([user, film])?;
    tx.prepare_cached("UPDATE reviews SET active = 1 WHERE filmId = ?1 AND reviewerId = ?2")?
        .execute([film, user])?;
    tx.commit()?;
    Ok(Ok(previous))
}

/// Makes `film` inactive for `user` (a no-op when it was not active).
pub fn deactivate(conn: &Connection, film: FilmId, user: UserId) -> Result<(), DbError> {
    conn.prepare_cached("UPDATE reviews SET active = 0 WHERE filmId = ?1 AND reviewerId = ?2")?
        .execute([film, user])?;
    Ok(())
}

/// The active film of every user who has one: (user, film, title).
pub fn active_films(conn: &Connection) -> Result<Vec<(UserId, FilmId, String)>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT r.reviewerId, f.id, f.title FROM reviews r \
         JOIN films f ON f.id = r.filmId WHERE r.active = 1",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
