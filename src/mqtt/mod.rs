//! MQTT: the [`StatusBroadcaster`] actor, sole owner of the broker
//! connection, which keeps every public film's retained status equal to the
//! service's view.

mod broadcaster;

pub use broadcaster::{BrokerAddress, Publish, StatusBroadcaster};

/// Retained topic that tells whether the service is connected: `online`,
/// or `offline` (the connection's Last Will).
pub const SERVICE_STATUS_TOPIC: &str = "filmmanager/status";
