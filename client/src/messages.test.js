import { describe, expect, it } from 'vitest';

import {
  applyOnlineMessage,
  filmIdOfTopic,
  filmTopic,
  parseFilmStatus,
  parseOnlineMessage,
  parseServiceStatus,
} from './messages.js';

const bytes = (text) => new TextEncoder().encode(text);

describe('film status messages', () => {
  it('uses the decimal film id as topic', () => {
    expect(filmTopic(3)).toBe('3');
    expect(filmTopic('12')).toBe('12');
    expect(filmIdOfTopic('12')).toBe(12);
    expect(filmIdOfTopic('filmmanager/status')).toBeNull();
    expect(filmIdOfTopic('01')).toBeNull();
  });

  it('parses the three payloads of the contract from bytes', () => {
    expect(parseFilmStatus(bytes('{"status":"active","userId":"2","userName":"Frank"}'))).toEqual({
      status: 'active',
      userId: '2',
      userName: 'Frank',
    });
    expect(parseFilmStatus(bytes('{"status":"inactive"}'))).toEqual({ status: 'inactive' });
    expect(parseFilmStatus('{"status":"deleted"}')).toEqual({ status: 'deleted' });
  });

  it('rejects payloads of another shape', () => {
    expect(parseFilmStatus('not json')).toBeNull();
    expect(parseFilmStatus('{"status":"active"}')).toBeNull();
    expect(parseFilmStatus('{"status":"paused"}')).toBeNull();
    expect(parseFilmStatus('null')).toBeNull();
  });

  it('parses the service liveness payload', () => {
    expect(parseServiceStatus(bytes('online'))).toBe('online');
    expect(parseServiceStatus('offline')).toBe('offline');
    expect(parseServiceStatus('{}')).toBeNull();
  });
});

describe('online-users messages', () => {
  it('parses login with and without an active film, and logout', () => {
    expect(
      parseOnlineMessage(
        '{"typeMessage":"login","userId":2,"userName":"Frank","filmId":1,"filmTitle":"Heat"}',
      ),
    ).toEqual({ typeMessage: 'login', userId: 2, userName: 'Frank', filmId: 1, filmTitle: 'Heat' });
    expect(parseOnlineMessage('{"typeMessage":"update","userId":2,"userName":"Frank"}')).toEqual({
      typeMessage: 'update',
      userId: 2,
      userName: 'Frank',
    });
    expect(parseOnlineMessage('{"typeMessage":"logout","userId":2}')).toEqual({
      typeMessage: 'logout',
      userId: 2,
    });
    expect(parseOnlineMessage('{"typeMessage":"hello","userId":2}')).toBeNull();
    expect(parseOnlineMessage('garbage')).toBeNull();
  });

  it('keeps one entry per user, sorted by name, and drops it on logout', () => {
    let users = [];
    users = applyOnlineMessage(users, { typeMessage: 'login', userId: 3, userName: 'Karen' });
    users = applyOnlineMessage(users, { typeMessage: 'login', userId: 2, userName: 'Frank' });
    users = applyOnlineMessage(users, {
      typeMessage: 'update',
      userId: 3,
      userName: 'Karen',
      filmId: 2,
      filmTitle: 'Heat',
    });

    expect(users).toEqual([
      { userId: 2, userName: 'Frank' },
      { userId: 3, userName: 'Karen', filmId: 2, filmTitle: 'Heat' },
    ]);

    users = applyOnlineMessage(users, { typeMessage: 'update', userId: 3, userName: 'Karen' });
    expect(users[1]).toEqual({ userId: 3, userName: 'Karen' });

    users = applyOnlineMessage(users, { typeMessage: 'logout', userId: 2 });
    expect(users).toEqual([{ userId: 3, userName: 'Karen' }]);
  });
});
