// Loads the caller's review of each film shown (to tell which are completed).
import { useCallback, useEffect, useState } from 'react';

/** Returns { reviews: {filmId: review}, reload }. */
export function useMyReviews(api, userId, filmIds) {
  const [reviews, setReviews] = useState({});
  const [version, setVersion] = useState(0);
  const idsKey = filmIds.join(',');

  useEffect(() => {
    // LIMITATION: one request per film shown (at most a page, FM_PAGE_SIZE);
    // the API has no "my reviews" collection.
    if (idsKey === '') return undefined;
    let current = true;
    const ids = idsKey.split(',').map(Number);
    Promise.all(
      ids.map((id) =>
        api.getReview(id, userId).then(
          (r) => [id, r],
          () => [id, null],
        ),
      ),
    ).then((pairs) => current && setReviews(Object.fromEntries(pairs.filter(([, r]) => r))));
    return () => {
      current = false;
    };
  }, [api, userId, idsKey, version]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { reviews, reload };
}
