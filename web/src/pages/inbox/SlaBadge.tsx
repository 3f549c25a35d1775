import type { Sla } from '../../api/inbox.ts';
import { formatDateTime } from '../../lib/format.ts';

/** Nearing and breached service levels stand out; met and on-track ones stay quiet. */
export function SlaBadge({ sla, quiet = true }: { sla: Sla | null | undefined; quiet?: boolean }) {
  if (!sla?.state) return null;
  const due = sla.firstResponseDueAt ?? sla.resolutionDueAt;
  const title = due ? `Due ${formatDateTime(due)}` : undefined;
  if (sla.state === 'breached') return <span className="badge badge--danger" title={title}>SLA breached</span>;
  if (sla.state === 'nearing') return <span className="badge badge--warning" title={title}>SLA nearing</span>;
  if (quiet) return null;
  return (
    <span className="badge badge--muted" title={title}>
      {sla.state === 'met' ? 'SLA met' : 'SLA on track'}
    </span>
  );
}

export const slaClass = (sla: Sla | null | undefined): string =>
  sla?.state === 'breached' ? ' is-breached' : sla?.state === 'nearing' ? ' is-nearing' : '';
