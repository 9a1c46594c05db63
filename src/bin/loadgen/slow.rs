//! The slow-clients scenario: a few hundred logged-in sessions and a few
//! deliberately slow HTTP clients must not stall the other clients.
//!
//! One run measures the same paced normal requests twice
//! ([`scenario::run_paced`]: half public film pages, half selection steps,
//! at a fixed total rate): first on an otherwise idle service, then while
//! the load below runs. The run fails if the p50 latency under load is more
//! than twice the idle p50, or if any normal request took more than 500 ms
//! (a stall); the p99 ratio is reported, not judged, since the p99 of a
//! short phase on a shared 2-core machine moves several-fold between runs.
//!
//! - Background sessions: S log-ins (the load users reused in turn), each
//!   with a connection of its own, each asking for a page of its invited
//!   films every 0.5 to 3 s, on a client thread of their own.
//! - Slow clients, each on an OS thread with a blocking socket:
//!   - slow head: dribbles the head of its connection's first request, one
//!     byte every 100 to 200 ms, and never finishes it;
//!   - slow second head: sends one complete request and reads its answer,
//!     then dribbles the head of a second request on that connection;
//!   - slow body: sends a whole `PUT .../selection` head with a session
//!     cookie, then dribbles the JSON body, sized to outlast the run;
//!   - non-reader: pipelines `GET /api/films/public` requests for as long as
//!     the socket takes them and never reads an answer. With actix-http
//!     3.20 this keeps the HTTP worker that owns the connection polling it
//!     in a loop (most of a core) for as long as it stays open; the
//!     loaded phase's service CPU shows it (BENCHMARKS.md).
//!
//!   When the service closes a slow client's connection, the client notes
//!   what the service answered and reconnects at once. Slow clients only
//!   ever talk to a loopback service (anything else is refused), and stop
//!   with the loaded phase.
//!
//! That the slow clients really were slow and connected while the normal
//! requests were measured is checked twice: each client's own view,
//! sampled every 100 ms of the loaded phase, and at mid-phase the service's
//! side of each slow connection in `/proc/net/tcp` (loopback services).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::ops::RangeInclusive;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use actix_web::rt::System;
use actix_web::rt::time::timeout;
use anyhow::{Context, bail};
use awc::http::Method;
use futures_util::future::join_all;
use rand::Rng;
use serde::Serialize;
use tokio::sync::watch;

use crate::client::{Http, Session};
use crate::options::{RunOptions, SlowOptions};
use crate::prepare::LoadUser;
use crate::report::{self, Machine, RunReport};
use crate::scenario::{self, Plan, ScenarioRun};
use crate::stats::{Kind, OutcomeSummary, Recorder, Summary};
use crate::verify::Findings;

/// Loaded p50 ÷ idle p50 above which the run fails.
const P50_RATIO_LIMIT: f64 = 2.0;

/// A normal request slower than this, in either phase, is a stall and
/// fails the run: the p50 alone misses a stall that holds up fewer than
/// half of the requests. Far above the worst delay other work on the
/// shared machine caused (below 100 ms, debug build included).
const STALL_MS: f64 = 500.0;

/// Pause between two dribbled bytes, in milliseconds (random in range).
const DRIBBLE_PAUSE_MS: RangeInclusive<u64> = 100..=200;

/// Pause of a background session between two requests, in milliseconds;
/// its longest pause stays below the pool's keep-alive, so that every
/// session keeps its connection.
const SESSION_PAUSE_MS: RangeInclusive<u64> = 500..=3000;

/// Time between the start of the load and the loaded phase, so that the
/// slow clients are mid-dribble and the sessions in their rhythm.
const SETTLE: Duration = Duration::from_secs(1);

/// How long the background log-ins may take.
const LOGIN_DEADLINE: Duration = Duration::from_secs(60);

/// Deadline to connect, and to read the answer of a complete request.
const IO_DEADLINE: Duration = Duration::from_secs(5);

/// Pause of the non-reader when its socket takes no more.
const NON_READER_PAUSE: Duration = Duration::from_millis(50);

/// How often the slow clients' connection state is sampled.
const SAMPLE_INTERVAL: Duration = Duration::from_millis(100);

/// Smallest share of the loaded phase a slow client must spend connected.
const CONNECTED_SHARE_MIN: f64 = 0.9;

/// Service-side snapshots at mid-phase, this far apart; a slow client
/// counts as connected if any of them shows its connection (it may be
/// reconnecting at the instant of one).
const MID_SNAPSHOTS: usize = 3;
const MID_SNAPSHOT_GAP: Duration = Duration::from_millis(100);

/// Largest slow body: below the service's default body limit (64 KiB).
const BODY_MAX: usize = 60_000;

/// How a slow client misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SlowKind {
    SlowHead,
    SlowSecondHead,
    SlowBody,
    NonReader,
}

impl SlowKind {
    fn name(self) -> &'static str {
        match self {
            SlowKind::SlowHead => "slow-head",
            SlowKind::SlowSecondHead => "slow-second-head",
            SlowKind::SlowBody => "slow-body",
            SlowKind::NonReader => "non-reader",
        }
    }

    fn behaviour(self) -> &'static str {
        match self {
            SlowKind::SlowHead => "1st request head, 1 B per 100-200 ms",
            SlowKind::SlowSecondHead => "2nd request head, 1 B per 100-200 ms",
            SlowKind::SlowBody => "JSON body, 1 B per 100-200 ms",
            SlowKind::NonReader => "pipelined GETs, answers never read",
        }
    }
}

/// One slow client's plan.
struct SlowClient {
    kind: SlowKind,
    addr: SocketAddr,
    /// `host:port`, for the `Host` header.
    host: String,
    /// The slow body's request head (with its session cookie) and body;
    /// empty for the other kinds.
    head: String,
    body: Vec<u8>,
}

/// What a slow client's thread reports while it runs.
#[derive(Default)]
struct Tracker {
    connected: AtomicBool,
    /// Local port of the current connection, 0 when none.
    port: AtomicU32,
    connects: AtomicU32,
    failed_connects: AtomicU32,
    bytes: AtomicU64,
    /// Complete requests written (the non-reader's pipelined requests).
    requests: AtomicU64,
    closes: Mutex<Vec<Close>>,
}

/// A connection of a slow client that the service ended (or answered).
#[derive(Debug, Clone, Serialize)]
pub struct Close {
    /// Seconds from connecting.
    pub after_s: f64,
    /// What the service did: its status line, or how it closed.
    pub answer: String,
}

/// How one connection of a slow client ended.
enum End {
    /// The run is over.
    Stopped,
    /// The service answered or closed.
    Closed(String),
}

/// Everything the scenario measured, before the checks.
pub struct Measurement {
    /// Idle, then loaded.
    pub phases: [ScenarioRun; 2],
    background: Background,
    slow: Vec<SlowFigures>,
    /// Service-side established connections on its port at mid-phase.
    service_connections: Option<usize>,
}

/// What the background sessions did.
struct Background {
    sessions: usize,
    users: usize,
    login_s: f64,
    recorder: Recorder,
}

/// What one slow client did during the run.
#[derive(Debug, Serialize)]
pub struct SlowFigures {
    pub name: String,
    pub kind: SlowKind,
    pub behaviour: &'static str,
    pub connects: u32,
    pub failed_connects: u32,
    pub bytes_sent: u64,
    pub requests_sent: u64,
    /// Share of the loaded phase's samples that found it connected.
    pub connected_share: f64,
    /// Whether the service's side of its connection was established at
    /// mid-phase (`None`: not a loopback IPv4 service).
    pub established_mid_phase: Option<bool>,
    pub closes: Vec<Close>,
}

/// Runs the scenario: warm-up, idle phase, load, loaded phase.
///
/// `normal` are the sessions of the normal requests, `slow_body` the
/// session the slow body is sent with, `users` the users the background
/// sessions log in as; `reset` releases the normal sessions' films before
/// each phase.
pub fn run(
    options: &RunOptions,
    plan: &Plan,
    normal: &[Session],
    slow_body: &Session,
    users: &[LoadUser],
    reset: impl Fn() -> anyhow::Result<()>,
) -> anyhow::Result<Measurement> {
    let load = options.slow;
    let duration = options.duration;
    if !options.warmup.is_zero() {
        progress(&format!(
            "warm-up: {:.1} s of normal requests",
            options.warmup.as_secs_f64()
        ));
        reset()?;
        scenario::run_paced(plan, normal, load.rate, options.warmup)?;
    }
    reset()?;
    progress(&format!(
        "idle phase: {:.0} s, {} clients, {} req/s",
        duration.as_secs_f64(),
        normal.len(),
        load.rate
    ));
    let idle = scenario::run_paced(plan, normal, load.rate, duration)?;
    reset()?;

    let clients = slow_clients(plan, load, slow_body, duration)?;
    let trackers: Vec<Tracker> = clients.iter().map(|_| Tracker::default()).collect();
    let stop = AtomicBool::new(false);
    let (stop_sessions, sessions_stopped) = watch::channel(false);
    let (ready, logged_in) = mpsc::channel();

    std::thread::scope(|scope| {
        let background =
            scope.spawn(move || background(plan, users, load.sessions, sessions_stopped, ready));
        for (client, tracker) in clients.iter().zip(&trackers) {
            let stop = &stop;
            scope.spawn(move || play_slow(client, tracker, stop));
        }
        let stop_all = || {
            stop.store(true, Ordering::Relaxed);
            let _ = stop_sessions.send(true);
        };
        let loaded = wait_for_load(&logged_in, &trackers).and_then(|()| {
            std::thread::sleep(SETTLE);
            progress(&format!(
                "loaded phase: {:.0} s, same normal requests; {} sessions, {} slow clients",
                duration.as_secs_f64(),
                load.sessions,
                clients.len()
            ));
            let start = Instant::now();
            let trackers = &trackers;
            let port = service_port(&plan.url);
            let watcher = scope.spawn(move || watch_slow(trackers, port, start, duration));
            let loaded = scenario::run_paced(plan, normal, load.rate, duration);
            let watched = watcher.join();
            Ok((loaded?, watched))
        });
        stop_all();
        let background = background
            .join()
            .map_err(|_| anyhow::anyhow!("the background sessions' thread panicked"))?;
        let (loaded, watched) = loaded?;
        let watched = watched.map_err(|_| anyhow::anyhow!("the slow clients' watcher panicked"))?;
        let slow = clients
            .iter()
            .zip(&trackers)
            .enumerate()
            .map(|(n, (client, tracker))| figures(n, client.kind, tracker, &watched))
            .collect();
        Ok(Measurement {
            phases: [idle, loaded],
            background,
            slow,
            service_connections: watched.service_connections,
        })
    })
}

fn progress(message: &str) {
    eprintln!("loadgen: {message}");
}

/// The slow clients of `load`: slow heads alternating between first and
/// second requests, then one slow body, then the non-readers.
fn slow_clients(
    plan: &Plan,
    load: SlowOptions,
    session: &Session,
    duration: Duration,
) -> anyhow::Result<Vec<SlowClient>> {
    let authority = plan
        .url
        .strip_prefix("http://")
        .context("slow clients speak plain http:// only")?
        .trim_end_matches('/');
    let addr = authority
        .to_socket_addrs()
        .with_context(|| format!("resolving {authority}"))?
        .next()
        .with_context(|| format!("{authority} has no address"))?;
    if !addr.ip().is_loopback() {
        bail!("slow clients run against a loopback service only, not {addr}");
    }
    let client = |kind| SlowClient {
        kind,
        addr,
        host: authority.to_owned(),
        head: String::new(),
        body: Vec::new(),
    };

    let mut clients: Vec<SlowClient> = (0..load.slowloris)
        .map(|n| match n % 2 {
            0 => client(SlowKind::SlowHead),
            _ => client(SlowKind::SlowSecondHead),
        })
        .collect();
    // Long enough to last the load at the fastest dribble, and then some.
    let fastest = Duration::from_millis(*DRIBBLE_PAUSE_MS.start());
    let length = ((SETTLE + duration).as_secs_f64() / fastest.as_secs_f64()).ceil() as usize + 64;
    let body = slow_body(plan.hot_film, length.min(BODY_MAX));
    let head = format!(
        "PUT /api/users/{}/selection HTTP/1.1\r\nHost: {authority}\r\nCookie: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        session.user_id,
        session.cookie(),
        body.len()
    );
    clients.push(SlowClient {
        head,
        body,
        ..client(SlowKind::SlowBody)
    });
    clients.extend((0..load.non_readers).map(|_| client(SlowKind::NonReader)));
    Ok(clients)
}

/// `{"id":<film>` padded with spaces to `length` bytes, then `}`.
fn slow_body(film: i64, length: usize) -> Vec<u8> {
    let mut body = format!(r#"{{"id":{film}"#).into_bytes();
    let length = length.max(body.len() + 1);
    body.resize(length - 1, b' ');
    body.push(b'}');
    body
}

/// Waits until every background session is logged in and every slow
/// client has connected once.
fn wait_for_load(
    logged_in: &mpsc::Receiver<Result<(), String>>,
    trackers: &[Tracker],
) -> anyhow::Result<()> {
    match logged_in.recv_timeout(LOGIN_DEADLINE) {
        Ok(Ok(())) => {}
        Ok(Err(error)) => bail!("background sessions: {error}"),
        Err(_) => bail!("background sessions not logged in within {LOGIN_DEADLINE:?}"),
    }
    let deadline = Instant::now() + IO_DEADLINE;
    while trackers
        .iter()
        .any(|t| t.connects.load(Ordering::Relaxed) == 0)
    {
        if Instant::now() > deadline {
            bail!("a slow client could not connect within {IO_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

/// Logs `count` sessions in, each with its own connection, and keeps them
/// busy until `stop` changes. Tells `ready` when the log-ins are done.
fn background(
    plan: &Plan,
    users: &[LoadUser],
    count: usize,
    stop: watch::Receiver<bool>,
    ready: mpsc::Sender<Result<(), String>>,
) -> Background {
    System::new().block_on(async move {
        let started = Instant::now();
        let logins = (0..count).map(|n| {
            let http = Http::for_session(&plan.url);
            let user = &users[n % users.len()];
            async move { Ok::<_, anyhow::Error>((http.login(user).await?, http)) }
        });
        let sessions: anyhow::Result<Vec<_>> = join_all(logins).await.into_iter().collect();
        let login_s = started.elapsed().as_secs_f64();
        let recorder = RefCell::new(Recorder::default());
        match sessions {
            Ok(sessions) => {
                let _ = ready.send(Ok(()));
                let busy = sessions.iter().map(|(session, http)| {
                    keep_busy(http, session, plan.invited_pages, &recorder, stop.clone())
                });
                join_all(busy).await;
            }
            Err(error) => {
                let _ = ready.send(Err(format!("{error:#}")));
            }
        }
        Background {
            sessions: count,
            users: users.len().min(count),
            login_s,
            recorder: recorder.into_inner(),
        }
    })
}

/// One background session: a page of its invited films now and then.
async fn keep_busy(
    http: &Http,
    session: &Session,
    pages: u64,
    recorder: &RefCell<Recorder>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let (pause, page) = {
            let mut rng = rand::rng();
            (
                Duration::from_millis(rng.random_range(SESSION_PAUSE_MS)),
                rng.random_range(1..=pages.max(1)),
            )
        };
        if timeout(pause, stop.changed()).await.is_ok() {
            return;
        }
        let path = format!("/api/films/public/invited?pageNo={page}");
        let answer = http.call(session, Method::GET, &path, None).await;
        recorder.borrow_mut().record(Kind::InvitedPage, &answer);
    }
}

/// A slow client's thread: connects, misbehaves, reconnects when the
/// service closes, until `stop` is set.
fn play_slow(client: &SlowClient, tracker: &Tracker, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        let mut stream = match TcpStream::connect_timeout(&client.addr, IO_DEADLINE) {
            Ok(stream) => stream,
            Err(_) => {
                tracker.failed_connects.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(NON_READER_PAUSE);
                continue;
            }
        };
        let opened = Instant::now();
        let port = stream.local_addr().map_or(0, |addr| addr.port());
        tracker.port.store(u32::from(port), Ordering::Relaxed);
        tracker.connected.store(true, Ordering::Relaxed);
        tracker.connects.fetch_add(1, Ordering::Relaxed);

        let end = misbehave(client, &mut stream, tracker, stop);
        tracker.connected.store(false, Ordering::Relaxed);
        tracker.port.store(0, Ordering::Relaxed);
        match end {
            End::Stopped => return,
            End::Closed(answer) => {
                if let Ok(mut closes) = tracker.closes.lock() {
                    closes.push(Close {
                        after_s: opened.elapsed().as_secs_f64(),
                        answer,
                    });
                }
            }
        }
    }
}

fn misbehave(
    client: &SlowClient,
    stream: &mut TcpStream,
    tracker: &Tracker,
    stop: &AtomicBool,
) -> End {
    let endless_head = || {
        format!(
            "GET /api/films/public HTTP/1.1\r\nHost: {}\r\nX-Slow: ",
            client.host
        )
        .into_bytes()
        .into_iter()
        .chain(std::iter::repeat(b'z'))
    };
    match client.kind {
        SlowKind::SlowHead => dribble(stream, endless_head(), tracker, stop),
        SlowKind::SlowSecondHead => match first_request(stream, &client.host, tracker) {
            Ok(()) => dribble(stream, endless_head(), tracker, stop),
            Err(error) => End::Closed(format!("first request failed: {}", error.kind())),
        },
        SlowKind::SlowBody => {
            if let Err(error) = stream.write_all(client.head.as_bytes()) {
                return End::Closed(format!("writing the head failed: {}", error.kind()));
            }
            tracker
                .bytes
                .fetch_add(client.head.len() as u64, Ordering::Relaxed);
            dribble(stream, client.body.iter().copied(), tracker, stop)
        }
        SlowKind::NonReader => never_read(stream, &client.host, tracker, stop),
    }
}

/// Writes `bytes` one at a time with a pause after each, watching for the
/// service's answer or close during the pauses. A finite sequence that was
/// written whole ends with the service's answer.
fn dribble(
    stream: &mut TcpStream,
    bytes: impl Iterator<Item = u8>,
    tracker: &Tracker,
    stop: &AtomicBool,
) -> End {
    for byte in bytes {
        if stop.load(Ordering::Relaxed) {
            return End::Stopped;
        }
        if let Err(error) = stream.write_all(&[byte]) {
            return End::Closed(format!("write failed: {}", error.kind()));
        }
        tracker.bytes.fetch_add(1, Ordering::Relaxed);
        let pause = Duration::from_millis(rand::rng().random_range(DRIBBLE_PAUSE_MS));
        if let Some(answer) = watch_for_answer(stream, pause) {
            return End::Closed(answer);
        }
    }
    End::Closed(match watch_for_answer(stream, IO_DEADLINE) {
        Some(answer) => format!("all sent; {answer}"),
        None => "all sent; no answer".to_owned(),
    })
}

/// Waits up to `pause` for the service to send something or close; the
/// status line it sent, or how it closed, if it did.
fn watch_for_answer(stream: &mut TcpStream, pause: Duration) -> Option<String> {
    let _ = stream.set_read_timeout(Some(pause));
    let mut buffer = [0u8; 1024];
    match stream.read(&mut buffer) {
        Ok(0) => Some("closed without an answer".to_owned()),
        Ok(read) => Some(status_line(&buffer[..read])),
        Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => None,
        Err(error) => Some(format!("connection error: {}", error.kind())),
    }
}

fn status_line(answer: &[u8]) -> String {
    let text = String::from_utf8_lossy(answer);
    let line = text.lines().next().unwrap_or_default();
    line.strip_prefix("HTTP/1.1 ").unwrap_or(line).to_owned()
}

/// Sends one complete `GET /api/films/public` and reads its whole answer.
fn first_request(stream: &mut TcpStream, host: &str, tracker: &Tracker) -> std::io::Result<()> {
    let request = format!("GET /api/films/public HTTP/1.1\r\nHost: {host}\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    tracker
        .bytes
        .fetch_add(request.len() as u64, Ordering::Relaxed);
    tracker.requests.fetch_add(1, Ordering::Relaxed);
    stream.set_read_timeout(Some(IO_DEADLINE))?;

    let mut answer = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        answer.extend_from_slice(&buffer[..read]);
        if let Some(length) = complete_length(&answer)
            && answer.len() >= length
        {
            return Ok(());
        }
    }
}

/// Length of a response whose head is complete in `answer`: head plus
/// `Content-Length`.
fn complete_length(answer: &[u8]) -> Option<usize> {
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&answer[..end]);
    let length = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    })?;
    Some(end + length)
}

/// Pipelines `GET /api/films/public` for as long as the socket takes them,
/// never reading; retries every [`NON_READER_PAUSE`] when it is full.
fn never_read(stream: &mut TcpStream, host: &str, tracker: &Tracker, stop: &AtomicBool) -> End {
    let request = format!("GET /api/films/public HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes();
    if let Err(error) = stream.set_nonblocking(true) {
        return End::Closed(format!("socket set-up failed: {}", error.kind()));
    }
    let mut offset = 0;
    while !stop.load(Ordering::Relaxed) {
        match stream.write(&request[offset..]) {
            Ok(0) => return End::Closed("the socket takes nothing".to_owned()),
            Ok(written) => {
                tracker.bytes.fetch_add(written as u64, Ordering::Relaxed);
                offset += written;
                if offset == request.len() {
                    offset = 0;
                    tracker.requests.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(NON_READER_PAUSE);
            }
            Err(error) => return End::Closed(format!("write failed: {}", error.kind())),
        }
    }
    End::Stopped
}

/// What the watcher saw of the slow clients during the loaded phase.
struct Watched {
    /// Per slow client: samples that found it connected.
    connected: Vec<usize>,
    samples: usize,
    /// Per slow client: seen established on the service's side at
    /// mid-phase (empty when that cannot be checked).
    mid_phase: Vec<bool>,
    service_connections: Option<usize>,
}

/// Samples the slow clients' connection state until `start + duration`,
/// and looks at the service's side of their connections at mid-phase.
fn watch_slow(
    trackers: &[Tracker],
    service_port: Option<u16>,
    start: Instant,
    duration: Duration,
) -> Watched {
    let mut watched = Watched {
        connected: vec![0; trackers.len()],
        samples: 0,
        mid_phase: Vec::new(),
        service_connections: None,
    };
    let mut mid_phase = Some(start + duration / 2);
    while start.elapsed() < duration {
        for (count, tracker) in watched.connected.iter_mut().zip(trackers) {
            *count += usize::from(tracker.connected.load(Ordering::Relaxed));
        }
        watched.samples += 1;
        if let (Some(at), Some(port)) = (mid_phase, service_port)
            && Instant::now() >= at
        {
            mid_phase = None;
            (watched.mid_phase, watched.service_connections) = service_side(trackers, port);
        }
        std::thread::sleep(SAMPLE_INTERVAL);
    }
    watched
}

/// Which slow clients' connections the service holds established (any of a
/// few snapshots), and how many connections it holds on `port` in all.
fn service_side(trackers: &[Tracker], port: u16) -> (Vec<bool>, Option<usize>) {
    let mut seen = vec![false; trackers.len()];
    let mut total = None;
    for snapshot in 0..MID_SNAPSHOTS {
        if snapshot > 0 {
            std::thread::sleep(MID_SNAPSHOT_GAP);
        }
        let Some(peers) = established_peers(port) else {
            return (Vec::new(), None);
        };
        total = total.max(Some(peers.len()));
        for (seen, tracker) in seen.iter_mut().zip(trackers) {
            let local = tracker.port.load(Ordering::Relaxed);
            *seen |= local != 0 && peers.iter().any(|&peer| u32::from(peer) == local);
        }
    }
    (seen, total)
}

/// Remote ports of the established connections whose local port is `port`
/// (the service's side of its connections), from `/proc/net/tcp`.
fn established_peers(port: u16) -> Option<Vec<u16>> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    Some(peers_in(&table, port))
}

/// [`established_peers`] of a `/proc/net/tcp` table.
fn peers_in(table: &str, port: u16) -> Vec<u16> {
    let port_of = |address: &str| u16::from_str_radix(address.rsplit(':').next()?, 16).ok();
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split_whitespace().skip(1);
            let (local, remote, state) = (fields.next()?, fields.next()?, fields.next()?);
            // State 01 is TCP_ESTABLISHED.
            (state == "01" && port_of(local)? == port).then(|| port_of(remote))?
        })
        .collect()
}

/// The service's port if it listens on loopback IPv4 (where
/// `/proc/net/tcp` shows both ends).
fn service_port(url: &str) -> Option<u16> {
    let authority = url.strip_prefix("http://")?.trim_end_matches('/');
    let (host, port) = authority.rsplit_once(':')?;
    matches!(host, "127.0.0.1" | "localhost")
        .then(|| port.parse().ok())
        .flatten()
}

fn figures(n: usize, kind: SlowKind, tracker: &Tracker, watched: &Watched) -> SlowFigures {
    SlowFigures {
        name: format!("{}-{}", kind.name(), n + 1),
        kind,
        behaviour: kind.behaviour(),
        connects: tracker.connects.load(Ordering::Relaxed),
        failed_connects: tracker.failed_connects.load(Ordering::Relaxed),
        bytes_sent: tracker.bytes.load(Ordering::Relaxed),
        requests_sent: tracker.requests.load(Ordering::Relaxed),
        connected_share: watched.connected[n] as f64 / watched.samples.max(1) as f64,
        established_mid_phase: watched.mid_phase.get(n).copied(),
        closes: tracker
            .closes
            .lock()
            .map(|closes| closes.clone())
            .unwrap_or_default(),
    }
}

/// The scenario's report.
#[derive(Debug, Serialize)]
pub struct SlowReport {
    pub machine: Machine,
    pub settings: SlowSettings,
    pub idle: RunReport,
    pub loaded: RunReport,
    /// Loaded ÷ idle latency of the normal requests.
    pub p50_ratio: f64,
    pub p99_ratio: f64,
    pub p50_ratio_limit: f64,
    /// Latency of a normal request that counts as a stall.
    pub stall_ms: f64,
    pub background: BackgroundReport,
    /// Service-side established connections on its port at mid-phase.
    pub service_connections_mid_phase: Option<usize>,
    pub slow_clients: Vec<SlowFigures>,
    pub verification: Findings,
    /// Why the run failed (exit status 1); empty when it passed.
    pub failures: Vec<String>,
}

/// How the run was set up.
#[derive(Debug, Serialize)]
pub struct SlowSettings {
    pub normal_clients: usize,
    pub normal_rate_rps: f64,
    pub phase_s: f64,
    pub sessions: usize,
    pub slowloris: usize,
    pub non_readers: usize,
    pub service: String,
}

/// The background sessions during the loaded phase (and the settling
/// second before it).
#[derive(Debug, Serialize)]
pub struct BackgroundReport {
    pub sessions: usize,
    /// Distinct users the sessions log in as.
    pub users: usize,
    pub login_s: f64,
    pub requests: usize,
    pub latency: Summary,
    pub outcomes: Vec<OutcomeSummary>,
    pub errors: usize,
    pub transport_errors: Vec<String>,
}

/// Builds the report of `measured` and the checks' `verification`;
/// `machine` was described before the run began.
pub fn report(
    options: &RunOptions,
    machine: Machine,
    service: String,
    measured: Measurement,
    verification: Findings,
) -> SlowReport {
    let [idle, loaded] = &measured.phases;
    let (idle, loaded) = (
        report::run_report(idle, None),
        report::run_report(loaded, None),
    );
    let ratio = |loaded: f64, idle: f64| if idle > 0.0 { loaded / idle } else { 0.0 };
    let recorder = &measured.background.recorder;
    let mut report = SlowReport {
        machine,
        settings: SlowSettings {
            normal_clients: options.slow.normal_clients,
            normal_rate_rps: options.slow.rate,
            phase_s: options.duration.as_secs_f64(),
            sessions: options.slow.sessions,
            slowloris: options.slow.slowloris,
            non_readers: options.slow.non_readers,
            service,
        },
        p50_ratio: ratio(loaded.latency.p50_ms, idle.latency.p50_ms),
        p99_ratio: ratio(loaded.latency.p99_ms, idle.latency.p99_ms),
        p50_ratio_limit: P50_RATIO_LIMIT,
        stall_ms: STALL_MS,
        idle,
        loaded,
        background: BackgroundReport {
            sessions: measured.background.sessions,
            users: measured.background.users,
            login_s: measured.background.login_s,
            requests: recorder.total(),
            latency: recorder.overall(),
            outcomes: recorder.per_outcome(),
            errors: recorder.errors(),
            transport_errors: recorder.transport_errors().to_vec(),
        },
        service_connections_mid_phase: measured.service_connections,
        slow_clients: measured.slow,
        verification,
        failures: Vec::new(),
    };
    report.failures = failures(&report);
    report
}

fn failures(report: &SlowReport) -> Vec<String> {
    let mut failures = Vec::new();
    if report.p50_ratio > P50_RATIO_LIMIT {
        failures.push(format!(
            "normal requests' p50 under load is {:.2} x the idle p50 \
             ({:.2} ms vs {:.2} ms; limit {P50_RATIO_LIMIT})",
            report.p50_ratio, report.loaded.latency.p50_ms, report.idle.latency.p50_ms
        ));
    }
    for (phase, run) in [("idle", &report.idle), ("loaded", &report.loaded)] {
        if run.latency.max_ms > STALL_MS {
            failures.push(format!(
                "{phase} phase: a normal request took {:.0} ms (a stall: over {STALL_MS} ms)",
                run.latency.max_ms
            ));
        }
        if run.errors > 0 {
            failures.push(format!(
                "{phase} phase: {} error responses ({})",
                run.errors,
                wrong_outcomes(&run.outcomes)
            ));
        }
    }
    if report.background.errors > 0 {
        failures.push(format!(
            "background sessions: {} error responses ({})",
            report.background.errors,
            wrong_outcomes(&report.background.outcomes)
        ));
    }
    if let Some(connections) = report.service_connections_mid_phase
        && connections * 10 < report.background.sessions * 9
    {
        failures.push(format!(
            "only {connections} connections established at mid-phase for {} sessions",
            report.background.sessions
        ));
    }
    for client in &report.slow_clients {
        if client.connected_share < CONNECTED_SHARE_MIN {
            failures.push(format!(
                "{}: connected for only {:.0} % of the loaded phase",
                client.name,
                client.connected_share * 100.0
            ));
        }
        if client.established_mid_phase == Some(false) {
            failures.push(format!(
                "{}: its connection was not established on the service's side at mid-phase",
                client.name
            ));
        }
    }
    failures.extend(report.verification.rule_violations.iter().cloned());
    failures.extend(report.verification.mqtt_mismatches.iter().cloned());
    failures.extend(report.verification.view_mismatches.iter().cloned());
    failures.extend(report.verification.hold_overlaps.iter().cloned());
    failures
}

fn wrong_outcomes(outcomes: &[OutcomeSummary]) -> String {
    outcomes
        .iter()
        .filter(|outcome| !outcome.expected)
        .map(|outcome| {
            format!(
                "{} {} x{}",
                outcome.kind.name(),
                outcome.status,
                outcome.latency.count
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The report as text tables.
pub fn table(report: &SlowReport) -> String {
    let s = &report.settings;
    let mut out = crate::report::machine_line(&report.machine);
    let _ = writeln!(
        out,
        "run: slow-clients, {} normal clients at {} req/s in all (half GET /api/films/public, \
         half selection steps), {} s per phase",
        s.normal_clients, s.normal_rate_rps, s.phase_s
    );
    let _ = writeln!(
        out,
        "load: {} sessions ({} users), {} slow clients\nservice: {}\n",
        s.sessions,
        report.background.users,
        report.slow_clients.len(),
        s.service
    );
    phase_table(&mut out, report);
    background_lines(&mut out, &report.background, report);
    slow_table(&mut out, &report.slow_clients);
    report::verification_lines(&mut out, &report.verification);
    if report.failures.is_empty() {
        let _ = writeln!(out, "\nresult: PASS");
    } else {
        let _ = writeln!(out, "\nresult: FAIL");
        for failure in report.failures.iter().take(20) {
            let _ = writeln!(out, "  - {failure}");
        }
    }
    out
}

fn phase_table(out: &mut String, report: &SlowReport) {
    let _ = writeln!(
        out,
        "{:<14} {:>8} {:>7} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6} {:>7}",
        "phase",
        "requests",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "errors",
        "svc",
        "µs/req"
    );
    for (phase, run) in [("idle", &report.idle), ("loaded", &report.loaded)] {
        let _ = writeln!(
            out,
            "{:<14} {:>8} {:>7.0} {:>7.2} {:>7.2} {:>7.2} {:>8.2} {:>6} {:>6} {:>7}",
            phase,
            run.requests,
            run.throughput_rps,
            run.latency.p50_ms,
            run.latency.p90_ms,
            run.latency.p99_ms,
            run.latency.max_ms,
            run.errors,
            run.service_cores
                .map_or("-".to_owned(), |cores| format!("{cores:.2}")),
            run.service_cpu_us_per_request
                .map_or("-".to_owned(), |us| format!("{us:.0}"))
        );
    }
    let verdict = if report.p50_ratio <= P50_RATIO_LIMIT {
        "met"
    } else {
        "NOT met"
    };
    let p99_note = if report.p99_ratio <= P50_RATIO_LIMIT {
        "within 2"
    } else {
        "above 2"
    };
    let slowest = report.idle.latency.max_ms.max(report.loaded.latency.max_ms);
    let stalls = if slowest <= STALL_MS {
        "met"
    } else {
        "NOT met"
    };
    let _ = writeln!(
        out,
        "loaded ÷ idle: p50 {:.2} (judged: <= {P50_RATIO_LIMIT}, {verdict}), p99 {:.2} \
         ({p99_note}; reported, not judged)\n\
         no normal request over {STALL_MS} ms in either phase (judged): {stalls}\n",
        report.p50_ratio, report.p99_ratio
    );

    let _ = writeln!(
        out,
        "{:<8} {:<14} {:<22} {:>7} {:>7} {:>7} {:>7} {:>8}",
        "phase", "request", "status", "count", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    for (phase, run) in [("idle", &report.idle), ("loaded", &report.loaded)] {
        let rows = run
            .outcomes
            .iter()
            .map(|outcome| (phase, outcome.kind.name(), outcome));
        outcome_rows(out, rows);
    }
    let _ = writeln!(out);
}

fn outcome_rows<'a>(
    out: &mut String,
    rows: impl Iterator<Item = (&'a str, &'a str, &'a OutcomeSummary)>,
) {
    for (phase, request, outcome) in rows {
        let mark = if outcome.expected { "" } else { " (!)" };
        let latency = &outcome.latency;
        let _ = writeln!(
            out,
            "{:<8} {:<14} {:<22} {:>7} {:>7.2} {:>7.2} {:>7.2} {:>8.2}",
            phase,
            request,
            format!("{}{mark}", outcome.status),
            latency.count,
            latency.p50_ms,
            latency.p90_ms,
            latency.p99_ms,
            latency.max_ms
        );
    }
}

fn background_lines(out: &mut String, background: &BackgroundReport, report: &SlowReport) {
    let connections = report.service_connections_mid_phase.map_or(
        "not measured (not a loopback IPv4 service)".to_owned(),
        |n| n.to_string(),
    );
    let _ = writeln!(
        out,
        "background: {} sessions logged in in {:.2} s, {} requests during the load \
         (p50 {:.2} ms, p99 {:.2} ms), {} errors",
        background.sessions,
        background.login_s,
        background.requests,
        background.latency.p50_ms,
        background.latency.p99_ms,
        background.errors
    );
    let _ = writeln!(
        out,
        "connections the service held established at mid-phase: {connections}\n"
    );
}

fn slow_table(out: &mut String, clients: &[SlowFigures]) {
    let _ = writeln!(
        out,
        "{:<19} {:<37} {:>8} {:>8} {:>8} {:>9} {:>8}  closed by the service",
        "slow client", "behaviour", "connects", "bytes", "requests", "connected", "mid-phase"
    );
    for client in clients {
        let mid = match client.established_mid_phase {
            Some(true) => "held",
            Some(false) => "NOT held",
            None => "-",
        };
        let _ = writeln!(
            out,
            "{:<19} {:<37} {:>8} {:>8} {:>8} {:>8.0}% {:>8}  {}",
            client.name,
            client.behaviour,
            client.connects,
            client.bytes_sent,
            client.requests_sent,
            client.connected_share * 100.0,
            mid,
            closes_summary(&client.closes)
        );
    }
    let _ = writeln!(
        out,
        "(connected: share of the loaded phase; mid-phase: the service's side of the \
         connection established)\n"
    );
}

/// `2 x 408 Request Timeout after 5.0 s` per distinct answer, or `never`.
fn closes_summary(closes: &[Close]) -> String {
    if closes.is_empty() {
        return "never".to_owned();
    }
    let mut by_answer: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for close in closes {
        by_answer
            .entry(close.answer.as_str())
            .or_default()
            .push(close.after_s);
    }
    by_answer
        .into_iter()
        .map(|(answer, after)| {
            let mean = after.iter().sum::<f64>() / after.len() as f64;
            format!("{} x {answer} after {mean:.1} s", after.len())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_body_is_json_of_the_asked_length() {
        let body = slow_body(7, 40);

        let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body.len(), 40);
        assert_eq!(parsed["id"], 7);
    }

    #[test]
    fn a_response_is_complete_with_its_head_and_content_length() {
        let head = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n";
        let mut answer = head.to_vec();

        assert_eq!(complete_length(b"HTTP/1.1 200 OK\r\n"), None);
        answer.extend_from_slice(b"hello");
        assert_eq!(complete_length(&answer), Some(head.len() + 5));
    }

    #[test]
    fn only_loopback_services_have_a_port_to_look_up() {
        assert_eq!(service_port("http://127.0.0.1:3001"), Some(3001));
        assert_eq!(service_port("http://example.org:3001"), None);
        assert_eq!(service_port("https://127.0.0.1:3001"), None);
    }

    #[test]
    fn only_established_connections_on_the_service_side_are_peers() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue\n\
            0: 0100007F:0BB9 0100007F:A000 01 00000000:00000000\n\
            1: 0100007F:A000 0100007F:0BB9 01 00000000:00000000\n\
            2: 0100007F:0BB9 0100007F:A001 06 00000000:00000000\n\
            3: 0100007F:0BB9 00000000:0000 0A 00000000:00000000\n";

        assert_eq!(peers_in(table, 3001), vec![0xA000]);
        assert!(peers_in(table, 3002).is_empty());
    }

    #[test]
    fn closes_are_summarized_per_answer() {
        let closes = [
            Close {
                after_s: 5.0,
                answer: "408 Request Timeout".into(),
            },
            Close {
                after_s: 5.2,
                answer: "408 Request Timeout".into(),
            },
        ];

        assert_eq!(closes_summary(&[]), "never");
        assert_eq!(
            closes_summary(&closes),
            "2 x 408 Request Timeout after 5.1 s"
        );
    }
}
