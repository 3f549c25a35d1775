import { useCallback, useEffect, useState } from 'react';
import { PRIORITY_LEVELS, STATUSES, useConversation, useListRefresh, useUpdateConversations, type ConversationChange, type Message } from '../../api/inbox.ts';
import type { Member, Team } from '../../api/types.ts';
import { FormError } from '../../components/FormError.tsx';
import { NetworkIcon, networkName } from '../../components/NetworkIcon.tsx';
import { Loading } from '../../components/Page.tsx';
import { capitalise } from '../../lib/format.ts';
import { EnumOptions, NamedOptions } from './Options.tsx';
import { TagInput } from '../publishing/TagInput.tsx';
import { AuthorPanel } from './AuthorPanel.tsx';
import { NoteBox } from './NoteBox.tsx';
import { PresenceBar } from './PresenceBar.tsx';
import { ReplyBox } from './ReplyBox.tsx';
import { SlaBadge } from './SlaBadge.tsx';
import { Thread } from './Thread.tsx';
import { usePresence } from './usePresence.ts';

interface Props {
  workspaceId: string;
  conversationId: string;
  members: Member[];
  teams: Team[];
  mayReply: boolean;
  onBack: () => void;
  linkTo: (conversationId: string) => string;
}

/** The right pane: one conversation, its controls, the reply and note boxes, and its author. */
export function ConversationPane({ workspaceId, conversationId, members, teams, mayReply, onBack, linkTo }: Props) {
  const detail = useConversation(workspaceId, conversationId);
  const update = useUpdateConversations(workspaceId);
  const [replying, setReplying] = useState(false);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const others = usePresence(workspaceId, conversationId, replying);
  const onReplyingChange = useCallback((value: boolean) => setReplying(value), []);
  const refreshList = useListRefresh(workspaceId);
  const loaded = detail.data?.conversation.id;
  // Opening the conversation marked it read on the server: the list's dot and the counts follow.
  useEffect(() => {
    if (loaded) void refreshList();
    // refreshList is a new function each render; only a newly loaded conversation matters.
  }, [loaded]);

  if (detail.isPending) return <Loading />;
  if (detail.isError) return <FormError error={detail.error} />;
  const { conversation: c } = detail.data;
  const change = (value: ConversationChange) => update.mutate({ ids: [c.id], change: value });
  const who = c.authorName || `@${c.authorHandle}`;

  return (
    <section className="inbox-conversation" aria-label={`Conversation with ${who}`}>
      <header className="inbox-conversation__header">
        <button type="button" className="button button--small inbox-conversation__back" onClick={onBack} aria-label="Back to the list">
          ←
        </button>
        <h2>
          <NetworkIcon network={c.network} size={18} label /> {who}
        </h2>
        <span className="muted small">
          {capitalise(c.kind)} on {networkName(c.network)}
        </span>
        <SlaBadge sla={c.sla} quiet={false} />
      </header>
      <div className="inbox-conversation__main">
        <PresenceBar others={others} />
        <fieldset className="inbox-controls" disabled={!mayReply || update.isPending}>
          <legend className="visually-hidden">Conversation settings</legend>
          <label>
            <span>Status</span>
            <select value={c.status} onChange={(e) => change({ status: e.target.value as (typeof STATUSES)[number] })}>
              <EnumOptions values={STATUSES} />
            </select>
          </label>
          <label>
            <span>Assignee</span>
            <select value={c.assigneeUserId ?? ''} onChange={(e) => change({ assigneeUserId: e.target.value || null })}>
              <option value="">Nobody</option>
              <NamedOptions items={members} />
            </select>
          </label>
          <label>
            <span>Team</span>
            <select value={c.assigneeTeamId ?? ''} onChange={(e) => change({ assigneeTeamId: e.target.value || null })}>
              <option value="">No team</option>
              <NamedOptions items={teams} />
            </select>
          </label>
          <label>
            <span>Priority</span>
            <select value={c.priority} onChange={(e) => change({ priority: e.target.value as (typeof PRIORITY_LEVELS)[number] })}>
              <EnumOptions values={PRIORITY_LEVELS} />
            </select>
          </label>
          <div className="inbox-controls__tags">
            <TagInput key={c.tags.join(',')} tags={c.tags} onChange={(tags) => change({ tags })} />
          </div>
        </fieldset>
        <FormError error={update.error} />
        <Thread detail={detail.data} replyTo={replyTo} onReplyTo={setReplyTo} senderName={(userId) => members.find((m) => m.userId === userId)?.name} />
        {mayReply ? (
          <>
            <ReplyBox key={c.id} workspaceId={workspaceId} detail={detail.data} replyTo={replyTo} onClearReplyTo={() => setReplyTo(null)} onReplyingChange={onReplyingChange} />
            <NoteBox key={`note-${c.id}`} workspaceId={workspaceId} conversationId={c.id} />
          </>
        ) : (
          <p className="muted small">Your role can read the inbox but not answer.</p>
        )}
      </div>
      <AuthorPanel detail={detail.data} linkTo={linkTo} />
    </section>
  );
}
