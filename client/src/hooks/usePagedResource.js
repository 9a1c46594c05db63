// Loads one page of a collection and reloads it on demand. The previous
// page stays on screen while the next one loads.
import { useCallback, useEffect, useState } from 'react';

/**
 * @param {Function} load (pageNo) => Promise<page>; must be stable
 * @param {number} pageNo 1-based
 * @returns {{page, error, loading, reload}}
 */
export function usePagedResource(load, pageNo) {
  const [result, setResult] = useState({ key: null, page: null, error: null });
  const [version, setVersion] = useState(0);
  const key = `${pageNo}/${version}`;

  useEffect(() => {
    let current = true;
    load(pageNo).then(
      (page) => current && setResult({ key, page, error: null }),
      (error) => current && setResult((r) => ({ key, page: r.page, error })),
    );
    return () => {
      current = false;
    };
  }, [load, pageNo, key]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { page: result.page, error: result.error, loading: result.key !== key, reload };
}
