import Button from 'react-bootstrap/Button';
import Container from 'react-bootstrap/Container';
import Nav from 'react-bootstrap/Nav';
import Navbar from 'react-bootstrap/Navbar';
import { NavLink, useNavigate } from 'react-router-dom';

import { useSession } from '../contexts.js';

export default function AppNavbar() {
  const { user, logOut } = useSession();
  const navigate = useNavigate();

  const onLogOut = async () => {
    await logOut();
    navigate('/login');
  };

  return (
    <Navbar bg="dark" data-bs-theme="dark" expand="md">
      <Container fluid="lg">
        <Navbar.Brand as={NavLink} to="/public">
          Film Manager
        </Navbar.Brand>
        <Navbar.Toggle aria-controls="fm-nav" />
        <Navbar.Collapse id="fm-nav">
          <Nav className="me-auto">
            {user && (
              <Nav.Link as={NavLink} to="/private">
                Private films
              </Nav.Link>
            )}
            <Nav.Link as={NavLink} to="/public">
              Public films
            </Nav.Link>
            {user && (
              <Nav.Link as={NavLink} to="/to-review">
                Public to review
              </Nav.Link>
            )}
            <Nav.Link as={NavLink} to="/online">
              Online
            </Nav.Link>
          </Nav>
          {user ? (
            <div className="d-flex align-items-center gap-3">
              <Navbar.Text data-testid="current-user">
                Signed in as <strong className="text-light">{user.name}</strong>
              </Navbar.Text>
              <Button variant="outline-light" size="sm" onClick={onLogOut}>
                Log out
              </Button>
            </div>
          ) : (
            <Nav>
              <Nav.Link as={NavLink} to="/login">
                Log in
              </Nav.Link>
            </Nav>
          )}
        </Navbar.Collapse>
      </Container>
    </Navbar>
  );
}
