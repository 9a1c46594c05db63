import { EventEmitter } from 'node:events';

import { renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { useFilmStatuses } from './useFilmStatuses.js';

/** The part of an mqtt.js client the hook uses, recording (un)subscriptions. */
class FakeMqttClient extends EventEmitter {
  subscribed = new Set();
  subscribe(topics) {
    for (const t of [topics].flat()) this.subscribed.add(t);
  }
  unsubscribe(topics) {
    for (const t of [topics].flat()) this.subscribed.delete(t);
  }
  deliver(topic, text) {
    this.emit('message', topic, new TextEncoder().encode(text));
  }
}

function setUp(filmIds) {
  const client = new FakeMqttClient();
  const onStatus = vi.fn();
  const onForget = vi.fn();
  const hook = renderHook(({ ids }) => useFilmStatuses(client, ids, onStatus, onForget), {
    initialProps: { ids: filmIds },
  });
  return { client, onStatus, onForget, hook };
}

describe('useFilmStatuses', () => {
  it('subscribes to the topic of every film and reports their statuses', () => {
    const { client, onStatus } = setUp([1, 2]);

    client.deliver('2', '{"status":"active","userId":"3","userName":"Karen"}');
    client.deliver('7', '{"status":"inactive"}');

    expect([...client.subscribed].sort()).toEqual(['1', '2']);
    expect(onStatus).toHaveBeenCalledTimes(1);
    expect(onStatus).toHaveBeenCalledWith(2, { status: 'active', userId: '3', userName: 'Karen' });
  });

  it('unsubscribes from a film as soon as it is deleted', () => {
    const { client, onStatus } = setUp([1, 2]);

    client.deliver('2', '{"status":"deleted"}');
    client.deliver('2', '{"status":"inactive"}');

    expect([...client.subscribed]).toEqual(['1']);
    expect(onStatus).toHaveBeenCalledTimes(1);
    expect(onStatus).toHaveBeenCalledWith(2, { status: 'deleted' });
  });

  it('follows the films shown when the page changes', () => {
    const { client, onForget, hook } = setUp([1, 2]);

    hook.rerender({ ids: [3] });

    expect([...client.subscribed]).toEqual(['3']);
    expect(onForget).toHaveBeenCalledWith([1, 2]);
  });

  it('unsubscribes from everything when leaving the page', () => {
    const { client, hook } = setUp([1, 2, 3]);

    hook.unmount();
    client.deliver('1', '{"status":"inactive"}');

    expect(client.subscribed.size).toBe(0);
    expect(client.listenerCount('message')).toBe(0);
  });

  it('subscribes once the client has connected', () => {
    const client = new FakeMqttClient();
    const hook = renderHook(({ c }) => useFilmStatuses(c, [1], vi.fn(), vi.fn()), {
      initialProps: { c: null },
    });
    expect(client.subscribed.size).toBe(0);

    hook.rerender({ c: client });

    expect([...client.subscribed]).toEqual(['1']);
  });
});
