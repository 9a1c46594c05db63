//! The `users` table.

use rusqlite::{Connection, OptionalExtension, Row};

use super::DbError;
use crate::domain::{User, UserId};

fn user(row: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get("id")?,
        email: row.get("email")?,
        name: row.get("name")?,
    })
}

/// The user with this e-mail address, with the password hash.
pub fn with_hash(conn: &Connection, email: &str) -> Result<Option<(User, String)>, DbError> {
    let found = conn
        .query_row(
            "SELECT id, email, name, hash FROM users WHERE email = ?1 COLLATE NOCASE",
            [email],
            |row| Ok((user(row)?, row.get("hash")?)),
        )
        .optional()?;
    Ok(found)
}

/// One user.
pub fn get(conn: &Connection, id: UserId) -> Result<Option<User>, DbError> {
    let found = conn
        .query_row(
            "SELECT id, email, name FROM users WHERE id = ?1",
            [id],
            user,
        )
        .optional()?;
    Ok(found)
}

/// Every user, by id.
pub fn all(conn: &Connection) -> Result<Vec<User>, DbError> {
    let mut stmt = conn.prepare_cached("SELECT id, email, name FROM users ORDER BY id")?;
    let users = stmt.query_map([], user)?.collect::<Result<_, _>>()?;
    Ok(users)
}
