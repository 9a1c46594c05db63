//! A real Mosquitto per test, on free loopback ports, with a generated config.
//!
//! The broker listens for MQTT and for MQTT over WebSockets on 127.0.0.1,
//! keeps nothing on disk (`persistence false`), and logs everything to
//! `mosquitto.log` in its temp dir. A test can kill it and start it again on
//! the same ports to simulate an outage; retained messages do not survive.
//! Anonymous access is allowed by default; [`BrokerBuilder`] can add users,
//! an ACL and the login that the MQTT helpers use, or take the security of
//! the repository's own `mosquitto.conf` ([`BrokerBuilder::repo_config`]).

use std::fmt::Write as _;
use std::fs::{self, OpenOptions};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rumqttc::MqttOptions;
use tempfile::TempDir;

use super::{POLL_INTERVAL, free_ports, log_tail, unique_suffix};

/// How long Mosquitto may take to accept connections after a (re)start.
const START_DEADLINE: Duration = Duration::from_secs(10);

/// Fresh port pairs tried when the first start fails to bind.
const START_ATTEMPTS: usize = 5;

/// A username and password known to the broker.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Options for a [`Broker`]; [`Broker::start`] uses the defaults.
#[derive(Debug)]
pub struct BrokerBuilder {
    allow_anonymous: bool,
    users: Vec<Credentials>,
    acl: Option<String>,
    client_login: Option<Credentials>,
    repo_config: bool,
}

/// The login the harness adds to a broker started from the repository's
/// config, so that its snapshots can publish their sentinel.
const HARNESS_LOGIN: (&str, &str) = ("fm-test", "fm-test-password");

/// A running (or deliberately stopped) Mosquitto; killed on drop.
pub struct Broker {
    dir: TempDir,
    config_path: PathBuf,
    log_path: PathBuf,
    mqtt_port: u16,
    ws_port: u16,
    settings: BrokerBuilder,
    child: Option<Child>,
    log_shown: bool,
}

impl BrokerBuilder {
    /// Whether clients without a username may connect (default: yes).
    pub fn allow_anonymous(mut self, allow: bool) -> Self {
        self.allow_anonymous = allow;
        self
    }

    /// Adds a user to the broker's password file.
    pub fn user(mut self, username: &str, password: &str) -> Self {
        self.users.push(credentials(username, password));
        self
    }

    /// Adds a user and makes the harness's MQTT helpers log in as it.
    ///
    /// With an ACL, that user needs read access to `#` and write access to
    /// `fm-test/#` (the snapshot sentinel) and to any topic a test publishes.
    pub fn client_login(mut self, username: &str, password: &str) -> Self {
        self.users.push(credentials(username, password));
        self.client_login = Some(credentials(username, password));
        self
    }

    /// Uses `text` as the broker's ACL file (Mosquitto `acl_file` syntax).
    pub fn acl(mut self, text: &str) -> Self {
        self.acl = Some(text.to_owned());
        self
    }

    /// Starts from the repository's `mosquitto.conf`, `mosquitto/passwd` and
    /// `mosquitto/acl` (ports replaced by free ones), plus a harness login
    /// that the MQTT helpers use.
    pub fn repo_config(mut self) -> Self {
        self.repo_config = true;
        let (username, password) = HARNESS_LOGIN;
        self.client_login = Some(credentials(username, password));
        self
    }

    /// Starts Mosquitto on two free ports and waits until both accept.
    ///
    /// Panics, with the broker's log, if no attempt succeeds.
    pub async fn start(self) -> Broker {
        let dir = tempfile::Builder::new()
            .prefix("fm-broker-")
            .tempdir()
            .expect("create the broker's temp dir");
        let mut broker = Broker {
            config_path: dir.path().join("mosquitto.conf"),
            log_path: dir.path().join("mosquitto.log"),
            dir,
            mqtt_port: 0,
            ws_port: 0,
            settings: self,
            child: None,
            log_shown: false,
        };
        broker.write_auth_files();

        let mut failures = String::new();
        for attempt in 1..=START_ATTEMPTS {
            [broker.mqtt_port, broker.ws_port] = free_ports();
            broker.write_config();
            let deadline = Instant::now() + START_DEADLINE;
            match broker.spawn_and_wait(deadline).await {
                Ok(()) => return broker,
                Err(err) => {
                    let _ = writeln!(failures, "attempt {attempt}: {err}");
                    broker.stop();
                }
            }
        }
        broker.log_shown = true;
        panic!(
            "mosquitto did not start:\n{failures}--- mosquitto.log ---\n{}",
            broker.log_tail(40)
        );
    }
}

impl Broker {
    /// Starts a broker with the default settings: anonymous access allowed.
    pub async fn start() -> Broker {
        Broker::builder().start().await
    }

    /// Settings for a broker with users, an ACL or anonymous access denied.
    pub fn builder() -> BrokerBuilder {
        BrokerBuilder {
            allow_anonymous: true,
            users: Vec::new(),
            acl: None,
            client_login: None,
            repo_config: false,
        }
    }

    /// Port of the plain MQTT listener.
    pub fn mqtt_port(&self) -> u16 {
        self.mqtt_port
    }

    /// Port of the MQTT-over-WebSockets listener.
    pub fn ws_port(&self) -> u16 {
        self.ws_port
    }

    /// `mqtt://127.0.0.1:<port>`, the form `FM_MQTT_URL` takes.
    pub fn mqtt_url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.mqtt_port)
    }

    /// `ws://127.0.0.1:<port>`, the form `FM_MQTT_WS_URL` takes.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.ws_port)
    }

    /// The login the MQTT helpers use, if the broker was built with one.
    pub fn client_login(&self) -> Option<&Credentials> {
        self.settings.client_login.as_ref()
    }

    /// Options for a new rumqttc client of this broker: a unique client id
    /// starting with `prefix`, a clean session, and the client login if any.
    pub fn mqtt_options(&self, prefix: &str) -> MqttOptions {
        let id = format!("{prefix}-{}", unique_suffix());
        let mut options = MqttOptions::new(id, "127.0.0.1", self.mqtt_port);
        options
            .set_keep_alive(Duration::from_secs(5))
            .set_clean_session(true)
            .set_max_packet_size(1 << 20, 1 << 20);
        if let Some(login) = &self.settings.client_login {
            options.set_credentials(login.username.clone(), login.password.clone());
        }
        options
    }

    /// The temp dir holding the config, password file and log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Mosquitto's log, appended to across restarts.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The last `lines` lines of Mosquitto's log.
    pub fn log_tail(&self, lines: usize) -> String {
        log_tail(&self.log_path, lines)
    }

    /// Whether the Mosquitto process is alive.
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Kills Mosquitto at once (SIGKILL) and reaps it; a no-op if stopped.
    /// Clients see their connections drop; retained messages are lost.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the broker if it runs, then starts it again on the same ports,
    /// retrying while a port is briefly unavailable. Panics with the log if
    /// it cannot accept connections within the start deadline.
    pub async fn restart(&mut self) {
        self.stop();
        let deadline = Instant::now() + START_DEADLINE;
        loop {
            match self.spawn_and_wait(deadline).await {
                Ok(()) => return,
                Err(err) if Instant::now() < deadline => {
                    note_in_log(&self.log_path, &err);
                    self.stop();
                    tokio::time::sleep(POLL_INTERVAL * 4).await;
                }
                Err(err) => {
                    self.log_shown = true;
                    panic!(
                        "mosquitto did not restart on ports {}/{}: {err}\n\
                         --- mosquitto.log ---\n{}",
                        self.mqtt_port,
                        self.ws_port,
                        self.log_tail(40)
                    );
                }
            }
        }
    }

    fn write_auth_files(&self) {
        if self.settings.repo_config {
            let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("mosquitto");
            let path = self.dir.path().join("passwd");
            fs::copy(repo.join("passwd"), &path).expect("copy mosquitto/passwd");
            let (username, password) = HARNESS_LOGIN;
            add_user(&path, &credentials(username, password));
            let acl = fs::read_to_string(repo.join("acl")).expect("read mosquitto/acl");
            let acl = format!("{acl}\nuser {username}\ntopic readwrite #\n");
            fs::write(self.dir.path().join("acl"), acl).expect("write the ACL file");
            return;
        }
        if !self.settings.users.is_empty() {
            let path = self.dir.path().join("passwd");
            fs::write(&path, "").expect("create the password file");
            for user in &self.settings.users {
                add_user(&path, user);
            }
        }
        if let Some(acl) = &self.settings.acl {
            fs::write(self.dir.path().join("acl"), acl).expect("write the ACL file");
        }
    }

    /// The repository's `mosquitto.conf` with this broker's ports and files.
    fn repo_config_text(&self) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("mosquitto.conf");
        let original = fs::read_to_string(path).expect("read mosquitto.conf");
        let dir = self.dir.path();
        let mut text =
            String::from("# The repository's mosquitto.conf, rewritten by the harness.\n");
        for line in original.lines() {
            let line = match line.split_whitespace().collect::<Vec<_>>().as_slice() {
                ["listener", "1883", ..] => format!("listener {} 127.0.0.1", self.mqtt_port),
                ["listener", "8080", ..] => format!("listener {} 127.0.0.1", self.ws_port),
                ["password_file", _] => format!("password_file {}", dir.join("passwd").display()),
                ["acl_file", _] => format!("acl_file {}", dir.join("acl").display()),
                _ => line.to_owned(),
            };
            let _ = writeln!(text, "{line}");
        }
        text
    }

    fn write_config(&self) {
        let dir = self.dir.path();
        if self.settings.repo_config {
            let mut text = self.repo_config_text();
            let _ = writeln!(text, "max_queued_messages 100000");
            let _ = writeln!(
                text,
                "log_dest stderr\nlog_type all\nlog_timestamp_format %H:%M:%S"
            );
            fs::write(&self.config_path, text).expect("write the broker config");
            return;
        }
        let mut text = String::from("# Generated by the film-manager test harness.\n");
        let _ = writeln!(text, "per_listener_settings false");
        let _ = writeln!(text, "allow_anonymous {}", self.settings.allow_anonymous);
        let _ = writeln!(text, "persistence false");
        // Room for every retained message of a large test in one snapshot.
        let _ = writeln!(text, "max_queued_messages 100000");
        let _ = writeln!(text, "log_dest stderr");
        let _ = writeln!(text, "log_type all");
        let _ = writeln!(text, "log_timestamp_format %H:%M:%S");
        if !self.settings.users.is_empty() {
            let _ = writeln!(text, "password_file {}", dir.join("passwd").display());
        }
        if self.settings.acl.is_some() {
            let _ = writeln!(text, "acl_file {}", dir.join("acl").display());
        }
        let _ = writeln!(text, "listener {} 127.0.0.1", self.mqtt_port);
        let _ = writeln!(text, "protocol mqtt");
        let _ = writeln!(text, "listener {} 127.0.0.1", self.ws_port);
        let _ = writeln!(text, "protocol websockets");
        fs::write(&self.config_path, text).expect("write the broker config");
    }

    /// Spawns Mosquitto and waits until both listeners accept connections.
    async fn spawn_and_wait(&mut self, deadline: Instant) -> Result<(), String> {
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .map_err(|err| format!("open the broker log: {err}"))?;
        let log_err = log
            .try_clone()
            .map_err(|err| format!("clone the broker log handle: {err}"))?;
        let child = Command::new("mosquitto")
            .arg("-c")
            .arg(&self.config_path)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|err| format!("spawn mosquitto (is it installed?): {err}"))?;
        self.child = Some(child);

        let ports = [self.mqtt_port, self.ws_port];
        loop {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                return Err(format!("mosquitto exited early ({status})"));
            }
            if ports.iter().all(|port| accepts(*port)) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("ports {ports:?} did not accept in time"));
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop();
        if std::thread::panicking() && !self.log_shown {
            eprintln!(
                "--- mosquitto.log (ports {}/{}) ---\n{}",
                self.mqtt_port,
                self.ws_port,
                self.log_tail(30)
            );
        }
    }
}

/// Adds `user` to the password file at `path` with `mosquitto_passwd`.
fn add_user(path: &Path, user: &Credentials) {
    let status = Command::new("mosquitto_passwd")
        .arg("-b")
        .arg(path)
        .arg(&user.username)
        .arg(&user.password)
        .stdout(Stdio::null())
        .status()
        .expect("run mosquitto_passwd (package mosquitto)");
    assert!(status.success(), "mosquitto_passwd failed: {status}");
}

fn credentials(username: &str, password: &str) -> Credentials {
    Credentials {
        username: username.to_owned(),
        password: password.to_owned(),
    }
}

/// Whether something accepts TCP connections on the loopback `port`.
fn accepts(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// Leaves a line in the broker log so a failed restart attempt is visible.
fn note_in_log(log_path: &Path, err: &str) {
    if let Ok(mut log) = OpenOptions::new().append(true).open(log_path) {
        use std::io::Write as _;
        let _ = writeln!(log, "[harness] restart attempt failed: {err}; retrying");
    }
}
