//! The `films` table.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::DbError;
use crate::domain::{Film, FilmData, FilmId, Holder, UserId};

/// A public film as its actor starts: title, current holder, and every
/// invited reviewer with whether their review is completed.
#[derive(Debug, Clone)]
pub struct PublicFilm {
    pub id: FilmId,
    pub title: String,
    pub holder: Option<Holder>,
    pub reviewers: HashMap<UserId, bool>,
}

const COLUMNS: &str = "f.id, f.title, f.owner, f.private, f.watchDate, f.rating, f.favorite";

fn film(row: &Row) -> rusqlite::Result<Film> {
    Ok(Film {
        id: row.get(0)?,
        owner: row.get(2)?,
        data: FilmData {
            title: row.get(1)?,
            private: row.get(3)?,
            watch_date: row.get(4)?,
            rating: row.get(5)?,
            favorite: row.get(6)?,
        },
    })
}

/// One film, private or public.
pub fn get(conn: &Connection, id: FilmId) -> Result<Option<Film>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM films f WHERE f.id = ?1");
    Ok(conn.query_row(&sql, [id], film).optional()?)
}

/// One page of the private films of `owner`, by id, and how many there are
/// in all.
pub fn private_page(
    conn: &Connection,
    owner: UserId,
    offset: u64,
    limit: u32,
) -> Result<(Vec<Film>, u64), DbError> {
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM films f WHERE f.private = 1 AND f.owner = ?1")?
        .query_row([owner], |r| r.get(0))?;
    let sql = format!(
        "SELECT {COLUMNS} FROM films f WHERE f.private = 1 AND f.owner = ?1 \
         ORDER BY f.id LIMIT ?2 OFFSET ?3"
    );
    let films = conn
        .prepare_cached(&sql)?
        .query_map(params![owner, limit, super::sql_int(offset)], film)?
        .collect::<Result<_, _>>()?;
    Ok((films, total.unsigned_abs()))
}

/// Every public film, by id: one of the lists [`super::listings::Listings`]
/// keeps.
pub fn public(conn: &Connection) -> Result<Vec<Film>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM films f WHERE f.private = 0 ORDER BY f.id");
    let films = conn
        .prepare_cached(&sql)?
        .query_map([], film)?
        .collect::<Result<_, _>>()?;
    Ok(films)
}

/// The public films `user` is invited to review, completed reviews
/// included, by id: the other list [`super::listings::Listings`] keeps.
pub fn invited(conn: &Connection, user: UserId) -> Result<Vec<Film>, DbError> {
    // CROSS JOIN keeps SQLite from walking every public film: a user's
    // invitations are few and indexed by reviewer.
    let sql = format!(
        "SELECT {COLUMNS} FROM reviews r CROSS JOIN films f ON f.id = r.filmId \
         WHERE r.reviewerId = ?1 AND f.private = 0 ORDER BY f.id"
    );
    let films = conn
        .prepare_cached(&sql)?
        .query_map([user], film)?
        .collect::<Result<_, _>>()?;
    Ok(films)
}

/// Stores a new film of `owner` and returns it with its id.
pub fn insert(conn: &Connection, owner: UserId, data: &FilmData) -> Result<Film, DbError> {
    conn.execute(
        "INSERT INTO films (title, owner, private, watchDate, rating, favorite) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            data.title,
            owner,
            data.private,
            data.watch_date,
            data.rating,
            data.favorite
        ],
    )?;
    Ok(Film {
        id: conn.last_insert_rowid(),
        owner,
        data: data.clone(),
    })
}

/// Replaces the owner-chosen fields of a film (its visibility stays).
pub fn update(conn: &Connection, id: FilmId, data: &FilmData) -> Result<(), DbError> {
    conn.execute(
        "UPDATE films SET title = ?2, watchDate = ?3, rating = ?4, favorite = ?5 WHERE id = ?1",
        params![id, data.title, data.watch_date, data.rating, data.favorite],
    )?;
    Ok(())
}

/// Deletes a film and, by cascade, its reviews.
pub fn delete(conn: &Connection, id: FilmId) -> Result<(), DbError> {
    conn.execute("DELETE FROM films WHERE id = ?1", [id])?;
    Ok(())
}

/// Every public film with the user who has it active, if any, and its
/// invitations.
pub fn public_films(conn: &Connection) -> Result<Vec<PublicFilm>, DbError> {
    let mut stmt = conn.prepare(
        "SELECT f.id, f.title, u.id, u.name FROM films f \
         LEFT JOIN reviews r ON r.filmId = f.id AND r.active = 1 \
         LEFT JOIN users u ON u.id = r.reviewerId \
         WHERE f.private = 0 ORDER BY f.id",
    )?;
    let films = stmt
        .query_map([], |row| {
            let holder = match row.get::<_, Option<UserId>>(2)? {
                Some(id) => Some(Holder {
                    id,
                    name: row.get(3)?,
                }),
                None => None,
            };
            Ok(PublicFilm {
                id: row.get(0)?,
                title: row.get(1)?,
                holder,
                reviewers: HashMap::new(),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;

    let mut by_id: HashMap<FilmId, PublicFilm> = films.into_iter().map(|f| (f.id, f)).collect();
    let mut stmt = conn.prepare("SELECT filmId, reviewerId, completed FROM reviews")?;
    let invitations = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    for invitation in invitations {
        let (film, user, completed): (FilmId, UserId, bool) = invitation?;
        if let Some(film) = by_id.get_mut(&film) {
            film.reviewers.insert(user, completed);
        }
    }
    let mut films: Vec<PublicFilm> = by_id.into_values().collect();
    films.sort_by_key(|film| film.id);
    Ok(films)
}
