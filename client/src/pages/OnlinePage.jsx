import Badge from 'react-bootstrap/Badge';
import Table from 'react-bootstrap/Table';

import LoadingRow from '../components/LoadingRow.jsx';
import PageHeader from '../components/PageHeader.jsx';
import { useOnlineUsers } from '../contexts.js';

/** The logged-in users and the film each one has active, live. */
export default function OnlinePage() {
  const { users, connected } = useOnlineUsers();
  return (
    <section>
      <PageHeader title="Online" subtitle="Who is logged in, and which film each one is reviewing.">
        <Badge bg={connected ? 'success' : 'secondary'} className="align-self-center">
          {connected ? 'live' : 'reconnecting…'}
        </Badge>
      </PageHeader>
      <Table hover responsive className="fm-table bg-white shadow-sm" data-testid="online-table">
        <thead>
          <tr>
            <th>User</th>
            <th>Active film</th>
          </tr>
        </thead>
        <tbody>
          {users.length === 0 && (
            <LoadingRow colSpan={2} loading={!connected} emptyText="Nobody is logged in." />
          )}
          {users.map((u) => (
            <tr key={u.userId}>
              <td>{u.userName}</td>
              <td>{u.filmId !== undefined ? `${u.filmTitle} (#${u.filmId})` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}
