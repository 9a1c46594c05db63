//! The `reviews` table: invitations, their completion and withdrawal.
//! Activation lives in [`super::selection`].

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::DbError;
use crate::domain::{Completion, FilmId, Refusal, Review, UserId};

const COLUMNS: &str = "filmId, reviewerId, completed, reviewDate, rating, review";

fn review(row: &Row) -> rusqlite::Result<Review> {
    Ok(Review {
        film_id: row.get(0)?,
        reviewer_id: row.get(1)?,
        completed: row.get(2)?,
        review_date: row.get(3)?,
        rating: row.get(4)?,
        review: row.get(5)?,
    })
}

/// One review of a film.
pub fn get(conn: &Connection, film: FilmId, user: UserId) -> Result<Option<Review>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM reviews WHERE filmId = ?1 AND reviewerId = ?2");
    Ok(conn.query_row(&sql, [film, user], review).optional()?)
}

/// One page of a film's reviews, by reviewer, and how many there are.
pub fn page(
    conn: &Connection,
    film: FilmId,
    offset: u64,
    limit: u32,
) -> Result<(Vec<Review>, u64), DbError> {
    let total: i64 = conn.query_row(
        "SELECT count(*) FROM reviews WHERE filmId = ?1",
        [film],
        |r| r.get(0),
    )?;
    let sql = format!(
        "SELECT {COLUMNS} FROM reviews WHERE filmId = ?1 ORDER BY reviewerId LIMIT ?2 OFFSET ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let reviews = stmt
        .query_map(params![film, limit, super::sql_int(offset)], review)?
        .collect::<Result<_, _>>()?;
    Ok((reviews, total.unsigned_abs()))
}

/// Invites every user of `reviewers` to review `film`, all or none.
pub fn invite(
    conn: &mut Connection,
    film: FilmId,
    reviewers: &[UserId],
) -> Result<Result<Vec<Review>, Refusal>, DbError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for &user in reviewers {
        let known: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)",
            [user],
            |r| r.get(0),
        )?;
        if !known {
            return Ok(Err(Refusal::UnknownUser(user)));
        }
        let inserted = tx.execute(
            "INSERT OR IGNORE INTO reviews (filmId, reviewerId) VALUES (?1, ?2)",
            [film, user],
        )?;
        if inserted == 0 {
            return Ok(Err(Refusal::AlreadyInvited(user)));
        }
    }
    let created = reviewers
        .iter()
        .map(|&user| Review {
            film_id: film,
            reviewer_id: user,
            completed: false,
            review_date: None,
            rating: None,
            review: None,
        })
        .collect();
    tx.commit()?;
    Ok(Ok(created))
}

/// Completes a review, which also makes it inactive.
pub fn complete(
    conn: &Connection,
    film: FilmId,
    user: UserId,
    completion: &Completion,
) -> Result<Result<(), Refusal>, DbError> {
    let changed = conn.execute(
        "UPDATE reviews SET completed = 1, active = 0, reviewDate = ?3, rating = ?4, review = ?5 \
         WHERE filmId = ?1 AND reviewerId = ?2 AND completed = 0",
        params![
            film,
            user,
            completion.review_date,
            completion.rating,
            completion.review
        ],
    )?;
    if changed == 1 {
        return Ok(Ok(()));
    }
    Ok(Err(refusal_for_missing_change(conn, film, user)?))
}

/// Withdraws a review invitation that is not completed.
pub fn withdraw(
    conn: &Connection,
    film: FilmId,
    user: UserId,
) -> Result<Result<(), Refusal>, DbError> {
    let deleted = conn.execute(
        "DELETE FROM reviews WHERE filmId = ?1 AND reviewerId = ?2 AND completed = 0",
        [film, user],
    )?;
    if deleted == 1 {
        return Ok(Ok(()));
    }
    Ok(Err(refusal_for_missing_change(conn, film, user)?))
}

/// Why a change of a non-completed review touched no row.
pub(super) fn refusal_for_missing_change(
    conn: &Connection,
    film: FilmId,
    user: UserId,
) -> Result<Refusal, DbError> {
    let completed: Option<bool> = conn
        .query_row(
            "SELECT completed FROM reviews WHERE filmId = ?1 AND reviewerId = ?2",
            [film, user],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match completed {
        Some(true) => Refusal::ReviewCompleted,
        _ => Refusal::NotInvited,
    })
}

/// Invites one reviewer to each public film of `owner` that has no review
/// yet, choosing each time the user (other than the owner) with the fewest
/// open invitations, ties to the lowest id. Returns the new invitations.
pub fn assign(conn: &mut Connection, owner: UserId) -> Result<Vec<(FilmId, UserId)>, DbError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let films: Vec<FilmId> = tx
        .prepare(
            "SELECT f.id FROM films f WHERE f.owner = ?1 AND f.private = 0 \
             AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.filmId = f.id) ORDER BY f.id",
        )?
        .query_map([owner], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut load: HashMap<UserId, i64> = tx
        .prepare(
            "SELECT u.id, (SELECT count(*) FROM reviews r \
                           WHERE r.reviewerId = u.id AND r.completed = 0) \
             FROM users u WHERE u.id <> ?1",
        )?
        .query_map([owner], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;

    let mut assigned = Vec::with_capacity(films.len());
    for film in films {
        let Some((&user, _)) = load.iter().min_by_key(|&(&id, &count)| (count, id)) else {
            break;
        };
        tx.execute(
            "INSERT INTO reviews (filmId, reviewerId) VALUES (?1, ?2)",
            [film, user],
        )?;
        *load.entry(user).or_default() += 1;
        assigned.push((film, user));
    }
    tx.commit()?;
    Ok(assigned)
}
