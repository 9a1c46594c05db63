//! Harness shared by the integration tests in `tests/it`.
//!
//! Every test builds its own world from real parts on free loopback ports:
//!
//! - [`Broker`]: a Mosquitto process with a generated config (MQTT and MQTT
//!   over WebSockets), which a test can stop and restart on the same ports;
//! - [`Service`]: the `film-manager` binary with its SQLite file in a temp
//!   dir, killable and restartable on the same database;
//! - [`Client`]: an HTTP client that keeps the `fm_session` cookie;
//! - [`mqtt`]: snapshots of the broker's retained messages and watchers that
//!   record every message;
//! - [`db`]: read-only queries on the service's database for assertions;
//! - [`seed`]: the demo data that every new database starts with.
//!
//! Nothing is shared between tests: no fixed ports, no retained state, no
//! database file. Waiting is always on a condition with a deadline.

// Each test uses only a part of the harness.
#![allow(dead_code)]

pub mod broker;
pub mod client;
pub mod db;
pub mod mqtt;
pub mod seed;
pub mod service;

use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

// The harness's main types, for `use crate::common::{...}` in tests.
#[allow(unused_imports)]
pub use broker::{Broker, BrokerBuilder, Credentials};
#[allow(unused_imports)]
pub use client::{Client, Reply};
#[allow(unused_imports)]
pub use mqtt::{MqttMessage, Retained, Watch};
#[allow(unused_imports)]
pub use service::{Service, ServiceBuilder};

/// How often [`wait_until`] and [`wait_for`] re-check their condition.
pub const POLL_INTERVAL: Duration = Duration::from_millis(25);

/// A generous deadline for conditions that should hold within a moment.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// Re-checks `condition` every [`POLL_INTERVAL`] until it is true or
/// `deadline` has passed; tells which happened.
pub async fn wait_until<F, Fut>(deadline: Duration, mut condition: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    wait_for(deadline, || {
        let check = condition();
        async move { check.await.then_some(()) }
    })
    .await
    .is_some()
}

/// Re-runs `probe` every [`POLL_INTERVAL`] until it yields a value or
/// `deadline` has passed. The probe runs at least once.
pub async fn wait_for<T, F, Fut>(deadline: Duration, mut probe: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let give_up = Instant::now() + deadline;
    loop {
        if let Some(value) = probe().await {
            return Some(value);
        }
        if Instant::now() >= give_up {
            return None;
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// A loopback TCP port that was free a moment ago.
///
/// Another process may take it before the caller binds it; the harness
/// retries with new ports when a child fails to bind.
pub fn free_port() -> u16 {
    free_ports::<1>()[0]
}

/// `N` distinct loopback TCP ports that were free a moment ago.
pub fn free_ports<const N: usize>() -> [u16; N] {
    // Hold all listeners at once so the kernel hands out distinct ports.
    let listeners: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port"))
        .collect();
    let mut ports = [0; N];
    for (port, listener) in ports.iter_mut().zip(&listeners) {
        *port = listener.local_addr().expect("local address").port();
    }
    ports
}

/// A string that no other call, test or test process produces again:
/// process id, a counter and the clock.
pub fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("{:x}-{count}-{nanos:x}", std::process::id())
}

/// The last `lines` lines of a log file, or a note saying why there are none.
pub fn log_tail(path: &Path, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(err) => format!("(no log at {}: {err})", path.display()),
    }
}
