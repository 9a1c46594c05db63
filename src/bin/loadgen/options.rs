//! Command-line options, parsed by hand: a dozen flags do not justify a
//! parser crate on a 2-core build machine.
//!
//! Flags take their value as `--flag VALUE` or `--flag=VALUE`.

use std::path::PathBuf;
use std::time::Duration;

use crate::scenario::Scenario;

/// The help text, printed by `--help`.
pub const USAGE: &str = "\
loadgen: load generator and checker for film-manager

USAGE
    loadgen [OPTIONS]
        Prepares a database, starts Mosquitto and the service on free
        loopback ports, runs the scenarios, verifies, stops everything.
    loadgen --url URL --db PATH --mqtt URL [OPTIONS]
        Drives a service that is already running on a prepared database.
    loadgen prepare --db PATH [--users N] [--films M] [--catalogue K]
        Creates a database for such a service (before starting it).

WORKLOAD
    --users N          simulated users = concurrent connections [64]
    --films M          films of the spread and mixed scenarios [16]
    --catalogue K      extra public films, read by the mixed scenario [100]
    --scenarios LIST   comma-separated: hot, spread, mixed [hot,spread,mixed]
                       (the ceiling, GET /api, is always measured first),
                       or slow-clients alone (below)
    --duration SECS    measured time of each scenario [10]
    --ceiling SECS     measured time of the ceiling [same as --duration]
    --warmup SECS      unmeasured ceiling traffic before the first run [2]
    --threads T        client threads, each with its own connections [1]

SLOW CLIENTS (--scenarios slow-clients)
    Paced normal requests, measured idle, then again while SESSIONS
    logged-in sessions and slow raw-TCP clients load the service (a
    loopback service only); fails if the p50 latency under load exceeds
    2 x the idle p50 or a normal request takes over 500 ms. --duration is
    the time of each of the two phases; --users must cover
    --normal-clients.
    --normal-clients C clients of the normal requests [8]
    --rate R           normal requests per second, all clients together [400]
    --sessions S       background sessions (they reuse the users) [300]
    --slowloris N      clients that dribble a request head [5]
    --non-readers N    clients that pipeline requests and never read [1]
                       (plus one client that dribbles a JSON body)

OUTPUT
    --json             print the report as JSON instead of tables

SPAWNED SERVICE (default mode)
    --service-bin PATH film-manager binary [next to this executable]
    --service-log F    RUST_LOG of the service [info]
    --keep-dir         keep the temp dir (database, logs) after the run

EXISTING SERVICE
    --url URL          base URL of the service, e.g. http://127.0.0.1:3001
    --db PATH          its SQLite file (read-only here), made by `prepare`
    --mqtt URL         its broker, mqtt://host:port
    --mqtt-user U      broker login of the checker, which publishes a
    --mqtt-password P  sentinel on loadgen/sentinel/...: needed when
                       anonymous clients may not publish (the repository's
                       mosquitto.conf: use the service's login)
    --service-pid PID  its process, for CPU and RSS figures (optional)

Exit status: 0 when every check passed, 1 on any rule violation, MQTT or
service-view mismatch, held-film overlap, 5xx, unexpected status or
transport error, 2 on a usage or setup error.
";

/// The size of the prepared data.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub users: usize,
    pub films: usize,
    pub catalogue: usize,
}

/// Where the service comes from.
#[derive(Debug, Clone)]
pub enum Target {
    /// Start Mosquitto and the service ourselves.
    Spawn {
        service_bin: Option<PathBuf>,
        log_filter: String,
        keep_dir: bool,
    },
    /// A service somebody else started.
    Existing {
        url: String,
        db: PathBuf,
        mqtt: String,
        /// Broker user and password of the checker, if any.
        mqtt_login: Option<(String, String)>,
        pid: Option<u32>,
    },
}

/// The slow-clients scenario's load.
#[derive(Debug, Clone, Copy)]
pub struct SlowOptions {
    /// Paced clients of the normal requests.
    pub normal_clients: usize,
    /// Normal requests per second, all clients together.
    pub rate: f64,
    /// Long-lived background sessions, each on a connection of its own.
    pub sessions: usize,
    /// Clients dribbling a request head.
    pub slowloris: usize,
    /// Clients pipelining requests without reading the answers.
    pub non_readers: usize,
}

/// Everything a measuring run needs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub shape: Shape,
    pub target: Target,
    pub scenarios: Vec<Scenario>,
    pub duration: Duration,
    /// Measured time of the ceiling run.
    pub ceiling: Duration,
    pub warmup: Duration,
    pub threads: usize,
    pub json: bool,
    pub slow: SlowOptions,
}

impl RunOptions {
    /// Whether this run is the slow-clients scenario (which runs alone).
    pub fn slow_clients(&self) -> bool {
        self.scenarios == [Scenario::SlowClients]
    }
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    Help,
    Prepare { db: PathBuf, shape: Shape },
    Run(Box<RunOptions>),
}

/// Flags as read, before they are combined into a [`Command`].
#[derive(Default)]
struct Flags {
    prepare: bool,
    help: bool,
    json: bool,
    keep_dir: bool,
    users: Option<usize>,
    films: Option<usize>,
    catalogue: Option<usize>,
    scenarios: Option<Vec<Scenario>>,
    duration: Option<f64>,
    ceiling: Option<f64>,
    warmup: Option<f64>,
    threads: Option<usize>,
    normal_clients: Option<usize>,
    rate: Option<f64>,
    sessions: Option<usize>,
    slowloris: Option<usize>,
    non_readers: Option<usize>,
    service_bin: Option<PathBuf>,
    service_log: Option<String>,
    url: Option<String>,
    db: Option<PathBuf>,
    mqtt: Option<String>,
    mqtt_user: Option<String>,
    mqtt_password: Option<String>,
    pid: Option<u32>,
}

/// Parses the arguments (without the program name).
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let flags = read_flags(args)?;
    if flags.help {
        return Ok(Command::Help);
    }
    let shape = Shape {
        users: positive("--users", flags.users.unwrap_or(64))?,
        films: positive("--films", flags.films.unwrap_or(16))?,
        catalogue: flags.catalogue.unwrap_or(100),
    };
    if flags.prepare {
        let db = flags.db.ok_or("prepare needs --db PATH")?;
        return Ok(Command::Prepare { db, shape });
    }
    if shape.films < 2 {
        return Err("--films must be at least 2 (users switch among them)".into());
    }
    let duration = flags.duration.unwrap_or(10.0);
    let slow = SlowOptions {
        normal_clients: positive("--normal-clients", flags.normal_clients.unwrap_or(8))?,
        rate: flags.rate.unwrap_or(400.0),
        sessions: flags.sessions.unwrap_or(300),
        slowloris: flags.slowloris.unwrap_or(5),
        non_readers: flags.non_readers.unwrap_or(1),
    };
    if !(slow.rate.is_finite() && slow.rate > 0.0) {
        return Err("--rate must be a positive number of requests per second".into());
    }
    if slow.normal_clients > shape.users {
        return Err("--normal-clients cannot exceed --users".into());
    }
    Ok(Command::Run(Box::new(RunOptions {
        shape,
        target: target(&flags)?,
        scenarios: flags
            .scenarios
            .unwrap_or_else(|| Scenario::MEASURED.to_vec()),
        duration: seconds("--duration", duration)?,
        ceiling: seconds("--ceiling", flags.ceiling.unwrap_or(duration))?,
        warmup: Duration::from_secs_f64(flags.warmup.unwrap_or(2.0).max(0.0)),
        threads: positive("--threads", flags.threads.unwrap_or(1))?,
        json: flags.json,
        slow,
    })))
}

fn target(flags: &Flags) -> Result<Target, String> {
    match (&flags.url, &flags.db, &flags.mqtt) {
        (None, None, None) => Ok(Target::Spawn {
            service_bin: flags.service_bin.clone(),
            log_filter: flags.service_log.clone().unwrap_or_else(|| "info".into()),
            keep_dir: flags.keep_dir,
        }),
        (Some(url), Some(db), Some(mqtt)) => Ok(Target::Existing {
            url: url.trim_end_matches('/').to_owned(),
            db: db.clone(),
            mqtt: mqtt.clone(),
            mqtt_login: flags.mqtt_user.clone().map(|user| {
                let password = flags.mqtt_password.clone().unwrap_or_default();
                (user, password)
            }),
            pid: flags.pid,
        }),
        _ => Err("--url, --db and --mqtt go together (an existing service)".into()),
    }
}

fn read_flags<I: IntoIterator<Item = String>>(args: I) -> Result<Flags, String> {
    let mut flags = Flags::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name.to_owned(), Some(value.into())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match name.as_str() {
            "prepare" => flags.prepare = true,
            "-h" | "--help" => flags.help = true,
            "--json" => flags.json = true,
            "--keep-dir" => flags.keep_dir = true,
            "--users" => flags.users = Some(number(&name, &value()?)?),
            "--films" => flags.films = Some(number(&name, &value()?)?),
            "--catalogue" => flags.catalogue = Some(number(&name, &value()?)?),
            "--scenarios" => flags.scenarios = Some(scenarios(&value()?)?),
            "--duration" => flags.duration = Some(number(&name, &value()?)?),
            "--ceiling" => flags.ceiling = Some(number(&name, &value()?)?),
            "--warmup" => flags.warmup = Some(number(&name, &value()?)?),
            "--threads" => flags.threads = Some(number(&name, &value()?)?),
            "--normal-clients" => flags.normal_clients = Some(number(&name, &value()?)?),
            "--rate" => flags.rate = Some(number(&name, &value()?)?),
            "--sessions" => flags.sessions = Some(number(&name, &value()?)?),
            "--slowloris" => flags.slowloris = Some(number(&name, &value()?)?),
            "--non-readers" => flags.non_readers = Some(number(&name, &value()?)?),
            "--service-bin" => flags.service_bin = Some(value()?.into()),
            "--service-log" => flags.service_log = Some(value()?),
            "--url" => flags.url = Some(value()?),
            "--db" => flags.db = Some(value()?.into()),
            "--mqtt" => flags.mqtt = Some(value()?),
            "--mqtt-user" => flags.mqtt_user = Some(value()?),
            "--mqtt-password" => flags.mqtt_password = Some(value()?),
            "--service-pid" => flags.pid = Some(number(&name, &value()?)?),
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    Ok(flags)
}

fn number<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{name}: {text:?} is not a valid number"))
}

fn positive(name: &str, value: usize) -> Result<usize, String> {
    if value == 0 {
        Err(format!("{name} must be at least 1"))
    } else {
        Ok(value)
    }
}

fn seconds(name: &str, value: f64) -> Result<Duration, String> {
    if value.is_finite() && value > 0.0 {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(format!("{name} must be a positive number of seconds"))
    }
}

fn scenarios(list: &str) -> Result<Vec<Scenario>, String> {
    let mut chosen = Vec::new();
    for name in list
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        let scenario = Scenario::CHOOSABLE
            .into_iter()
            .find(|scenario| scenario.name() == name)
            .ok_or(format!(
                "unknown scenario {name:?} (hot, spread, mixed, slow-clients)"
            ))?;
        if !chosen.contains(&scenario) {
            chosen.push(scenario);
        }
    }
    if chosen.is_empty() {
        return Err("--scenarios names no scenario".into());
    }
    if chosen.len() > 1 && chosen.contains(&Scenario::SlowClients) {
        return Err("slow-clients runs alone (it has no ceiling run)".into());
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn defaults_spawn_the_service_and_run_every_scenario() {
        let Command::Run(run) = parse(args("")).unwrap() else {
            panic!("not a run")
        };

        assert_eq!(run.shape.users, 64);
        assert_eq!(run.scenarios, Scenario::MEASURED.to_vec());
        assert!(matches!(run.target, Target::Spawn { .. }));
    }

    #[test]
    fn an_existing_service_needs_url_db_and_mqtt_together() {
        let partial = parse(args("--url http://127.0.0.1:3001"));
        let full = parse(args(
            "--url=http://h:1/ --db x.db --mqtt mqtt://h:2 --scenarios hot",
        ));

        assert!(partial.is_err());
        let Ok(Command::Run(run)) = full else {
            panic!("not a run")
        };
        assert!(matches!(run.target, Target::Existing { ref url, .. } if url == "http://h:1"));
        assert_eq!(run.scenarios, vec![Scenario::Hot]);
    }

    #[test]
    fn bad_values_are_usage_errors() {
        assert!(parse(args("--users 0")).is_err());
        assert!(parse(args("--duration -1")).is_err());
        assert!(parse(args("--scenarios hot,cold")).is_err());
        assert!(parse(args("--films")).is_err());
        assert!(parse(args("prepare")).is_err());
        assert!(parse(args("--scenarios hot,slow-clients")).is_err());
        assert!(parse(args("--scenarios slow-clients --rate 0")).is_err());
        assert!(parse(args("--users 4 --scenarios slow-clients")).is_err());
    }

    #[test]
    fn slow_clients_runs_alone_with_its_own_load() {
        let Command::Run(run) = parse(args(
            "--scenarios slow-clients --sessions 50 --slowloris 2 --rate 100",
        ))
        .unwrap() else {
            panic!("not a run")
        };

        assert!(run.slow_clients());
        assert_eq!(run.slow.sessions, 50);
        assert_eq!(run.slow.slowloris, 2);
        assert_eq!(run.slow.rate, 100.0);
        assert_eq!(run.slow.normal_clients, 8);
    }
}
