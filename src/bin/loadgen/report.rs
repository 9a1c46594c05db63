//! The report: figures of every run as ratios against the ceiling measured
//! in the same run, the verification findings and the performance targets,
//! printed as tables or as JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::options::{RunOptions, Target};
use crate::probe::RssSample;
use crate::scenario::{Scenario, ScenarioRun};
use crate::stats::{Kind, OutcomeSummary, Summary, rate};
use crate::verify::Findings;

/// Hot-film throughput must reach this share of the ceiling.
const HOT_RATIO_TARGET: f64 = 0.5;
/// p99 latency target, in milliseconds.
const P99_TARGET_MS: f64 = 10.0;
/// Largest RSS growth from the first minute to the end of a soak.
const RSS_GROWTH_TARGET: f64 = 0.10;
/// A run this long counts as a soak (RSS after one minute vs the end).
const SOAK_MIN_SECONDS: f64 = 120.0;

/// Everything one invocation measured and found.
#[derive(Debug, Serialize)]
pub struct Report {
    pub machine: Machine,
    pub settings: Settings,
    /// The ceiling first, then the scenarios in the order they ran.
    pub runs: Vec<RunReport>,
    pub verification: Findings,
    pub targets: Vec<TargetCheck>,
    /// Why the run failed (exit status 1); empty when it passed.
    pub failures: Vec<String>,
}

/// Where the figures were measured.
#[derive(Debug, Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cpus: usize,
    pub memory_mib: u64,
    pub kernel: String,
    /// 1-minute load average when the run began (other work on the machine).
    pub load_before: f64,
}

/// How the run was set up.
#[derive(Debug, Serialize)]
pub struct Settings {
    pub users: usize,
    pub connections: usize,
    pub films: usize,
    pub catalogue: usize,
    pub duration_s: f64,
    pub ceiling_s: f64,
    pub client_threads: usize,
    pub service: String,
    pub service_log: Option<String>,
}

/// The figures of one scenario.
#[derive(Debug, Serialize)]
pub struct RunReport {
    pub scenario: Scenario,
    pub elapsed_s: f64,
    pub requests: usize,
    pub throughput_rps: f64,
    /// Throughput ÷ the ceiling's throughput (none in runs without a
    /// ceiling, i.e. slow-clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio_to_ceiling: Option<f64>,
    pub latency: Summary,
    /// Per request kind: throughput and latency.
    pub kinds: BTreeMap<Kind, KindReport>,
    /// Per kind and status: count and latency.
    pub outcomes: Vec<OutcomeSummary>,
    /// Answers that are wrong under load (unexpected status, transport).
    pub errors: usize,
    pub server_errors: usize,
    pub transport_errors: Vec<String>,
    /// Film holds the clients observed (grant to give-up).
    pub holds: usize,
    /// Service CPU time ÷ elapsed time (1.0 = one core busy).
    pub service_cores: Option<f64>,
    /// This client's CPU time ÷ elapsed time.
    pub client_cores: Option<f64>,
    /// Service CPU microseconds per request.
    pub service_cpu_us_per_request: Option<f64>,
    pub rss: Option<RssReport>,
}

/// Throughput and latency of one request kind.
#[derive(Debug, Serialize)]
pub struct KindReport {
    pub throughput_rps: f64,
    pub latency: Summary,
}

/// The service's resident memory during a run, in KiB.
#[derive(Debug, Serialize)]
pub struct RssReport {
    pub start_kib: u64,
    /// First sample at least 60 s in, for runs that long.
    pub after_first_minute_kib: Option<u64>,
    pub end_kib: u64,
    pub max_kib: u64,
    pub samples: Vec<RssSample>,
}

/// One performance target: what was measured and whether it was met
/// (`None` when the run cannot tell, e.g. no soak).
#[derive(Debug, Serialize)]
pub struct TargetCheck {
    pub target: String,
    pub measured: String,
    pub met: Option<bool>,
}

/// Builds the report of `runs` (the ceiling first) and `verification`;
/// `machine` was described before the run began.
pub fn build(
    options: &RunOptions,
    machine: Machine,
    service: String,
    runs: &[ScenarioRun],
    verification: Findings,
) -> Report {
    let ceiling = runs
        .first()
        .map_or(0.0, |run| rate(run.recorder.total(), run.elapsed));
    let runs: Vec<RunReport> = runs
        .iter()
        .map(|run| run_report(run, Some(ceiling)))
        .collect();
    let targets = targets(&runs, &verification, options.shape.users);
    let failures = failures(&runs, &verification);
    Report {
        machine,
        settings: settings(options, service),
        runs,
        verification,
        targets,
        failures,
    }
}

fn settings(options: &RunOptions, service: String) -> Settings {
    let service_log = match &options.target {
        Target::Spawn { log_filter, .. } => Some(log_filter.clone()),
        Target::Existing { .. } => None,
    };
    Settings {
        users: options.shape.users,
        connections: options.shape.users,
        films: options.shape.films,
        catalogue: options.shape.catalogue,
        duration_s: options.duration.as_secs_f64(),
        ceiling_s: options.ceiling.as_secs_f64(),
        client_threads: options.threads,
        service,
        service_log,
    }
}

/// The figures of `run`, with its ratio to `ceiling_rps` if given.
pub fn run_report(run: &ScenarioRun, ceiling_rps: Option<f64>) -> RunReport {
    let elapsed = run.elapsed.as_secs_f64();
    let requests = run.recorder.total();
    let throughput = rate(requests, run.elapsed);
    let per_core = |cpu: Option<f64>| cpu.filter(|_| elapsed > 0.0).map(|cpu| cpu / elapsed);
    RunReport {
        scenario: run.scenario,
        elapsed_s: elapsed,
        requests,
        throughput_rps: throughput,
        ratio_to_ceiling: ceiling_rps.map(|ceiling| {
            if ceiling > 0.0 {
                throughput / ceiling
            } else {
                0.0
            }
        }),
        latency: run.recorder.overall(),
        kinds: run
            .recorder
            .per_kind()
            .into_iter()
            .map(|(kind, latency)| {
                (
                    kind,
                    KindReport {
                        throughput_rps: latency.count as f64 / elapsed.max(1e-9),
                        latency,
                    },
                )
            })
            .collect(),
        outcomes: run.recorder.per_outcome(),
        errors: run.recorder.errors(),
        server_errors: run.recorder.server_errors(),
        transport_errors: run.recorder.transport_errors().to_vec(),
        holds: run.holds.len(),
        service_cores: per_core(run.service_cpu),
        client_cores: per_core(run.client_cpu),
        service_cpu_us_per_request: run
            .service_cpu
            .filter(|_| requests > 0)
            .map(|cpu| cpu * 1e6 / requests as f64),
        rss: rss_report(&run.rss),
    }
}

fn rss_report(samples: &[RssSample]) -> Option<RssReport> {
    let (first, last) = (samples.first()?, samples.last()?);
    Some(RssReport {
        start_kib: first.rss_kib,
        after_first_minute_kib: samples
            .iter()
            .find(|s| s.at_s >= 60.0 && last.at_s >= SOAK_MIN_SECONDS)
            .map(|s| s.rss_kib),
        end_kib: last.rss_kib,
        max_kib: samples.iter().map(|s| s.rss_kib).max().unwrap_or(0),
        samples: samples.to_vec(),
    })
}

fn targets(runs: &[RunReport], found: &Findings, connections: usize) -> Vec<TargetCheck> {
    let mut checks = Vec::new();
    if let Some(hot) = runs.iter().find(|run| run.scenario == Scenario::Hot) {
        checks.push(TargetCheck {
            target: format!("hot-film throughput >= {HOT_RATIO_TARGET} x ceiling"),
            measured: format!("{:.3} x ceiling", hot.ratio_to_ceiling.unwrap_or(0.0)),
            met: Some(hot.ratio_to_ceiling.unwrap_or(0.0) >= HOT_RATIO_TARGET),
        });
    }
    for run in runs.iter().filter(|run| run.scenario != Scenario::Ceiling) {
        checks.push(TargetCheck {
            target: format!(
                "{}: p99 < {P99_TARGET_MS} ms at {connections} connections",
                run.scenario.name()
            ),
            measured: format!("p99 {:.2} ms", run.latency.p99_ms),
            met: Some(run.latency.p99_ms < P99_TARGET_MS),
        });
    }
    for run in runs.iter().filter(|run| run.scenario != Scenario::Ceiling) {
        let Some((minute, end)) = run
            .rss
            .as_ref()
            .and_then(|rss| Some((rss.after_first_minute_kib?, rss.end_kib)))
        else {
            continue;
        };
        let growth = (end as f64 - minute as f64) / minute as f64;
        checks.push(TargetCheck {
            target: format!(
                "{} soak: RSS at the end within 10 % of RSS after 1 min",
                run.scenario.name()
            ),
            measured: format!("{minute} KiB -> {end} KiB ({:+.1} %)", growth * 100.0),
            met: Some(growth.abs() <= RSS_GROWTH_TARGET),
        });
    }
    let errors: usize = runs.iter().map(|run| run.errors).sum();
    checks.push(TargetCheck {
        target: "no error responses".into(),
        measured: format!("{errors} errors"),
        met: Some(errors == 0),
    });
    checks.push(TargetCheck {
        target: "zero rule violations and MQTT/database mismatches".into(),
        measured: format!(
            "{} violations, {} MQTT mismatches, {} view mismatches, {} overlaps",
            found.rule_violations.len(),
            found.mqtt_mismatches.len(),
            found.view_mismatches.len(),
            found.hold_overlaps.len()
        ),
        met: Some(found.passed()),
    });
    checks
}

fn failures(runs: &[RunReport], found: &Findings) -> Vec<String> {
    let mut failures: Vec<String> = Vec::new();
    for run in runs.iter().filter(|run| run.errors > 0) {
        let wrong: Vec<String> = run
            .outcomes
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
            .collect();
        failures.push(format!(
            "{}: {} error responses ({})",
            run.scenario.name(),
            run.errors,
            wrong.join(", ")
        ));
    }
    failures.extend(found.rule_violations.iter().cloned());
    failures.extend(found.mqtt_mismatches.iter().cloned());
    failures.extend(found.view_mismatches.iter().cloned());
    failures.extend(found.hold_overlaps.iter().cloned());
    failures
}

/// Describes this machine and its current load (call it before the run:
/// the run's own load would count otherwise).
pub fn machine() -> Machine {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|line| {
            line.strip_prefix("model name")
                .and_then(|rest| rest.split_once(':'))
        })
        .map_or_else(|| "unknown".to_owned(), |(_, name)| name.trim().to_owned());
    let memory_kib: u64 = read("/proc/meminfo")
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    Machine {
        cpu,
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory_mib: memory_kib / 1024,
        kernel: read("/proc/sys/kernel/osrelease").trim().to_owned(),
        load_before: read("/proc/loadavg")
            .split_whitespace()
            .next()
            .and_then(|l| l.parse().ok())
            .unwrap_or(0.0),
    }
}

/// The first line of every text report: the machine and its load.
pub fn machine_line(m: &Machine) -> String {
    format!(
        "machine: {} x {}, {} MiB, Linux {}, load {:.2} before the run\n",
        m.cpus, m.cpu, m.memory_mib, m.kernel, m.load_before
    )
}

/// The report as human-readable tables.
pub fn table(report: &Report) -> String {
    let s = &report.settings;
    let mut out = machine_line(&report.machine);
    let _ = writeln!(
        out,
        "run: {} users = {} connections, {} spread films, {} catalogue films, {:.0} s per scenario ({:.0} s ceiling), {} client thread(s)",
        s.users, s.connections, s.films, s.catalogue, s.duration_s, s.ceiling_s, s.client_threads
    );
    let _ = writeln!(
        out,
        "service: {}{}\n",
        s.service,
        s.service_log
            .as_ref()
            .map_or(String::new(), |f| format!(" (RUST_LOG={f})"))
    );
    scenario_table(&mut out, &report.runs);
    kind_table(&mut out, &report.runs);
    verification_lines(&mut out, &report.verification);
    target_lines(&mut out, &report.targets);
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

fn scenario_table(out: &mut String, runs: &[RunReport]) {
    let _ = writeln!(
        out,
        "{:<8} {:>9} {:>9} {:>8} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6} {:>6} {:>8} {:>9}",
        "scenario",
        "requests",
        "req/s",
        "÷ceiling",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "errors",
        "svc",
        "client",
        "µs/req",
        "RSS MiB"
    );
    for run in runs {
        let cores = |c: Option<f64>| c.map_or("-".to_owned(), |c| format!("{c:.2}"));
        let rss = run.rss.as_ref().map_or("-".to_owned(), |r| {
            format!("{:.1}", r.end_kib as f64 / 1024.0)
        });
        let _ = writeln!(
            out,
            "{:<8} {:>9} {:>9.0} {:>8.2} {:>7.2} {:>7.2} {:>7.2} {:>8.2} {:>6} {:>6} {:>6} {:>8} {:>9}",
            run.scenario.name(),
            run.requests,
            run.throughput_rps,
            run.ratio_to_ceiling.unwrap_or(0.0),
            run.latency.p50_ms,
            run.latency.p90_ms,
            run.latency.p99_ms,
            run.latency.max_ms,
            run.errors,
            cores(run.service_cores),
            cores(run.client_cores),
            run.service_cpu_us_per_request
                .map_or("-".to_owned(), |us| format!("{us:.0}")),
            rss
        );
    }
    let _ = writeln!(
        out,
        "(svc, client: CPU cores busy on average; µs/req: service CPU per request)\n"
    );
}

fn kind_table(out: &mut String, runs: &[RunReport]) {
    let _ = writeln!(
        out,
        "{:<8} {:<14} {:<22} {:>9} {:>8} {:>7} {:>7} {:>7} {:>8}",
        "scenario", "request", "status", "count", "share", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    for run in runs {
        for outcome in &run.outcomes {
            let share = outcome.latency.count as f64 / run.requests.max(1) as f64 * 100.0;
            let mark = if outcome.expected { "" } else { " (!)" };
            let _ = writeln!(
                out,
                "{:<8} {:<14} {:<22} {:>9} {:>7.1}% {:>7.2} {:>7.2} {:>7.2} {:>8.2}",
                run.scenario.name(),
                outcome.kind.name(),
                format!("{}{mark}", outcome.status),
                outcome.latency.count,
                share,
                outcome.latency.p50_ms,
                outcome.latency.p90_ms,
                outcome.latency.p99_ms,
                outcome.latency.max_ms
            );
        }
    }
    let _ = writeln!(out);
}

/// One line per check after the load.
pub fn verification_lines(out: &mut String, found: &Findings) {
    let verdict = |problems: &[String]| {
        if problems.is_empty() {
            "ok".to_owned()
        } else {
            format!("{} FOUND", problems.len())
        }
    };
    let _ = writeln!(out, "verification:");
    let _ = writeln!(
        out,
        "  selection rules in the database (one active film per user and per film): {}",
        verdict(&found.rule_violations)
    );
    let converged = found
        .mqtt_converged_after_s
        .map_or(String::new(), |s| format!(", matched after {s:.2} s"));
    let _ = writeln!(
        out,
        "  retained MQTT status = database, {} public films: {}{converged}",
        found.films_checked,
        verdict(&found.mqtt_mismatches)
    );
    let _ = writeln!(
        out,
        "  service's selection view = database, {} users: {}",
        found.users_checked,
        verdict(&found.view_mismatches)
    );
    let _ = writeln!(
        out,
        "  observed holds never overlap, {} holds: {}",
        found.holds_checked,
        verdict(&found.hold_overlaps)
    );
}

fn target_lines(out: &mut String, targets: &[TargetCheck]) {
    let _ = writeln!(out, "\ntargets:");
    for check in targets {
        let verdict = match check.met {
            Some(true) => "met",
            Some(false) => "NOT met",
            None => "n/a",
        };
        let _ = writeln!(
            out,
            "  {:<62} {:<44} {verdict}",
            check.target, check.measured
        );
    }
}
