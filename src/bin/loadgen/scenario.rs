//! The scenarios and the closed-loop clients that play them.
//!
//! Every simulated user is one client with one request in flight at a time
//! (closed loop): it sends, waits for the whole answer, records it, picks
//! its next request and sends again until the scenario's deadline. With N
//! users there are N concurrent connections. Users are spread over client
//! threads, each running its own actix system and connection pool.
//!
//! - ceiling: `GET /api`, a constant answer: what the same client gets from
//!   the same server when the handler does nothing.
//! - hot: every user races for one film: select it; once granted, release.
//! - spread: users switch among M films; one step in ten is a release.
//! - mixed: 40 % public film pages, 30 % invited film pages, 30 % spread
//!   steps.
//! - slow-clients: the normal requests of [`crate::slow`], half public film
//!   pages, half spread steps, sent at a fixed pace ([`run_paced`]) rather
//!   than as fast as answers come.
//!
//! Each client also notes, for every film it was granted, when it learnt of
//! the grant and when it asked to give the film up. Those intervals lie
//! inside the film's real active period, so two of them overlapping on one
//! film would prove a broken rule (checked in [`crate::verify`]).

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix_web::rt::System;
use awc::http::Method;
use futures_util::future::join_all;
use rand::Rng;
use serde::Serialize;

use crate::client::{Answer, Http, Outcome, Session};
use crate::probe::{self, RssSample};
use crate::stats::{Kind, Recorder};

/// A workload the clients can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    Ceiling,
    Hot,
    Spread,
    Mixed,
    SlowClients,
}

impl Scenario {
    /// The scenarios compared with the ceiling, in their default order.
    pub const MEASURED: [Scenario; 3] = [Scenario::Hot, Scenario::Spread, Scenario::Mixed];

    /// Every scenario `--scenarios` accepts.
    pub const CHOOSABLE: [Scenario; 4] = [
        Scenario::Hot,
        Scenario::Spread,
        Scenario::Mixed,
        Scenario::SlowClients,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Ceiling => "ceiling",
            Scenario::Hot => "hot",
            Scenario::Spread => "spread",
            Scenario::Mixed => "mixed",
            Scenario::SlowClients => "slow-clients",
        }
    }
}

/// What the clients need to know about the service and its data.
#[derive(Debug, Clone)]
pub struct Plan {
    pub url: String,
    pub hot_film: i64,
    pub spread_films: Vec<i64>,
    /// Pages of `GET /api/films/public`.
    pub public_pages: u64,
    /// Pages of `GET /api/films/public/invited` (the same for every user).
    pub invited_pages: u64,
    /// The service's process, for CPU and memory figures.
    pub service_pid: Option<u32>,
}

/// A time during which a film certainly was the user's active film.
#[derive(Debug, Clone, Copy)]
pub struct Hold {
    pub film: i64,
    pub user: i64,
    /// The grant's answer arrived.
    pub from: Instant,
    /// The user asked to give the film up (or the scenario ended).
    pub until: Instant,
}

/// Everything measured while a scenario ran.
pub struct ScenarioRun {
    pub scenario: Scenario,
    /// From the common start to the last answer.
    pub elapsed: Duration,
    pub recorder: Recorder,
    pub holds: Vec<Hold>,
    /// CPU seconds the service used during the run, if its pid is known.
    pub service_cpu: Option<f64>,
    /// CPU seconds this process used during the run.
    pub client_cpu: Option<f64>,
    /// The service's resident memory, sampled every second.
    pub rss: Vec<RssSample>,
}

/// Plays `scenario` with every session for `duration`, on `threads`
/// client threads. Fails only if a client thread panicked.
pub fn run(
    scenario: Scenario,
    plan: &Plan,
    sessions: &[Session],
    threads: usize,
    duration: Duration,
) -> anyhow::Result<ScenarioRun> {
    run_with(scenario, plan, sessions, threads, duration, None)
}

/// Plays the slow-clients scenario's normal requests for `duration`: every
/// session sends one request per period, so that all of them together send
/// `rate` requests a second, on one client thread.
///
/// A request is due one period after the previous one was due. If the
/// previous answer came after that (the client fell behind), the latency
/// counts from when the request was due, not from when it could be sent,
/// so that a stalled answer also shows in the requests it held back.
/// Otherwise it counts from the send, which leaves the timer's wake-up
/// jitter (up to a millisecond) out of the figures.
pub fn run_paced(
    plan: &Plan,
    sessions: &[Session],
    rate: f64,
    duration: Duration,
) -> anyhow::Result<ScenarioRun> {
    let period = Duration::from_secs_f64(sessions.len() as f64 / rate);
    run_with(
        Scenario::SlowClients,
        plan,
        sessions,
        1,
        duration,
        Some(period),
    )
}

fn run_with(
    scenario: Scenario,
    plan: &Plan,
    sessions: &[Session],
    threads: usize,
    duration: Duration,
    pace: Option<Duration>,
) -> anyhow::Result<ScenarioRun> {
    let cpu_before = (
        plan.service_pid.and_then(probe::cpu_seconds),
        probe::own_cpu_seconds(),
    );
    let start = Instant::now();
    let deadline = start + duration;
    let sampling = AtomicBool::new(true);
    let per_thread = sessions.len().div_ceil(threads);

    let (groups, rss) = std::thread::scope(|scope| {
        let sampler = scope.spawn(|| probe::sample_rss(plan.service_pid, start, &sampling));
        let workers: Vec<_> = sessions
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    System::new().block_on(play_group(scenario, plan, chunk, deadline, pace))
                })
            })
            .collect();
        let groups: Result<Vec<Group>, _> =
            workers.into_iter().map(|worker| worker.join()).collect();
        sampling.store(false, Ordering::Relaxed);
        (groups, sampler.join().unwrap_or_default())
    });
    let groups =
        groups.map_err(|_| anyhow::anyhow!("a client thread of {} panicked", scenario.name()))?;

    let mut run = ScenarioRun {
        scenario,
        elapsed: Duration::ZERO,
        recorder: Recorder::default(),
        holds: Vec::new(),
        service_cpu: delta(cpu_before.0, plan.service_pid.and_then(probe::cpu_seconds)),
        client_cpu: delta(cpu_before.1, probe::own_cpu_seconds()),
        rss,
    };
    for group in groups {
        run.elapsed = run
            .elapsed
            .max(group.last_answer.saturating_duration_since(start));
        run.recorder.merge(group.recorder);
        run.holds.extend(group.holds);
    }
    Ok(run)
}

fn delta(before: Option<f64>, after: Option<f64>) -> Option<f64> {
    Some(after? - before?)
}

/// What one client thread measured.
struct Group {
    recorder: Recorder,
    holds: Vec<Hold>,
    last_answer: Instant,
}

async fn play_group(
    scenario: Scenario,
    plan: &Plan,
    sessions: &[Session],
    deadline: Instant,
    pace: Option<Duration>,
) -> Group {
    let http = Http::new(&plan.url, sessions.len());
    let recorder = RefCell::new(Recorder::default());
    let holds = RefCell::new(Vec::new());
    let users = sessions.iter().map(|session| {
        let mut user = User {
            http: &http,
            session,
            plan,
            recorder: &recorder,
            holds: &holds,
            holding: None,
        };
        async move { user.play(scenario, deadline, pace).await }
    });
    let last_answer = join_all(users)
        .await
        .into_iter()
        .max()
        .unwrap_or_else(Instant::now);
    Group {
        recorder: recorder.into_inner(),
        holds: holds.into_inner(),
        last_answer,
    }
}

/// One request a user can send.
#[derive(Debug, Clone, Copy)]
enum Step {
    Ceiling,
    Select(i64),
    Release,
    PublicPage(u64),
    InvitedPage(u64),
}

impl Step {
    fn kind(self) -> Kind {
        match self {
            Step::Ceiling => Kind::Ceiling,
            Step::Select(_) => Kind::Select,
            Step::Release => Kind::Release,
            Step::PublicPage(_) => Kind::PublicPage,
            Step::InvitedPage(_) => Kind::InvitedPage,
        }
    }
}

/// One simulated user during a scenario.
struct User<'a> {
    http: &'a Http,
    session: &'a Session,
    plan: &'a Plan,
    recorder: &'a RefCell<Recorder>,
    holds: &'a RefCell<Vec<Hold>>,
    /// The film this user was granted and has not given up, and since when.
    holding: Option<(i64, Instant)>,
}

impl User<'_> {
    /// Sends requests until the deadline, back to back or one per `pace`
    /// (see [`run_paced`]); returns when the last answer came.
    async fn play(
        &mut self,
        scenario: Scenario,
        deadline: Instant,
        pace: Option<Duration>,
    ) -> Instant {
        let mut last = Instant::now();
        // Paced users start at a random point of their first period, so that
        // their requests do not leave together.
        let mut due = pace.map(|period| last + period.mul_f64(rand::random::<f64>()));
        while due.unwrap_or_else(Instant::now) < deadline {
            let behind = due.filter(|&at| Instant::now() > at);
            if let Some(at) = due {
                actix_web::rt::time::sleep(at.saturating_duration_since(Instant::now())).await;
            }
            let step = self.next_step(scenario);
            let answer = self.send(step).await;
            self.observe(step, &answer);
            let answer = Answer {
                sent: behind.unwrap_or(answer.sent),
                ..answer
            };
            self.recorder.borrow_mut().record(step.kind(), &answer);
            due = due.zip(pace).map(|(at, period)| at + period);
            last = answer.done;
        }
        // Whatever is still held stays held until the next reset, which comes
        // after every answer of this scenario.
        if let Some((film, from)) = self.holding.take() {
            self.note_hold(film, from, last);
        }
        last
    }

    fn next_step(&self, scenario: Scenario) -> Step {
        let mut rng = rand::rng();
        match scenario {
            Scenario::Ceiling => Step::Ceiling,
            Scenario::Hot if self.holding.is_some() => Step::Release,
            Scenario::Hot => Step::Select(self.plan.hot_film),
            Scenario::Spread => self.spread_step(&mut rng),
            Scenario::Mixed => match rng.random_range(0..10) {
                0..4 => Step::PublicPage(rng.random_range(1..=self.plan.public_pages)),
                4..7 => Step::InvitedPage(rng.random_range(1..=self.plan.invited_pages)),
                _ => self.spread_step(&mut rng),
            },
            Scenario::SlowClients if rng.random_bool(0.5) => {
                Step::PublicPage(rng.random_range(1..=self.plan.public_pages))
            }
            Scenario::SlowClients => self.spread_step(&mut rng),
        }
    }

    /// Releases one time in ten when holding a film, else asks for another
    /// film than the one held.
    fn spread_step(&self, rng: &mut impl Rng) -> Step {
        if self.holding.is_some() && rng.random_bool(0.1) {
            return Step::Release;
        }
        let held = self.holding.map(|(film, _)| film);
        let films = &self.plan.spread_films;
        loop {
            let film = films[rng.random_range(0..films.len())];
            if Some(film) != held {
                return Step::Select(film);
            }
        }
    }

    async fn send(&self, step: Step) -> Answer {
        let selection = format!("/api/users/{}/selection", self.session.user_id);
        let (method, path, body) = match step {
            Step::Ceiling => (Method::GET, "/api".to_owned(), None),
            Step::Select(film) => (Method::PUT, selection, Some(format!(r#"{{"id":{film}}}"#))),
            Step::Release => (Method::DELETE, selection, None),
            Step::PublicPage(n) => (Method::GET, format!("/api/films/public?pageNo={n}"), None),
            Step::InvitedPage(n) => (
                Method::GET,
                format!("/api/films/public/invited?pageNo={n}"),
                None,
            ),
        };
        self.http.call(self.session, method, &path, body).await
    }

    /// Updates what the user holds from a granted selection or release.
    fn observe(&mut self, step: Step, answer: &Answer) {
        if answer.outcome != Outcome::Status(204, None) {
            return;
        }
        match step {
            Step::Select(film) => {
                if let Some((held, from)) = self.holding.take()
                    && held != film
                {
                    self.note_hold(held, from, answer.sent);
                }
                self.holding = Some((film, answer.done));
            }
            Step::Release => {
                if let Some((held, from)) = self.holding.take() {
                    self.note_hold(held, from, answer.sent);
                }
            }
            _ => {}
        }
    }

    fn note_hold(&self, film: i64, from: Instant, until: Instant) {
        self.holds.borrow_mut().push(Hold {
            film,
            user: self.session.user_id,
            from,
            until,
        });
    }
}
