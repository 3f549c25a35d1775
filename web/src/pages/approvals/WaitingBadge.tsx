import { useWaitingCount } from '../../api/approvals.ts';
import { can } from '../../api/session.ts';
import type { Workspace } from '../../api/types.ts';
import '../../styles/approvals.css';

/** The number of posts waiting for the reader's decision, beside "Approvals" in the navigation. */
export function WaitingBadge({ workspace }: { workspace: Workspace }) {
  const count = useWaitingCount(workspace.id, can(workspace, 'approvals.decide'));
  if (!count.data) return null;
  return (
    <span className="nav-link__count">
      <span aria-hidden="true">{count.data > 99 ? '99+' : count.data}</span>
      <span className="visually-hidden">, {count.data} waiting for you</span>
    </span>
  );
}
