import Spinner from 'react-bootstrap/Spinner';

/** A table row that says the table is loading or empty. */
export default function LoadingRow({ colSpan, loading, emptyText }) {
  return (
    <tr>
      <td colSpan={colSpan} className="text-center text-muted py-4">
        {loading ? <Spinner size="sm" aria-label="Loading" /> : emptyText}
      </td>
    </tr>
  );
}
