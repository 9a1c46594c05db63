//! Helpers of the online-users WebSocket tests (`ws`).
//!
//! - [`Listener`]: an awc WebSocket client that waits for text frames with
//!   deadlines and answers the server's pings (unless told to stay silent);
//! - [`StuckReader`]: a raw TCP client that does the upgrade handshake by
//!   hand, with a tiny receive buffer, and then never reads again;
//! - [`tcp_queues`] and [`listening_ports`]: what the kernel's socket tables
//!   say about a connection's queued bytes and a process's listening ports.

use std::collections::BTreeSet;
use std::fs;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use awc::error::WsProtocolError;
use awc::ws::{Frame, Message};
use futures_util::{Sink, SinkExt as _, Stream, StreamExt as _};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

use crate::common::Client;

/// Receive buffer asked for by a [`StuckReader`]; the kernel rounds it up to
/// its minimum, a few KiB, so a small burst of frames closes the window.
const STUCK_RECEIVE_BUFFER: u32 = 1024;

/// How long a [`StuckReader`] waits for the `101` answer to its handshake.
const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(10);

/// TCP states in `/proc/net/tcp`.
const TCP_ESTABLISHED: &str = "01";
const TCP_LISTEN: &str = "0A";

/// An awc WebSocket connection, whatever its concrete type.
trait FrameSocket:
    Stream<Item = Result<Frame, WsProtocolError>> + Sink<Message, Error = WsProtocolError> + Unpin
{
}

impl<T> FrameSocket for T where
    T: Stream<Item = Result<Frame, WsProtocolError>>
        + Sink<Message, Error = WsProtocolError>
        + Unpin
{
}

/// One online-users WebSocket client.
pub struct Listener {
    socket: Box<dyn FrameSocket>,
    url: String,
    answers_pings: bool,
    pings: usize,
}

/// What one read from a [`Listener`]'s socket gave.
enum Read {
    Frame(Frame),
    /// The connection ended; says how.
    Ended(String),
    TimedOut,
}

impl Listener {
    /// Opens a WebSocket to `url` with `client`'s session cookie; panics if
    /// the handshake fails.
    pub async fn connect(client: &Client, url: &str) -> Listener {
        Listener::try_connect(client, url)
            .await
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// Opens a WebSocket to `url`; `Err` says why the handshake failed.
    pub async fn try_connect(client: &Client, url: &str) -> Result<Listener, String> {
        let (response, socket) = client
            .ws(url)
            .connect()
            .await
            .map_err(|err| format!("WebSocket handshake with {url}: {err}"))?;
        if response.status().as_u16() != 101 {
            return Err(format!(
                "{url} answered {} to the handshake",
                response.status()
            ));
        }
        Ok(Listener {
            socket: Box::new(socket),
            url: url.to_owned(),
            answers_pings: true,
            pings: 0,
        })
    }

    /// Stops answering the server's pings from now on.
    pub fn stop_answering_pings(&mut self) {
        self.answers_pings = false;
    }

    /// How many pings the server has sent that this listener has read.
    pub fn pings(&self) -> usize {
        self.pings
    }

    /// The next text frame; panics if the connection ends, another kind of
    /// data frame comes, or nothing comes within `deadline`.
    pub async fn next_text(&mut self, deadline: Duration) -> String {
        self.try_next_text(deadline)
            .await
            .unwrap_or_else(|err| panic!("{err}"))
    }

    /// The next `count` text frames, each within `deadline` of the previous.
    pub async fn next_texts(&mut self, count: usize, deadline: Duration) -> Vec<String> {
        let mut texts = Vec::with_capacity(count);
        for _ in 0..count {
            texts.push(self.next_text(deadline).await);
        }
        texts
    }

    /// The next text frame, or why there was none within `deadline`.
    /// Pings and pongs on the way are counted (and pings answered).
    pub async fn try_next_text(&mut self, deadline: Duration) -> Result<String, String> {
        let give_up = Instant::now() + deadline;
        loop {
            let frame = match self.read(give_up).await {
                Read::Frame(frame) => frame,
                Read::Ended(how) => return Err(self.say(&format!("ended: {how}"))),
                Read::TimedOut => return Err(self.say(&format!("no text in {deadline:?}"))),
            };
            match frame {
                Frame::Text(text) => return Ok(String::from_utf8_lossy(&text).into()),
                Frame::Ping(payload) => self.on_ping(payload).await?,
                Frame::Pong(_) => {}
                other => return Err(self.say(&format!("got {other:?}"))),
            }
        }
    }

    /// Reads (and drops) frames until the server ends the connection and
    /// says how it ended; `Err` if it is still open after `deadline`.
    pub async fn wait_until_dropped(&mut self, deadline: Duration) -> Result<String, String> {
        let give_up = Instant::now() + deadline;
        loop {
            match self.read(give_up).await {
                Read::Frame(Frame::Close(reason)) => return Ok(format!("close {reason:?}")),
                Read::Frame(Frame::Ping(payload)) => self.on_ping(payload).await?,
                Read::Frame(_) => {}
                Read::Ended(how) => return Ok(how),
                Read::TimedOut => return Err(self.say(&format!("open after {deadline:?}"))),
            }
        }
    }

    async fn read(&mut self, give_up: Instant) -> Read {
        let next = tokio::time::timeout_at(give_up.into(), self.socket.next());
        match next.await {
            Ok(Some(Ok(frame))) => Read::Frame(frame),
            Ok(Some(Err(err))) => Read::Ended(format!("read error: {err}")),
            Ok(None) => Read::Ended("end of stream".to_owned()),
            Err(_) => Read::TimedOut,
        }
    }

    /// `what`, prefixed with the listener's URL.
    fn say(&self, what: &str) -> String {
        format!("{}: {what}", self.url)
    }

    async fn on_ping(&mut self, payload: actix_web::web::Bytes) -> Result<(), String> {
        self.pings += 1;
        if !self.answers_pings {
            return Ok(());
        }
        self.socket
            .send(Message::Pong(payload))
            .await
            .map_err(|err| self.say(&format!("answering a ping: {err}")))
    }
}

/// A WebSocket client that completed the upgrade and then stopped reading.
///
/// Dropping it closes the connection.
pub struct StuckReader {
    stream: TcpStream,
}

impl StuckReader {
    /// Connects to `addr` with a tiny receive buffer, upgrades `path` to a
    /// WebSocket by hand and reads no further than the `101` answer (which
    /// may carry the first frames too).
    pub async fn connect(addr: SocketAddr, path: &str) -> StuckReader {
        let socket = TcpSocket::new_v4().expect("create a TCP socket");
        socket
            .set_recv_buffer_size(STUCK_RECEIVE_BUFFER)
            .expect("shrink the receive buffer");
        let mut stream = socket
            .connect(addr)
            .await
            .unwrap_or_else(|err| panic!("connect to {addr}: {err}"));

        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: c3R1Y2stcmVhZGVyLWtleQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        );
        stream
            .write_all(request.as_bytes())
            .await
            .expect("send the upgrade request");
        let head = tokio::time::timeout(HANDSHAKE_DEADLINE, read_head(&mut stream))
            .await
            .unwrap_or_else(|_| {
                panic!("no handshake answer from {addr} in {HANDSHAKE_DEADLINE:?}")
            });

        assert!(
            head.starts_with("HTTP/1.1 101"),
            "upgrade of {addr}{path} refused:\n{head}"
        );
        StuckReader { stream }
    }

    /// The local port of the connection.
    pub fn local_port(&self) -> u16 {
        self.stream.local_addr().expect("local address").port()
    }
}

/// Reads until the end of an HTTP response head; returns what was read.
async fn read_head(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut chunk = [0_u8; 512];
    while !received.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = stream
            .read(&mut chunk)
            .await
            .expect("read the handshake answer");
        assert!(
            read > 0,
            "the server closed the connection during the handshake"
        );
        received.extend_from_slice(&chunk[..read]);
    }
    String::from_utf8_lossy(&received).into_owned()
}

/// Bytes the kernel queues on the established loopback TCP connection from
/// `local_port` to `remote_port`: (written but not yet acknowledged by the
/// peer, received but not yet read). `None` if there is no such connection
/// (never opened, or closed by this side).
pub fn tcp_queues(local_port: u16, remote_port: u16) -> Option<(u64, u64)> {
    let table = fs::read_to_string("/proc/net/tcp").expect("read /proc/net/tcp");
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let local = port_of(fields.get(1)?)?;
        let remote = port_of(fields.get(2)?)?;
        let established = fields.get(3) == Some(&TCP_ESTABLISHED);
        if (local, remote, established) != (local_port, remote_port, true) {
            return None;
        }
        let (send, receive) = fields.get(4)?.split_once(':')?;
        Some((
            u64::from_str_radix(send, 16).ok()?,
            u64::from_str_radix(receive, 16).ok()?,
        ))
    })
}

/// The TCP ports the `film-manager` process serving HTTP on `http_port`
/// listens on.
pub fn listening_ports(http_port: u16) -> BTreeSet<u16> {
    let pid = service_pid(http_port);
    let inodes: BTreeSet<String> = fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap_or_else(|err| panic!("list the service's descriptors: {err}"))
        .filter_map(|entry| fs::read_link(entry.ok()?.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            let inode = target.strip_prefix("socket:[")?.strip_suffix(']')?;
            Some(inode.to_owned())
        })
        .collect();

    let mut ports = BTreeSet::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let listening = fields.get(3) == Some(&TCP_LISTEN);
            let ours = fields.get(9).is_some_and(|inode| inodes.contains(*inode));
            if let (true, true, Some(port)) = (listening, ours, fields.get(1).and_then(port_of)) {
                ports.insert(port);
            }
        }
    }
    ports
}

/// The process id of the service on `http_port`, found by its environment.
fn service_pid(http_port: u16) -> u32 {
    let marker = format!("FM_HTTP_BIND=127.0.0.1:{http_port}");
    let found = fs::read_dir("/proc")
        .expect("list /proc")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| {
            let is_service = fs::read_link(format!("/proc/{pid}/exe"))
                .is_ok_and(|exe| exe.to_string_lossy().contains("film-manager"));
            let environ = fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            is_service
                && environ
                    .split(|byte| *byte == 0)
                    .any(|entry| entry == marker.as_bytes())
        });
    found.unwrap_or_else(|| panic!("no film-manager process with {marker}"))
}

/// The port of a `/proc/net/tcp` address such as `0100007F:1F90`.
fn port_of(address: &&str) -> Option<u16> {
    let (_, port) = address.rsplit_once(':')?;
    u16::from_str_radix(port, 16).ok()
}
