import { Navigate, Outlet, useLocation } from 'react-router-dom';

import { useSession } from '../contexts.js';

/** Routes under it need a logged-in user; others go to the log-in page. */
export default function RequireAuth() {
  const { user } = useSession();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location }} />;
  return <Outlet />;
}
