// Owns the one MQTT-over-WebSockets connection of the page. mqtt.js
// reconnects by itself (reconnectPeriod) and, with `resubscribe`, subscribes
// again to every topic it had, so after a broker restart the retained
// statuses flow in again as soon as the service republishes them.
import mqtt from 'mqtt';
import { useEffect, useState } from 'react';

import { SERVICE_STATUS_TOPIC, parseServiceStatus } from '../messages.js';

const RECONNECT_PERIOD_MS = 1000;
const CONNECT_TIMEOUT_MS = 5000;

export function useMqttConnection(url) {
  const [state, setState] = useState({ client: null, connected: false, serviceStatus: null });

  useEffect(() => {
    const client = mqtt.connect(url, {
      clientId: `fm-web-${Math.random().toString(16).slice(2, 10)}`,
      clean: true,
      resubscribe: true,
      reconnectPeriod: RECONNECT_PERIOD_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
    });

    const onConnect = () => setState((s) => ({ ...s, client, connected: true }));
    // LIMITATION: while disconnected, pages keep the last statuses they got
    // (marked 'reconnecting…'); they are corrected when the broker is back.
    const onDisconnect = () => setState((s) => ({ ...s, client, connected: false }));
    const onMessage = (topic, payload) => {
      if (topic !== SERVICE_STATUS_TOPIC) return;
      const serviceStatus = parseServiceStatus(payload);
      if (serviceStatus) setState((s) => ({ ...s, serviceStatus }));
    };

    client.on('connect', onConnect);
    client.on('close', onDisconnect);
    client.on('message', onMessage);
    client.subscribe(SERVICE_STATUS_TOPIC, { qos: 1 });

    return () => {
      client.removeAllListeners();
      client.end(true);
    };
  }, [url]);

  return state;
}
