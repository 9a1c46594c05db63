//! Selection of the active film (CONTRACT §6) and the retained MQTT statuses
//! it publishes (CONTRACT §5), against a real Mosquitto per test.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::join_all;
use serde_json::json;

use crate::common::db::{active_reviews, query_i64};
use crate::common::mqtt::{
    SERVICE_STATUS_TOPIC, active_payload, deleted_payload, film_topics, inactive_payload,
    retained_snapshot, wait_for_films, wait_for_retained_matching, watch,
};
use crate::common::seed::{self, FRANK, KAREN, RENE, USER};
use crate::common::{Broker, DEADLINE, Service, wait_until};
use crate::fixtures::{
    CONVERGENCE, Crowd, assert_broker_matches_database, crowd, film_with_reviewers, logged_in,
    select,
};

#[actix_web::test]
async fn a_late_subscriber_receives_exactly_the_seed_statuses() {
    let broker = Broker::start().await;
    let _service = Service::start(&broker).await;

    let films = wait_for_films(&broker, &seed::initial_retained(), DEADLINE).await;
    let everything = retained_snapshot(&broker).await;

    assert_eq!(films, seed::initial_retained());
    let others: BTreeSet<_> = everything
        .keys()
        .filter(|t| !films.contains_key(*t))
        .collect();
    assert_eq!(others, BTreeSet::from([&SERVICE_STATUS_TOPIC.to_owned()]));
    assert_eq!(everything[SERVICE_STATUS_TOPIC], "online");
}

#[actix_web::test]
async fn the_slides_scenario_publishes_the_expected_retained_set() {
    let broker = Broker::start().await;
    let service = Service::start(&broker).await;
    wait_for_films(&broker, &seed::initial_retained(), DEADLINE).await;
    let watcher = watch(&broker).await;
    let frank = logged_in(&service, FRANK.email).await;
    let owner = logged_in(&service, USER.email).await;

    assert_eq!(select(&frank, FRANK.id, 2).await.status, 204);
    let switched = watcher
        .wait_until(DEADLINE, |seen| {
            seen.iter()
                .any(|m| m.topic == "1" && m.payload == inactive_payload())
                && seen
                    .iter()
                    .any(|m| m.topic == "2" && m.payload == active_payload(2, "Frank"))
        })
        .await;
    let created = owner
        .post(
            "/api/films",
            Some(json!({"title": "Ponyo", "private": false})),
        )
        .await;
    let deleted = owner.delete("/api/films/public/4", None).await;

    assert!(
        switched
            .iter()
            .any(|m| m.topic == "1" && m.payload == inactive_payload())
    );
    assert_eq!(created.status, 201);
    assert_eq!(deleted.status, 204);
    let new_film = created.body["id"].as_i64().expect("id").to_string();
    let expected = BTreeMap::from([
        ("1".to_owned(), inactive_payload()),
        ("2".to_owned(), active_payload(FRANK.id, FRANK.name)),
        ("3".to_owned(), active_payload(RENE.id, RENE.name)),
        ("4".to_owned(), deleted_payload()),
        (new_film, inactive_payload()),
    ]);
    assert_eq!(wait_for_films(&broker, &expected, DEADLINE).await, expected);
}

#[actix_web::test]
async fn many_users_racing_for_one_film_leave_exactly_one_holder() {
    let broker = Broker::start().await;
    let Crowd {
        db,
        ids,
        clients,
        films,
        ..
    } = &crowd(&broker, 8, 1).await;
    let film = films[0];

    let attempts = (0..400).map(|n| {
        let (client, user) = (&clients[n % clients.len()], ids[n % ids.len()]);
        async move { (user, select(client, user, film).await) }
    });
    let answers = join_all(attempts).await;

    let winners: BTreeSet<i64> = answers
        .iter()
        .filter(|(_, r)| r.status == 204)
        .map(|(user, _)| *user)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one user holds the film: {winners:?}"
    );
    let holder = *winners.first().expect("a holder");
    for (user, reply) in answers.iter().filter(|(user, _)| *user != holder) {
        assert_eq!(reply.status, 409, "user {user}: {reply:?}");
        assert_eq!(reply.error(), Some("film_taken"));
    }
    let active: Vec<_> = active_reviews(db)
        .into_iter()
        .filter(|(f, _)| *f == film)
        .collect();
    assert_eq!(active, vec![(film, holder)]);
    let holder_name = format!(
        "Reviewer {}",
        ids.iter().position(|&id| id == holder).unwrap()
    );
    let expected = active_payload(holder, &holder_name);
    let topic = film.to_string();
    let retained = wait_for_retained_matching(&broker, CONVERGENCE, |snapshot| {
        snapshot.get(&topic) == Some(&expected)
    })
    .await;
    assert_eq!(retained.get(&topic), Some(&expected));
}

#[actix_web::test]
async fn one_user_racing_across_films_never_holds_two() {
    let broker = Broker::start().await;
    let service = Service::start(&broker).await;
    let owner = logged_in(&service, USER.email).await;
    let karen = logged_in(&service, KAREN.email).await;
    let mut films = Vec::new();
    for n in 0..5 {
        films.push(film_with_reviewers(&owner, &format!("Race {n}"), &[KAREN.id]).await);
    }

    for round in 0..50 {
        let answers = join_all(films.iter().map(|&film| select(&karen, KAREN.id, film))).await;

        assert!(
            answers.iter().all(|r| r.status == 204),
            "round {round}: {answers:?}"
        );
        let karens: Vec<_> = active_reviews(service.db_path())
            .into_iter()
            .filter(|(_, u)| *u == KAREN.id)
            .collect();
        assert_eq!(
            karens.len(),
            1,
            "round {round}: Karen's active films {karens:?}"
        );
        let shown = karen
            .get(&format!("/api/users/{}/selection", KAREN.id), None)
            .await;
        assert_eq!(
            shown.body["id"].as_i64(),
            Some(karens[0].0),
            "round {round}"
        );
    }

    assert_broker_matches_database(&broker, service.db_path(), &[]).await;
    let per_film = query_i64(
        service.db_path(),
        "SELECT COUNT(*) FROM (SELECT filmId FROM reviews WHERE active = 1 \
         GROUP BY filmId HAVING COUNT(*) > 1)",
    );
    assert_eq!(per_film, 0);
}

#[actix_web::test]
async fn selections_made_while_the_broker_is_absent_reach_it_when_it_starts() {
    let mut broker = Broker::start().await;
    broker.stop();
    let service = Service::start(&broker).await;
    let frank = logged_in(&service, FRANK.email).await;
    let karen = logged_in(&service, KAREN.email).await;

    assert_eq!(select(&frank, FRANK.id, 2).await.status, 204);
    assert_eq!(
        karen
            .delete(&format!("/api/users/{}/selection", KAREN.id), None)
            .await
            .status,
        204
    );
    assert_eq!(select(&karen, KAREN.id, 2).await.status, 409);
    broker.restart().await;

    assert_broker_matches_database(&broker, service.db_path(), &[]).await;
    assert_eq!(
        retained_snapshot(&broker).await.get("2"),
        Some(&active_payload(FRANK.id, FRANK.name))
    );
}

#[actix_web::test]
async fn a_broker_restart_in_the_middle_of_a_burst_converges_to_the_database() {
    let mut broker = Broker::start().await;
    let Crowd {
        db,
        ids,
        clients,
        films,
        ..
    } = &crowd(&broker, 6, 4).await;

    let answered = Cell::new(0usize);
    let burst = join_all((0..clients.len()).map(|i| {
        let (clients, ids, films, answered) = (&clients, &ids, &films, &answered);
        async move {
            for round in 0..60 {
                let film = films[(i + round) % films.len()];
                let reply = select(&clients[i], ids[i], film).await;
                assert!(matches!(reply.status, 204 | 409), "{reply:?}");
                answered.set(answered.get() + 1);
            }
        }
    }));
    let outage = async {
        assert!(wait_until(CONVERGENCE, || async { answered.get() >= 100 }).await);
        broker.stop();
        assert!(wait_until(CONVERGENCE, || async { answered.get() >= 200 }).await);
        broker.restart().await;
    };
    futures_util::future::join(burst, outage).await;

    assert_broker_matches_database(&broker, db, &[]).await;
}

#[actix_web::test]
async fn completing_or_withdrawing_an_active_review_publishes_inactive() {
    let broker = Broker::start().await;
    let service = Service::start(&broker).await;
    let frank = logged_in(&service, FRANK.email).await;
    let owner = logged_in(&service, USER.email).await;
    let review = json!({"reviewDate": "2026-12-03", "rating": 8, "review": "Moving."});

    let completed = frank
        .put("/api/films/public/1/reviews/2", Some(review))
        .await;
    let withdrawn = owner.delete("/api/films/public/3/reviews/4", None).await;

    assert_eq!(completed.status, 204, "{completed:?}");
    assert_eq!(withdrawn.status, 204, "{withdrawn:?}");
    let expected = BTreeMap::from([
        ("1".to_owned(), inactive_payload()),
        ("2".to_owned(), inactive_payload()),
        ("3".to_owned(), inactive_payload()),
        ("4".to_owned(), inactive_payload()),
    ]);
    assert_eq!(wait_for_films(&broker, &expected, DEADLINE).await, expected);
    assert_eq!(active_reviews(service.db_path()), vec![]);
    let frank_selection = frank.get("/api/users/2/selection", None).await;
    assert_eq!(frank_selection.status, 404);
}

#[actix_web::test]
async fn selection_answers_follow_the_contract_table() {
    let broker = Broker::start().await;
    let service = Service::start(&broker).await;
    let frank = logged_in(&service, FRANK.email).await;
    let karen = logged_in(&service, KAREN.email).await;
    let owner = logged_in(&service, USER.email).await;
    let private = owner
        .post(
            "/api/films",
            Some(json!({"title": "Mine", "private": true})),
        )
        .await;
    let private_id = private.body["id"].as_i64().expect("id");
    let review = json!({"reviewDate": "2026-12-01", "rating": 7, "review": "Fine."});
    assert_eq!(
        karen
            .put("/api/films/public/2/reviews/3", Some(review))
            .await
            .status,
        204
    );

    let not_invited = select(&karen, KAREN.id, 1).await;
    let absent = select(&karen, KAREN.id, 999).await;
    let private_film = select(&owner, USER.id, private_id).await;
    let completed = select(&karen, KAREN.id, 2).await;
    let again = select(&frank, FRANK.id, 1).await;
    let someone_else = select(&frank, KAREN.id, 1).await;
    let release_other = frank.delete("/api/users/3/selection", None).await;
    let anonymous = select(&service.client(), FRANK.id, 1).await;

    assert_eq!(
        (not_invited.status, not_invited.error()),
        (403, Some("not_invited"))
    );
    assert_eq!(absent.status, 404);
    assert_eq!(private_film.status, 404);
    assert_eq!(
        (completed.status, completed.error()),
        (409, Some("review_completed"))
    );
    assert_eq!(again.status, 204);
    assert_eq!(someone_else.status, 403);
    assert_eq!(release_other.status, 403);
    assert_eq!(anonymous.status, 401);
    assert_eq!(active_reviews(service.db_path()), seed::ACTIVE.to_vec());
}

#[actix_web::test]
async fn a_film_taken_by_someone_else_is_refused_with_the_holders_name() {
    let broker = Broker::start().await;
    let service = Service::start(&broker).await;
    let owner = logged_in(&service, USER.email).await;
    let karen = logged_in(&service, KAREN.email).await;
    let invited = owner
        .post(
            "/api/films/public/1/reviews",
            Some(json!([{"filmId": 1, "reviewerId": 3}])),
        )
        .await;
    assert_eq!(invited.status, 201);
    let watcher = watch(&broker).await;

    let taken = select(&karen, KAREN.id, 1).await;

    assert_eq!((taken.status, taken.error()), (409, Some("film_taken")));
    let message = taken.body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Frank"),
        "the refusal names the holder: {message}"
    );
    assert_eq!(active_reviews(service.db_path()), seed::ACTIVE.to_vec());
    let retained = film_topics(&retained_snapshot(&broker).await);
    assert_eq!(retained, seed::initial_retained());
    assert!(
        watcher
            .payloads("1")
            .iter()
            .all(|p| *p == active_payload(2, "Frank"))
    );
}

#[actix_web::test]
async fn a_released_film_can_be_taken_by_another_reviewer() {
    let broker = Broker::start().await;
    let service = Service::start(&broker).await;
    let frank = logged_in(&service, FRANK.email).await;
    let karen = logged_in(&service, KAREN.email).await;
    assert_eq!(select(&frank, FRANK.id, 2).await.status, 204);

    let refused = select(&karen, KAREN.id, 2).await;
    let released = frank.delete("/api/users/2/selection", None).await;
    let granted = select(&karen, KAREN.id, 2).await;

    assert_eq!(refused.status, 409);
    assert_eq!(released.status, 204);
    assert_eq!(granted.status, 204);
    let expected = BTreeMap::from([
        ("1".to_owned(), inactive_payload()),
        ("2".to_owned(), active_payload(KAREN.id, KAREN.name)),
        ("3".to_owned(), active_payload(RENE.id, RENE.name)),
        ("4".to_owned(), inactive_payload()),
    ]);
    assert_eq!(wait_for_films(&broker, &expected, DEADLINE).await, expected);
    assert_eq!(
        active_reviews(service.db_path()),
        vec![(2, KAREN.id), (3, RENE.id)]
    );
}
