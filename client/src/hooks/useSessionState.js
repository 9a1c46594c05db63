// Owns the log-in state. The session cookie is HttpOnly, so the client keeps
// the logged-in user in localStorage and checks it against the service at
// start-up; any 401 afterwards (expired or replaced session) logs out locally.
import { useCallback, useEffect, useMemo, useState } from 'react';

const STORAGE_KEY = 'fm-user';

function readStoredUser() {
  try {
    const user = JSON.parse(globalThis.localStorage.getItem(STORAGE_KEY));
    return user && typeof user.id === 'number' && typeof user.name === 'string' ? user : null;
  } catch {
    return null;
  }
}

function storeUser(user) {
  if (user) globalThis.localStorage.setItem(STORAGE_KEY, JSON.stringify(user));
  else globalThis.localStorage.removeItem(STORAGE_KEY);
}

export function useSessionState(api) {
  const [user, setUser] = useState(readStoredUser);
  const [notice, setNotice] = useState(null);

  useEffect(
    () =>
      api.onUnauthorized(() => {
        storeUser(null);
        setUser(null);
        setNotice('Your session has ended. Please log in again.');
      }),
    [api],
  );

  // Checks once, at start-up, that the remembered session is still valid
  // (a 401 reaches the listener above).
  const [initialUserId] = useState(() => (user ? user.id : null));
  useEffect(() => {
    if (initialUserId !== null) api.getUser(initialUserId).catch(() => {});
  }, [api, initialUserId]);

  const logIn = useCallback(
    async (email, password) => {
      const loggedIn = await api.logIn(email, password);
      const next = { id: loggedIn.id, name: loggedIn.name, email: loggedIn.email };
      storeUser(next);
      setNotice(null);
      setUser(next);
      return next;
    },
    [api],
  );

  const logOut = useCallback(async () => {
    try {
      await api.logOut();
    } catch {
      // Already logged out on the server (expired): forget it here too.
    }
    storeUser(null);
    setUser(null);
  }, [api]);

  return useMemo(() => ({ user, notice, logIn, logOut }), [user, notice, logIn, logOut]);
}
