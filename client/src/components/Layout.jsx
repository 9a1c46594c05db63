import Col from 'react-bootstrap/Col';
import Container from 'react-bootstrap/Container';
import Row from 'react-bootstrap/Row';
import { Outlet } from 'react-router-dom';

import AppNavbar from './AppNavbar.jsx';
import OnlineUsersPanel from './OnlineUsersPanel.jsx';
import ServiceBanner from './ServiceBanner.jsx';

/** Every page: the navigation bar, the page itself and the online users. */
export default function Layout() {
  return (
    <>
      <AppNavbar />
      <Container fluid="lg" className="fm-main">
        <ServiceBanner />
        <Row>
          <Col lg={9} className="mb-4">
            <Outlet />
          </Col>
          <Col lg={3}>
            <OnlineUsersPanel />
          </Col>
        </Row>
      </Container>
    </>
  );
}
