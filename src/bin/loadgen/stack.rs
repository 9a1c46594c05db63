//! The all-in-one mode's processes: a Mosquitto and the `film-manager`
//! binary on free loopback ports, in a temp dir of their own that holds the
//! prepared database, the broker config and both logs.
//!
//! Both processes are killed when the [`Stack`] is dropped; the temp dir is
//! removed too unless it is kept for inspection.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::options::Shape;
use crate::prepare;

/// How long each process may take to accept connections.
const START_DEADLINE: Duration = Duration::from_secs(30);

/// How often readiness is re-checked.
const POLL: Duration = Duration::from_millis(50);

/// Fresh ports tried when a process fails to start (e.g. a port was taken
/// between choosing and binding it).
const START_ATTEMPTS: usize = 3;

/// A running broker and service.
pub struct Stack {
    dir: PathBuf,
    keep_dir: bool,
    broker: Option<Child>,
    service: Option<Child>,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// `mqtt://127.0.0.1:<port>`.
    pub mqtt_url: String,
    /// The service's SQLite file.
    pub db: PathBuf,
}

/// How to start the service.
pub struct ServiceSpec {
    pub binary: PathBuf,
    pub log_filter: String,
    /// Session lifetime; must outlast the run.
    pub session: Duration,
}

impl Stack {
    /// Prepares a database of `shape`, starts the broker, then the service.
    pub fn start(shape: Shape, spec: &ServiceSpec, keep_dir: bool) -> anyhow::Result<Stack> {
        let dir = std::env::temp_dir().join(format!(
            "loadgen-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut stack = Stack {
            db: dir.join("film-manager.db"),
            dir,
            keep_dir,
            broker: None,
            service: None,
            url: String::new(),
            mqtt_url: String::new(),
        };
        prepare::create(&stack.db, shape)?;
        stack.start_broker()?;
        stack.start_service(spec)?;
        Ok(stack)
    }

    /// The temp dir with the database and the logs.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The service's process id.
    pub fn service_pid(&self) -> Option<u32> {
        self.service.as_ref().map(Child::id)
    }

    /// How the service ended, if it is no longer running; the temp dir is
    /// then kept, so that its log can be read.
    pub fn service_ended(&mut self) -> Option<ExitStatus> {
        let status = self.service.as_mut()?.try_wait().ok()??;
        self.keep_dir = true;
        Some(status)
    }

    fn start_broker(&mut self) -> anyhow::Result<()> {
        for _ in 0..START_ATTEMPTS {
            let port = free_port()?;
            let config = self.dir.join("mosquitto.conf");
            fs::write(&config, broker_config(port)).context("writing the broker config")?;
            let log = log_file(&self.dir.join("mosquitto.log"))?;
            let child = Command::new("mosquitto")
                .arg("-c")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .context("starting mosquitto (is it installed?)")?;
            self.broker = Some(child);
            if wait_ready(self.broker.as_mut(), || accepts(port)) {
                self.mqtt_url = format!("mqtt://127.0.0.1:{port}");
                return Ok(());
            }
            stop(&mut self.broker);
        }
        bail!(
            "mosquitto did not start; see {}",
            self.dir.join("mosquitto.log").display()
        )
    }

    fn start_service(&mut self, spec: &ServiceSpec) -> anyhow::Result<()> {
        if !spec.binary.is_file() {
            bail!(
                "{} not found: build it first (cargo build --release --bins) or pass --service-bin",
                spec.binary.display()
            );
        }
        for _ in 0..START_ATTEMPTS {
            let port = free_port()?;
            let log = log_file(&self.dir.join("service.log"))?;
            let mut command = Command::new(&spec.binary);
            for (key, _) in std::env::vars().filter(|(key, _)| key.starts_with("FM_")) {
                command.env_remove(key);
            }
            let child = command
                .env("FM_HTTP_BIND", format!("127.0.0.1:{port}"))
                .env("FM_WS_BIND", "")
                .env("FM_MQTT_URL", &self.mqtt_url)
                .env("FM_MQTT_WS_URL", "ws://127.0.0.1:9")
                .env("FM_DB_PATH", &self.db)
                .env(
                    "FM_SESSION_SECONDS",
                    spec.session.as_secs().max(1).to_string(),
                )
                .env("FM_STATIC_DIR", self.dir.join("no-web-client"))
                .env("RUST_LOG", &spec.log_filter)
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .with_context(|| format!("starting {}", spec.binary.display()))?;
            self.service = Some(child);
            if wait_ready(self.service.as_mut(), || answers_api(port)) {
                self.url = format!("http://127.0.0.1:{port}");
                return Ok(());
            }
            stop(&mut self.service);
        }
        bail!(
            "the service did not start; see {}",
            self.dir.join("service.log").display()
        )
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        stop(&mut self.service);
        stop(&mut self.broker);
        if self.keep_dir {
            eprintln!("loadgen: kept {}", self.dir.display());
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn broker_config(port: u16) -> String {
    let mut text = String::from("# Generated by loadgen.\n");
    let _ = writeln!(text, "per_listener_settings false");
    let _ = writeln!(text, "allow_anonymous true");
    let _ = writeln!(text, "persistence false");
    // One snapshot queues every retained message of the run at once.
    let _ = writeln!(text, "max_queued_messages 100000");
    let _ = writeln!(text, "log_dest stderr");
    let _ = writeln!(text, "log_type error\nlog_type warning\nlog_type notice");
    let _ = writeln!(text, "listener {port} 127.0.0.1");
    let _ = writeln!(text, "protocol mqtt");
    text
}

fn log_file(path: &Path) -> anyhow::Result<File> {
    File::options()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))
}

/// Waits until `ready` holds, the process exits, or the deadline passes.
fn wait_ready(mut child: Option<&mut Child>, ready: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + START_DEADLINE;
    while Instant::now() < deadline {
        if let Some(Ok(Some(_))) = child.as_mut().map(|child| child.try_wait()) {
            return false;
        }
        if ready() {
            return true;
        }
        sleep(POLL);
    }
    false
}

fn stop(child: &mut Option<Child>) {
    if let Some(mut child) = child.take() {
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn accepts(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// Whether `GET /api` answers 200: the service's readiness signal.
fn answers_api(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    let mut head = [0u8; 12];
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_exact(&mut head).is_ok()
        && head.ends_with(b" 200")
}
