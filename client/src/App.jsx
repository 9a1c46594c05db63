import { useMemo } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';

import { createApi } from './api.js';
import Layout from './components/Layout.jsx';
import RequireAuth from './components/RequireAuth.jsx';
import { ApiContext, MqttContext, OnlineUsersContext, SessionContext } from './contexts.js';
import { useMqttConnection } from './hooks/useMqttConnection.js';
import { useOnlineUsersFeed } from './hooks/useOnlineUsersFeed.js';
import { useSessionState } from './hooks/useSessionState.js';
import FilmReviewsPage from './pages/FilmReviewsPage.jsx';
import LoginPage from './pages/LoginPage.jsx';
import NotFoundPage from './pages/NotFoundPage.jsx';
import OnlinePage from './pages/OnlinePage.jsx';
import PrivateFilmsPage from './pages/PrivateFilmsPage.jsx';
import PublicFilmsPage from './pages/PublicFilmsPage.jsx';
import ToReviewPage from './pages/ToReviewPage.jsx';

/** Wires configuration, session, live channels and routes together. */
export default function App({ config }) {
  const api = useMemo(() => createApi({ baseUrl: config.apiBase }), [config.apiBase]);
  const session = useSessionState(api);
  const online = useOnlineUsersFeed(config.wsUrl, session.user ? session.user.id : null);
  const mqtt = useMqttConnection(config.mqttUrl);

  return (
    <ApiContext.Provider value={api}>
      <SessionContext.Provider value={session}>
        <OnlineUsersContext.Provider value={online}>
          <MqttContext.Provider value={mqtt}>
            <BrowserRouter>
              <Routes>
                <Route element={<Layout />}>
                  <Route index element={<Navigate to="/public" replace />} />
                  <Route path="login" element={<LoginPage />} />
                  <Route path="public" element={<PublicFilmsPage />} />
                  <Route path="public/:filmId/reviews" element={<FilmReviewsPage />} />
                  <Route path="online" element={<OnlinePage />} />
                  <Route element={<RequireAuth />}>
                    <Route path="private" element={<PrivateFilmsPage />} />
                    <Route path="to-review" element={<ToReviewPage />} />
                  </Route>
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Routes>
            </BrowserRouter>
          </MqttContext.Provider>
        </OnlineUsersContext.Provider>
      </SessionContext.Provider>
    </ApiContext.Provider>
  );
}
