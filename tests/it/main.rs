//! Integration tests of `film-manager`, built as one test binary (`it`).
//!
//! Each test starts its own Mosquitto and service on free loopback ports
//! with a fresh SQLite file (see `tests/common`), talks to them over HTTP,
//! MQTT and WebSocket, and waits on conditions with deadlines. Run them
//! with `cargo test --test it` or `cargo nextest run`.
//!
//! One module per area of the contract, each with a `//!` saying what it
//! covers; `harness_selftest` checks the harness itself, without the service.

#[path = "../common/mod.rs"]
mod common;

mod authz;
mod broker_security;
mod faults;
mod fixtures;
mod harness_selftest;
mod hostile;
mod rest_auth;
mod rest_films;
mod rest_reviews;
mod rest_service;
mod rest_support;
mod rest_users;
mod selection;
mod ws;
