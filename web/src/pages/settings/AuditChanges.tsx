/** The before/after of an audit event as a short list of changed fields. */
export function AuditChanges({ before, after, userName }: { before: unknown; after: unknown; userName?: (id: string) => string | undefined }) {
  const show = (key: string, value: unknown): string =>
    key === 'userId' && typeof value === 'string' ? (userName?.(value) ?? showValue(value)) : showValue(value);
  const b = asRecord(before);
  const a = asRecord(after);
  if (!b && !a) return <span className="muted">—</span>;
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
  const rows = keys.filter((key) => !b || !a || showValue(b[key]) !== showValue(a[key]));
  if (rows.length === 0) return <span className="muted">No change</span>;
  return (
    <dl className="diff">
      {rows.map((key) => (
        <div key={key} className="diff__row">
          <dt>{key === 'userId' ? 'member' : key}</dt>
          <dd>
            {b && key in b && <del className="diff__before">{show(key, b[key])}</del>}
            {b && key in b && a && key in a && <span className="visually-hidden"> changed to </span>}
            {b && key in b && a && key in a && <span className="diff__arrow" aria-hidden="true"> → </span>}
            {a && key in a && <ins className="diff__after">{show(key, a[key])}</ins>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

const asRecord = (value: unknown): Record<string, unknown> | null =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : value == null ? null : { value };

const showValue = (value: unknown): string => {
  if (value === null || value === undefined || value === '') return '∅';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
};
