import Badge from 'react-bootstrap/Badge';
import Card from 'react-bootstrap/Card';
import ListGroup from 'react-bootstrap/ListGroup';

import { useOnlineUsers, useSession } from '../contexts.js';

/** The logged-in users, live from the WebSocket; shown beside every page. */
export default function OnlineUsersPanel() {
  const { users, connected } = useOnlineUsers();
  const { user: me } = useSession();

  return (
    <Card className="fm-online-panel shadow-sm" data-testid="online-panel">
      <Card.Header className="d-flex justify-content-between align-items-center">
        <span>Online users</span>
        <Badge bg={connected ? 'success' : 'secondary'} data-testid="online-connection">
          {connected ? 'live' : 'reconnecting…'}
        </Badge>
      </Card.Header>
      {users.length === 0 ? (
        <Card.Body className="text-muted small">Nobody is logged in.</Card.Body>
      ) : (
        <ListGroup variant="flush" data-testid="online-list">
          {users.map((u) => (
            <ListGroup.Item key={u.userId} data-testid={`online-user-${u.userId}`}>
              <div className="fw-semibold">
                {u.userName}
                {me && me.id === u.userId && <span className="text-muted fw-normal"> (you)</span>}
              </div>
              <div className="small text-muted">
                {u.filmId !== undefined ? `Reviewing: ${u.filmTitle}` : 'No active film'}
              </div>
            </ListGroup.Item>
          ))}
        </ListGroup>
      )}
    </Card>
  );
}
