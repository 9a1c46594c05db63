//! Film Manager: films, users and review invitations over REST, each
//! reviewer's *active film*, and live status over MQTT and WebSocket.
//!
//! How the parts map to modules:
//!
//! - [`config`]: typed settings from `config/` and `FM_*` variables.
//! - [`http`]: the REST API, sessions, OpenAPI and the web client's files.
//! - [`actors`]: a `FilmActor` per public film and a `ReviewerActor` per
//!   user, which together serialize every selection.
//! - [`mqtt`]: the `StatusBroadcaster`, owner of the broker connection.
//! - [`ws`]: the online-users hub and its WebSocket sessions.
//! - [`db`]: SQLite through an r2d2 pool; all SQL lives here.
//! - [`domain`]: the vocabulary shared by all of them.
//! - [`startup`]: wires the parts together and serves.

pub mod actors;
pub mod config;
pub mod db;
pub mod domain;
pub mod http;
pub mod mqtt;
pub mod startup;
pub mod ws;
