import Button from 'react-bootstrap/Button';
import Spinner from 'react-bootstrap/Spinner';

import HolderBadge from './HolderBadge.jsx';
import ReviewCell from './ReviewCell.jsx';

/** One film of Public to Review: live holder, select / release, review. */
export default function ToReviewRow({ film, view, review, onSelect, onRelease, onComplete }) {
  const holderText = view.holder ? view.holder.name : '';
  return (
    <tr
      data-testid={`to-review-${film.id}`}
      data-holder={holderText}
      data-deleted={view.deleted ? 'true' : 'false'}
      className={view.deleted ? 'fm-deleted' : undefined}
    >
      <td className="fm-title">{film.title}</td>
      <td data-testid={`holder-${film.id}`}>
        <HolderBadge view={view} />
      </td>
      <td>
        <ReviewCell review={review} deleted={view.deleted} onComplete={onComplete} />
      </td>
      <td className="fm-actions">
        {view.pending && (
          <Button size="sm" disabled>
            <Spinner size="sm" className="me-1" />
            {view.pending === 'select' ? 'Selecting…' : 'Releasing…'}
          </Button>
        )}
        {!view.pending && !view.deleted && view.holder && view.holder.isMe && (
          <Button
            size="sm"
            variant="outline-secondary"
            disabled={!view.canRelease}
            onClick={onRelease}
          >
            Release
          </Button>
        )}
        {!view.pending && !view.deleted && !(view.holder && view.holder.isMe) && (
          <Button size="sm" disabled={!view.canSelect} onClick={onSelect}>
            Select
          </Button>
        )}
      </td>
    </tr>
  );
}
