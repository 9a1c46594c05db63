import { useCallback, useState } from 'react';
import Badge from 'react-bootstrap/Badge';
import Button from 'react-bootstrap/Button';
import Table from 'react-bootstrap/Table';
import { Link, useParams } from 'react-router-dom';

import ConfirmModal from '../components/ConfirmModal.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import InviteModal from '../components/InviteModal.jsx';
import LoadingRow from '../components/LoadingRow.jsx';
import PageHeader from '../components/PageHeader.jsx';
import Pager from '../components/Pager.jsx';
import ReviewFormModal from '../components/ReviewFormModal.jsx';
import { useApi, useSession } from '../contexts.js';
import { usePagedResource } from '../hooks/usePagedResource.js';
import { usePageParam } from '../hooks/usePageParam.js';
import { usePublicFilm } from '../hooks/usePublicFilm.js';
import { useUserNames } from '../hooks/useUserNames.js';

/** The reviews of one public film: invite, withdraw, complete one's own. */
export default function FilmReviewsPage() {
  const api = useApi();
  const { user } = useSession();
  const { filmId } = useParams();
  const { film, error: filmError } = usePublicFilm(api, filmId);
  const { users, nameOf } = useUserNames(api, Boolean(user));
  const [pageNo, setPageNo] = usePageParam();
  const load = useCallback((n) => api.getReviews(filmId, n), [api, filmId]);
  const { page, error, loading, reload } = usePagedResource(load, pageNo);
  const [modal, setModal] = useState(null);
  const reviews = page ? page.reviews || [] : [];
  const isOwner = Boolean(user && film && film.owner === user.id);
  // LIMITATION: only the invitations on the page shown are left out of the
  // invite list; inviting someone invited on another page gets the service's 409.
  const invited = new Set(reviews.map((r) => r.reviewerId));
  const close = () => setModal(null);
  const afterChange = () => {
    close();
    reload();
  };

  return (
    <section>
      <PageHeader
        title={film ? `Reviews of “${film.title}”` : 'Reviews'}
        subtitle={<Link to="/public">← Public films</Link>}
      >
        {isOwner && <Button onClick={() => setModal({ kind: 'invite' })}>Invite reviewers</Button>}
      </PageHeader>
      <ErrorAlert error={filmError || error} />
      <Table hover responsive className="fm-table bg-white shadow-sm" data-testid="reviews">
        <thead>
          <tr>
            <th>Reviewer</th>
            <th>Status</th>
            <th>Date</th>
            <th>Rating</th>
            <th>Review</th>
            <th className="fm-actions">Actions</th>
          </tr>
        </thead>
        <tbody>
          {reviews.length === 0 && (
            <LoadingRow colSpan={6} loading={loading} emptyText="Nobody is invited yet." />
          )}
          {reviews.map((r) => {
            const mine = Boolean(user && r.reviewerId === user.id);
            return (
              <tr key={r.reviewerId} data-testid={`review-${r.reviewerId}`}>
                <td>{user ? nameOf(r.reviewerId) : `User #${r.reviewerId}`}</td>
                <td>
                  {r.completed ? (
                    <Badge bg="success">completed</Badge>
                  ) : (
                    <Badge bg="secondary">invited</Badge>
                  )}
                </td>
                <td>{r.reviewDate || '—'}</td>
                <td>{r.rating ? `${r.rating} / 10` : '—'}</td>
                <td className="text-break">{r.review || '—'}</td>
                <td className="fm-actions">
                  {mine && !r.completed && (
                    <Button size="sm" onClick={() => setModal({ kind: 'complete', review: r })}>
                      Complete my review
                    </Button>
                  )}
                  {isOwner && !r.completed && (
                    <Button
                      size="sm"
                      variant="outline-danger"
                      className="ms-2"
                      onClick={() => setModal({ kind: 'withdraw', review: r })}
                    >
                      Withdraw
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </Table>
      {page && (
        <Pager currentPage={page.currentPage} totalPages={page.totalPages} onPage={setPageNo} />
      )}

      {modal && modal.kind === 'invite' && (
        <InviteModal
          filmTitle={film.title}
          candidates={users.filter((u) => !invited.has(u.id))}
          onHide={close}
          onSubmit={async (ids) => {
            await api.inviteReviewers(filmId, ids);
            afterChange();
          }}
        />
      )}
      {modal && modal.kind === 'complete' && (
        <ReviewFormModal
          filmTitle={film ? film.title : `#${filmId}`}
          onHide={close}
          onSubmit={async (values) => {
            await api.completeReview(filmId, user.id, values);
            afterChange();
          }}
        />
      )}
      {modal && modal.kind === 'withdraw' && (
        <ConfirmModal
          title="Withdraw invitation"
          confirmLabel="Withdraw"
          onHide={close}
          onConfirm={async () => {
            await api.withdrawInvitation(filmId, modal.review.reviewerId);
            afterChange();
          }}
        >
          Withdraw the invitation of {nameOf(modal.review.reviewerId)}?
        </ConfirmModal>
      )}
    </section>
  );
}
