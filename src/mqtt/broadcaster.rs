//! [`StatusBroadcaster`]: publishes film statuses as retained QoS 1
//! messages and makes the broker converge to the newest status of every
//! film.
//!
//! The actor keeps the newest status of each film and a set of films whose
//! status the broker may not have yet. A change marks its film; each
//! connection acknowledgement marks every film. Marked films are handed to
//! the MQTT client in id order whenever the connection is up. Because the
//! newest status is read at hand-over time, a film's messages leave in the
//! order of its changes and a burst may collapse to its last status, but an
//! older status is never handed over after a newer one.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use actix::prelude::*;
use rumqttc::{AsyncClient, ClientError, Event, EventLoop, LastWill, MqttOptions, Packet, QoS};
use tracing::{debug, info, warn};

use super::SERVICE_STATUS_TOPIC;
use crate::domain::{FilmId, FilmStatus};

/// First delay before reconnecting; doubled after each failure.
const RECONNECT_MIN: Duration = Duration::from_millis(100);
/// Longest delay between reconnection attempts.
const RECONNECT_MAX: Duration = Duration::from_secs(2);
/// Delay before retrying a hand-over the client's queue refused.
const RETRY_FULL_QUEUE: Duration = Duration::from_millis(20);
/// Requests the MQTT client queues before it refuses more.
const CLIENT_QUEUE: usize = 512;
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// Where and as whom the service connects to the broker.
#[derive(Debug, Clone)]
pub struct BrokerAddress {
    pub host: String,
    pub port: u16,
    pub credentials: Option<(String, String)>,
}

impl BrokerAddress {
    /// Parses `mqtt://host:port` (the scheme and port are optional; the
    /// default port is 1883).
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("mqtt://")
            .or_else(|| url.strip_prefix("tcp://"))
            .unwrap_or(url)
            .trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => {
                let port = port
                    .parse()
                    .map_err(|_| format!("invalid port in {url:?}"))?;
                (host, port)
            }
            None => (rest, 1883),
        };
        if host.is_empty() {
            return Err(format!("no host in {url:?}"));
        }
        Ok(BrokerAddress {
            host: host.to_owned(),
            port,
            credentials: None,
        })
    }
}

/// Sent by film actors: the film's status changed. Statuses of one film must
/// be sent in the order of the changes (each film actor does).
#[derive(Message, Debug)]
#[rtype(result = "()")]
pub struct Publish {
    pub film: FilmId,
    pub status: FilmStatus,
}

/// From the connection task: the broker acknowledged a connection.
#[derive(Message)]
#[rtype(result = "()")]
struct BrokerUp;

/// From the connection task: the connection failed or was lost.
#[derive(Message)]
#[rtype(result = "()")]
struct BrokerDown(String);

/// The owner of the MQTT connection.
pub struct StatusBroadcaster {
    client: AsyncClient,
    events: Option<EventLoop>,
    address: BrokerAddress,
    latest: BTreeMap<FilmId, FilmStatus>,
    unsent: BTreeSet<FilmId>,
    connected: bool,
    /// Whether the current outage was already logged at warn level.
    outage_reported: bool,
    retry_scheduled: bool,
}

impl StatusBroadcaster {
    /// A broadcaster that will connect to `address` once started.
    pub fn new(address: BrokerAddress) -> Self {
        let client_id = format!(
            "film-manager-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        let mut options = MqttOptions::new(client_id, address.host.clone(), address.port);
        options
            .set_keep_alive(KEEP_ALIVE)
            .set_clean_session(true)
            .set_request_channel_capacity(CLIENT_QUEUE)
            .set_last_will(LastWill::new(
                SERVICE_STATUS_TOPIC,
                "offline",
                QoS::AtLeastOnce,
                true,
            ));
        if let Some((user, password)) = &address.credentials {
            options.set_credentials(user, password);
        }
        let (client, events) = AsyncClient::new(options, CLIENT_QUEUE);
        StatusBroadcaster {
            client,
            events: Some(events),
            address,
            latest: BTreeMap::new(),
            unsent: BTreeSet::new(),
            connected: false,
            outage_reported: false,
            retry_scheduled: false,
        }
    }

    /// Hands every unsent status to the client, while it takes them.
    // LIMITATION: a film whose status changes faster than the broker takes
    // them, or during an outage, reaches the broker with its newest status
    // only; the intermediate ones are skipped, never reordered.
    fn flush(&mut self, ctx: &mut Context<Self>) {
        while self.connected {
            let Some(&film) = self.unsent.first() else {
                return;
            };
            let payload = self
                .latest
                .get(&film)
                .map(FilmStatus::payload)
                .unwrap_or_default();
            match self
                .client
                .try_publish(film.to_string(), QoS::AtLeastOnce, true, payload)
            {
                Ok(()) => {
                    self.unsent.remove(&film);
                }
                Err(ClientError::TryRequest(_) | ClientError::Request(_)) => {
                    self.retry_later(ctx);
                    return;
                }
            }
        }
    }

    fn retry_later(&mut self, ctx: &mut Context<Self>) {
        if !self.retry_scheduled {
            self.retry_scheduled = true;
            ctx.run_later(RETRY_FULL_QUEUE, |act, ctx| {
                act.retry_scheduled = false;
                act.flush(ctx);
            });
        }
    }
}

/// Drives the MQTT event loop forever, reconnecting with backoff, and tells
/// the actor about each connection and disconnection.
async fn drive(mut events: EventLoop, actor: Addr<StatusBroadcaster>) {
    let mut delay = RECONNECT_MIN;
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                delay = RECONNECT_MIN;
                actor.do_send(BrokerUp);
            }
            Ok(_) => {}
            Err(error) => {
                actor.do_send(BrokerDown(error.to_string()));
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(RECONNECT_MAX);
            }
        }
    }
}

impl Actor for StatusBroadcaster {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        if let Some(events) = self.events.take() {
            ctx.spawn(drive(events, ctx.address()).into_actor(self));
        }
    }
}

impl Handler<Publish> for StatusBroadcaster {
    type Result = ();

    fn handle(&mut self, msg: Publish, ctx: &mut Self::Context) {
        debug!(film_id = msg.film, status = ?msg.status, "status changed");
        self.latest.insert(msg.film, msg.status);
        self.unsent.insert(msg.film);
        self.flush(ctx);
    }
}

impl Handler<BrokerUp> for StatusBroadcaster {
    type Result = ();

    fn handle(&mut self, _msg: BrokerUp, ctx: &mut Self::Context) {
        info!(host = %self.address.host, port = self.address.port, films = self.latest.len(),
            "broker connected; publishing every film's status");
        self.connected = true;
        self.outage_reported = false;
        let online =
            self.client
                .try_publish(SERVICE_STATUS_TOPIC, QoS::AtLeastOnce, true, "online");
        if let Err(error) = online {
            warn!(%error, "could not queue the online status");
        }
        self.unsent = self.latest.keys().copied().collect();
        self.flush(ctx);
    }
}

impl Handler<BrokerDown> for StatusBroadcaster {
    type Result = ();

    fn handle(&mut self, msg: BrokerDown, _ctx: &mut Self::Context) {
        if self.connected {
            warn!(error = %msg.0, "broker connection lost; reconnecting");
        } else if !self.outage_reported {
            warn!(host = %self.address.host, port = self.address.port, error = %msg.0,
                "broker unreachable; serving anyway and retrying");
        } else {
            debug!(error = %msg.0, "broker still unreachable");
        }
        self.connected = false;
        self.outage_reported = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_urls_parse_with_and_without_scheme_and_port() {
        let full = BrokerAddress::parse("mqtt://127.0.0.1:18830").unwrap();
        let bare = BrokerAddress::parse("broker.local").unwrap();

        assert_eq!((full.host.as_str(), full.port), ("127.0.0.1", 18830));
        assert_eq!((bare.host.as_str(), bare.port), ("broker.local", 1883));
        assert!(BrokerAddress::parse("mqtt://:1883").is_err());
        assert!(BrokerAddress::parse("mqtt://host:port").is_err());
    }
}
