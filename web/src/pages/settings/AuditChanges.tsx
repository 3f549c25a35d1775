/** The before/after of an audit event as a short list of changed fields. */
export function AuditChanges({ before, after }: { before: unknown; after: unknown }) {
  const b = asRecord(before);
  const a = asRecord(after);
  if (!b && !a) return <span className="muted">—</span>;
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
  const rows = keys.filter((key) => !b || !a || show(b[key]) !== show(a[key]));
  if (rows.length === 0) return <span className="muted">No change</span>;
  return (
    <dl className="diff">
      {rows.map((key) => (
        <div key={key} className="diff__row">
          <dt>{key}</dt>
          <dd>
            {b && key in b && <del className="diff__before">{show(b[key])}</del>}
            {b && key in b && a && key in a && <span className="diff__arrow" aria-label="changed to"> → </span>}
            {a && key in a && <ins className="diff__after">{show(a[key])}</ins>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

const asRecord = (value: unknown): Record<string, unknown> | null =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : value == null ? null : { value };

const show = (value: unknown): string => {
  if (value === null || value === undefined || value === '') return '∅';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
};
