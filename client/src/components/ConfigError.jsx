import Alert from 'react-bootstrap/Alert';
import Container from 'react-bootstrap/Container';

/** Shown instead of the app when no configuration could be loaded. */
export default function ConfigError({ message }) {
  return (
    <Container className="py-5">
      <Alert variant="danger">
        <Alert.Heading>Film Manager cannot start</Alert.Heading>
        <p className="mb-0">{message}</p>
      </Alert>
    </Container>
  );
}
