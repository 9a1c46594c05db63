//! The prepared database: load users, the hot film, the spread films and a
//! catalogue of extra public films, written before the service starts.
//!
//! The service has no user-creation endpoint and starts one actor per user
//! when it boots, so users must be in the file before it starts. The file
//! is created with the service's own [`film_manager::db::open`] (schema,
//! migrations and seed), then filled in one transaction.
//!
//! Every load user shares one password whose bcrypt hash has the lowest
//! cost (4): logging in 64 users then takes milliseconds instead of
//! seconds. Only log-in speed depends on it; the measured requests never
//! check a password.

use std::path::Path;

use anyhow::{Context, bail, ensure};
use rusqlite::{Connection, OpenFlags, params};

use crate::options::Shape;

/// The password of every load user.
pub const PASSWORD: &str = "loadgen-password";

/// bcrypt cost of the load users' hash (the lowest bcrypt accepts).
const BCRYPT_COST: u32 = 4;

/// E-mail addresses of load users are `load-NNNN@` this domain.
const EMAIL_DOMAIN: &str = "loadgen.test";

/// Owner of every prepared film: seed user 1 ("User"), who never selects.
const OWNER: i64 = 1;

const HOT_TITLE: &str = "Loadgen hot film";
const SPREAD_PREFIX: &str = "Loadgen spread film ";
const CATALOGUE_PREFIX: &str = "Loadgen catalogue film ";

/// A prepared user.
#[derive(Debug, Clone)]
pub struct LoadUser {
    pub id: i64,
    pub email: String,
}

/// What a run drives: its users and films, found in a prepared database.
#[derive(Debug, Clone)]
pub struct Workload {
    pub users: Vec<LoadUser>,
    /// The film every user races for in the hot scenario.
    pub hot_film: i64,
    /// The films users switch among in the spread and mixed scenarios.
    pub spread_films: Vec<i64>,
}

/// Creates the database at `path` (which must not exist yet) with the seed
/// and the load data of `shape`.
pub fn create(path: &Path, shape: Shape) -> anyhow::Result<()> {
    ensure!(
        !path.exists(),
        "{} already exists; prepare a new file",
        path.display()
    );
    let pool = film_manager::db::open(path)
        .with_context(|| format!("creating the database {}", path.display()))?;
    let mut conn = pool.get().context("opening the new database")?;
    let hash = bcrypt::hash(PASSWORD, BCRYPT_COST).context("hashing the load password")?;

    let tx = conn.transaction().context("starting the preparation")?;
    let users = insert_users(&tx, shape.users, &hash)?;
    let hot = insert_film(&tx, HOT_TITLE)?;
    let mut invited = vec![hot];
    for n in 1..=shape.films {
        invited.push(insert_film(&tx, &format!("{SPREAD_PREFIX}{n:04}"))?);
    }
    for n in 1..=shape.catalogue {
        insert_film(&tx, &format!("{CATALOGUE_PREFIX}{n:04}"))?;
    }
    invite(&tx, &users, &invited)?;
    tx.commit().context("committing the preparation")?;
    Ok(())
}

fn insert_users(conn: &Connection, count: usize, hash: &str) -> anyhow::Result<Vec<i64>> {
    let mut insert = conn.prepare("INSERT INTO users (email, name, hash) VALUES (?1, ?2, ?3)")?;
    (1..=count)
        .map(|n| {
            let email = format!("load-{n:04}@{EMAIL_DOMAIN}");
            insert.execute(params![email, format!("Loader {n:04}"), hash])?;
            Ok(conn.last_insert_rowid())
        })
        .collect()
}

fn insert_film(conn: &Connection, title: &str) -> anyhow::Result<i64> {
    conn.execute(
        "INSERT INTO films (title, owner, private) VALUES (?1, ?2, 0)",
        params![title, OWNER],
    )?;
    Ok(conn.last_insert_rowid())
}

fn invite(conn: &Connection, users: &[i64], films: &[i64]) -> anyhow::Result<()> {
    let mut insert = conn.prepare("INSERT INTO reviews (filmId, reviewerId) VALUES (?1, ?2)")?;
    for &film in films {
        for &user in users {
            insert.execute([film, user])?;
        }
    }
    Ok(())
}

/// Finds the first `shape.users` load users and `shape.films` spread films
/// in a prepared database, read-only.
pub fn discover(path: &Path, shape: Shape) -> anyhow::Result<Workload> {
    let conn = open_read_only(path)?;
    let users = load_users(&conn, shape.users)?;
    let hot_film = conn
        .query_row("SELECT id FROM films WHERE title = ?1", [HOT_TITLE], |r| {
            r.get(0)
        })
        .with_context(|| {
            format!(
                "no hot film in {}: was it made by `loadgen prepare`?",
                path.display()
            )
        })?;
    let spread_films = films_titled(&conn, SPREAD_PREFIX, shape.films)?;

    if users.len() < shape.users || spread_films.len() < shape.films {
        bail!(
            "{} holds {} load users and {} spread films; the run wants {} and {}",
            path.display(),
            users.len(),
            spread_films.len(),
            shape.users,
            shape.films
        );
    }
    Ok(Workload {
        users,
        hot_film,
        spread_films,
    })
}

/// Opens the service's database for reading only.
pub fn open_read_only(path: &Path) -> anyhow::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .with_context(|| format!("opening {} read-only", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}

fn load_users(conn: &Connection, limit: usize) -> anyhow::Result<Vec<LoadUser>> {
    let mut stmt =
        conn.prepare("SELECT id, email FROM users WHERE email LIKE ?1 ORDER BY id LIMIT ?2")?;
    let pattern = format!("load-%@{EMAIL_DOMAIN}");
    let users = stmt
        .query_map(params![pattern, limit as i64], |r| {
            Ok(LoadUser {
                id: r.get(0)?,
                email: r.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(users)
}

fn films_titled(conn: &Connection, prefix: &str, limit: usize) -> anyhow::Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT id FROM films WHERE private = 0 AND substr(title, 1, length(?1)) = ?1 \
         ORDER BY id LIMIT ?2",
    )?;
    let ids = stmt
        .query_map(params![prefix, limit as i64], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prepared_file_holds_the_users_films_and_invitations_asked_for() {
        let dir = std::env::temp_dir().join(format!("loadgen-prepare-{}", std::process::id()));
        let path = dir.join("fm.db");
        let _ = std::fs::remove_dir_all(&dir);
        let shape = Shape {
            users: 3,
            films: 2,
            catalogue: 5,
        };

        create(&path, shape).unwrap();
        let workload = discover(&path, shape).unwrap();
        let conn = open_read_only(&path).unwrap();
        let invitations: i64 = conn
            .query_row(
                "SELECT count(*) FROM reviews WHERE reviewerId > 6",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let public: i64 = conn
            .query_row("SELECT count(*) FROM films WHERE private = 0", [], |r| {
                r.get(0)
            })
            .unwrap();
        let too_many = discover(&path, Shape { users: 4, ..shape });
        std::fs::remove_dir_all(&dir).unwrap();

        assert_eq!(workload.users.len(), 3);
        assert_eq!(workload.spread_films.len(), 2);
        assert_eq!(invitations, 3 * 3, "hot film and two spread films per user");
        assert_eq!(
            public,
            4 + 1 + 2 + 5,
            "seed, hot, spread and catalogue films"
        );
        assert!(too_many.is_err());
    }
}
