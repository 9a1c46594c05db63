//! The demo data every new database starts with (CONTRACT §3), and the
//! retained messages a fresh start publishes (CONTRACT §5.2).

use super::mqtt::{Retained, active_payload, inactive_payload};

/// Every seed user's password.
pub const PASSWORD: &str = "password";

/// A seed user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedUser {
    pub id: i64,
    pub name: &'static str,
    pub email: &'static str,
}

pub const USER: SeedUser = user(1, "User", "user@example.com");
pub const FRANK: SeedUser = user(2, "Frank", "frank@example.com");
pub const KAREN: SeedUser = user(3, "Karen", "karen@example.com");
pub const RENE: SeedUser = user(4, "Rene", "rene@example.com");
pub const BEATRICE: SeedUser = user(5, "Beatrice", "beatrice@example.com");
pub const ARTHUR: SeedUser = user(6, "Arthur", "arthur@example.com");

/// All seed users, by id.
pub const USERS: [SeedUser; 6] = [USER, FRANK, KAREN, RENE, BEATRICE, ARTHUR];

/// The seed films, all public, all owned by [`USER`].
pub const FILMS: [i64; 4] = [1, 2, 3, 4];

/// Seed invitations as `(film id, reviewer id, active)`; none completed.
pub const INVITATIONS: [(i64, i64, bool); 4] = [
    (1, FRANK.id, true),
    (2, FRANK.id, false),
    (2, KAREN.id, false),
    (3, RENE.id, true),
];

/// Seed active films as `(film id, reviewer id)`, sorted.
pub const ACTIVE: [(i64, i64); 2] = [(1, FRANK.id), (3, RENE.id)];

/// The film topics a fresh start publishes: `1` Frank, `2` inactive,
/// `3` Rene, `4` inactive.
pub fn initial_retained() -> Retained {
    Retained::from([
        ("1".to_owned(), active_payload(FRANK.id, FRANK.name)),
        ("2".to_owned(), inactive_payload()),
        ("3".to_owned(), active_payload(RENE.id, RENE.name)),
        ("4".to_owned(), inactive_payload()),
    ])
}

const fn user(id: i64, name: &'static str, email: &'static str) -> SeedUser {
    SeedUser { id, name, email }
}
