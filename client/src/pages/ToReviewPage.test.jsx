import { EventEmitter } from 'node:events';

import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ApiError } from '../api.js';
import { ApiContext, MqttContext, SessionContext } from '../contexts.js';
import ToReviewPage from './ToReviewPage.jsx';

class FakeMqttClient extends EventEmitter {
  subscribed = new Set();
  subscribe(topics) {
    for (const t of [topics].flat()) this.subscribed.add(t);
  }
  unsubscribe(topics) {
    for (const t of [topics].flat()) this.subscribed.delete(t);
  }
  deliver(topic, payload) {
    act(() => this.emit('message', topic, new TextEncoder().encode(JSON.stringify(payload))));
  }
}

const frank = { id: 2, name: 'Frank', email: 'frank@example.com' };
const films = [
  { id: 1, title: 'You Can (Not) Redo', owner: 1, private: false },
  { id: 2, title: 'Spirited Away', owner: 1, private: false },
];

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function renderPage(api) {
  const client = new FakeMqttClient();
  const session = { user: frank, notice: null, logIn: vi.fn(), logOut: vi.fn() };
  render(
    <ApiContext.Provider value={api}>
      <SessionContext.Provider value={session}>
        <MqttContext.Provider value={{ client, connected: true, serviceStatus: 'online' }}>
          <MemoryRouter initialEntries={['/to-review']}>
            <ToReviewPage />
          </MemoryRouter>
        </MqttContext.Provider>
      </SessionContext.Provider>
    </ApiContext.Provider>,
  );
  return client;
}

function fakeApi(selectFilm) {
  return {
    getInvitedFilms: vi.fn().mockResolvedValue({
      totalPages: 1,
      currentPage: 1,
      totalItems: 2,
      films,
    }),
    getReview: vi.fn().mockResolvedValue({ filmId: 1, reviewerId: 2, completed: false }),
    selectFilm,
    releaseSelection: vi.fn(),
    completeReview: vi.fn(),
  };
}

afterEach(cleanup);

describe('Public to Review page', () => {
  it('subscribes to every film shown and shows the live holder', async () => {
    const client = renderPage(fakeApi(vi.fn()));
    await screen.findByText('Spirited Away');

    client.deliver('1', { status: 'active', userId: '2', userName: 'Frank' });
    client.deliver('2', { status: 'active', userId: '3', userName: 'Karen' });

    expect([...client.subscribed].sort()).toEqual(['1', '2']);
    expect(within(screen.getByTestId('holder-1')).getByText('you')).toBeTruthy();
    expect(within(screen.getByTestId('holder-2')).getByText('Karen')).toBeTruthy();
  });

  it('keeps a refused selection pending, then shows why and the real holder', async () => {
    const answer = deferred();
    const client = renderPage(fakeApi(vi.fn().mockReturnValue(answer.promise)));
    await screen.findByText('Spirited Away');
    client.deliver('2', { status: 'active', userId: '3', userName: 'Karen' });

    const row = screen.getByTestId('to-review-2');
    fireEvent.click(within(row).getByRole('button', { name: 'Select' }));

    expect(within(row).getByRole('button', { name: /Selecting/ }).disabled).toBe(true);
    expect(row.dataset.holder).toBe('Karen');

    await act(async () =>
      answer.reject(new ApiError(409, 'film_taken', 'The film is active for Karen.')),
    );

    const alert = screen.getByTestId('selection-alert');
    expect(alert.textContent).toMatch(/active for Karen/);
    expect(row.dataset.holder).toBe('Karen');
    expect(within(row).getByRole('button', { name: 'Select' }).disabled).toBe(false);
  });

  it('shows the user as holder once the selection is accepted', async () => {
    const selectFilm = vi.fn().mockResolvedValue(null);
    const client = renderPage(fakeApi(selectFilm));
    await screen.findByText('Spirited Away');
    client.deliver('2', { status: 'inactive' });

    const row = screen.getByTestId('to-review-2');
    await act(async () => fireEvent.click(within(row).getByRole('button', { name: 'Select' })));

    expect(selectFilm).toHaveBeenCalledWith(2, 2);
    expect(within(row).getByText('you')).toBeTruthy();
    expect(within(row).getByRole('button', { name: 'Release' })).toBeTruthy();
  });

  it('marks a deleted film and stops following it', async () => {
    const client = renderPage(fakeApi(vi.fn()));
    await screen.findByText('Spirited Away');

    client.deliver('2', { status: 'deleted' });

    const row = screen.getByTestId('to-review-2');
    expect(row.dataset.deleted).toBe('true');
    expect(within(row).queryByRole('button', { name: 'Select' })).toBeNull();
    expect([...client.subscribed]).toEqual(['1']);
  });
});
