import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Form from 'react-bootstrap/Form';
import Modal from 'react-bootstrap/Modal';

/** Picks users to invite as reviewers of a film. */
export default function InviteModal({ filmTitle, candidates, onSubmit, onHide }) {
  const [chosen, setChosen] = useState(() => new Set());
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const toggle = (id) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit([...chosen]);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <Modal show onHide={onHide} centered>
      <Form onSubmit={submit} aria-label="Invite reviewers">
        <Modal.Header closeButton>
          <Modal.Title>Invite reviewers for “{filmTitle}”</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {error && <Alert variant="danger">{error.message}</Alert>}
          {candidates.length === 0 ? (
            <p className="text-muted mb-0">Everybody is already invited.</p>
          ) : (
            candidates.map((u) => (
              <Form.Check
                key={u.id}
                id={`invite-${u.id}`}
                label={`${u.name} (${u.email})`}
                checked={chosen.has(u.id)}
                onChange={() => toggle(u.id)}
              />
            ))
          )}
        </Modal.Body>
        <Modal.Footer>
          <Button variant="secondary" onClick={onHide}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy || chosen.size === 0}>
            Invite
          </Button>
        </Modal.Footer>
      </Form>
    </Modal>
  );
}
