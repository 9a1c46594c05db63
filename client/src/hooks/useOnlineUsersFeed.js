// Owns the online-users WebSocket (CONTRACT §7): on every (re)connection the
// server replays one login message per logged-in user, so the list starts
// empty at each open. A closed socket is reopened with exponential backoff.
import { useEffect, useMemo, useState } from 'react';

import { applyOnlineMessage, parseOnlineMessage } from '../messages.js';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

export function retryDelay(attempt) {
  return Math.min(FIRST_RETRY_MS * 2 ** attempt, MAX_RETRY_MS);
}

/**
 * @param {string} url absolute ws:// or wss:// URL
 * @param {unknown} sessionKey reconnects when it changes (log-in, log-out)
 */
export function useOnlineUsersFeed(url, sessionKey) {
  const [users, setUsers] = useState([]);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    let socket = null;
    let retryTimer = null;
    let attempt = 0;
    let stopped = false;

    const connect = () => {
      socket = new WebSocket(url);
      socket.onopen = () => {
        attempt = 0;
        setUsers([]);
        setConnected(true);
      };
      socket.onmessage = (event) => {
        const message = parseOnlineMessage(event.data);
        if (message) setUsers((current) => applyOnlineMessage(current, message));
      };
      socket.onclose = () => {
        setConnected(false);
        if (stopped) return;
        retryTimer = setTimeout(connect, retryDelay(attempt));
        attempt += 1;
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      socket.onclose = null;
      socket.onmessage = null;
      socket.close();
    };
  }, [url, sessionKey]);

  return useMemo(() => ({ users, connected }), [users, connected]);
}
