import Alert from 'react-bootstrap/Alert';
import { Link } from 'react-router-dom';

export default function NotFoundPage() {
  return (
    <Alert variant="secondary">
      This page does not exist. <Link to="/public">Go to the public films</Link>.
    </Alert>
  );
}
