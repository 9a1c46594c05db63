// Subscribes to the MQTT topic of every film id given, and reports each
// status message to `onStatus(filmId, status)`. It unsubscribes from a film
// as soon as its status is `deleted`, and from all of them when the ids
// change or the component leaves the page; `onForget(filmIds)` is then told
// which films are no longer followed, so stale statuses are not shown later.
import { useEffect } from 'react';

import { FilmStatus, filmTopic, parseFilmStatus } from '../messages.js';

/**
 * @param {object|null} client an mqtt.js client (null until first connected)
 * @param {number[]} filmIds the films shown
 * @param {Function} onStatus stable callback (filmId, status)
 * @param {Function} onForget stable callback (filmIds)
 */
export function useFilmStatuses(client, filmIds, onStatus, onForget) {
  const topicsKey = filmIds.map(filmTopic).join(',');

  useEffect(() => {
    if (!client || topicsKey === '') return undefined;
    const topics = topicsKey.split(',');
    const subscribed = new Set(topics);

    const onMessage = (topic, payload) => {
      if (!subscribed.has(topic)) return;
      const status = parseFilmStatus(payload);
      if (!status) return;
      onStatus(Number(topic), status);
      if (status.status === FilmStatus.DELETED) {
        subscribed.delete(topic);
        client.unsubscribe(topic);
      }
    };

    client.on('message', onMessage);
    client.subscribe(topics, { qos: 1 });

    return () => {
      client.removeListener('message', onMessage);
      if (subscribed.size > 0) client.unsubscribe([...subscribed]);
      onForget(topics.map(Number));
    };
  }, [client, topicsKey, onStatus, onForget]);
}
