//! The checks after the load: the two selection rules in the database, the
//! broker's retained status of every film against the database, the
//! service's own view of each load user's selection against the database,
//! and the hold intervals the clients observed.
//!
//! Expected MQTT payloads are built here from CONTRACT §5.1, not with the
//! service's code, so that a wrong payload in the service cannot agree with
//! itself. A retained snapshot is complete without timing guesses: after the
//! SubAck of `#` the broker has queued every retained message, and a
//! sentinel published next arrives after all of them. Snapshots repeat until
//! they match or a deadline passes, because the broker converges after the
//! database (CONTRACT §5.3).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use film_manager::mqtt::BrokerAddress;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS, SubscribeReasonCode};
use serde::Serialize;

use crate::client::{Http, Session};
use crate::prepare::open_read_only;
use crate::scenario::Hold;

/// How long the broker may take to converge once the load has stopped.
const CONVERGENCE_DEADLINE: Duration = Duration::from_secs(20);

/// Deadline of one retained snapshot.
const SNAPSHOT_DEADLINE: Duration = Duration::from_secs(10);

/// Pause between two snapshots that did not match.
const SNAPSHOT_PAUSE: Duration = Duration::from_millis(200);

/// Topic prefix of this tool's own sentinels.
const SENTINEL_PREFIX: &str = "loadgen/sentinel/";

/// Problems found, by check; empty lists mean the check passed.
#[derive(Debug, Default, Serialize)]
pub struct Findings {
    /// A film or a user with more than one active row.
    pub rule_violations: Vec<String>,
    /// A film whose retained status differs from the database.
    pub mqtt_mismatches: Vec<String>,
    /// A load user whose selection, as the service answers it, differs from
    /// the database.
    pub view_mismatches: Vec<String>,
    /// Two users observed holding one film at the same time.
    pub hold_overlaps: Vec<String>,
    /// Public films compared with the broker.
    pub films_checked: usize,
    /// Users whose selection was compared.
    pub users_checked: usize,
    /// Hold intervals checked for overlaps.
    pub holds_checked: usize,
    /// How long the broker took to match the database.
    pub mqtt_converged_after_s: Option<f64>,
}

impl Findings {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.rule_violations.is_empty()
            && self.mqtt_mismatches.is_empty()
            && self.view_mismatches.is_empty()
            && self.hold_overlaps.is_empty()
    }
}

/// Films or users with more than one active row, as sentences.
pub fn rule_violations(db: &Path) -> anyhow::Result<Vec<String>> {
    let conn = open_read_only(db)?;
    let mut found = Vec::new();
    for (column, other, what) in [
        ("filmId", "reviewerId", "film"),
        ("reviewerId", "filmId", "user"),
    ] {
        let sql = format!(
            "SELECT {column}, group_concat({other}) FROM reviews WHERE active = 1 \
             GROUP BY {column} HAVING count(*) > 1"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, others) = row?;
            found.push(format!("{what} {id} has several active rows ({others})"));
        }
    }
    Ok(found)
}

/// Each public film's expected retained payload, from the database.
pub fn expected_statuses(db: &Path) -> anyhow::Result<BTreeMap<i64, String>> {
    let conn = open_read_only(db)?;
    let mut stmt = conn.prepare(
        "SELECT f.id, u.id, u.name FROM films f \
         LEFT JOIN reviews r ON r.filmId = f.id AND r.active = 1 \
         LEFT JOIN users u ON u.id = r.reviewerId \
         WHERE f.private = 0 ORDER BY f.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let holder: Option<i64> = r.get(1)?;
        let payload = match holder {
            Some(id) => active_payload(id, &r.get::<_, String>(2)?),
            None => r#"{"status":"inactive"}"#.to_owned(),
        };
        Ok((r.get(0)?, payload))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The active film of every user who has one, from the database.
pub fn active_films(db: &Path) -> anyhow::Result<HashMap<i64, i64>> {
    let conn = open_read_only(db)?;
    let mut stmt = conn.prepare("SELECT reviewerId, filmId FROM reviews WHERE active = 1")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn active_payload(user: i64, name: &str) -> String {
    let name = serde_json::to_string(name).unwrap_or_default();
    format!(r#"{{"status":"active","userId":"{user}","userName":{name}}}"#)
}

/// Compares the broker's retained film statuses with `expected` until they
/// match or the deadline passes; returns the differences of the last
/// snapshot and how long matching took.
pub async fn mqtt_against(
    broker: &Broker,
    expected: &BTreeMap<i64, String>,
) -> anyhow::Result<(Vec<String>, Option<f64>)> {
    let started = Instant::now();
    loop {
        let snapshot = retained_snapshot(broker).await;
        let differences = match &snapshot {
            Ok(retained) => differences(expected, retained),
            Err(error) => vec![format!("no snapshot of the broker: {error}")],
        };
        if differences.is_empty() {
            return Ok((differences, Some(started.elapsed().as_secs_f64())));
        }
        if started.elapsed() >= CONVERGENCE_DEADLINE {
            return Ok((differences, None));
        }
        actix_web::rt::time::sleep(SNAPSHOT_PAUSE).await;
    }
}

/// Film topics (decimal ids) whose retained payload is not the expected
/// one. A numeric topic of a film that is not public (now) may only say
/// `deleted`.
fn differences(
    expected: &BTreeMap<i64, String>,
    retained: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut found = Vec::new();
    for (film, want) in expected {
        match retained.get(&film.to_string()) {
            Some(got) if got == want => {}
            Some(got) => found.push(format!("film {film}: broker {got}, database {want}")),
            None => found.push(format!("film {film}: no retained status, database {want}")),
        }
    }
    let deleted = r#"{"status":"deleted"}"#;
    for (topic, payload) in retained {
        let film: Option<i64> = topic
            .parse()
            .ok()
            .filter(|_| topic.bytes().all(|b| b.is_ascii_digit()));
        if film.is_some_and(|film| !expected.contains_key(&film)) && payload != deleted {
            found.push(format!(
                "topic {topic}: {payload} for a film that is not public"
            ));
        }
    }
    found
}

/// The broker the checker reads, and as whom.
#[derive(Debug, Clone)]
pub struct Broker {
    host: String,
    port: u16,
    login: Option<(String, String)>,
}

impl Broker {
    /// Parses `mqtt://host:port` as the service does (scheme and port
    /// optional, default 1883).
    pub fn parse(url: &str, login: Option<(String, String)>) -> anyhow::Result<Broker> {
        let address = BrokerAddress::parse(url).map_err(anyhow::Error::msg)?;
        Ok(Broker {
            host: address.host,
            port: address.port,
            login,
        })
    }
}

/// Every retained message on the broker now, topic → payload.
async fn retained_snapshot(broker: &Broker) -> anyhow::Result<BTreeMap<String, String>> {
    let unique = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
    let id = format!("loadgen-check-{unique}");
    let mut options = MqttOptions::new(id, broker.host.clone(), broker.port);
    options
        .set_keep_alive(Duration::from_secs(5))
        .set_max_packet_size(1 << 20, 1 << 20);
    if let Some((user, password)) = &broker.login {
        options.set_credentials(user, password);
    }
    let (client, mut events) = AsyncClient::new(options, 16);
    let sentinel = format!("{SENTINEL_PREFIX}{unique}");
    client
        .try_subscribe("#", QoS::AtLeastOnce)
        .context("queueing the subscription")?;

    let collect = async {
        let mut retained = BTreeMap::new();
        loop {
            match events.poll().await.context("reading from the broker")? {
                Event::Incoming(Packet::SubAck(ack)) => {
                    anyhow::ensure!(
                        !ack.return_codes.contains(&SubscribeReasonCode::Failure),
                        "the broker refused the subscription to #"
                    );
                    client.try_publish(&sentinel, QoS::AtLeastOnce, false, "sentinel")?;
                }
                Event::Incoming(Packet::Publish(publish)) if publish.topic == sentinel => {
                    return Ok(retained);
                }
                // A live message is newer than the retained one of its topic.
                Event::Incoming(Packet::Publish(publish)) => {
                    let payload = String::from_utf8_lossy(&publish.payload).into_owned();
                    retained.insert(publish.topic, payload);
                }
                _ => {}
            }
        }
    };
    let outcome = actix_web::rt::time::timeout(SNAPSHOT_DEADLINE, collect).await;
    let _ = client.try_disconnect();
    outcome.unwrap_or_else(|_| {
        Err(anyhow::anyhow!(
            "the sentinel did not come back within {SNAPSHOT_DEADLINE:?} \
             (may this client publish? see --mqtt-user)"
        ))
    })
}

/// Load users whose selection, as `GET /api/users/{id}/selection` answers
/// it, differs from the database's active film.
pub async fn service_view(
    http: &Http,
    sessions: &[Session],
    database: &HashMap<i64, i64>,
) -> anyhow::Result<Vec<String>> {
    let mut found = Vec::new();
    for session in sessions {
        let path = format!("/api/users/{}/selection", session.user_id);
        let answered = match http.get_json(session, &path).await? {
            (200, film) => film.get("id").and_then(serde_json::Value::as_i64),
            (404, _) => None,
            (status, _) => anyhow::bail!("GET {path} answered {status}"),
        };
        let stored = database.get(&session.user_id).copied();
        if answered != stored {
            found.push(format!(
                "user {}: service answers {answered:?}, database has {stored:?}",
                session.user_id
            ));
        }
    }
    Ok(found)
}

/// Pairs of holds of one film by different users that overlap in time.
pub fn hold_overlaps(scenario: &str, holds: &[Hold]) -> Vec<String> {
    let mut by_film: BTreeMap<i64, Vec<&Hold>> = BTreeMap::new();
    for hold in holds {
        by_film.entry(hold.film).or_default().push(hold);
    }
    let mut found = Vec::new();
    for (film, mut holds) in by_film {
        holds.sort_by_key(|hold| hold.from);
        let mut latest: Option<&Hold> = None;
        for hold in holds {
            match latest {
                Some(earlier) if hold.from < earlier.until => {
                    found.push(format!(
                        "{scenario}: film {film} held by user {} and user {} at once ({:?} overlap)",
                        earlier.user,
                        hold.user,
                        earlier.until.min(hold.until) - hold.from
                    ));
                }
                _ => {}
            }
            if latest.is_none_or(|earlier| hold.until > earlier.until) {
                latest = Some(hold);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_follow_the_contract_bytes() {
        assert_eq!(
            active_payload(2, "Frank"),
            r#"{"status":"active","userId":"2","userName":"Frank"}"#
        );
        assert_eq!(
            active_payload(7, "A \"B\""),
            r#"{"status":"active","userId":"7","userName":"A \"B\""}"#
        );
    }

    #[test]
    fn a_missing_stale_or_stray_status_is_a_difference() {
        let expected = BTreeMap::from([
            (1, "a".to_owned()),
            (2, "b".to_owned()),
            (3, "c".to_owned()),
        ]);
        let retained = BTreeMap::from([
            ("1".to_owned(), "a".to_owned()),
            ("2".to_owned(), "old".to_owned()),
            ("9".to_owned(), r#"{"status":"deleted"}"#.to_owned()),
            ("10".to_owned(), r#"{"status":"inactive"}"#.to_owned()),
            ("filmmanager/status".to_owned(), "online".to_owned()),
        ]);

        let found = differences(&expected, &retained);

        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("film 2:") && found[1].starts_with("film 3:"));
        assert!(found[2].starts_with("topic 10:"));
    }

    #[test]
    fn overlapping_holds_of_one_film_are_found_and_back_to_back_ones_are_not() {
        let t = Instant::now();
        let at = |ms| t + Duration::from_millis(ms);
        let hold = |film, user, from, until| Hold {
            film,
            user,
            from: at(from),
            until: at(until),
        };
        let fine = [hold(1, 7, 0, 10), hold(1, 8, 10, 20), hold(2, 9, 5, 15)];
        let broken = [hold(1, 7, 0, 10), hold(1, 8, 9, 20)];
        let nested = [hold(1, 7, 0, 100), hold(1, 8, 10, 20), hold(1, 9, 30, 40)];

        assert!(hold_overlaps("t", &fine).is_empty());
        assert_eq!(hold_overlaps("t", &broken).len(), 1);
        assert_eq!(
            hold_overlaps("t", &nested).len(),
            2,
            "both holds inside the long one"
        );
    }
}
