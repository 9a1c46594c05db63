import Alert from 'react-bootstrap/Alert';

import { useMqtt } from '../contexts.js';

/**
 * Warns when the live statuses may be stale: the broker is unreachable, or
 * the service's retained liveness topic says it is offline.
 */
export default function ServiceBanner() {
  const { connected, serviceStatus } = useMqtt();

  if (serviceStatus === 'offline') {
    return (
      <Alert variant="danger" data-testid="service-offline">
        The Film Manager service is offline. Live statuses are paused until it comes back.
      </Alert>
    );
  }
  if (!connected) {
    return (
      <Alert variant="warning" data-testid="broker-offline" className="py-2">
        Connecting to the live status broker…
      </Alert>
    );
  }
  return null;
}
