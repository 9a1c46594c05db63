// Runtime configuration: where the REST API, the online-users WebSocket and
// the MQTT-over-WebSockets broker are. Nothing here is hard-coded in the app:
// the service hands it out at /config.json, and Vite's dev server uses the
// VITE_* variables of .env.development instead.

const CONFIG_PATH = '/config.json';

function fromEnv(env) {
  return {
    apiBase: env.VITE_API_BASE,
    mqttUrl: env.VITE_MQTT_URL,
    wsUrl: env.VITE_WS_URL,
  };
}

function isComplete(config) {
  return ['apiBase', 'mqttUrl', 'wsUrl'].every(
    (key) => typeof config[key] === 'string' && config[key] !== '',
  );
}

/**
 * Turns a possibly relative WebSocket URL ('/ws') into an absolute one,
 * using the page's location: http becomes ws, https becomes wss.
 */
export function resolveWebSocketUrl(url, location) {
  const resolved = new URL(url, location.href);
  if (resolved.protocol === 'http:') resolved.protocol = 'ws:';
  if (resolved.protocol === 'https:') resolved.protocol = 'wss:';
  return resolved.toString();
}

function withAbsoluteUrls(config, location) {
  return {
    apiBase: config.apiBase.replace(/\/+$/, ''),
    mqttUrl: resolveWebSocketUrl(config.mqttUrl, location),
    wsUrl: resolveWebSocketUrl(config.wsUrl, location),
  };
}

/**
 * Loads the configuration. In Vite's dev mode the VITE_* variables win when
 * they are all set; otherwise /config.json of the page's origin is used, and
 * the VITE_* variables are the fallback when it cannot be read.
 */
export async function loadConfig({
  fetchImpl = globalThis.fetch,
  env = import.meta.env,
  location = globalThis.location,
} = {}) {
  const envConfig = fromEnv(env);
  if (env.DEV && isComplete(envConfig)) return withAbsoluteUrls(envConfig, location);

  try {
    const response = await fetchImpl(CONFIG_PATH, { headers: { Accept: 'application/json' } });
    if (response.ok) {
      const served = await response.json();
      if (isComplete(served)) return withAbsoluteUrls(served, location);
    }
  } catch {
    // Unreachable or not JSON: fall through to the build-time variables.
  }

  if (isComplete(envConfig)) return withAbsoluteUrls(envConfig, location);
  throw new Error(
    `No configuration: ${CONFIG_PATH} could not be read and VITE_API_BASE, ` +
      'VITE_MQTT_URL and VITE_WS_URL are not all set.',
  );
}
