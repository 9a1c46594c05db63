//! The online-users WebSocket (CONTRACT §7, issue 4) with real awc clients
//! against the real service: every frame is compared byte for byte.
//!
//! The service's hub sends its frames in the order it learns the events,
//! and an HTTP call that changes something answers only after the hub was
//! told. So a test can act and then read "the next frame", and a later
//! event works as a barrier: if its frame comes next, nothing came between.

#[path = "ws_support.rs"]
mod support;

use std::cell::Cell;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::future::{Either, join_all, select};
use serde_json::json;
use tokio::sync::Semaphore;

use crate::common::seed::{ARTHUR, FRANK, KAREN, RENE, SeedUser};
use crate::common::{Broker, Client, DEADLINE, Service, wait_until};
use support::{Listener, StuckReader, listening_ports, tcp_queues};

const FRANK_LOGIN: &str = r#"{"typeMessage":"login","userId":2,"userName":"Frank","filmId":1,"filmTitle":"You Can (Not) Redo"}"#;
const FRANK_ON_SPIRITED_AWAY: &str = r#"{"typeMessage":"update","userId":2,"userName":"Frank","filmId":2,"filmTitle":"Spirited Away"}"#;
const FRANK_ON_NO_FILM: &str = r#"{"typeMessage":"update","userId":2,"userName":"Frank"}"#;
const FRANK_LOGOUT: &str = r#"{"typeMessage":"logout","userId":2}"#;
const KAREN_LOGIN: &str = r#"{"typeMessage":"login","userId":3,"userName":"Karen"}"#;
const KAREN_LOGOUT: &str = r#"{"typeMessage":"logout","userId":3}"#;
const RENE_LOGIN: &str = r#"{"typeMessage":"login","userId":4,"userName":"Rene","filmId":3,"filmTitle":"The Tale of Princess Kaguya"}"#;
const ARTHUR_LOGIN: &str = r#"{"typeMessage":"login","userId":6,"userName":"Arthur"}"#;

/// Session lifetime of the expiry test.
const SHORT_SESSION: Duration = Duration::from_secs(2);

/// Listeners of the fan-out test, and how many may be mid-handshake at once.
const CROWD: usize = 200;
const HANDSHAKES_IN_FLIGHT: usize = 20;

/// How long the whole crowd may take to connect on a loaded 2-core machine.
const CROWD_CONNECT_DEADLINE: Duration = Duration::from_secs(60);

/// Selections per flood round, and rounds before giving up on closing the
/// stuck client's window.
const FLOOD_ROUND: usize = 50;
const FLOOD_MAX_ROUNDS: usize = 20;

/// Bytes the service's kernel must hold back for a client that does not
/// read: far more than its receive window (under 1 KiB) and than what is
/// in flight on loopback.
const HELD_BACKLOG: u64 = 16 * 1024;

/// The service's heartbeat timeout (15 s) plus one ping interval (5 s) and
/// slack for a loaded machine.
const DROP_DEADLINE: Duration = Duration::from_secs(30);

/// A silent client must not be dropped much before the timeout.
const EARLIEST_DROP: Duration = Duration::from_secs(14);

#[actix::test]
async fn a_new_listener_gets_one_login_per_online_user_sorted_by_id() {
    let (_broker, service) = start_service().await;
    let _rene = logged_in(&service, RENE).await;
    let _karen = logged_in(&service, KAREN).await;
    let _frank = logged_in(&service, FRANK).await;

    let mut listener = Listener::connect(&service.client(), &service.ws_url()).await;
    let replay = listener.next_texts(3, DEADLINE).await;
    let _arthur = logged_in(&service, ARTHUR).await;
    let after_replay = listener.next_text(DEADLINE).await;

    assert_eq!(replay, [FRANK_LOGIN, KAREN_LOGIN, RENE_LOGIN]);
    assert_eq!(after_replay, ARTHUR_LOGIN);
}

#[actix::test]
async fn a_log_in_is_announced_with_the_users_active_film_if_any() {
    let (_broker, service) = start_service().await;
    let mut listener = Listener::connect(&service.client(), &service.ws_url()).await;

    let _frank = logged_in(&service, FRANK).await;
    let frank_login = listener.next_text(DEADLINE).await;
    let _karen = logged_in(&service, KAREN).await;
    let karen_login = listener.next_text(DEADLINE).await;

    assert_eq!(frank_login, FRANK_LOGIN);
    assert_eq!(karen_login, KAREN_LOGIN);
}

#[actix::test]
async fn selecting_a_film_announces_an_update_with_the_film() {
    let (_broker, service) = start_service().await;
    let frank = logged_in(&service, FRANK).await;
    let mut listener = connected_after_replay(&service, &[FRANK_LOGIN]).await;

    select_film(&frank, FRANK, 2).await;
    let update = listener.next_text(DEADLINE).await;

    assert_eq!(update, FRANK_ON_SPIRITED_AWAY);
}

#[actix::test]
async fn releasing_the_active_film_announces_an_update_without_film_fields() {
    let (_broker, service) = start_service().await;
    let frank = logged_in(&service, FRANK).await;
    let mut listener = connected_after_replay(&service, &[FRANK_LOGIN]).await;

    release_film(&frank, FRANK).await;
    let release = listener.next_text(DEADLINE).await;
    release_film(&frank, FRANK).await;
    let _karen = logged_in(&service, KAREN).await;
    let after_second_release = listener.next_text(DEADLINE).await;

    assert_eq!(release, FRANK_ON_NO_FILM);
    assert_eq!(
        after_second_release, KAREN_LOGIN,
        "releasing when nothing is active must send nothing"
    );
}

#[actix::test]
async fn logging_out_announces_a_logout_with_only_the_user_id() {
    let (_broker, service) = start_service().await;
    let frank = logged_in(&service, FRANK).await;
    let mut listener = connected_after_replay(&service, &[FRANK_LOGIN]).await;

    let reply = frank.logout().await;
    let logout = listener.next_text(DEADLINE).await;

    assert_eq!(reply.status, 204, "{reply:?}");
    assert_eq!(logout, FRANK_LOGOUT);
}

#[actix::test]
async fn logging_in_over_a_session_logs_the_old_user_out_then_the_new_one_in() {
    let (_broker, service) = start_service().await;
    let browser = logged_in(&service, FRANK).await;
    let mut listener = connected_after_replay(&service, &[FRANK_LOGIN]).await;

    browser.login_as(&KAREN).await;
    let frames = listener.next_texts(2, DEADLINE).await;
    browser.login_as(&KAREN).await;
    let same_user_again = listener.next_texts(2, DEADLINE).await;

    assert_eq!(frames, [FRANK_LOGOUT, KAREN_LOGIN]);
    assert_eq!(same_user_again, [KAREN_LOGOUT, KAREN_LOGIN]);
}

#[actix::test]
async fn a_user_stays_online_until_the_last_of_their_sessions_ends() {
    let (_broker, service) = start_service().await;
    let laptop = logged_in(&service, FRANK).await;
    let phone = logged_in(&service, FRANK).await;
    let mut listener = connected_after_replay(&service, &[FRANK_LOGIN]).await;

    laptop.logout().await;
    let _karen = logged_in(&service, KAREN).await;
    let after_first_logout = listener.next_text(DEADLINE).await;
    phone.logout().await;
    let after_last_logout = listener.next_text(DEADLINE).await;

    assert_eq!(
        after_first_logout, KAREN_LOGIN,
        "Frank still has a session, so no logout may come"
    );
    assert_eq!(after_last_logout, FRANK_LOGOUT);
}

#[actix::test]
async fn an_expired_session_is_announced_as_a_logout_without_any_request() {
    let broker = Broker::start().await;
    let service = Service::builder()
        .broker(&broker)
        .env("FM_SESSION_SECONDS", &SHORT_SESSION.as_secs().to_string())
        .start()
        .await;
    let logging_in = Instant::now();
    let frank = logged_in(&service, FRANK).await;
    let mut listener = connected_after_replay(&service, &[FRANK_LOGIN]).await;

    let expiry = listener.next_text(DEADLINE).await;
    let expired_after = logging_in.elapsed();
    let with_old_cookie = frank.get("/api/users/2/selection", None).await;
    frank.login_as(&FRANK).await;
    let after_logging_in_again = listener.next_text(DEADLINE).await;

    assert_eq!(expiry, FRANK_LOGOUT);
    assert!(
        expired_after >= SHORT_SESSION,
        "the logout came {expired_after:?} after log-in, before the session's end"
    );
    assert_eq!(with_old_cookie.status, 401, "{with_old_cookie:?}");
    assert_eq!(
        after_logging_in_again, FRANK_LOGIN,
        "a log-in over an expired session must not announce a second logout"
    );
}

#[actix::test]
async fn both_websocket_endpoints_carry_the_same_frames() {
    let broker = Broker::start().await;
    let service = Service::builder()
        .broker(&broker)
        .standalone_ws()
        .start()
        .await;
    let standalone_url = service.standalone_ws_url().expect("a standalone port");
    let frank = logged_in(&service, FRANK).await;
    let anonymous = service.client();
    let mut on_http_port = Listener::connect(&anonymous, &service.ws_url()).await;
    let mut on_own_port = Listener::connect(&anonymous, &standalone_url).await;

    let replays = (
        on_http_port.next_text(DEADLINE).await,
        on_own_port.next_text(DEADLINE).await,
    );
    select_film(&frank, FRANK, 2).await;
    let updates = (
        on_http_port.next_text(DEADLINE).await,
        on_own_port.next_text(DEADLINE).await,
    );

    assert_eq!(replays, (FRANK_LOGIN.into(), FRANK_LOGIN.into()));
    assert_eq!(
        updates,
        (FRANK_ON_SPIRITED_AWAY.into(), FRANK_ON_SPIRITED_AWAY.into())
    );
}

#[actix::test]
async fn an_empty_ws_bind_leaves_only_the_http_port_listening() {
    let broker = Broker::start().await;
    let with_standalone = Service::builder()
        .broker(&broker)
        .standalone_ws()
        .start()
        .await;
    let without = Service::builder()
        .broker(&broker)
        .env("FM_WS_BIND", "")
        .start()
        .await;
    let standalone_port = port_of_url(&with_standalone.standalone_ws_url().expect("a port"));

    let ports_with = listening_ports(with_standalone.http_port());
    let ports_without = listening_ports(without.http_port());
    let _frank = logged_in(&without, FRANK).await;
    let mut on_http_port = Listener::connect(&without.client(), &without.ws_url()).await;
    let replay = on_http_port.next_text(DEADLINE).await;

    assert_eq!(
        ports_with,
        [with_standalone.http_port(), standalone_port].into()
    );
    assert_eq!(ports_without, [without.http_port()].into());
    assert_eq!(replay, FRANK_LOGIN);
}

#[actix::test]
async fn two_hundred_listeners_get_an_update_while_one_client_stops_reading() {
    let (_broker, service) = start_service().await;
    let frank = logged_in(&service, FRANK).await;
    let stuck = StuckReader::connect(loopback(service.http_port()), "/ws").await;
    let stuck_queue = flood_until_stuck(&frank, &stuck, service.http_port()).await;
    let (anonymous, url) = (service.client(), service.ws_url());
    let (gate, settled) = (Semaphore::new(HANDSHAKES_IN_FLIGHT), Cell::new(0));
    let members = (0..CROWD).map(|_| crowd_member(&anonymous, &url, &gate, &settled));

    let selection = async {
        let all_settled =
            wait_until(CROWD_CONNECT_DEADLINE, || async { settled.get() == CROWD }).await;
        let selected_at = Instant::now();
        select_film(&frank, FRANK, 2).await;
        (all_settled, selected_at)
    };
    let (outcomes, (all_settled, selected_at)) = tokio::join!(join_all(members), selection);

    assert!(
        all_settled,
        "the crowd did not connect within {CROWD_CONNECT_DEADLINE:?}"
    );
    let late: Vec<String> = outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            Ok((text, at)) if text == FRANK_ON_SPIRITED_AWAY && *at - selected_at <= DEADLINE => {
                None
            }
            Ok((text, at)) => Some(format!("{text} after {:?}", *at - selected_at)),
            Err(err) => Some(err.clone()),
        })
        .collect();
    assert!(
        late.is_empty(),
        "{} of {CROWD} listeners did not get the update within {DEADLINE:?} (stuck client had \
         {stuck_queue} bytes queued); first: {:?}",
        late.len(),
        &late[..late.len().min(3)]
    );
}

#[actix::test]
async fn listeners_that_never_answer_pings_are_dropped_after_the_timeout() {
    let (_broker, service) = start_service().await;
    let frank = logged_in(&service, FRANK).await;
    let stuck = StuckReader::connect(loopback(service.http_port()), "/ws").await;
    flood_until_stuck(&frank, &stuck, service.http_port()).await;
    let mut answering = connected_after_replay(&service, &[FRANK_LOGIN]).await;
    let mut silent = connected_after_replay(&service, &[FRANK_LOGIN]).await;
    silent.stop_answering_pings();
    let silent_since = Instant::now();

    let race = select(
        Box::pin(silent.wait_until_dropped(DROP_DEADLINE)),
        Box::pin(answering.next_text(DROP_DEADLINE)),
    );
    let (silent_end, waiting_answerer) = match race.await {
        Either::Left(ended) => ended,
        Either::Right((text, _unfinished)) => panic!("the answering listener got {text:?} first"),
    };
    let silent_lasted = silent_since.elapsed();
    select_film(&frank, FRANK, 2).await;
    let answerer_update = waiting_answerer.await;
    let stuck_dropped = wait_until(DEADLINE, || async {
        tcp_queues(service.http_port(), stuck.local_port()).is_none()
    })
    .await;

    let silent_end = silent_end.unwrap_or_else(|err| panic!("silent listener: {err}"));
    assert!(
        silent_lasted >= EARLIEST_DROP,
        "the silent listener was dropped ({silent_end:?}) after only {silent_lasted:?}"
    );
    assert!(
        silent.pings() >= 2,
        "only {} pings before the drop",
        silent.pings()
    );
    assert_eq!(answerer_update, FRANK_ON_SPIRITED_AWAY);
    assert!(
        stuck_dropped,
        "a client that stopped reading (so answers no pings) was still connected \
         {:?} after its handshake",
        silent_since.elapsed()
    );
}

/// A broker and a service using it, with a new database.
async fn start_service() -> (Broker, Service) {
    let broker = Broker::start().await;
    let service = Service::start(&broker).await;
    (broker, service)
}

/// A new session of `user`.
async fn logged_in(service: &Service, user: SeedUser) -> Client {
    let client = service.client();
    client.login_as(&user).await;
    client
}

/// A listener on `/ws` that has read exactly the `replay` it expects.
async fn connected_after_replay(service: &Service, replay: &[&str]) -> Listener {
    let mut listener = Listener::connect(&service.client(), &service.ws_url()).await;
    let received = listener.next_texts(replay.len(), DEADLINE).await;
    assert_eq!(received, replay, "replay on connect");
    listener
}

/// `PUT /api/users/{id}/selection {"id": film}`, which must succeed.
async fn select_film(client: &Client, user: SeedUser, film: i64) {
    let path = format!("/api/users/{}/selection", user.id);
    let reply = client.put(&path, Some(json!({ "id": film }))).await;
    assert_eq!(
        reply.status, 204,
        "{} selects film {film}: {reply:?}",
        user.name
    );
}

/// `DELETE /api/users/{id}/selection`, which must succeed.
async fn release_film(client: &Client, user: SeedUser) {
    let path = format!("/api/users/{}/selection", user.id);
    let reply = client.delete(&path, None).await;
    assert_eq!(
        reply.status, 204,
        "{} releases their film: {reply:?}",
        user.name
    );
}

/// Frank selects film 2 and then film 1 again, `pairs` times: two `update`
/// frames per pair to every listener.
async fn toggle_frank(frank: &Client, pairs: usize) {
    for _ in 0..pairs {
        select_film(frank, FRANK, 2).await;
        select_film(frank, FRANK, 1).await;
    }
}

/// Sends `update` frames until the service's kernel holds at least
/// [`HELD_BACKLOG`] bytes it cannot deliver to `stuck`: the client's
/// receive window is closed. Frank ends on film 1. Returns the bytes held.
///
/// Linux grows a socket's send buffer up to `tcp_wmem` (4 MiB here) while
/// the peer does not read, so the service's own writes do not block yet.
async fn flood_until_stuck(frank: &Client, stuck: &StuckReader, http_port: u16) -> u64 {
    let held = || tcp_queues(http_port, stuck.local_port()).map_or(0, |(send, _)| send);
    for _ in 0..FLOOD_MAX_ROUNDS {
        toggle_frank(frank, FLOOD_ROUND / 2).await;
        if held() >= HELD_BACKLOG {
            return held();
        }
    }
    panic!("the service delivered everything to a client that does not read");
}

/// One listener of the crowd: connects (at most `HANDSHAKES_IN_FLIGHT` at
/// once), reads the replay, counts itself in `settled` and waits for the
/// next frame; returns it with the time it came.
async fn crowd_member(
    client: &Client,
    url: &str,
    gate: &Semaphore,
    settled: &Cell<usize>,
) -> Result<(String, Instant), String> {
    let joined = async {
        let _turn = gate.acquire().await.map_err(|err| err.to_string())?;
        let mut listener = Listener::try_connect(client, url).await?;
        let replay = listener.try_next_text(DEADLINE).await?;
        if replay != FRANK_LOGIN {
            return Err(format!("replay {replay}"));
        }
        Ok(listener)
    }
    .await;
    settled.set(settled.get() + 1);

    let update = joined?
        .try_next_text(CROWD_CONNECT_DEADLINE + DEADLINE)
        .await?;
    Ok((update, Instant::now()))
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// The port of a URL such as `ws://127.0.0.1:5000/`.
fn port_of_url(url: &str) -> u16 {
    let authority = url.split('/').nth(2).unwrap_or_default();
    let port = authority.rsplit(':').next().unwrap_or_default();
    port.parse().unwrap_or_else(|_| panic!("no port in {url}"))
}
