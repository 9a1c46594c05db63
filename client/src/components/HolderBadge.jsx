import Badge from 'react-bootstrap/Badge';

/** Who has the film active, as the row of Public to Review shows it. */
export default function HolderBadge({ view }) {
  if (view.deleted) return <Badge bg="dark">film deleted</Badge>;
  if (!view.known) return <span className="text-muted small">waiting for status…</span>;
  if (!view.holder) return <span className="text-muted">nobody</span>;
  if (view.holder.isMe) return <Badge bg="primary">you</Badge>;
  return (
    <Badge bg="warning" text="dark">
      {view.holder.name}
    </Badge>
  );
}
