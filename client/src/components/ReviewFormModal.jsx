import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Form from 'react-bootstrap/Form';
import Modal from 'react-bootstrap/Modal';

const RATINGS = Array.from({ length: 10 }, (_, i) => i + 1);
const MAX_REVIEW_LENGTH = 1000;

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Completes the caller's review of a film; a completed review is final. */
export default function ReviewFormModal({ filmTitle, onSubmit, onHide }) {
  const [values, setValues] = useState({ reviewDate: today(), rating: '', review: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (field) => (event) => setValues((v) => ({ ...v, [field]: event.target.value }));

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ ...values, review: values.review.trim() });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <Modal show onHide={onHide} centered>
      <Form onSubmit={submit} aria-label="Complete review">
        <Modal.Header closeButton>
          <Modal.Title>Review “{filmTitle}”</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {error && <Alert variant="danger">{error.message}</Alert>}
          <Form.Group className="mb-3" controlId="review-date">
            <Form.Label>Review date</Form.Label>
            <Form.Control
              type="date"
              required
              value={values.reviewDate}
              onChange={set('reviewDate')}
            />
          </Form.Group>
          <Form.Group className="mb-3" controlId="review-rating">
            <Form.Label>Rating</Form.Label>
            <Form.Select required value={values.rating} onChange={set('rating')}>
              <option value="">Choose…</option>
              {RATINGS.map((r) => (
                <option key={r} value={r}>
                  {r} / 10
                </option>
              ))}
            </Form.Select>
          </Form.Group>
          <Form.Group controlId="review-text">
            <Form.Label>Review</Form.Label>
            <Form.Control
              as="textarea"
              rows={4}
              required
              maxLength={MAX_REVIEW_LENGTH}
              value={values.review}
              onChange={set('review')}
            />
            <Form.Text muted>
              {values.review.length} / {MAX_REVIEW_LENGTH}. Once completed, a review cannot be
              changed.
            </Form.Text>
          </Form.Group>
        </Modal.Body>
        <Modal.Footer>
          <Button variant="secondary" onClick={onHide}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy}>
            Complete review
          </Button>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
