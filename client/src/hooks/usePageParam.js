// The page number of a paged list, kept in the URL (?page=N) so that a
// reload or a shared link shows the same page.
import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

export function usePageParam() {
  const [params, setParams] = useSearchParams();
  const raw = Number(params.get('page'));
  const pageNo = Number.isInteger(raw) && raw >= 1 ? raw : 1;

  const setPageNo = useCallback(
    (n) => setParams(n > 1 ? { page: String(n) } : {}, { replace: false }),
    [setParams],
  );
  return [pageNo, setPageNo];
}
