import { Link, useSearchParams } from 'react-router-dom';
import { useApprovalQueue, type QueueScope } from '../../api/approvals.ts';
import { useProfiles } from '../../api/publishing.ts';
import { useMembers, useTeams } from '../../api/workspaces.ts';
import { FormError } from '../../components/FormError.tsx';
import { EmptyState, Loading, PageHeader } from '../../components/Page.tsx';
import { useShell } from '../../shell/useWorkspace.ts';
import { ApprovalCard } from './ApprovalCard.tsx';

const TABS: { id: string; label: string; scope: QueueScope; status: 'pending' | 'decided'; empty: string }[] = [
  { id: 'mine', label: 'Waiting for me', scope: 'mine', status: 'pending', empty: 'Nothing waits for your decision.' },
  { id: 'pending', label: 'All pending', scope: 'all', status: 'pending', empty: 'No post is waiting for approval.' },
  { id: 'decided', label: 'Decided', scope: 'all', status: 'decided', empty: 'No post has been decided yet.' },
];

/** Approvals: the posts waiting for a decision, and those decided. */
export function Approvals() {
  const { workspace } = useShell();
  const [params] = useSearchParams();
  const tab = TABS.find((t) => t.id === params.get('view')) ?? TABS[0]!;
  const queue = useApprovalQueue(workspace.id, tab.scope, tab.status);
  const profiles = useProfiles(workspace.id);
  const members = useMembers(workspace.id);
  const teams = useTeams(workspace.id);
  return (
    <div className="page page--wide">
      <PageHeader title="Approvals" description={`Posts in ${workspace.name} that wait for a decision before they are published.`} />
      <nav className="tabs" aria-label="Approvals">
        {TABS.map((t) => (
          <Link key={t.id} to={`?view=${t.id}`} className="tabs__link" aria-current={t.id === tab.id ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      {queue.isPending && <Loading />}
      {queue.isError && <FormError error={queue.error} />}
      {queue.data?.length === 0 && (
        <div className="card">
          <EmptyState title={tab.empty}>
            <p className="muted">
              A contributor’s post, and any post a workflow in <Link to={`/w/${workspace.id}/settings/approvals`}>Settings → Approvals</Link> matches, waits here for a decision.
            </p>
          </EmptyState>
        </div>
      )}
      {queue.data && queue.data.length > 0 && (
        <ul className="approval-list" aria-label={tab.label}>
          {queue.data.map((item) => (
            <ApprovalCard key={item.id} item={item} profiles={profiles.data ?? []} members={members.data ?? []} teams={teams.data ?? []} />
          ))}
        </ul>
      )}
    </div>
  );
}
