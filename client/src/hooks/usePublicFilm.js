// Loads one public film by id.
import { useEffect, useState } from 'react';

/** Returns { film, error }; both null while loading. */
export function usePublicFilm(api, filmId) {
  const [state, setState] = useState({ filmId: null, film: null, error: null });

  useEffect(() => {
    let current = true;
    api.getPublicFilm(filmId).then(
      (film) => current && setState({ filmId, film, error: null }),
      (error) => current && setState({ filmId, film: null, error }),
    );
    return () => {
      current = false;
    };
  }, [api, filmId]);

  return state.filmId === filmId ? state : { film: null, error: null };
}
