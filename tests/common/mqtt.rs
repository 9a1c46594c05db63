//! MQTT helpers over rumqttc: snapshots of the broker's retained messages,
//! waits for them to converge, and watchers that record every message.
//!
//! A snapshot is deterministic without timing guesses. A fresh client
//! subscribes to `#` at QoS 1; once the SubAck arrives, the broker has queued
//! every retained message for it. The client then publishes a sentinel on a
//! topic of its own (also QoS 1). The broker queues the sentinel behind the
//! retained messages, so when it comes back, all of them have arrived.
//! Topics under `fm-test/` (the harness's own) never appear in results;
//! `$SYS` topics do not match `#`.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, EventLoop, Packet, QoS, SubscribeReasonCode};
use tokio::task::JoinHandle;

use super::broker::Broker;
use super::{DEADLINE, POLL_INTERVAL, unique_suffix, wait_for};

/// Retained messages by topic, payloads as text.
pub type Retained = BTreeMap<String, String>;

/// Topics under this prefix belong to the harness and are left out.
pub const HARNESS_PREFIX: &str = "fm-test/";

/// The service's liveness topic (`online` / `offline`, retained).
pub const SERVICE_STATUS_TOPIC: &str = "filmmanager/status";

/// Pause before a watcher reconnects after losing the broker.
const RECONNECT_PAUSE: Duration = Duration::from_millis(100);

/// One message a [`Watch`] received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MqttMessage {
    pub topic: String,
    pub payload: String,
    /// Set for retained messages delivered on (re)subscription.
    pub retain: bool,
}

/// The exact payload of a film that is `user_id`'s active film.
pub fn active_payload(user_id: i64, user_name: &str) -> String {
    let name = serde_json::to_string(user_name).unwrap_or_default();
    format!(r#"{{"status":"active","userId":"{user_id}","userName":{name}}}"#)
}

/// The exact payload of a public film that nobody has active.
pub fn inactive_payload() -> String {
    r#"{"status":"inactive"}"#.to_owned()
}

/// The exact payload of a deleted film.
pub fn deleted_payload() -> String {
    r#"{"status":"deleted"}"#.to_owned()
}

/// Only the film topics (decimal ids) of a snapshot.
pub fn film_topics(snapshot: &Retained) -> Retained {
    snapshot
        .iter()
        .filter(|(topic, _)| !topic.is_empty() && topic.bytes().all(|b| b.is_ascii_digit()))
        .map(|(topic, payload)| (topic.clone(), payload.clone()))
        .collect()
}

/// Every retained message on `broker` right now (deadline 10 s).
/// Panics if the broker cannot be read.
pub async fn retained_snapshot(broker: &Broker) -> Retained {
    try_retained_snapshot(broker, DEADLINE)
        .await
        .unwrap_or_else(|err| panic!("retained snapshot: {err}"))
}

/// Like [`retained_snapshot`], but says why it failed (e.g. broker down).
pub async fn try_retained_snapshot(
    broker: &Broker,
    deadline: Duration,
) -> Result<Retained, String> {
    let (client, mut events) = AsyncClient::new(broker.mqtt_options("fm-test-snap"), 64);
    let sentinel = format!("{HARNESS_PREFIX}sentinel/{}", unique_suffix());
    client
        .try_subscribe("#", QoS::AtLeastOnce)
        .map_err(|err| format!("queue the subscription: {err}"))?;

    let outcome = tokio::time::timeout(deadline, async {
        let mut retained = Retained::new();
        loop {
            let packet = match events.poll().await {
                Ok(Event::Incoming(packet)) => packet,
                Ok(Event::Outgoing(_)) => continue,
                Err(err) => return Err(format!("connection: {err}")),
            };
            match packet {
                Packet::SubAck(ack) => {
                    if ack.return_codes.contains(&SubscribeReasonCode::Failure) {
                        return Err("the broker refused the subscription to #".to_owned());
                    }
                    client
                        .try_publish(sentinel.as_str(), QoS::AtLeastOnce, false, "sentinel")
                        .map_err(|err| format!("queue the sentinel: {err}"))?;
                }
                Packet::Publish(publish) if publish.topic == sentinel => return Ok(retained),
                Packet::Publish(publish)
                    if publish.retain && !publish.topic.starts_with(HARNESS_PREFIX) =>
                {
                    let payload = String::from_utf8_lossy(&publish.payload).into_owned();
                    retained.insert(publish.topic, payload);
                }
                _ => {}
            }
        }
    })
    .await;

    let _ = client.try_disconnect();
    outcome.unwrap_or_else(|_| Err(format!("no sentinel within {deadline:?}")))
}

/// Snapshots until the film topics equal `expected`, or `deadline` passes.
/// Returns the last film-topic snapshot for the caller to assert on:
/// `assert_eq!(wait_for_films(&broker, &want, d).await, want)`.
pub async fn wait_for_films(broker: &Broker, expected: &Retained, deadline: Duration) -> Retained {
    let snapshot = wait_for_retained_matching(broker, deadline, |snapshot| {
        film_topics(snapshot) == *expected
    })
    .await;
    film_topics(&snapshot)
}

/// Snapshots until the whole snapshot equals `expected`, or `deadline`
/// passes; returns the last snapshot.
pub async fn wait_for_retained(
    broker: &Broker,
    expected: &Retained,
    deadline: Duration,
) -> Retained {
    wait_for_retained_matching(broker, deadline, |snapshot| snapshot == expected).await
}

/// Snapshots until `accept` says yes, or `deadline` passes; returns the last
/// snapshot (empty if the broker could not be read at all). Failed
/// snapshots (broker restarting) are retried.
pub async fn wait_for_retained_matching<F>(
    broker: &Broker,
    deadline: Duration,
    mut accept: F,
) -> Retained
where
    F: FnMut(&Retained) -> bool,
{
    let give_up = Instant::now() + deadline;
    let mut last = Retained::new();
    loop {
        let remaining = give_up.saturating_duration_since(Instant::now());
        let attempt = remaining.clamp(Duration::from_secs(1), DEADLINE);
        if let Ok(snapshot) = try_retained_snapshot(broker, attempt).await {
            if accept(&snapshot) {
                return snapshot;
            }
            last = snapshot;
        }
        if Instant::now() >= give_up {
            return last;
        }
        tokio::time::sleep(POLL_INTERVAL * 4).await;
    }
}

/// Publishes one message (QoS 1) and waits for the broker's PubAck, e.g. to
/// plant a stale retained status before the service starts.
pub async fn publish(broker: &Broker, topic: &str, payload: &str, retain: bool) {
    let message = Retained::from([(topic.to_owned(), payload.to_owned())]);
    publish_all(broker, &message, retain).await;
}

/// Publishes every `topic -> payload` of `messages` (QoS 1) over one
/// connection and waits until the broker has acknowledged them all.
pub async fn publish_all(broker: &Broker, messages: &Retained, retain: bool) {
    let capacity = messages.len() + 8;
    let (client, mut events) = AsyncClient::new(broker.mqtt_options("fm-test-pub"), capacity);
    for (topic, payload) in messages {
        client
            .try_publish(topic.as_str(), QoS::AtLeastOnce, retain, payload.as_bytes())
            .unwrap_or_else(|err| panic!("queue the publish to {topic}: {err}"));
    }

    let mut acked = 0;
    let outcome = tokio::time::timeout(DEADLINE, async {
        while acked < messages.len() {
            match events.poll().await {
                Ok(Event::Incoming(Packet::PubAck(_))) => acked += 1,
                Ok(_) => {}
                Err(err) => return Err(err.to_string()),
            }
        }
        Ok(())
    })
    .await;

    let _ = client.try_disconnect();
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(err)) => panic!("publishing {} messages: {err}", messages.len()),
        Err(_) => panic!(
            "only {acked} of {} PubAcks within {DEADLINE:?}",
            messages.len()
        ),
    }
}

/// Records every message on `#` from the moment [`watch`] returns, across
/// broker restarts (it reconnects and subscribes again). Stops on drop.
pub struct Watch {
    messages: Rc<RefCell<Vec<MqttMessage>>>,
    subscriptions: Rc<Cell<u32>>,
    client: AsyncClient,
    task: JoinHandle<()>,
}

/// Starts a [`Watch`] on `broker` and returns once it is subscribed.
pub async fn watch(broker: &Broker) -> Watch {
    let (client, events) = AsyncClient::new(broker.mqtt_options("fm-test-watch"), 256);
    let messages = Rc::new(RefCell::new(Vec::new()));
    let subscriptions = Rc::new(Cell::new(0));
    let task = actix::spawn(record(
        client.clone(),
        events,
        Rc::clone(&messages),
        Rc::clone(&subscriptions),
    ));
    let watch = Watch {
        messages,
        subscriptions,
        client,
        task,
    };
    let subscribed = wait_for(DEADLINE, || {
        let count = watch.subscriptions.get();
        async move { (count > 0).then_some(()) }
    })
    .await;
    assert!(
        subscribed.is_some(),
        "the watcher was not subscribed within {DEADLINE:?}"
    );
    watch
}

/// Polls the watcher's connection; subscribes after every ConnAck.
async fn record(
    client: AsyncClient,
    mut events: EventLoop,
    messages: Rc<RefCell<Vec<MqttMessage>>>,
    subscriptions: Rc<Cell<u32>>,
) {
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                let _ = client.try_subscribe("#", QoS::AtLeastOnce);
            }
            Ok(Event::Incoming(Packet::SubAck(_))) => subscriptions.set(subscriptions.get() + 1),
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                if !publish.topic.starts_with(HARNESS_PREFIX) {
                    messages.borrow_mut().push(MqttMessage {
                        payload: String::from_utf8_lossy(&publish.payload).into_owned(),
                        topic: publish.topic,
                        retain: publish.retain,
                    });
                }
            }
            Ok(_) => {}
            Err(_) => tokio::time::sleep(RECONNECT_PAUSE).await,
        }
    }
}

impl Watch {
    /// Every message so far, in arrival order.
    pub fn messages(&self) -> Vec<MqttMessage> {
        self.messages.borrow().clone()
    }

    /// The payloads received on `topic` so far, in arrival order.
    pub fn payloads(&self, topic: &str) -> Vec<String> {
        let messages = self.messages.borrow();
        messages
            .iter()
            .filter(|message| message.topic == topic)
            .map(|message| message.payload.clone())
            .collect()
    }

    /// How many times the watcher has (re)subscribed.
    pub fn subscriptions(&self) -> u32 {
        self.subscriptions.get()
    }

    /// Forgets the messages received so far.
    pub fn clear(&self) {
        self.messages.borrow_mut().clear();
    }

    /// Waits until `accept` holds for the messages so far, or `deadline`
    /// passes; returns the messages for the caller to assert on.
    pub async fn wait_until<F>(&self, deadline: Duration, mut accept: F) -> Vec<MqttMessage>
    where
        F: FnMut(&[MqttMessage]) -> bool,
    {
        wait_for(deadline, || {
            let ok = accept(&self.messages.borrow());
            async move { ok.then_some(()) }
        })
        .await;
        self.messages()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.client.try_disconnect();
        self.task.abort();
    }
}
