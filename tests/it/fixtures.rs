//! Test data and steps shared by the selection and fault tests: databases
//! with extra reviewers, logged-in clients, films with invitations.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;
use tempfile::TempDir;

use crate::common::db::expected_retained;
use crate::common::mqtt::{deleted_payload, wait_for_films};
use crate::common::seed;
use crate::common::{Broker, Client, Reply, Service};

/// Deadline for the broker to converge after a burst or an outage.
pub const CONVERGENCE: Duration = Duration::from_secs(20);

/// A reviewer created for a test, beyond the seed's six users.
pub struct Extra {
    pub id: i64,
    pub email: String,
}

/// A new database with the seed plus `count` users (password `password`,
/// bcrypt at the lowest cost to keep log-ins cheap).
fn database_with_users(dir: &TempDir, count: usize) -> (PathBuf, Vec<Extra>) {
    let path = dir.path().join("fm.db");
    let pool = film_manager::db::open(&path).expect("create the database");
    let conn = pool.get().expect("a connection");
    let hash = bcrypt::hash(seed::PASSWORD, 4).expect("hash");
    let users = (0..count)
        .map(|n| {
            let email = format!("reviewer{n}@example.com");
            conn.execute(
                "INSERT INTO users (email, name, hash) VALUES (?1, ?2, ?3)",
                (&email, format!("Reviewer {n}"), &hash),
            )
            .expect("insert user");
            Extra {
                id: conn.last_insert_rowid(),
                email,
            }
        })
        .collect();
    (path, users)
}

pub async fn logged_in(service: &Service, email: &str) -> Client {
    let client = service.client();
    let reply = client.login(email, seed::PASSWORD).await;
    assert_eq!(reply.status, 200, "log-in of {email}: {reply:?}");
    client
}

/// The owner (seed user 1) creates a public film and invites `reviewers`.
pub async fn film_with_reviewers(owner: &Client, title: &str, reviewers: &[i64]) -> i64 {
    let created = owner
        .post(
            "/api/films",
            Some(json!({"title": title, "private": false})),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    let film = created.body["id"].as_i64().expect("film id");
    let invitations: Vec<_> = reviewers
        .iter()
        .map(|&user| json!({"filmId": film, "reviewerId": user}))
        .collect();
    let path = format!("/api/films/public/{film}/reviews");
    let invited = owner.post(&path, Some(json!(invitations))).await;
    assert_eq!(invited.status, 201, "{invited:?}");
    film
}

pub async fn select(client: &Client, user: i64, film: i64) -> Reply {
    client
        .put(
            &format!("/api/users/{user}/selection"),
            Some(json!({"id": film})),
        )
        .await
}

pub async fn assert_broker_matches_database(broker: &Broker, db: &Path, deleted: &[i64]) {
    let mut expected = expected_retained(db);
    for film in deleted {
        expected.insert(film.to_string(), deleted_payload());
    }

    let retained = wait_for_films(broker, &expected, CONVERGENCE).await;

    assert_eq!(
        retained, expected,
        "retained film statuses differ from the database"
    );
}

/// A service whose database has extra reviewers, each invited to every one
/// of a few new public films of the seed's User and logged in.
pub struct Crowd {
    /// Holds the database file; dropped last.
    _dir: TempDir,
    pub db: PathBuf,
    pub service: Service,
    /// The reviewers' ids; `clients[i]` is logged in as `ids[i]`.
    pub ids: Vec<i64>,
    pub clients: Vec<Client>,
    pub films: Vec<i64>,
}

/// Starts a [`Crowd`] of `reviewers` users and `films` films on `broker`.
pub async fn crowd(broker: &Broker, reviewers: usize, films: usize) -> Crowd {
    let dir = TempDir::new().expect("temp dir");
    let (db, extras) = database_with_users(&dir, reviewers);
    let service = Service::builder().broker(broker).db_path(&db).start().await;
    let owner = logged_in(&service, seed::USER.email).await;
    let ids: Vec<i64> = extras.iter().map(|u| u.id).collect();
    let mut created = Vec::new();
    for n in 0..films {
        created.push(film_with_reviewers(&owner, &format!("Crowded {n}"), &ids).await);
    }
    let clients = join_all(extras.iter().map(|u| logged_in(&service, &u.email))).await;
    Crowd {
        _dir: dir,
        db,
        service,
        ids,
        clients,
        films: created,
    }
}
