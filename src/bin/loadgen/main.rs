//! `loadgen`: drives film-manager's real HTTP API with many concurrent
//! users, reports throughput and latency against a ceiling measured in the
//! same run, then verifies the selection rules and the MQTT statuses.
//!
//! - [`options`]: the command line.
//! - [`prepare`]: the load users and films, written before the service
//!   starts; finding them again in a prepared file.
//! - [`stack`]: the all-in-one mode's Mosquitto and service processes.
//! - [`client`]: log-in and timed requests over awc.
//! - [`scenario`]: the closed-loop clients of the ceiling, hot, spread and
//!   mixed scenarios, on one or more client threads, and the paced clients
//!   of slow-clients.
//! - [`slow`]: the slow-clients scenario: idle and loaded phases, background
//!   sessions, slow raw-TCP clients, and its report.
//! - [`stats`]: latencies and status counts.
//! - [`probe`]: CPU and memory figures from `/proc`.
//! - [`verify`]: the checks after the load.
//! - [`report`]: targets, tables and JSON.
//!
//! BENCHMARKS.md describes the method and the figures of this machine.
//! Progress goes to stderr, the report to stdout.

mod client;
mod options;
mod prepare;
mod probe;
mod report;
mod scenario;
mod slow;
mod stack;
mod stats;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use actix_web::rt::{System, SystemRunner};
use anyhow::{Context, ensure};
use futures_util::future::join_all;

use crate::client::{Http, Session};
use crate::options::{Command, RunOptions, Target};
use crate::prepare::Workload;
use crate::scenario::{Plan, Scenario, ScenarioRun};
use crate::stack::{ServiceSpec, Stack};
use crate::verify::Findings;

/// Extra session lifetime of a spawned service beyond the planned run.
const SESSION_MARGIN: Duration = Duration::from_secs(3600);

fn main() -> ExitCode {
    match options::parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            print!("{}", options::USAGE);
            ExitCode::SUCCESS
        }
        Ok(Command::Prepare { db, shape }) => match prepare::create(&db, shape) {
            Ok(()) => {
                eprintln!(
                    "loadgen: prepared {} ({} users, {} films)",
                    db.display(),
                    shape.users,
                    shape.films
                );
                ExitCode::SUCCESS
            }
            Err(error) => setup_failed(&error),
        },
        Ok(Command::Run(options)) => match measure(&options) {
            Ok(measured) => {
                print!("{}", measured.render(options.json));
                if measured.passed() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(error) => setup_failed(&error),
        },
        Err(usage) => {
            eprintln!("loadgen: {usage} (see loadgen --help)");
            ExitCode::from(2)
        }
    }
}

fn setup_failed(error: &anyhow::Error) -> ExitCode {
    eprintln!("loadgen: {error:#}");
    ExitCode::from(2)
}

/// The report of a run, by kind of run.
enum Measured {
    Scenarios(Box<report::Report>),
    SlowClients(Box<slow::SlowReport>),
}

impl Measured {
    /// The report as tables, or as JSON.
    fn render(&self, json: bool) -> String {
        let text = match (self, json) {
            (Measured::Scenarios(report), false) => report::table(report),
            (Measured::SlowClients(report), false) => slow::table(report),
            (Measured::Scenarios(report), true) => to_json(report),
            (Measured::SlowClients(report), true) => to_json(report),
        };
        if text.ends_with('\n') {
            text
        } else {
            text + "\n"
        }
    }

    fn passed(&self) -> bool {
        match self {
            Measured::Scenarios(report) => report.failures.is_empty(),
            Measured::SlowClients(report) => report.failures.is_empty(),
        }
    }
}

fn to_json(report: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

/// Where the service under load is.
struct Service {
    url: String,
    db: PathBuf,
    broker: verify::Broker,
    pid: Option<u32>,
    description: String,
    /// Keeps spawned processes alive until the checks are done.
    stack: Option<Stack>,
}

/// Runs the measurement; if it fails because the spawned service died,
/// says how it ended and keeps its log.
fn measure(options: &RunOptions) -> anyhow::Result<Measured> {
    let machine = report::machine();
    let mut service = service(options)?;
    let measured = measure_with(options, machine, &service);
    let ended = service.stack.as_mut().and_then(|stack| {
        let status = stack.service_ended()?;
        Some(format!(
            "the service exited ({status}); its log is in {}",
            stack.dir().join("service.log").display()
        ))
    });
    match (measured, ended) {
        (Err(error), Some(ended)) => Err(error.context(ended)),
        (measured, _) => measured,
    }
}

fn measure_with(
    options: &RunOptions,
    machine: report::Machine,
    service: &Service,
) -> anyhow::Result<Measured> {
    let workload = prepare::discover(&service.db, options.shape)?;
    let system = System::new();
    let http = Http::new(&service.url, options.shape.users);
    let sessions = system.block_on(login_all(&http, &workload))?;
    let plan = system.block_on(plan(&http, &sessions, &workload, service))?;
    if options.slow_clients() {
        let ready = Ready {
            system: &system,
            http: &http,
            sessions: &sessions,
            workload: &workload,
            plan: &plan,
        };
        return slow_clients(options, machine, &ready, service);
    }

    if !options.warmup.is_zero() {
        progress(&format!(
            "warm-up: {:.1} s of ceiling traffic",
            options.warmup.as_secs_f64()
        ));
        scenario::run(
            Scenario::Ceiling,
            &plan,
            &sessions,
            options.threads,
            options.warmup,
        )?;
    }
    let mut runs = Vec::new();
    for scenario in std::iter::once(Scenario::Ceiling).chain(options.scenarios.iter().copied()) {
        let duration = match scenario {
            Scenario::Ceiling => options.ceiling,
            _ => options.duration,
        };
        system.block_on(release_all(&http, &sessions))?;
        progress(&format!(
            "{}: {:.0} s, {} users",
            scenario.name(),
            duration.as_secs_f64(),
            sessions.len()
        ));
        runs.push(scenario::run(
            scenario,
            &plan,
            &sessions,
            options.threads,
            duration,
        )?);
    }

    progress("verifying");
    let measured: Vec<&ScenarioRun> = runs.iter().collect();
    let findings = system.block_on(check(&http, &sessions, service, &measured))?;
    Ok(Measured::Scenarios(Box::new(report::build(
        options,
        machine,
        service.description.clone(),
        &runs,
        findings,
    ))))
}

/// What a run has once its users are logged in and its plan is known.
struct Ready<'a> {
    system: &'a SystemRunner,
    http: &'a Http,
    sessions: &'a [Session],
    workload: &'a Workload,
    plan: &'a Plan,
}

/// The slow-clients scenario ([`slow`]): the first users send the normal
/// requests, the last one the slow body.
fn slow_clients(
    options: &RunOptions,
    machine: report::Machine,
    ready: &Ready,
    service: &Service,
) -> anyhow::Result<Measured> {
    let Ready {
        system,
        http,
        sessions,
        workload,
        plan,
    } = *ready;
    let normal = &sessions[..options.slow.normal_clients.min(sessions.len())];
    let slow_body = sessions.last().context("no users")?;
    let reset = || system.block_on(release_all(http, normal));
    let measurement = slow::run(options, plan, normal, slow_body, &workload.users, reset)?;

    progress("verifying");
    let phases: Vec<&ScenarioRun> = measurement.phases.iter().collect();
    let findings = system.block_on(check(http, sessions, service, &phases))?;
    Ok(Measured::SlowClients(Box::new(slow::report(
        options,
        machine,
        service.description.clone(),
        measurement,
        findings,
    ))))
}

fn progress(message: &str) {
    eprintln!("loadgen: {message}");
}

/// Starts the service (all-in-one mode) or describes the existing one.
fn service(options: &RunOptions) -> anyhow::Result<Service> {
    match &options.target {
        Target::Existing {
            url,
            db,
            mqtt,
            mqtt_login,
            pid,
        } => Ok(Service {
            url: url.clone(),
            db: db.clone(),
            broker: verify::Broker::parse(mqtt, mqtt_login.clone())?,
            pid: *pid,
            description: format!("existing service at {url}"),
            stack: None,
        }),
        Target::Spawn {
            service_bin,
            log_filter,
            keep_dir,
        } => {
            let binary = match service_bin {
                Some(path) => path.clone(),
                None => std::env::current_exe()
                    .context("locating this executable")?
                    .with_file_name("film-manager"),
            };
            // slow-clients has no ceiling but two phases.
            let (ceiling, runs) = if options.slow_clients() {
                (Duration::ZERO, 2)
            } else {
                (options.ceiling, options.scenarios.len() as u32)
            };
            let session = options.warmup + ceiling + options.duration * runs + SESSION_MARGIN;
            let spec = ServiceSpec {
                binary: binary.clone(),
                log_filter: log_filter.clone(),
                session,
            };
            progress("preparing the database, starting mosquitto and the service");
            let stack = Stack::start(options.shape, &spec, *keep_dir)?;
            progress(&format!(
                "service (pid {}) at {}, broker at {}, files in {}",
                stack.service_pid().unwrap_or(0),
                stack.url,
                stack.mqtt_url,
                stack.dir().display()
            ));
            Ok(Service {
                url: stack.url.clone(),
                db: stack.db.clone(),
                broker: verify::Broker::parse(&stack.mqtt_url, None)?,
                pid: stack.service_pid(),
                description: binary.display().to_string(),
                stack: Some(stack),
            })
        }
    }
}

async fn login_all(http: &Http, workload: &Workload) -> anyhow::Result<Vec<Session>> {
    join_all(workload.users.iter().map(|user| http.login(user)))
        .await
        .into_iter()
        .collect()
}

/// Learns how many pages the listings have, for the mixed scenario.
async fn plan(
    http: &Http,
    sessions: &[Session],
    workload: &Workload,
    service: &Service,
) -> anyhow::Result<Plan> {
    let first = sessions.first().context("no users")?;
    let mut pages = Vec::new();
    for path in ["/api/films/public", "/api/films/public/invited"] {
        let (status, page) = http.get_json(first, path).await?;
        ensure!(status == 200, "GET {path} answered {status}");
        let total = page
            .get("totalPages")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        ensure!(total > 0, "GET {path} shows no page");
        pages.push(total);
    }
    Ok(Plan {
        url: service.url.clone(),
        hot_film: workload.hot_film,
        spread_films: workload.spread_films.clone(),
        public_pages: pages[0],
        invited_pages: pages[1],
        service_pid: service.pid,
    })
}

/// Releases every user's active film, so that each scenario starts with no
/// load user holding a film. Not measured.
async fn release_all(http: &Http, sessions: &[Session]) -> anyhow::Result<()> {
    let releases = sessions.iter().map(|session| {
        let path = format!("/api/users/{}/selection", session.user_id);
        async move {
            (
                http.call(session, awc::http::Method::DELETE, &path, None)
                    .await,
                path,
            )
        }
    });
    for (answer, path) in join_all(releases).await {
        ensure!(
            answer.outcome == client::Outcome::Status(204, None),
            "DELETE {path} between scenarios: {:?}",
            answer.outcome
        );
    }
    Ok(())
}

async fn check(
    http: &Http,
    sessions: &[Session],
    service: &Service,
    runs: &[&ScenarioRun],
) -> anyhow::Result<Findings> {
    let mut found = Findings {
        rule_violations: verify::rule_violations(&service.db)?,
        ..Findings::default()
    };

    let expected = verify::expected_statuses(&service.db)?;
    found.films_checked = expected.len();
    (found.mqtt_mismatches, found.mqtt_converged_after_s) =
        verify::mqtt_against(&service.broker, &expected).await?;

    let active = verify::active_films(&service.db)?;
    found.view_mismatches = verify::service_view(http, sessions, &active).await?;
    found.users_checked = sessions.len();

    for run in runs {
        found.holds_checked += run.holds.len();
        found
            .hold_overlaps
            .extend(verify::hold_overlaps(run.scenario.name(), &run.holds));
    }
    Ok(found)
}
