import { describe, expect, it, vi } from 'vitest';

import { ApiError, createApi, filmBody } from './api.js';

function jsonResponse(status, body) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function apiAnswering(...responses) {
  const fetchImpl = vi.fn();
  for (const r of responses) fetchImpl.mockResolvedValueOnce(r);
  return { api: createApi({ baseUrl: 'http://svc/api', fetchImpl }), fetchImpl };
}

describe('api', () => {
  it('logs in with a JSON body and the session cookie', async () => {
    const user = { id: 2, name: 'Frank', email: 'frank@example.com' };
    const { api, fetchImpl } = apiAnswering(jsonResponse(200, user));

    const answer = await api.logIn('frank@example.com', 'password');

    expect(answer).toEqual(user);
    const [url, init] = fetchImpl.mock.calls[0];
    expect(url).toBe('http://svc/api/users/authenticator');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('include');
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body)).toEqual({ email: 'frank@example.com', password: 'password' });
  });

  it('turns the contract error body into an ApiError with its message', async () => {
    const body = { code: 409, error: 'film_taken', message: 'Film 2 is active for Karen.' };
    const { api } = apiAnswering(jsonResponse(409, body));

    const error = await api.selectFilm(2, 2).catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(409);
    expect(error.error).toBe('film_taken');
    expect(error.message).toBe('Film 2 is active for Karen.');
  });

  it('sends the selection as {"id": filmId} to the user selection link', async () => {
    const { api, fetchImpl } = apiAnswering(new Response(null, { status: 204 }));

    const answer = await api.selectFilm(3, 7);

    expect(answer).toBeNull();
    const [url, init] = fetchImpl.mock.calls[0];
    expect(url).toBe('http://svc/api/users/3/selection');
    expect(init.method).toBe('PUT');
    expect(JSON.parse(init.body)).toEqual({ id: 7 });
  });

  it('tells unauthorized listeners about a 401, but not for a failed log-in', async () => {
    const unauthorized = { code: 401, error: 'unauthorized', message: 'Log in first.' };
    const { api } = apiAnswering(jsonResponse(401, unauthorized), jsonResponse(401, unauthorized));
    const listener = vi.fn();
    api.onUnauthorized(listener);

    await expect(api.logIn('a@example.com', 'x')).rejects.toThrow('Log in first.');
    expect(listener).not.toHaveBeenCalled();

    await expect(api.getPrivateFilms(1)).rejects.toThrow('Log in first.');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0][0].status).toBe(401);
  });

  it('stops calling a listener once it is removed', async () => {
    const unauthorized = { code: 401, error: 'unauthorized', message: 'Log in first.' };
    const { api } = apiAnswering(jsonResponse(401, unauthorized));
    const listener = vi.fn();
    const remove = api.onUnauthorized(listener);

    remove();
    await expect(api.getUsers()).rejects.toThrow();

    expect(listener).not.toHaveBeenCalled();
  });

  it('reports a network failure as an ApiError with status 0', async () => {
    const fetchImpl = vi.fn().mockRejectedValue(new TypeError('Failed to fetch'));
    const api = createApi({ baseUrl: '/api', fetchImpl });

    const error = await api.getPublicFilms(1).catch((e) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/cannot be reached/);
  });

  it('gives a readable message when an error answer is not JSON', async () => {
    const { api } = apiAnswering(new Response('<html>bad gateway</html>', { status: 502 }));

    const error = await api.getPublicFilms(1).catch((e) => e);

    expect(error.status).toBe(502);
    expect(error.error).toBe('http_error');
    expect(error.message).toMatch(/502/);
  });

  it('asks for a page with pageNo, and for the first page without a query', async () => {
    const page = { totalPages: 2, currentPage: 2, totalItems: 11, films: [] };
    const { api, fetchImpl } = apiAnswering(jsonResponse(200, page), jsonResponse(200, page));

    expect(await api.getInvitedFilms(2)).toEqual(page);
    await api.getPublicFilms(1);

    expect(fetchImpl.mock.calls[0][0]).toBe('http://svc/api/films/public/invited?pageNo=2');
    expect(fetchImpl.mock.calls[1][0]).toBe('http://svc/api/films/public');
  });

  it('invites reviewers with one {filmId, reviewerId} per user', async () => {
    const { api, fetchImpl } = apiAnswering(jsonResponse(201, []));

    await api.inviteReviewers('4', [2, 5]);

    const [url, init] = fetchImpl.mock.calls[0];
    expect(url).toBe('http://svc/api/films/public/4/reviews');
    expect(JSON.parse(init.body)).toEqual([
      { filmId: 4, reviewerId: 2 },
      { filmId: 4, reviewerId: 5 },
    ]);
  });

  it('completes a review with date, numeric rating and text', async () => {
    const { api, fetchImpl } = apiAnswering(new Response(null, { status: 204 }));

    await api.completeReview(2, 3, { reviewDate: '2026-12-01', rating: '8', review: 'Fine.' });

    const [url, init] = fetchImpl.mock.calls[0];
    expect(url).toBe('http://svc/api/films/public/2/reviews/3');
    expect(init.method).toBe('PUT');
    expect(JSON.parse(init.body)).toEqual({ reviewDate: '2026-12-01', rating: 8, review: 'Fine.' });
  });
});

describe('filmBody', () => {
  it('sends only title and visibility for a public film', () => {
    const body = filmBody({ title: 'Heat', private: false, rating: '7', favorite: true, id: 9 });

    expect(body).toEqual({ title: 'Heat', private: false });
  });

  it('keeps the private-only fields of a private film, with a numeric rating', () => {
    const body = filmBody({
      title: 'Heat',
      private: true,
      watchDate: '2026-11-30',
      rating: '7',
      favorite: true,
    });

    expect(body).toEqual({
      title: 'Heat',
      private: true,
      watchDate: '2026-11-30',
      rating: 7,
      favorite: true,
    });
  });

  it('leaves out an empty watch date and rating', () => {
    const body = filmBody({ title: 'Heat', private: true, watchDate: '', rating: '' });

    expect(body).toEqual({ title: 'Heat', private: true, favorite: false });
  });
});
