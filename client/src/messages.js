// Message shapes of the two live channels, with the server's names:
// MQTT film statuses (CONTRACT §5.1) and online-users messages (§7).

/** Retained topic of the service's liveness: 'online' or 'offline'. */
export const SERVICE_STATUS_TOPIC = 'filmmanager/status';

export const FilmStatus = Object.freeze({
  ACTIVE: 'active',
  INACTIVE: 'inactive',
  DELETED: 'deleted',
});

/** The topic of a public film is its id in decimal, without a prefix. */
export function filmTopic(filmId) {
  return String(Number(filmId));
}

/** The film id of a film topic, or null for any other topic. */
export function filmIdOfTopic(topic) {
  return /^[1-9][0-9]*$/.test(topic) ? Number(topic) : null;
}

function decode(payload) {
  const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  return JSON.parse(text);
}

/**
 * Parses a film status payload into
 * { status: 'active', userId: '2', userName: 'Frank' } | { status: 'inactive' }
 * | { status: 'deleted' }, or null when it is not one of these shapes.
 */
export function parseFilmStatus(payload) {
  let message;
  try {
    message = decode(payload);
  } catch {
    return null;
  }
  if (!message || typeof message !== 'object') return null;
  switch (message.status) {
    case FilmStatus.ACTIVE:
      if (message.userId === undefined || typeof message.userName !== 'string') return null;
      return {
        status: FilmStatus.ACTIVE,
        userId: String(message.userId),
        userName: message.userName,
      };
    case FilmStatus.INACTIVE:
      return { status: FilmStatus.INACTIVE };
    case FilmStatus.DELETED:
      return { status: FilmStatus.DELETED };
    default:
      return null;
  }
}

/** Parses the liveness payload: 'online', 'offline', or null. */
export function parseServiceStatus(payload) {
  const text = (typeof payload === 'string' ? payload : new TextDecoder().decode(payload)).trim();
  return text === 'online' || text === 'offline' ? text : null;
}

export const OnlineMessageType = Object.freeze({
  LOGIN: 'login',
  UPDATE: 'update',
  LOGOUT: 'logout',
});

/** Parses one online-users WebSocket message, or returns null. */
export function parseOnlineMessage(data) {
  let message;
  try {
    message = JSON.parse(data);
  } catch {
    return null;
  }
  if (!message || typeof message !== 'object' || typeof message.userId !== 'number') return null;
  const { typeMessage, userId } = message;
  if (typeMessage === OnlineMessageType.LOGOUT) return { typeMessage, userId };
  if (typeMessage !== OnlineMessageType.LOGIN && typeMessage !== OnlineMessageType.UPDATE) {
    return null;
  }
  const parsed = { typeMessage, userId, userName: String(message.userName ?? '') };
  if (typeof message.filmId === 'number') {
    parsed.filmId = message.filmId;
    parsed.filmTitle = String(message.filmTitle ?? '');
  }
  return parsed;
}

/**
 * Applies one online-users message to the list (an array sorted by name).
 * login and update replace the user's entry; logout removes it.
 */
export function applyOnlineMessage(users, message) {
  const others = users.filter((user) => user.userId !== message.userId);
  if (message.typeMessage === OnlineMessageType.LOGOUT) return others;
  const entry = { userId: message.userId, userName: message.userName };
  if (message.filmId !== undefined) {
    entry.filmId = message.filmId;
    entry.filmTitle = message.filmTitle;
  }
  return [...others, entry].sort(
    (a, b) => a.userName.localeCompare(b.userName) || a.userId - b.userId,
  );
}
