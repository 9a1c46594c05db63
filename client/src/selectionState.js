// Pure state of the Public to Review page: the live status of each film shown
// (from MQTT), the one selection or release waiting for the server, and the
// alert that explains a refusal. The page feeds it with useReducer.
//
// A selection is pending until the server answers: the row never shows the
// caller as holder before a 204, so a refusal has nothing to undo.

import { FilmStatus } from './messages.js';

export const initialSelectionState = Object.freeze({
  statuses: {},
  pending: null,
  alert: null,
});

const REFUSAL_TITLES = {
  film_taken: 'This film is being reviewed by someone else',
  review_completed: 'Your review of this film is already completed',
};

function refusalAlert(filmId, error) {
  return {
    filmId,
    variant: error && error.status === 409 ? 'warning' : 'danger',
    title: (error && REFUSAL_TITLES[error.error]) || 'The selection was refused',
    text: (error && error.message) || 'The service did not accept the selection.',
  };
}

function withStatus(statuses, filmId, status) {
  return { ...statuses, [filmId]: status };
}

/** Marks inactive every film that the user holds, except `keepFilmId`. */
function releaseOthers(statuses, userId, keepFilmId) {
  const next = { ...statuses };
  for (const [id, status] of Object.entries(statuses)) {
    if (Number(id) !== keepFilmId && isHeldBy(status, userId)) {
      next[id] = { status: FilmStatus.INACTIVE };
    }
  }
  return next;
}

export function isHeldBy(status, userId) {
  return Boolean(
    status && status.status === FilmStatus.ACTIVE && String(status.userId) === String(userId),
  );
}

export function selectionReducer(state, action) {
  switch (action.type) {
    case 'statusReceived':
      return { ...state, statuses: withStatus(state.statuses, action.filmId, action.status) };

    case 'statusesForgotten': {
      const forgotten = new Set(action.filmIds.map(Number));
      const statuses = Object.fromEntries(
        Object.entries(state.statuses).filter(([id]) => !forgotten.has(Number(id))),
      );
      return { ...state, statuses };
    }

    case 'selectRequested':
    case 'releaseRequested':
      if (state.pending) return state;
      return {
        ...state,
        pending: {
          filmId: action.filmId,
          kind: action.type === 'selectRequested' ? 'select' : 'release',
        },
        alert: null,
      };

    case 'selectAccepted': {
      const active = {
        status: FilmStatus.ACTIVE,
        userId: String(action.user.id),
        userName: action.user.name,
      };
      const released = releaseOthers(state.statuses, action.user.id, action.filmId);
      return { ...state, statuses: withStatus(released, action.filmId, active), pending: null };
    }

    case 'releaseAccepted':
      return {
        ...state,
        statuses: withStatus(state.statuses, action.filmId, { status: FilmStatus.INACTIVE }),
        pending: null,
      };

    case 'selectRefused':
    case 'releaseFailed':
      return { ...state, pending: null, alert: refusalAlert(action.filmId, action.error) };

    case 'alertDismissed':
      return { ...state, alert: null };

    default:
      throw new Error(`Unknown selection action: ${action.type}`);
  }
}

/**
 * What a row shows for a film, for the logged-in user `me` ({id, name}).
 * holder: null when nobody has the film active (or the status is unknown).
 */
export function rowView(state, filmId, me) {
  const status = state.statuses[filmId];
  const pending = state.pending && state.pending.filmId === filmId ? state.pending.kind : null;
  const deleted = Boolean(status && status.status === FilmStatus.DELETED);
  const known = Boolean(status);
  const holder =
    status && status.status === FilmStatus.ACTIVE
      ? { id: status.userId, name: status.userName, isMe: isHeldBy(status, me.id) }
      : null;
  return {
    known,
    deleted,
    holder,
    pending,
    canSelect: !deleted && !state.pending && !(holder && holder.isMe),
    canRelease: !deleted && !state.pending && Boolean(holder && holder.isMe),
  };
}
