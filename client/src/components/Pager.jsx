import Pagination from 'react-bootstrap/Pagination';

/** Previous / numbered / next links for a page of the API (1-based). */
export default function Pager({ currentPage, totalPages, onPage }) {
  if (!totalPages || totalPages <= 1) return null;
  const numbers = Array.from({ length: totalPages }, (_, i) => i + 1);
  return (
    <Pagination className="justify-content-center" aria-label="Pages">
      <Pagination.Prev disabled={currentPage <= 1} onClick={() => onPage(currentPage - 1)} />
      {numbers.map((n) => (
        <Pagination.Item key={n} active={n === currentPage} onClick={() => onPage(n)}>
          {n}
        </Pagination.Item>
      ))}
      <Pagination.Next
        disabled={currentPage >= totalPages}
        onClick={() => onPage(currentPage + 1)}
      />
    </Pagination>
  );
}
