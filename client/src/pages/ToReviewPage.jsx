import { useCallback, useReducer, useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Badge from 'react-bootstrap/Badge';
import Table from 'react-bootstrap/Table';

import ErrorAlert from '../components/ErrorAlert.jsx';
import LoadingRow from '../components/LoadingRow.jsx';
import PageHeader from '../components/PageHeader.jsx';
import Pager from '../components/Pager.jsx';
import ReviewFormModal from '../components/ReviewFormModal.jsx';
import ToReviewRow from '../components/ToReviewRow.jsx';
import { useApi, useMqtt, useSession } from '../contexts.js';
import { useFilmStatuses } from '../hooks/useFilmStatuses.js';
import { useMyReviews } from '../hooks/useMyReviews.js';
import { usePagedResource } from '../hooks/usePagedResource.js';
import { usePageParam } from '../hooks/usePageParam.js';
import { initialSelectionState, rowView, selectionReducer } from '../selectionState.js';

/**
 * The public films the user is invited to review, each with who has it
 * active right now (live, over MQTT), and the action to select it.
 */
export default function ToReviewPage() {
  const api = useApi();
  const { user } = useSession();
  const { client, connected } = useMqtt();
  const [pageNo, setPageNo] = usePageParam();
  const load = useCallback((n) => api.getInvitedFilms(n), [api]);
  const { page, error, loading } = usePagedResource(load, pageNo);
  const films = page ? page.films || [] : [];
  const filmIds = films.map((f) => f.id);

  const [state, dispatch] = useReducer(selectionReducer, initialSelectionState);
  const onStatus = useCallback(
    (filmId, status) => dispatch({ type: 'statusReceived', filmId, status }),
    [],
  );
  const onForget = useCallback((ids) => dispatch({ type: 'statusesForgotten', filmIds: ids }), []);
  useFilmStatuses(client, filmIds, onStatus, onForget);

  const { reviews, reload: reloadReviews } = useMyReviews(api, user.id, filmIds);
  const [reviewing, setReviewing] = useState(null);

  const select = async (film) => {
    if (state.pending) return;
    dispatch({ type: 'selectRequested', filmId: film.id });
    try {
      await api.selectFilm(user.id, film.id);
      dispatch({ type: 'selectAccepted', filmId: film.id, user });
    } catch (e) {
      dispatch({ type: 'selectRefused', filmId: film.id, error: e });
    }
  };

  const release = async (film) => {
    if (state.pending) return;
    dispatch({ type: 'releaseRequested', filmId: film.id });
    try {
      await api.releaseSelection(user.id);
      dispatch({ type: 'releaseAccepted', filmId: film.id });
    } catch (e) {
      dispatch({ type: 'releaseFailed', filmId: film.id, error: e });
    }
  };

  return (
    <section>
      <PageHeader
        title="Public to review"
        subtitle="Select the film you are writing a review for; one at a time, one reviewer per film."
      >
        <Badge
          bg={connected ? 'success' : 'secondary'}
          data-testid="mqtt-connection"
          className="align-self-center"
        >
          {connected ? 'live' : 'reconnecting…'}
        </Badge>
      </PageHeader>
      <ErrorAlert error={error} />
      {state.alert && (
        <Alert
          variant={state.alert.variant}
          dismissible
          onClose={() => dispatch({ type: 'alertDismissed' })}
          data-testid="selection-alert"
        >
          <Alert.Heading as="h2" className="h6">
            {state.alert.title}
          </Alert.Heading>
          <div className="mb-0">{state.alert.text}</div>
        </Alert>
      )}
      <Table hover responsive className="fm-table bg-white shadow-sm" data-testid="to-review">
        <thead>
          <tr>
            <th>Title</th>
            <th>Active for</th>
            <th>My review</th>
            <th className="fm-actions">Selection</th>
          </tr>
        </thead>
        <tbody>
          {films.length === 0 && (
            <LoadingRow
              colSpan={4}
              loading={loading}
              emptyText="You are not invited to review any film."
            />
          )}
          {films.map((film) => (
            <ToReviewRow
              key={film.id}
              film={film}
              view={rowView(state, film.id, user)}
              review={reviews[film.id]}
              onSelect={() => select(film)}
              onRelease={() => release(film)}
              onComplete={() => setReviewing(film)}
            />
          ))}
        </tbody>
      </Table>
      {page && (
        <Pager currentPage={page.currentPage} totalPages={page.totalPages} onPage={setPageNo} />
      )}

      {reviewing && (
        <ReviewFormModal
          filmTitle={reviewing.title}
          onHide={() => setReviewing(null)}
          onSubmit={async (values) => {
            await api.completeReview(reviewing.id, user.id, values);
            setReviewing(null);
            reloadReviews();
          }}
        />
      )}
    </section>
  );
}
