import Alert from 'react-bootstrap/Alert';

/** Shows the `message` of an ApiError (or any Error); nothing when null. */
export default function ErrorAlert({ error, onClose }) {
  if (!error) return null;
  return (
    <Alert variant="danger" dismissible={Boolean(onClose)} onClose={onClose} role="alert">
      {error.message}
    </Alert>
  );
}
