//! Broker security (issue 7), with the repository's own `mosquitto.conf`,
//! `mosquitto/passwd` and `mosquitto/acl`: anonymous clients read but cannot
//! publish; the service publishes with its own login.

use std::time::Duration;

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};

use crate::common::mqtt::{
    SERVICE_STATUS_TOPIC, active_payload, film_topics, inactive_payload, retained_snapshot,
    wait_for_films,
};
use crate::common::seed::{self, FRANK};
use crate::common::{Broker, DEADLINE, Service, unique_suffix};
use crate::fixtures::{logged_in, select};

/// Publishes as an anonymous client and waits for the broker's PubAck, after
/// which the broker has handled (and here, dropped) the message.
async fn publish_anonymously(broker: &Broker, topic: &str, payload: &str) {
    let id = format!("anonymous-{}", unique_suffix());
    let options = MqttOptions::new(id, "127.0.0.1", broker.mqtt_port());
    let (client, mut events) = AsyncClient::new(options, 10);
    client
        .publish(topic, QoS::AtLeastOnce, true, payload)
        .await
        .expect("queue the publish");

    let acknowledged = tokio::time::timeout(DEADLINE, async {
        loop {
            match events.poll().await {
                Ok(Event::Incoming(Packet::PubAck(_))) => return,
                Ok(_) => {}
                Err(error) => panic!("anonymous client: {error}"),
            }
        }
    })
    .await;

    assert!(
        acknowledged.is_ok(),
        "the broker did not acknowledge the anonymous publish"
    );
}

#[actix::test]
async fn an_anonymous_publish_does_not_change_a_films_status() {
    let broker = Broker::builder().repo_config().start().await;
    let service = Service::start(&broker).await;
    let seeded = wait_for_films(&broker, &seed::initial_retained(), DEADLINE).await;
    assert_eq!(seeded, seed::initial_retained());

    publish_anonymously(&broker, "1", &inactive_payload()).await;
    publish_anonymously(&broker, SERVICE_STATUS_TOPIC, "offline").await;

    let after = retained_snapshot(&broker).await;
    assert_eq!(film_topics(&after), seed::initial_retained());
    assert_eq!(
        after.get(SERVICE_STATUS_TOPIC).map(String::as_str),
        Some("online")
    );
    let frank = logged_in(&service, FRANK.email).await;
    assert_eq!(select(&frank, FRANK.id, 2).await.status, 204);
    let mut expected = seed::initial_retained();
    expected.insert("1".into(), inactive_payload());
    expected.insert("2".into(), active_payload(FRANK.id, FRANK.name));
    assert_eq!(wait_for_films(&broker, &expected, DEADLINE).await, expected);
}

#[actix::test]
async fn a_service_with_a_wrong_broker_password_publishes_nothing_but_keeps_serving() {
    let broker = Broker::builder().repo_config().start().await;
    let service = Service::builder()
        .broker(&broker)
        .env("FM_MQTT_PASSWORD", "not-the-password")
        .start()
        .await;

    let frank = logged_in(&service, FRANK.email).await;
    let selected = select(&frank, FRANK.id, 2).await;

    assert_eq!(selected.status, 204);
    let refused = service_log_mentions(&service, "NotAuthorized").await;
    assert!(
        refused,
        "the broker refused the login:\n{}",
        service.log_tail(20)
    );
    assert!(film_topics(&retained_snapshot(&broker).await).is_empty());
}

async fn service_log_mentions(service: &Service, text: &str) -> bool {
    crate::common::wait_until(Duration::from_secs(5), || async {
        std::fs::read_to_string(service.log_path()).is_ok_and(|log| log.contains(text))
    })
    .await
}
