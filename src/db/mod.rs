//! SQLite storage: the r2d2 pool, migrations, the seed, and every SQL
//! statement of the service, grouped by table.
//!
//! Connections are blocking. Callers on an async thread or an actor go
//! through [`run`], which moves the work to the blocking thread pool.

pub mod films;
pub mod listings;
pub mod reviews;
pub mod selection;
pub mod users;

use std::path::Path;
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;
use tracing::info;

/// A pool of connections to the service's SQLite file.
pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// Ordered schema migrations; the position in the list is the schema version.
const MIGRATIONS: &[&str] = &[include_str!("../../db/migrations/0001_schema.sql")];

/// Demo data of the lab slides, loaded only into a new database.
const SEED: &str = include_str!("../../db/seed.sql");

/// How long a writer waits for SQLite's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections kept by the pool: writes are serialized by SQLite anyway, a
/// few more let reads proceed beside them.
const POOL_SIZE: u32 = 8;

/// A storage failure. None of these is the client's fault.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("blocking task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("cannot create the database directory {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
}

/// Opens (creating, migrating and seeding when new) the database at `path`.
pub fn open(path: &Path) -> Result<Pool, DbError> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| DbError::Directory {
            path: dir.display().to_string(),
            source,
        })?;
    }

    let manager = SqliteConnectionManager::file(path).with_init(|conn| {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
    });
    let pool = r2d2::Pool::builder().max_size(POOL_SIZE).build(manager)?;

    let mut conn = pool.get()?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    migrate(&mut conn)?;
    Ok(pool)
}

/// Applies the migrations the file has not seen yet, and the seed when the
/// file was new, in one transaction.
fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let version = usize::try_from(version).unwrap_or(0);
    if version >= MIGRATIONS.len() {
        return Ok(());
    }

    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for migration in &MIGRATIONS[version..] {
        tx.execute_batch(migration)?;
    }
    if version == 0 {
        tx.execute_batch(SEED)?;
        info!("new database: schema created and seed loaded");
    }
    tx.pragma_update(None, "user_version", sql_int(MIGRATIONS.len() as u64))?;
    tx.commit()?;
    Ok(())
}

/// An unsigned count or offset as SQLite's integer (saturating).
pub(crate) fn sql_int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Runs `work` with a pooled connection on the blocking thread pool.
pub async fn run<T, F>(pool: &Pool, work: F) -> Result<T, DbError>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || work(&mut *pool.get()?)).await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_seeded_once_and_reopening_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/fm.db");

        let pool = open(&path).unwrap();
        pool.get()
            .unwrap()
            .execute("UPDATE films SET title = 'Renamed' WHERE id = 1", [])
            .unwrap();
        drop(pool);
        let pool = open(&path).unwrap();

        let conn = pool.get().unwrap();
        let users: i64 = conn
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
            .unwrap();
        let title: String = conn
            .query_row("SELECT title FROM films WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(users, 6);
        assert_eq!(title, "Renamed");
    }

    #[test]
    fn the_schema_refuses_a_second_active_film_for_a_user() {
        let dir = tempfile::tempdir().unwrap();
        let pool = open(&dir.path().join("fm.db")).unwrap();

        let second = pool.get().unwrap().execute(
            "UPDATE reviews SET active = 1 WHERE filmId = 2 AND reviewerId = 2",
            [],
        );

        assert!(second.is_err(), "Frank already has film 1 active");
    }
}
