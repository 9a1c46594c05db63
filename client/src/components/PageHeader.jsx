/** A page title with optional actions on the right. */
export default function PageHeader({ title, subtitle, children }) {
  return (
    <div className="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-3">
      <div>
        <h1 className="h3 mb-0">{title}</h1>
        {subtitle && <div className="text-muted small">{subtitle}</div>}
      </div>
      {children && <div className="d-flex gap-2">{children}</div>}
    </div>
  );
}
