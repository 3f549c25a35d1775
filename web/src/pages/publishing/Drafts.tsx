import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { get } from '../../api/client.ts';
import { useMembers } from '../../api/workspaces.ts';
import { FormError } from '../../components/FormError.tsx';
import { EmptyState, Loading, Section } from '../../components/Page.tsx';
import { formatRelative } from '../../lib/format.ts';
import { useShell } from '../../shell/useWorkspace.ts';

interface Draft {
  postId: string;
  text: string;
  updatedAt: string;
  authorId: string | null;
}

/** Posts with parts not yet scheduled, newest first. */
export function Drafts() {
  const { workspace } = useShell();
  const drafts = useQuery({
    queryKey: ['drafts', workspace.id],
    queryFn: async () => (await get<{ drafts: Draft[] }>(`/workspaces/${workspace.id}/drafts`)).drafts,
  });
  const members = useMembers(workspace.id);
  const author = (id: string | null) => members.data?.find((m) => m.userId === id)?.name ?? 'Someone';
  return (
    <Section title="Drafts" description="Posts that are written but not scheduled. Open one to finish and schedule it.">
      {drafts.isPending && <Loading />}
      {drafts.isError && <FormError error={drafts.error} />}
      {drafts.data?.length === 0 && (
        <EmptyState title="No drafts">
          <p>
            Drafts are saved automatically as you write in the <Link to={`/w/${workspace.id}/publish/compose`}>composer</Link>.
          </p>
        </EmptyState>
      )}
      {drafts.data && drafts.data.length > 0 && (
        <ul className="draft-list">
          {drafts.data.map((d) => (
            <li key={d.postId}>
              <Link to={`/w/${workspace.id}/publish/posts/${d.postId}`} className="draft">
                <span className="draft__text">{d.text.trim() || <span className="muted">(no shared text)</span>}</span>
                <span className="draft__meta muted small">
                  {author(d.authorId)} · edited {formatRelative(d.updatedAt)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
