import { useState } from 'react';
import { useUpdateConversations, type ConversationChange, type ConversationListItem } from '../../api/inbox.ts';
import type { Member, Team } from '../../api/types.ts';
import { FormError } from '../../components/FormError.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { NamedOptions } from './Options.tsx';

interface Props {
  workspaceId: string;
  selected: ConversationListItem[];
  members: Member[];
  teams: Team[];
  onDone: () => void;
}

/** Assign, tag or close every selected conversation at once. */
export function BulkBar({ workspaceId, selected, members, teams, onDone }: Props) {
  const update = useUpdateConversations(workspaceId);
  const toast = useToast();
  const [tag, setTag] = useState('');
  const ids = selected.map((c) => c.id);

  const apply = async (change: ConversationChange, done: string) => {
    await update.mutateAsync({ ids, change });
    toast(done);
    onDone();
  };
  /** One request: the server adds the tag to each conversation's own tags, all or none. */
  const addTag = async () => {
    const name = tag.trim().replace(/^#/, '');
    if (!name) return;
    await update.mutateAsync({ ids, change: { addTags: [name] } });
    setTag('');
    toast(`Tagged ${selected.length} ${selected.length === 1 ? 'conversation' : 'conversations'} “${name}”.`);
    onDone();
  };
  const count = `${selected.length} ${selected.length === 1 ? 'conversation' : 'conversations'}`;

  return (
    <div className="inbox-bulk" role="region" aria-label="Bulk actions">
      <strong>{selected.length} selected</strong>
      <select
        aria-label="Assign selected to a person"
        value=""
        disabled={update.isPending}
        onChange={(event) => {
          const userId = event.target.value;
          const name = members.find((m) => m.userId === userId)?.name ?? 'nobody';
          void apply({ assigneeUserId: userId === 'none' ? null : userId }, `Assigned ${count} to ${userId === 'none' ? 'nobody' : name}.`);
        }}
      >
        <option value="">Assign to…</option>
        <option value="none">Nobody</option>
        <NamedOptions items={members} />
      </select>
      <select
        aria-label="Assign selected to a team"
        value=""
        disabled={update.isPending || teams.length === 0}
        onChange={(event) => {
          const teamId = event.target.value;
          const name = teams.find((t) => t.id === teamId)?.name ?? 'no team';
          void apply({ assigneeTeamId: teamId === 'none' ? null : teamId }, `Gave ${count} to ${name}.`);
        }}
      >
        <option value="">Team…</option>
        <option value="none">No team</option>
        <NamedOptions items={teams} />
      </select>
      <form
        className="inbox-bulk__tag"
        onSubmit={(event) => {
          event.preventDefault();
          void addTag();
        }}
      >
        <input type="text" aria-label="Tag to add to selected" placeholder="Tag" maxLength={50} value={tag} onChange={(e) => setTag(e.target.value)} />
        <button type="submit" className="button button--small" disabled={!tag.trim() || update.isPending}>
          Add tag
        </button>
      </form>
      <button type="button" className="button button--small" disabled={update.isPending} onClick={() => void apply({ status: 'closed' }, `Closed ${count}.`)}>
        Close selected
      </button>
      <button type="button" className="button button--small" onClick={onDone}>
        Clear selection
      </button>
      <FormError error={update.error} />
    </div>
  );
}
