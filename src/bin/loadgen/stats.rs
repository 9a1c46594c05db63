//! Measurements: every request's latency, kept per request kind and
//! outcome, and the summaries of the report (nearest-rank percentiles).
//!
//! Latencies are kept whole (4 bytes each) rather than in a histogram: a
//! 10-minute soak at a few thousand requests a second is some tens of MB,
//! and exact percentiles need no bucket-width caveat.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::client::{Answer, Outcome};

/// What a request was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `GET /api`, the trivial endpoint of the ceiling.
    Ceiling,
    /// `PUT /api/users/{id}/selection`.
    Select,
    /// `DELETE /api/users/{id}/selection`.
    Release,
    /// `GET /api/films/public?pageNo=N`.
    PublicPage,
    /// `GET /api/films/public/invited?pageNo=N`.
    InvitedPage,
}

impl Kind {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ceiling => "ceiling",
            Kind::Select => "select",
            Kind::Release => "release",
            Kind::PublicPage => "public_page",
            Kind::InvitedPage => "invited_page",
        }
    }

    /// Whether `outcome` is a correct answer to this kind of request under
    /// load. Anything else is an error of the run.
    pub fn expects(self, outcome: &Outcome) -> bool {
        let Outcome::Status(code, reason) = outcome else {
            return false;
        };
        match self {
            Kind::Ceiling | Kind::PublicPage | Kind::InvitedPage => *code == 200,
            Kind::Release => *code == 204,
            Kind::Select => {
                *code == 204 || (*code == 409 && reason.as_deref() == Some("film_taken"))
            }
        }
    }
}

/// Latencies in microseconds, per request kind and outcome label.
#[derive(Debug, Default)]
pub struct Recorder {
    latencies: BTreeMap<(Kind, String), Vec<u32>>,
    /// The first few transport errors, verbatim, for the report.
    transport_errors: Vec<String>,
}

/// How many transport error messages are kept verbatim.
const KEPT_ERRORS: usize = 5;

impl Recorder {
    /// Records one answer.
    pub fn record(&mut self, kind: Kind, answer: &Answer) {
        if let Outcome::Transport(message) = &answer.outcome
            && self.transport_errors.len() < KEPT_ERRORS
        {
            self.transport_errors
                .push(format!("{}: {message}", kind.name()));
        }
        let micros = u32::try_from(answer.latency().as_micros()).unwrap_or(u32::MAX);
        self.latencies
            .entry((kind, answer.outcome.label()))
            .or_default()
            .push(micros);
    }

    /// Adds another recorder's measurements to this one.
    pub fn merge(&mut self, other: Recorder) {
        for (key, mut values) in other.latencies {
            self.latencies.entry(key).or_default().append(&mut values);
        }
        let room = KEPT_ERRORS.saturating_sub(self.transport_errors.len());
        self.transport_errors
            .extend(other.transport_errors.into_iter().take(room));
    }

    /// Every request recorded.
    pub fn total(&self) -> usize {
        self.latencies.values().map(Vec::len).sum()
    }

    /// Requests whose outcome their kind does not expect.
    pub fn errors(&self) -> usize {
        self.latencies
            .iter()
            .filter(|((kind, label), _)| !kind.expects(&outcome_of(label)))
            .map(|(_, values)| values.len())
            .sum()
    }

    /// Answers with a 5xx status.
    pub fn server_errors(&self) -> usize {
        self.latencies
            .iter()
            .filter(|((_, label), _)| label.starts_with('5'))
            .map(|(_, values)| values.len())
            .sum()
    }

    /// The first transport errors, verbatim.
    pub fn transport_errors(&self) -> &[String] {
        &self.transport_errors
    }

    /// Latency summary of every request.
    pub fn overall(&self) -> Summary {
        Summary::of(self.latencies.values().flatten().copied().collect())
    }

    /// Latency summary per request kind.
    pub fn per_kind(&self) -> BTreeMap<Kind, Summary> {
        let mut grouped: BTreeMap<Kind, Vec<u32>> = BTreeMap::new();
        for ((kind, _), values) in &self.latencies {
            grouped.entry(*kind).or_default().extend_from_slice(values);
        }
        grouped
            .into_iter()
            .map(|(kind, values)| (kind, Summary::of(values)))
            .collect()
    }

    /// Count and latency summary per (kind, outcome label).
    pub fn per_outcome(&self) -> Vec<OutcomeSummary> {
        self.latencies
            .iter()
            .map(|((kind, label), values)| OutcomeSummary {
                kind: *kind,
                status: label.clone(),
                expected: kind.expects(&outcome_of(label)),
                latency: Summary::of(values.clone()),
            })
            .collect()
    }
}

/// Rebuilds enough of an outcome from its label to judge it.
fn outcome_of(label: &str) -> Outcome {
    let mut parts = label.splitn(2, ' ');
    match parts.next().and_then(|code| code.parse().ok()) {
        Some(code) => Outcome::Status(code, parts.next().map(str::to_owned)),
        None => Outcome::Transport(label.to_owned()),
    }
}

/// The requests of one kind that ended with one status.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeSummary {
    pub kind: Kind,
    /// `204`, `409 film_taken`, `transport error`, ...
    pub status: String,
    /// Whether this status is a correct answer under load.
    pub expected: bool,
    /// Latency; its `count` is the number of such requests.
    pub latency: Summary,
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Summary {
    pub count: usize,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Summary {
    /// Summarizes latencies given in microseconds.
    pub fn of(mut micros: Vec<u32>) -> Summary {
        if micros.is_empty() {
            return Summary::default();
        }
        micros.sort_unstable();
        let sum: u64 = micros.iter().map(|&m| u64::from(m)).sum();
        let ms = |m: u32| f64::from(m) / 1000.0;
        Summary {
            count: micros.len(),
            mean_ms: sum as f64 / micros.len() as f64 / 1000.0,
            p50_ms: ms(rank(&micros, 50.0)),
            p90_ms: ms(rank(&micros, 90.0)),
            p99_ms: ms(rank(&micros, 99.0)),
            max_ms: ms(micros[micros.len() - 1]),
        }
    }
}

/// Nearest-rank percentile of sorted, non-empty values.
fn rank(sorted: &[u32], percent: f64) -> u32 {
    let position = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[position.clamp(1, sorted.len()) - 1]
}

/// Requests per second over `elapsed`.
pub fn rate(count: usize, elapsed: Duration) -> f64 {
    let seconds = elapsed.as_secs_f64();
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let summary = Summary::of((1..=100).map(|ms| ms * 1000).collect());

        assert_eq!(summary.count, 100);
        assert_eq!(summary.p50_ms, 50.0);
        assert_eq!(summary.p90_ms, 90.0);
        assert_eq!(summary.p99_ms, 99.0);
        assert_eq!(summary.max_ms, 100.0);
        assert_eq!(summary.mean_ms, 50.5);
    }

    #[test]
    fn only_grants_and_film_taken_are_expected_answers_to_a_selection() {
        let taken = Outcome::Status(409, Some("film_taken".into()));
        let completed = Outcome::Status(409, Some("review_completed".into()));

        assert!(Kind::Select.expects(&Outcome::Status(204, None)));
        assert!(Kind::Select.expects(&taken));
        assert!(!Kind::Select.expects(&completed));
        assert!(!Kind::Select.expects(&Outcome::Status(500, Some("internal".into()))));
        assert!(!Kind::Ceiling.expects(&Outcome::Transport("reset".into())));
        assert!(!Kind::Release.expects(&taken));
    }

    #[test]
    fn labels_survive_the_round_trip_through_the_recorder() {
        assert_eq!(
            outcome_of("409 film_taken"),
            Outcome::Status(409, Some("film_taken".into()))
        );
        assert_eq!(outcome_of("204"), Outcome::Status(204, None));
        assert!(matches!(
            outcome_of("transport error"),
            Outcome::Transport(_)
        ));
    }
}
