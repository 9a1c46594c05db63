import { useState } from 'react';
import Alert from 'react-bootstrap/Alert';
import Button from 'react-bootstrap/Button';
import Card from 'react-bootstrap/Card';
import Form from 'react-bootstrap/Form';
import Spinner from 'react-bootstrap/Spinner';
import { Navigate, useLocation } from 'react-router-dom';

import { useSession } from '../contexts.js';

export default function LoginPage() {
  const { user, notice, logIn } = useSession();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  if (user) {
    const from = location.state && location.state.from ? location.state.from.pathname : '/private';
    return <Navigate to={from} replace />;
  }

  const onSubmit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await logIn(email.trim(), password);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <Card className="mx-auto shadow-sm" style={{ maxWidth: '28rem' }}>
      <Card.Body>
        <Card.Title as="h1" className="h4 mb-3">
          Log in
        </Card.Title>
        {notice && <Alert variant="info">{notice}</Alert>}
        {error && (
          <Alert variant="danger" data-testid="login-error">
            {error.message}
          </Alert>
        )}
        <Form onSubmit={onSubmit}>
          <Form.Group className="mb-3" controlId="login-email">
            <Form.Label>Email</Form.Label>
            <Form.Control
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Form.Group>
          <Form.Group className="mb-3" controlId="login-password">
            <Form.Label>Password</Form.Label>
            <Form.Control
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Form.Group>
          <Button type="submit" disabled={busy}>
            {busy && <Spinner size="sm" className="me-2" />}
            Log in
          </Button>
        </Form>
      </Card.Body>
    </Card>
  );
}
