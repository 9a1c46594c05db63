//! Checks of the test harness itself; none of them starts the service.

use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use awc::ws::{Frame, Message};
use futures_util::future::join_all;
use futures_util::{SinkExt as _, StreamExt as _};
use rumqttc::{AsyncClient, ConnectReturnCode, ConnectionError, Event, Packet};
use rusqlite::Connection;
use tokio::sync::Barrier;

use crate::common::mqtt::{self, Retained, active_payload, inactive_payload};
use crate::common::{Broker, Client, DEADLINE, db, seed};

#[actix::test]
async fn a_snapshot_holds_exactly_the_retained_messages() {
    let broker = Broker::start().await;
    let before = mqtt::retained_snapshot(&broker).await;

    mqtt::publish(&broker, "3", &active_payload(4, "Rene"), true).await;
    mqtt::publish(&broker, "4", &inactive_payload(), true).await;
    mqtt::publish(&broker, "5", "not retained", false).await;
    let after = mqtt::retained_snapshot(&broker).await;

    assert_eq!(before, Retained::new());
    let expected = Retained::from([
        ("3".to_owned(), active_payload(4, "Rene")),
        ("4".to_owned(), inactive_payload()),
    ]);
    assert_eq!(after, expected);
}

#[actix::test]
async fn a_snapshot_holds_every_message_of_a_large_retained_burst() {
    let broker = Broker::start().await;
    let burst: Retained = (1..=400)
        .map(|film| (film.to_string(), active_payload(film, "Frank")))
        .collect();

    mqtt::publish_all(&broker, &burst, true).await;
    let snapshot = mqtt::retained_snapshot(&broker).await;

    assert_eq!(snapshot.len(), burst.len());
    assert_eq!(snapshot, burst);
}

#[actix::test]
async fn a_restarted_broker_listens_on_the_same_ports_with_no_retained_state() {
    let mut broker = Broker::start().await;
    let ports = (broker.mqtt_port(), broker.ws_port());
    mqtt::publish(&broker, "1", &inactive_payload(), true).await;

    broker.stop();
    let while_down = mqtt::try_retained_snapshot(&broker, Duration::from_secs(2)).await;
    broker.restart().await;
    let after_restart = mqtt::retained_snapshot(&broker).await;

    assert!(
        while_down.is_err(),
        "a stopped broker answered: {while_down:?}"
    );
    assert!(broker.is_running());
    assert_eq!((broker.mqtt_port(), broker.ws_port()), ports);
    assert_eq!(after_restart, Retained::new());
}

#[actix::test]
async fn a_watcher_keeps_recording_after_the_broker_restarts() {
    let mut broker = Broker::start().await;
    let watch = mqtt::watch(&broker).await;
    mqtt::publish(&broker, "7", "before", true).await;
    let first = watch.wait_until(DEADLINE, |seen| !seen.is_empty()).await;

    broker.restart().await;
    crate::common::wait_until(DEADLINE, || async { watch.subscriptions() >= 2 }).await;
    mqtt::publish(&broker, "7", "after", false).await;
    let all = watch.wait_until(DEADLINE, |seen| seen.len() >= 2).await;

    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(watch.payloads("7"), ["before", "after"], "{all:?}");
    assert!(
        !all[1].retain,
        "a live message was flagged retained: {all:?}"
    );
}

#[actix::test]
async fn the_websocket_listener_speaks_mqtt() {
    let broker = Broker::start().await;
    let http = awc::Client::default();

    let (response, mut socket) = http
        .ws(broker.ws_url())
        .protocols(["mqtt"])
        .connect()
        .await
        .expect("WebSocket handshake with the broker");
    socket
        .send(Message::Binary(Bytes::from_static(&MQTT_CONNECT)))
        .await
        .expect("send CONNECT");
    let reply = tokio::time::timeout(DEADLINE, socket.next()).await;

    assert_eq!(response.status().as_u16(), 101);
    match reply {
        Ok(Some(Ok(Frame::Binary(bytes)))) => assert_eq!(&bytes[..], &[0x20, 0x02, 0x00, 0x00]),
        other => panic!("expected a CONNACK frame, got {other:?}"),
    }
}

/// MQTT 3.1.1 CONNECT, clean session, keep-alive 60 s, client id "ws-selftest".
const MQTT_CONNECT: [u8; 25] = [
    0x10, 23, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 60, 0x00, 11, b'w', b's', b'-',
    b's', b'e', b'l', b'f', b't', b'e', b's', b't',
];

#[actix::test]
async fn a_broker_with_logins_refuses_anonymous_clients_but_not_the_harness() {
    let broker = Broker::builder()
        .allow_anonymous(false)
        .client_login("harness", "harness-secret")
        .start()
        .await;
    let anonymous = rumqttc::MqttOptions::new("anonymous", "127.0.0.1", broker.mqtt_port());

    let (_client, mut events) = AsyncClient::new(anonymous, 8);
    let refused = tokio::time::timeout(DEADLINE, events.poll()).await;
    mqtt::publish(&broker, "2", &inactive_payload(), true).await;
    let snapshot = mqtt::retained_snapshot(&broker).await;

    match refused {
        Ok(Err(ConnectionError::ConnectionRefused(code))) => {
            assert_eq!(code, ConnectReturnCode::NotAuthorized);
        }
        Ok(Ok(Event::Incoming(Packet::ConnAck(ack)))) => panic!("anonymous accepted: {ack:?}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        snapshot,
        Retained::from([("2".to_owned(), inactive_payload())])
    );
}

#[actix::test]
async fn the_client_keeps_and_drops_the_session_cookie() {
    let server = HttpServer::new(|| {
        App::new()
            .route("/login", web::post().to(set_session))
            .route("/echo", web::get().to(echo_cookie))
            .route("/logout", web::delete().to(clear_session))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind a test server");
    let base = format!("http://{}", server.addrs()[0]);
    let running = server.run();
    let handle = running.handle();
    actix::spawn(running);
    let client = Client::new(&base);

    let login = client.post("/login", None).await;
    let with_session = client.get("/echo", None).await;
    let other_user = client.new_session().get("/echo", None).await;
    client.delete("/logout", None).await;
    let after_logout = client.get("/echo", None).await;

    handle.stop(false).await;
    assert_eq!(login.status, 200);
    assert_eq!(with_session.body, serde_json::json!("fm_session=abc123"));
    assert_eq!(other_user.body, serde_json::json!(""));
    assert_eq!(client.session_cookie(), None);
    assert_eq!(after_logout.body, serde_json::json!(""));
}

async fn set_session() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            "set-cookie",
            "fm_session=abc123; HttpOnly; SameSite=Lax; Path=/",
        ))
        .finish()
}

async fn clear_session() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header(("set-cookie", "fm_session=; Path=/; Max-Age=0"))
        .finish()
}

async fn echo_cookie(request: HttpRequest) -> HttpResponse {
    let cookie = request
        .headers()
        .get("cookie")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    HttpResponse::Ok().json(cookie)
}

/// More simultaneous requests than awc's default pool limit (100).
const IN_FLIGHT: usize = 150;

#[actix::test]
async fn the_client_keeps_more_than_a_hundred_requests_in_flight() {
    let barrier = web::Data::new(Barrier::new(IN_FLIGHT));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(barrier.clone())
            .route("/gate", web::get().to(wait_for_everyone))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("bind a test server");
    let base = format!("http://{}", server.addrs()[0]);
    let running = server.run();
    let handle = running.handle();
    actix::spawn(running);
    let client = Client::new(&base);

    let replies = join_all((0..IN_FLIGHT).map(|_| client.get("/gate", None))).await;

    handle.stop(false).await;
    let passed = replies.iter().filter(|reply| reply.status == 200).count();
    assert_eq!(
        passed, IN_FLIGHT,
        "only {passed} requests were in flight together"
    );
}

/// Answers 200 once `IN_FLIGHT` requests wait here together, 503 if they
/// never do.
async fn wait_for_everyone(barrier: web::Data<Barrier>) -> HttpResponse {
    let all_in = tokio::time::timeout(DEADLINE, barrier.wait()).await;
    match all_in {
        Ok(_) => HttpResponse::Ok().finish(),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}

#[actix::test]
async fn the_db_helpers_read_a_live_wal_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("seed.db");
    let writer = Connection::open(&path).expect("create the database");
    writer
        .execute_batch(SEED_SQL)
        .expect("create and fill the tables");

    let active = db::active_reviews(&path);
    let expected = db::expected_retained(&path);
    let films = db::query_i64(&path, "SELECT COUNT(*) FROM films");

    assert_eq!(active, seed::ACTIVE);
    assert_eq!(expected, seed::initial_retained());
    assert_eq!(films, 5);
    // The writer stays open up to here, as the service's pool would.
    drop(writer);
}

/// The contract's tables with the seed, one private film, WAL journal.
const SEED_SQL: &str = "
    PRAGMA journal_mode = WAL;
    CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT, hash TEXT);
    CREATE TABLE films (id INTEGER PRIMARY KEY, title TEXT, owner INTEGER,
        private INTEGER, watchDate TEXT, rating INTEGER, favorite INTEGER);
    CREATE TABLE reviews (filmId INTEGER, reviewerId INTEGER, completed INTEGER,
        reviewDate TEXT, rating INTEGER, review TEXT, active INTEGER);
    INSERT INTO users (id, email, name) VALUES (1, 'user@example.com', 'User'),
        (2, 'frank@example.com', 'Frank'), (3, 'karen@example.com', 'Karen'),
        (4, 'rene@example.com', 'Rene');
    INSERT INTO films (id, title, owner, private) VALUES (1, 'A', 1, 0),
        (2, 'B', 1, 0), (3, 'C', 1, 0), (4, 'D', 1, 0), (5, 'E', 2, 1);
    INSERT INTO reviews (filmId, reviewerId, completed, active) VALUES
        (1, 2, 0, 1), (2, 2, 0, 0), (2, 3, 0, 0), (3, 4, 0, 1);
";
