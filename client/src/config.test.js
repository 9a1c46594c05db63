import { describe, expect, it, vi } from 'vitest';

import { loadConfig, resolveWebSocketUrl } from './config.js';

const location = { href: 'http://127.0.0.1:4000/private?page=2' };
const served = { apiBase: '/api', mqttUrl: 'ws://127.0.0.1:9001', wsUrl: '/ws' };

function answering(status, body) {
  return vi.fn().mockResolvedValue(new Response(JSON.stringify(body), { status }));
}

describe('resolveWebSocketUrl', () => {
  it('resolves a relative path against the page, http becoming ws', () => {
    expect(resolveWebSocketUrl('/ws', location)).toBe('ws://127.0.0.1:4000/ws');
    expect(resolveWebSocketUrl('/ws', { href: 'https://films.test/' })).toBe('wss://films.test/ws');
  });

  it('keeps an absolute ws URL', () => {
    expect(resolveWebSocketUrl('ws://127.0.0.1:9001', location)).toBe('ws://127.0.0.1:9001/');
  });
});

describe('loadConfig', () => {
  it('uses /config.json of the page origin', async () => {
    const fetchImpl = answering(200, served);

    const config = await loadConfig({ fetchImpl, env: { DEV: false }, location });

    expect(fetchImpl).toHaveBeenCalledWith('/config.json', expect.anything());
    expect(config).toEqual({
      apiBase: '/api',
      mqttUrl: 'ws://127.0.0.1:9001/',
      wsUrl: 'ws://127.0.0.1:4000/ws',
    });
  });

  it('prefers the VITE_ variables in dev mode', async () => {
    const fetchImpl = answering(200, served);
    const env = {
      DEV: true,
      VITE_API_BASE: 'http://localhost:3001/api/',
      VITE_MQTT_URL: 'ws://localhost:8080',
      VITE_WS_URL: 'ws://localhost:3001/ws',
    };

    const config = await loadConfig({ fetchImpl, env, location });

    expect(fetchImpl).not.toHaveBeenCalled();
    expect(config.apiBase).toBe('http://localhost:3001/api');
    expect(config.wsUrl).toBe('ws://localhost:3001/ws');
  });

  it('falls back to the VITE_ variables when /config.json is missing', async () => {
    const fetchImpl = answering(404, { code: 404 });
    const env = {
      DEV: false,
      VITE_API_BASE: '/api',
      VITE_MQTT_URL: 'ws://localhost:8080',
      VITE_WS_URL: '/ws',
    };

    const config = await loadConfig({ fetchImpl, env, location });

    expect(config.mqttUrl).toBe('ws://localhost:8080/');
  });

  it('fails with a clear message when there is no configuration at all', async () => {
    const fetchImpl = vi.fn().mockRejectedValue(new TypeError('offline'));

    await expect(loadConfig({ fetchImpl, env: {}, location })).rejects.toThrow(/config\.json/);
  });
});
