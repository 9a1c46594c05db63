//! The real `film-manager` binary, started per test on free loopback ports.
//!
//! The service gets its own temp dir holding the SQLite file (unless a test
//! passes an existing one) and `service.log` (RUST_LOG
//! `info,film_manager=debug`, appended to across restarts). It is ready when
//! `GET /api` answers 200. A test can kill it and start it again on the same
//! ports and database, or stop it with SIGTERM to watch a clean shutdown.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use awc::http::Method;
use tempfile::TempDir;

use super::broker::Broker;
use super::client::Client;
use super::{POLL_INTERVAL, free_port, log_tail, wait_for};

/// How long the service may take to answer `GET /api` after a (re)start.
const READY_DEADLINE: Duration = Duration::from_secs(30);

/// Fresh ports tried when the first start fails because a port was taken.
const START_ATTEMPTS: usize = 5;

/// Default log filter of the service under test.
const LOG_FILTER: &str = "info,film_manager=debug";

/// Options for a [`Service`]; [`Service::start`] covers the common case.
#[derive(Debug, Default)]
pub struct ServiceBuilder {
    mqtt_url: Option<String>,
    mqtt_ws_url: Option<String>,
    db_path: Option<PathBuf>,
    standalone_ws: bool,
    env: Vec<(String, String)>,
}

/// A running (or deliberately killed) service; killed on drop.
pub struct Service {
    dir: TempDir,
    db_path: PathBuf,
    log_path: PathBuf,
    http_port: u16,
    ws_port: Option<u16>,
    mqtt_url: String,
    mqtt_ws_url: String,
    env: Vec<(String, String)>,
    child: Option<Child>,
    /// Length of the log when the current process was spawned.
    log_offset: u64,
    log_shown: bool,
}

/// Why one start attempt failed.
enum StartError {
    Exited(ExitStatus),
    NotReady,
    Spawn(String),
}

impl ServiceBuilder {
    /// Publishes to `broker` (`FM_MQTT_URL`) and hands its WebSocket listener
    /// to browsers (`FM_MQTT_WS_URL`). The broker may be stopped right now.
    pub fn broker(mut self, broker: &Broker) -> Self {
        self.mqtt_url = Some(broker.mqtt_url());
        self.mqtt_ws_url = Some(broker.ws_url());
        self
    }

    /// Publishes to this broker URL. Without this or [`Self::broker`], the
    /// service points at a free port where no broker listens.
    pub fn mqtt_url(mut self, url: &str) -> Self {
        self.mqtt_url = Some(url.to_owned());
        self
    }

    /// Uses this SQLite file instead of a new one in the service's temp dir
    /// (e.g. one from an earlier service; the caller keeps its dir alive).
    pub fn db_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.db_path = Some(path.into());
        self
    }

    /// Turns the standalone online-users WebSocket on, on a free port
    /// (`FM_WS_BIND`; off by default).
    pub fn standalone_ws(mut self) -> Self {
        self.standalone_ws = true;
        self
    }

    /// Sets one more environment variable (e.g. `FM_SESSION_SECONDS`);
    /// wins over the harness's own settings, `RUST_LOG` included.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Starts the service and waits until `GET /api` answers 200.
    ///
    /// Panics with the service log if it exits or is not ready in time.
    pub async fn start(self) -> Service {
        let dir = tempfile::Builder::new()
            .prefix("fm-service-")
            .tempdir()
            .expect("create the service's temp dir");
        let db_path = self
            .db_path
            .unwrap_or_else(|| dir.path().join("film-manager.db"));
        let mqtt_url = self
            .mqtt_url
            .unwrap_or_else(|| format!("mqtt://127.0.0.1:{}", free_port()));
        let mut service = Service {
            log_path: dir.path().join("service.log"),
            dir,
            db_path,
            http_port: 0,
            ws_port: None,
            mqtt_ws_url: self
                .mqtt_ws_url
                .unwrap_or_else(|| format!("ws://127.0.0.1:{}", free_port())),
            mqtt_url,
            env: self.env,
            child: None,
            log_offset: 0,
            log_shown: false,
        };

        for _ in 0..START_ATTEMPTS {
            service.http_port = free_port();
            service.ws_port = self.standalone_ws.then(free_port);
            match service.spawn_and_wait().await {
                Ok(()) => return service,
                Err(StartError::Exited(_)) if service.lost_a_port_race() => service.kill(),
                Err(err) => service.fail(&err),
            }
        }
        service.log_shown = true;
        panic!(
            "film-manager lost the race for free ports {START_ATTEMPTS} times\n\
             --- service.log ---\n{}",
            service.log_tail(40)
        );
    }
}

impl Service {
    /// Starts the service against `broker` with a new database.
    pub async fn start(broker: &Broker) -> Service {
        Service::builder().broker(broker).start().await
    }

    /// Settings for a service with extra env, a given database, etc.
    pub fn builder() -> ServiceBuilder {
        ServiceBuilder::default()
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.http_port)
    }

    /// `base_url()` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// The HTTP port.
    pub fn http_port(&self) -> u16 {
        self.http_port
    }

    /// The online-users WebSocket on the HTTP port: `ws://127.0.0.1:<port>/ws`.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/ws", self.http_port)
    }

    /// The standalone online-users WebSocket, if the builder turned it on.
    pub fn standalone_ws_url(&self) -> Option<String> {
        self.ws_port.map(|port| format!("ws://127.0.0.1:{port}/"))
    }

    /// The broker URL the service publishes to (`FM_MQTT_URL`).
    pub fn mqtt_url(&self) -> &str {
        &self.mqtt_url
    }

    /// The broker URL handed to browsers (`FM_MQTT_WS_URL`).
    pub fn mqtt_ws_url(&self) -> &str {
        &self.mqtt_ws_url
    }

    /// The SQLite file.
    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The service's temp dir (holds the log and, by default, the database).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The service log, appended to across restarts.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The last `lines` lines of the service log.
    pub fn log_tail(&self, lines: usize) -> String {
        log_tail(&self.log_path, lines)
    }

    /// A new HTTP client of this service, with no session.
    pub fn client(&self) -> Client {
        Client::new(&self.base_url())
    }

    /// Whether the service process is alive.
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Kills the service at once (SIGKILL) and reaps it; a no-op if it is
    /// not running. Its MQTT connection drops without a DISCONNECT.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Asks the service to shut down (SIGTERM) and waits up to `deadline`
    /// for it to exit; returns its exit status, or `None` if it was still
    /// running (it is then killed) or was not running.
    pub async fn terminate(&mut self, deadline: Duration) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let status = wait_for(deadline, || {
            let exited = child.try_wait().ok().flatten();
            async move { exited }
        })
        .await;
        if status.is_none() {
            let _ = child.kill();
            let _ = child.wait();
        }
        status
    }

    /// Kills the service if it runs, then starts it again on the same ports
    /// and database, retrying while a port is briefly unavailable.
    pub async fn restart(&mut self) {
        self.kill();
        let deadline = Instant::now() + READY_DEADLINE;
        loop {
            match self.spawn_and_wait().await {
                Ok(()) => return,
                Err(StartError::Exited(_))
                    if self.lost_a_port_race() && Instant::now() < deadline =>
                {
                    self.kill();
                    tokio::time::sleep(POLL_INTERVAL * 4).await;
                }
                Err(err) => self.fail(&err),
            }
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_film-manager"));
        // A developer's own FM_* settings must not leak into the test.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("FM_") {
                command.env_remove(key);
            }
        }
        let ws_bind = self
            .ws_port
            .map(|port| format!("127.0.0.1:{port}"))
            .unwrap_or_default();
        command
            .env("FM_HTTP_BIND", format!("127.0.0.1:{}", self.http_port))
            .env("FM_WS_BIND", ws_bind)
            .env("FM_MQTT_URL", &self.mqtt_url)
            .env("FM_MQTT_WS_URL", &self.mqtt_ws_url)
            .env("FM_DB_PATH", &self.db_path)
            .env("RUST_LOG", LOG_FILTER)
            .env("RUST_BACKTRACE", "1")
            .env("NO_COLOR", "1");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    async fn spawn_and_wait(&mut self) -> Result<(), StartError> {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .map_err(|err| StartError::Spawn(format!("open the service log: {err}")))?;
        let log_err = log
            .try_clone()
            .map_err(|err| StartError::Spawn(format!("clone the log handle: {err}")))?;
        self.log_offset = log.metadata().map(|meta| meta.len()).unwrap_or(0);
        let child = self
            .command()
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|err| StartError::Spawn(format!("spawn film-manager: {err}")))?;
        self.child = Some(child);

        let probe = Client::new(&self.base_url());
        let deadline = Instant::now() + READY_DEADLINE;
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                return Err(StartError::Exited(status));
            }
            let reply = probe.try_request(Method::GET, "/api", None).await;
            if reply.is_ok_and(|reply| reply.status == 200) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(StartError::NotReady);
            }
            tokio::time::sleep(POLL_INTERVAL * 2).await;
        }
    }

    /// Whether the last run died because one of its ports was taken.
    fn lost_a_port_race(&self) -> bool {
        let Ok(log) = std::fs::read(&self.log_path) else {
            return false;
        };
        let start = usize::try_from(self.log_offset).unwrap_or(0).min(log.len());
        let run = String::from_utf8_lossy(&log[start..]);
        run.contains("Address already in use") || run.contains("os error 98")
    }

    fn fail(&mut self, err: &StartError) -> ! {
        self.kill();
        let why = match err {
            StartError::Exited(status) => format!("exited before it was ready ({status})"),
            StartError::NotReady => format!("GET /api was not 200 within {READY_DEADLINE:?}"),
            StartError::Spawn(message) => message.clone(),
        };
        self.log_shown = true;
        panic!(
            "film-manager on port {}: {why}\n--- service.log ---\n{}",
            self.http_port,
            self.log_tail(60)
        );
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() && !self.log_shown {
            eprintln!(
                "--- service.log (port {}) ---\n{}",
                self.http_port,
                self.log_tail(60)
            );
        }
    }
}
