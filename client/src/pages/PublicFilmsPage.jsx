import { useCallback, useState } from 'react';
import Badge from 'react-bootstrap/Badge';
import Button from 'react-bootstrap/Button';
import Table from 'react-bootstrap/Table';
import { Link } from 'react-router-dom';

import ConfirmModal from '../components/ConfirmModal.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import FilmFormModal from '../components/FilmFormModal.jsx';
import LoadingRow from '../components/LoadingRow.jsx';
import PageHeader from '../components/PageHeader.jsx';
import Pager from '../components/Pager.jsx';
import { useApi, useSession } from '../contexts.js';
import { usePagedResource } from '../hooks/usePagedResource.js';
import { usePageParam } from '../hooks/usePageParam.js';
import { filmCount } from '../text.js';
import { useUserNames } from '../hooks/useUserNames.js';

export default function PublicFilmsPage() {
  const api = useApi();
  const { user } = useSession();
  const { nameOf } = useUserNames(api, Boolean(user));
  const [pageNo, setPageNo] = usePageParam();
  const load = useCallback((n) => api.getPublicFilms(n), [api]);
  const { page, error, loading, reload } = usePagedResource(load, pageNo);
  const [modal, setModal] = useState(null);
  const films = page ? page.films || [] : [];
  const close = () => setModal(null);

  const afterChange = (removedOne) => {
    close();
    if (removedOne && films.length === 1 && pageNo > 1) setPageNo(pageNo - 1);
    else reload();
  };

  return (
    <section>
      <PageHeader title="Public films" subtitle={page && filmCount(page.totalItems)}>
        {user && <Button onClick={() => setModal({ kind: 'add' })}>Add public film</Button>}
      </PageHeader>
      <ErrorAlert error={error} />
      <Table hover responsive className="fm-table bg-white shadow-sm" data-testid="public-films">
        <thead>
          <tr>
            <th>Title</th>
            <th>Owner</th>
            <th className="fm-actions">Actions</th>
          </tr>
        </thead>
        <tbody>
          {films.length === 0 && (
            <LoadingRow colSpan={3} loading={loading} emptyText="No public films yet." />
          )}
          {films.map((film) => {
            const mine = Boolean(user && film.owner === user.id);
            return (
              <tr key={film.id} data-testid={`public-film-${film.id}`}>
                <td className="fm-title">{film.title}</td>
                <td>
                  {mine ? (
                    <Badge bg="info">you</Badge>
                  ) : user ? (
                    nameOf(film.owner)
                  ) : (
                    `#${film.owner}`
                  )}
                </td>
                <td className="fm-actions">
                  <Button
                    as={Link}
                    to={`/public/${film.id}/reviews`}
                    size="sm"
                    variant="outline-secondary"
                  >
                    Reviews
                  </Button>
                  {mine && (
                    <>
                      <Button
                        size="sm"
                        variant="outline-primary"
                        className="ms-2"
                        onClick={() => setModal({ kind: 'edit', film })}
                      >
                        Edit
                      </Button>
                      <Button
                        size="sm"
                        variant="outline-danger"
                        className="ms-2"
                        onClick={() => setModal({ kind: 'delete', film })}
                      >
                        Delete
                      </Button>
                    </>
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

      {modal && modal.kind === 'add' && (
        <FilmFormModal
          isPrivate={false}
          onHide={close}
          onSubmit={async (data) => {
            await api.createFilm(data);
            afterChange(false);
          }}
        />
      )}
      {modal && modal.kind === 'edit' && (
        <FilmFormModal
          isPrivate={false}
          film={modal.film}
          onHide={close}
          onSubmit={async (data) => {
            await api.updatePublicFilm(modal.film.id, data);
            afterChange(false);
          }}
        />
      )}
      {modal && modal.kind === 'delete' && (
        <ConfirmModal
          title="Delete public film"
          confirmLabel="Delete"
          onHide={close}
          onConfirm={async () => {
            await api.deletePublicFilm(modal.film.id);
            afterChange(true);
          }}
        >
          Delete “{modal.film.title}” with all its reviews? Reviewers see it disappear at once.
        </ConfirmModal>
      )}
    </section>
  );
}
