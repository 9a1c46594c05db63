import { useCallback, useState } from 'react';
import Button from 'react-bootstrap/Button';
import Table from 'react-bootstrap/Table';

import ConfirmModal from '../components/ConfirmModal.jsx';
import ErrorAlert from '../components/ErrorAlert.jsx';
import FilmFormModal from '../components/FilmFormModal.jsx';
import LoadingRow from '../components/LoadingRow.jsx';
import PageHeader from '../components/PageHeader.jsx';
import Pager from '../components/Pager.jsx';
import { useApi } from '../contexts.js';
import { usePagedResource } from '../hooks/usePagedResource.js';
import { usePageParam } from '../hooks/usePageParam.js';
import { filmCount } from '../text.js';

export default function PrivateFilmsPage() {
  const api = useApi();
  const [pageNo, setPageNo] = usePageParam();
  const load = useCallback((n) => api.getPrivateFilms(n), [api]);
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
      <PageHeader title="Private films" subtitle={page && filmCount(page.totalItems)}>
        <Button onClick={() => setModal({ kind: 'add' })}>Add film</Button>
      </PageHeader>
      <ErrorAlert error={error} />
      <Table hover responsive className="fm-table bg-white shadow-sm" data-testid="private-films">
        <thead>
          <tr>
            <th>Title</th>
            <th>Watched</th>
            <th>Rating</th>
            <th>Favorite</th>
            <th className="fm-actions">Actions</th>
          </tr>
        </thead>
        <tbody>
          {films.length === 0 && (
            <LoadingRow colSpan={5} loading={loading} emptyText="No private films yet." />
          )}
          {films.map((film) => (
            <tr key={film.id} data-testid={`private-film-${film.id}`}>
              <td className="fm-title">{film.title}</td>
              <td>{film.watchDate || '—'}</td>
              <td>{film.rating ? `${film.rating} / 10` : '—'}</td>
              <td>{film.favorite ? '★' : '☆'}</td>
              <td className="fm-actions">
                <Button
                  size="sm"
                  variant="outline-primary"
                  className="me-2"
                  onClick={() => setModal({ kind: 'edit', film })}
                >
                  Edit
                </Button>
                <Button
                  size="sm"
                  variant="outline-danger"
                  onClick={() => setModal({ kind: 'delete', film })}
                >
                  Delete
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      {page && (
        <Pager currentPage={page.currentPage} totalPages={page.totalPages} onPage={setPageNo} />
      )}

      {modal && modal.kind === 'add' && (
        <FilmFormModal
          isPrivate
          onHide={close}
          onSubmit={async (data) => {
            await api.createFilm(data);
            afterChange(false);
          }}
        />
      )}
      {modal && modal.kind === 'edit' && (
        <FilmFormModal
          isPrivate
          film={modal.film}
          onHide={close}
          onSubmit={async (data) => {
            await api.updatePrivateFilm(modal.film.id, data);
            afterChange(false);
          }}
        />
      )}
      {modal && modal.kind === 'delete' && (
        <ConfirmModal
          title="Delete film"
          confirmLabel="Delete"
          onHide={close}
          onConfirm={async () => {
            await api.deletePrivateFilm(modal.film.id);
            afterChange(true);
          }}
        >
          Delete “{modal.film.title}”? This cannot be undone.
        </ConfirmModal>
      )}
    </section>
  );
}
