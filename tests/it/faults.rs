//! Faults (issue 7): the service is SIGKILLed in the middle of a burst of
//! selections and restarted on the same database. (The broker's SIGKILL
//! during a burst is covered in `selection`.)

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

use awc::http::Method;
use futures_util::future::{join, join_all};
use serde_json::json;

use crate::common::db::{active_reviews, query_i64};
use crate::common::mqtt::{MqttMessage, watch};
use crate::common::{Broker, wait_until};
use crate::fixtures::{CONVERGENCE, Crowd, assert_broker_matches_database, crowd};

/// What one reviewer saw: the film of its last 204, and the film of the
/// request that got no answer because the service died.
#[derive(Debug, Default, Clone, Copy)]
struct Outcome {
    acknowledged: Option<i64>,
    unanswered: Option<i64>,
}

#[actix_web::test]
async fn a_service_killed_mid_burst_keeps_every_acknowledged_selection() {
    let broker = Broker::start().await;
    let mut crowd = crowd(&broker, 6, 4).await;
    let Crowd {
        db,
        ids,
        clients,
        films,
        service,
        ..
    } = &mut crowd;
    let outcomes = RefCell::new(BTreeMap::<i64, Outcome>::new());
    let acknowledged = Cell::new(0usize);

    let burst = join_all((0..clients.len()).map(|i| {
        let (clients, ids, films) = (&clients, &ids, &films);
        let (outcomes, acknowledged) = (&outcomes, &acknowledged);
        async move {
            for round in 0..1000 {
                let film = films[(i * 3 + round) % films.len()];
                let path = format!("/api/users/{}/selection", ids[i]);
                let body = Some(json!({ "id": film }));
                match clients[i].try_request(Method::PUT, &path, body).await {
                    Ok(reply) if reply.status == 204 => {
                        outcomes
                            .borrow_mut()
                            .entry(ids[i])
                            .or_default()
                            .acknowledged = Some(film);
                        acknowledged.set(acknowledged.get() + 1);
                    }
                    Ok(reply) => assert_eq!(reply.status, 409, "{reply:?}"),
                    Err(_) => {
                        outcomes.borrow_mut().entry(ids[i]).or_default().unanswered = Some(film);
                        return;
                    }
                }
            }
        }
    }));
    let kill = async {
        assert!(wait_until(CONVERGENCE, || async { acknowledged.get() >= 150 }).await);
        service.kill();
    };
    join(burst, kill).await;
    let watcher = watch(&broker).await;
    watcher
        .wait_until(CONVERGENCE, |seen| {
            seen.iter().filter(|m| m.retain).count() >= 8
        })
        .await;
    watcher.clear();
    service.restart().await;

    let active: BTreeMap<i64, i64> = active_reviews(db)
        .into_iter()
        .map(|(film, user)| (user, film))
        .collect();
    for (user, outcome) in outcomes.borrow().iter() {
        // A later request that died with the service may have committed.
        let mut allowed = vec![outcome.acknowledged];
        if outcome.unanswered.is_some() {
            allowed.push(outcome.unanswered);
        }
        let now = active.get(user).copied();
        assert!(
            allowed.contains(&now),
            "user {user}: active {now:?} after restart; {outcome:?}"
        );
    }
    let double_booked = query_i64(
        db,
        "SELECT COUNT(*) FROM (SELECT filmId FROM reviews WHERE active = 1 \
         GROUP BY filmId HAVING COUNT(*) > 1)",
    );
    assert_eq!(double_booked, 0);
    let public_films = query_i64(db, "SELECT COUNT(*) FROM films WHERE private = 0");
    let republished_films = |seen: &[MqttMessage]| {
        let fresh = seen
            .iter()
            .filter(|m| !m.retain && m.topic.parse::<i64>().is_ok());
        fresh
            .map(|m| m.topic.clone())
            .collect::<BTreeSet<_>>()
            .len() as i64
    };
    let seen = watcher
        .wait_until(CONVERGENCE, |seen| republished_films(seen) == public_films)
        .await;
    assert_eq!(
        republished_films(&seen),
        public_films,
        "every public film is republished"
    );
    assert_broker_matches_database(&broker, db, &[]).await;
}
