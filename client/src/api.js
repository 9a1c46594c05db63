// The REST layer (CONTRACT §4). Every call sends the session cookie and turns
// an error answer into an ApiError that carries the contract's error body, so
// components can show `message` to the user as it is.

/** An error answer of the service, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, error, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.error = error;
  }
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (e.g. a proxy's page): keep the generic sentence below.
  }
  const message =
    body && typeof body.message === 'string' && body.message !== ''
      ? body.message
      : `The service answered ${response.status} ${response.statusText}`.trim();
  const reason = body && typeof body.error === 'string' ? body.error : 'http_error';
  return new ApiError(response.status, reason, message);
}

/** Only the fields the service accepts for a film (unknown fields are a 400). */
export function filmBody(film) {
  const body = { title: film.title, private: Boolean(film.private) };
  if (!body.private) return body;
  if (film.watchDate) body.watchDate = film.watchDate;
  if (film.rating !== undefined && film.rating !== null && film.rating !== '') {
    body.rating = Number(film.rating);
  }
  body.favorite = Boolean(film.favorite);
  return body;
}

function pageQuery(pageNo) {
  return pageNo && pageNo > 1 ? `?pageNo=${encodeURIComponent(pageNo)}` : '';
}

/**
 * Builds the API client.
 * @param {object} options
 * @param {string} options.baseUrl e.g. '/api' or 'http://localhost:3001/api'
 * @param {Function} [options.fetchImpl] fetch, replaceable in tests
 *
 * `onUnauthorized(listener)` registers a listener called on a 401 answer to
 * any call except log-in (the session expired or was replaced); it returns
 * the function that removes it.
 */
export function createApi({ baseUrl, fetchImpl = globalThis.fetch }) {
  const unauthorizedListeners = new Set();

  async function request(method, path, { body, isLogin = false } = {}) {
    const init = { method, credentials: 'include', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }

    let response;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, init);
    } catch {
      throw new ApiError(0, 'network', 'The service cannot be reached. Check your connection.');
    }

    if (!response.ok) {
      const error = await errorFrom(response);
      if (response.status === 401 && !isLogin) {
        for (const listener of unauthorizedListeners) listener(error);
      }
      throw error;
    }
    if (response.status === 204) return null;
    const text = await response.text();
    return text === '' ? null : JSON.parse(text);
  }

  const film = (id) => `/films/public/${encodeURIComponent(id)}`;
  const privateFilm = (id) => `/films/private/${encodeURIComponent(id)}`;
  const review = (filmId, userId) => `${film(filmId)}/reviews/${encodeURIComponent(userId)}`;
  const selection = (userId) => `/users/${encodeURIComponent(userId)}/selection`;

  return {
    onUnauthorized(listener) {
      unauthorizedListeners.add(listener);
      return () => unauthorizedListeners.delete(listener);
    },

    logIn: (email, password) =>
      request('POST', '/users/authenticator', { body: { email, password }, isLogin: true }),
    logOut: () => request('DELETE', '/users/authenticator'),
    getUsers: () => request('GET', '/users'),
    getUser: (id) => request('GET', `/users/${encodeURIComponent(id)}`),

    getSelection: (userId) => request('GET', selection(userId)),
    selectFilm: (userId, filmId) => request('PUT', selection(userId), { body: { id: filmId } }),
    releaseSelection: (userId) => request('DELETE', selection(userId)),

    createFilm: (data) => request('POST', '/films', { body: filmBody(data) }),
    getPrivateFilms: (pageNo) => request('GET', `/films/private${pageQuery(pageNo)}`),
    updatePrivateFilm: (id, data) => request('PUT', privateFilm(id), { body: filmBody(data) }),
    deletePrivateFilm: (id) => request('DELETE', privateFilm(id)),

    getPublicFilms: (pageNo) => request('GET', `/films/public${pageQuery(pageNo)}`),
    getInvitedFilms: (pageNo) => request('GET', `/films/public/invited${pageQuery(pageNo)}`),
    getPublicFilm: (id) => request('GET', film(id)),
    updatePublicFilm: (id, data) => request('PUT', film(id), { body: filmBody(data) }),
    deletePublicFilm: (id) => request('DELETE', film(id)),

    getReviews: (filmId, pageNo) => request('GET', `${film(filmId)}/reviews${pageQuery(pageNo)}`),
    getReview: (filmId, userId) => request('GET', review(filmId, userId)),
    inviteReviewers: (filmId, reviewerIds) =>
      request('POST', `${film(filmId)}/reviews`, {
        body: reviewerIds.map((reviewerId) => ({ filmId: Number(filmId), reviewerId })),
      }),
    completeReview: (filmId, userId, { reviewDate, rating, review: text }) =>
      request('PUT', review(filmId, userId), {
        body: { reviewDate, rating: Number(rating), review: text },
      }),
    withdrawInvitation: (filmId, userId) => request('DELETE', review(filmId, userId)),
  };
}
