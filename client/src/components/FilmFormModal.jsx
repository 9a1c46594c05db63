import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Form from 'react-bootstrap/Form';
import Modal from 'react-bootstrap/Modal';

const RATINGS = Array.from({ length: 10 }, (_, i) => i + 1);

function initialValues(film, isPrivate) {
  return {
    title: film ? film.title : '',
    private: isPrivate,
    watchDate: (film && film.watchDate) || '',
    rating: film && film.rating ? String(film.rating) : '',
    favorite: Boolean(film && film.favorite),
  };
}

/**
 * Adds or edits a film. The visibility is fixed by the page (changing it is
 * refused by the service); watch date, rating and favorite exist only for
 * private films.
 */
export default function FilmFormModal({ film, isPrivate, onSubmit, onHide }) {
  const [values, setValues] = useState(() => initialValues(film, isPrivate));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (field) => (event) => {
    const value = event.target.type === 'checkbox' ? event.target.checked : event.target.value;
    setValues((v) => ({ ...v, [field]: value }));
  };

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ ...values, title: values.title.trim() });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const kind = isPrivate ? 'private' : 'public';
  return (
    <Modal show onHide={onHide} centered>
      <Form onSubmit={submit} aria-label={film ? 'Edit film' : 'Add film'}>
        <Modal.Header closeButton>
          <Modal.Title>{film ? `Edit “${film.title}”` : `Add a ${kind} film`}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {error && <Alert variant="danger">{error.message}</Alert>}
          <Form.Group className="mb-3" controlId="film-title">
            <Form.Label>Title</Form.Label>
            <Form.Control required maxLength={200} value={values.title} onChange={set('title')} />
          </Form.Group>
          {isPrivate && (
            <>
              <Form.Group className="mb-3" controlId="film-watch-date">
                <Form.Label>Watch date</Form.Label>
                <Form.Control type="date" value={values.watchDate} onChange={set('watchDate')} />
              </Form.Group>
              <Form.Group className="mb-3" controlId="film-rating">
                <Form.Label>Rating</Form.Label>
                <Form.Select value={values.rating} onChange={set('rating')}>
                  <option value="">No rating</option>
                  {RATINGS.map((r) => (
                    <option key={r} value={r}>
                      {r} / 10
                    </option>
                  ))}
                </Form.Select>
              </Form.Group>
              <Form.Check
                id="film-favorite"
                label="Favorite"
                checked={values.favorite}
                onChange={set('favorite')}
              />
            </>
          )}
        </Modal.Body>
        <Modal.Footer>
          <Button variant="secondary" onClick={onHide}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy}>
            {film ? 'Save' : 'Add'}
          </Button>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
