//! Read-only queries on the service's SQLite file, for assertions.
//!
//! Each call opens its own read-only connection, so it never holds a lock
//! the service needs for longer than one query. Column names are the
//! contract's (CONTRACT §3); booleans are stored as 0/1.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::mqtt::{Retained, active_payload, inactive_payload};

/// How long a query waits for the service's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A read-only connection to the database at `path`.
pub fn open_read_only(path: &Path) -> Connection {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)
        .unwrap_or_else(|err| panic!("open {} read-only: {err}", path.display()));
    connection
        .busy_timeout(BUSY_TIMEOUT)
        .expect("set the busy timeout");
    connection
}

/// Active reviews as `(film id, reviewer id)`, sorted.
pub fn active_reviews(path: &Path) -> Vec<(i64, i64)> {
    let sql = "SELECT filmId, reviewerId FROM reviews WHERE active = 1 \
               ORDER BY filmId, reviewerId";
    query_pairs(path, sql)
}

/// All reviews as `(film id, reviewer id)`, sorted.
pub fn reviews(path: &Path) -> Vec<(i64, i64)> {
    query_pairs(
        path,
        "SELECT filmId, reviewerId FROM reviews ORDER BY filmId, reviewerId",
    )
}

/// One integer from a query such as `SELECT COUNT(*) FROM films`.
pub fn query_i64(path: &Path, sql: &str) -> i64 {
    open_read_only(path)
        .query_row(sql, [], |row| row.get(0))
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
}

/// The retained message every public film should have, computed from the
/// database: active for its active reviewer, else inactive. Topics of
/// deleted films (no longer in the database) are not included.
pub fn expected_retained(path: &Path) -> Retained {
    let connection = open_read_only(path);
    let sql = "SELECT f.id, u.id, u.name FROM films f \
               LEFT JOIN reviews r ON r.filmId = f.id AND r.active = 1 \
               LEFT JOIN users u ON u.id = r.reviewerId \
               WHERE f.private = 0";
    let mut statement = connection
        .prepare(sql)
        .unwrap_or_else(|err| panic!("{sql}: {err}"));
    let rows = statement
        .query_map([], |row| {
            let film: i64 = row.get(0)?;
            let holder: Option<(i64, String)> = match row.get::<_, Option<i64>>(1)? {
                Some(id) => Some((id, row.get(2)?)),
                None => None,
            };
            Ok((film, holder))
        })
        .unwrap_or_else(|err| panic!("{sql}: {err}"));
    rows.map(|row| {
        let (film, holder) = row.unwrap_or_else(|err| panic!("{sql}: {err}"));
        let payload = match holder {
            Some((id, name)) => active_payload(id, &name),
            None => inactive_payload(),
        };
        (film.to_string(), payload)
    })
    .collect()
}

fn query_pairs(path: &Path, sql: &str) -> Vec<(i64, i64)> {
    let connection = open_read_only(path);
    let mut statement = connection
        .prepare(sql)
        .unwrap_or_else(|err| panic!("{sql}: {err}"));
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .and_then(Iterator::collect)
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
}
