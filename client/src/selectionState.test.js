import { describe, expect, it } from 'vitest';

import { initialSelectionState, rowView, selectionReducer } from './selectionState.js';

const frank = { id: 2, name: 'Frank' };
const karen = { id: 3, name: 'Karen' };

function run(...actions) {
  return actions.reduce(selectionReducer, initialSelectionState);
}

const active = (user) => ({ status: 'active', userId: String(user.id), userName: user.name });
const inactive = { status: 'inactive' };

describe('selectionReducer', () => {
  it('shows the holder that MQTT reports, and nobody for an inactive film', () => {
    const state = run(
      { type: 'statusReceived', filmId: 1, status: active(karen) },
      { type: 'statusReceived', filmId: 2, status: inactive },
    );

    expect(rowView(state, 1, frank).holder).toEqual({ id: '3', name: 'Karen', isMe: false });
    expect(rowView(state, 2, frank).holder).toBeNull();
    expect(rowView(state, 2, frank).known).toBe(true);
    expect(rowView(state, 3, frank).known).toBe(false);
  });

  it('keeps a selection pending, without showing the user as holder, until the answer', () => {
    const state = run(
      { type: 'statusReceived', filmId: 2, status: inactive },
      { type: 'selectRequested', filmId: 2 },
    );

    const view = rowView(state, 2, frank);
    expect(view.pending).toBe('select');
    expect(view.holder).toBeNull();
    expect(rowView(state, 1, frank).canSelect).toBe(false);
  });

  it('ignores a second request while one is pending', () => {
    const pending = run({ type: 'selectRequested', filmId: 2 });

    const state = selectionReducer(pending, { type: 'selectRequested', filmId: 4 });

    expect(state).toBe(pending);
    expect(state.pending.filmId).toBe(2);
  });

  it('makes the user the holder once accepted and releases their previous film', () => {
    const state = run(
      { type: 'statusReceived', filmId: 1, status: active(frank) },
      { type: 'statusReceived', filmId: 2, status: inactive },
      { type: 'selectRequested', filmId: 2 },
      { type: 'selectAccepted', filmId: 2, user: frank },
    );

    expect(state.pending).toBeNull();
    expect(rowView(state, 2, frank).holder).toEqual({ id: '2', name: 'Frank', isMe: true });
    expect(rowView(state, 2, frank).canRelease).toBe(true);
    expect(rowView(state, 1, frank).holder).toBeNull();
  });

  it('does not release a film that another user holds when accepting', () => {
    const state = run(
      { type: 'statusReceived', filmId: 3, status: active(karen) },
      { type: 'selectRequested', filmId: 2 },
      { type: 'selectAccepted', filmId: 2, user: frank },
    );

    expect(rowView(state, 3, frank).holder.name).toBe('Karen');
  });

  it('on refusal keeps the real holder and explains why with the server message', () => {
    const refusal = { status: 409, error: 'film_taken', message: 'Film 2 is active for Karen.' };
    const state = run(
      { type: 'statusReceived', filmId: 2, status: active(karen) },
      { type: 'selectRequested', filmId: 2 },
      { type: 'selectRefused', filmId: 2, error: refusal },
    );

    expect(state.pending).toBeNull();
    expect(rowView(state, 2, frank).holder.name).toBe('Karen');
    expect(state.alert).toMatchObject({ filmId: 2, variant: 'warning' });
    expect(state.alert.text).toBe('Film 2 is active for Karen.');
    expect(state.alert.title).toMatch(/someone else/);
  });

  it('explains a refusal because the review is completed', () => {
    const refusal = { status: 409, error: 'review_completed', message: 'Your review is done.' };
    const state = run(
      { type: 'selectRequested', filmId: 4 },
      { type: 'selectRefused', filmId: 4, error: refusal },
    );

    expect(state.alert.title).toMatch(/already completed/);
    expect(state.alert.text).toBe('Your review is done.');
  });

  it('shows other failures as errors and clears the alert on the next request', () => {
    const failure = { status: 0, error: 'network', message: 'The service cannot be reached.' };
    const refused = run(
      { type: 'selectRequested', filmId: 4 },
      { type: 'selectRefused', filmId: 4, error: failure },
    );
    expect(refused.alert.variant).toBe('danger');

    const again = selectionReducer(refused, { type: 'selectRequested', filmId: 4 });

    expect(again.alert).toBeNull();
  });

  it('lets a later MQTT message win over the accepted answer', () => {
    const state = run(
      { type: 'selectRequested', filmId: 2 },
      { type: 'selectAccepted', filmId: 2, user: frank },
      { type: 'statusReceived', filmId: 2, status: inactive },
    );

    expect(rowView(state, 2, frank).holder).toBeNull();
  });

  it('marks a deleted film and offers no action on it', () => {
    const state = run({ type: 'statusReceived', filmId: 2, status: { status: 'deleted' } });

    const view = rowView(state, 2, frank);
    expect(view.deleted).toBe(true);
    expect(view.canSelect).toBe(false);
    expect(view.canRelease).toBe(false);
  });

  it('releases the user film once the release is accepted', () => {
    const state = run(
      { type: 'statusReceived', filmId: 1, status: active(frank) },
      { type: 'releaseRequested', filmId: 1 },
      { type: 'releaseAccepted', filmId: 1 },
    );

    expect(rowView(state, 1, frank).holder).toBeNull();
    expect(state.pending).toBeNull();
  });

  it('forgets the statuses of films no longer followed', () => {
    const state = run(
      { type: 'statusReceived', filmId: 1, status: active(frank) },
      { type: 'statusReceived', filmId: 2, status: inactive },
      { type: 'statusesForgotten', filmIds: [1] },
    );

    expect(rowView(state, 1, frank).known).toBe(false);
    expect(rowView(state, 2, frank).known).toBe(true);
  });

  it('dismisses the alert', () => {
    const state = run(
      { type: 'selectRequested', filmId: 4 },
      {
        type: 'selectRefused',
        filmId: 4,
        error: { status: 409, error: 'film_taken', message: 'x' },
      },
      { type: 'alertDismissed' },
    );

    expect(state.alert).toBeNull();
  });

  it('rejects an unknown action', () => {
    expect(() => selectionReducer(initialSelectionState, { type: 'nope' })).toThrow(/nope/);
  });
});
