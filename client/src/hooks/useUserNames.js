// The names of all users by id (GET /api/users needs a session), used to
// show owners and reviewers by name.
import { useEffect, useState } from 'react';

export function usersOf(answer) {
  if (Array.isArray(answer)) return answer;
  if (answer && Array.isArray(answer.users)) return answer.users;
  return [];
}

/** Returns { users: [...], nameOf(id) }; empty while logged out. */
export function useUserNames(api, loggedIn) {
  const [users, setUsers] = useState([]);

  useEffect(() => {
    if (!loggedIn) return undefined;
    let current = true;
    api.getUsers().then(
      (answer) => current && setUsers(usersOf(answer)),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [api, loggedIn]);

  const shown = loggedIn ? users : [];
  const nameOf = (id) => {
    const found = shown.find((u) => u.id === id);
    return found ? found.name : `User #${id}`;
  };
  return { users: shown, nameOf };
}
