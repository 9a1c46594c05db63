import Badge from 'react-bootstrap/Badge';
import Button from 'react-bootstrap/Button';

/** The caller's review of a film on Public to Review: done, or the action. */
export default function ReviewCell({ review, deleted, onComplete }) {
  if (!review || (deleted && !review.completed)) return <span className="text-muted">—</span>;
  if (review.completed) return <Badge bg="success">completed</Badge>;
  return (
    <Button size="sm" variant="outline-success" onClick={onComplete}>
      Complete review
    </Button>
  );
}
