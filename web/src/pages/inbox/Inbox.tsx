import { useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useMutation } from '@tanstack/react-query';
import { syncProfileNow, useConversations, useInboxRefresh, useUpdateConversations, type ConversationListItem, type InboxFilters } from '../../api/inbox.ts';
import { useProfiles } from '../../api/publishing.ts';
import { can } from '../../api/session.ts';
import { useMembers, useTeams } from '../../api/workspaces.ts';
import { FormError } from '../../components/FormError.tsx';
import { EmptyState, Loading, PageHeader } from '../../components/Page.tsx';
import { useToast } from '../../components/Toasts.tsx';
import { InboxIcon } from '../../shell/icons.tsx';
import { useShell } from '../../shell/useWorkspace.ts';
import { BulkBar } from './BulkBar.tsx';
import { ConversationList } from './ConversationList.tsx';
import { ConversationPane } from './ConversationPane.tsx';
import { filtersFrom, paramsFor } from './filters.ts';
import { InboxFilterBar, SEARCH_BOX_ID } from './InboxFilterBar.tsx';
import { InboxViews } from './InboxViews.tsx';
import { NOTE_BOX_ID } from './NoteBox.tsx';
import { REPLY_BOX_ID } from './ReplyBox.tsx';
import { ShortcutsHelp, useShortcuts } from './shortcuts.tsx';
import '../../styles/inbox.css';

/** The shared inbox: views on the left, the queue in the middle, the open conversation on the right. */
export function Inbox() {
  const { workspace, session } = useShell();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const openId = params.get('c');
  const list = useConversations(workspace.id, filters);
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.conversations) ?? [], [list.data]);
  const members = useMembers(workspace.id).data ?? [];
  const teams = useTeams(workspace.id).data ?? [];
  const update = useUpdateConversations(workspace.id);
  const toast = useToast();
  const mayReply = can(workspace, 'inbox.reply');
  const [cursor, setCursor] = useState(-1);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [help, setHelp] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);

  const focusRow = (index: number) => listRef.current?.querySelectorAll<HTMLButtonElement>('.inbox-row__open')[index]?.focus();
  const linkTo = (conversationId: string) => `?${paramsFor(filters, conversationId).toString()}`;
  const setFilters = (next: InboxFilters) => {
    setSelected(new Set());
    setCursor(-1);
    setParams(paramsFor(next, openId));
  };
  const open = (index: number) => {
    const item = items[index];
    if (!item) return;
    setCursor(index);
    setParams(paramsFor(filters, item.id));
  };
  const back = () => {
    if (!openId) return;
    const index = items.findIndex((c) => c.id === openId);
    setParams(paramsFor(filters, null));
    requestAnimationFrame(() => focusRow(index >= 0 ? index : Math.max(cursor, 0)));
  };
  const move = (step: number) => {
    if (items.length === 0) return;
    const from = cursor >= 0 ? cursor : openId ? items.findIndex((c) => c.id === openId) : -1;
    const next = Math.min(items.length - 1, Math.max(0, from + step));
    setCursor(next);
    focusRow(next);
    // Reading a conversation, j and k go straight to the next one.
    if (openId) open(next);
  };
  const target = (): ConversationListItem | { id: string } | undefined => (openId ? { id: openId } : items[cursor]);
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    o: () => open(cursor >= 0 ? cursor : 0),
    r: () => document.getElementById(REPLY_BOX_ID)?.focus(),
    n: () => document.getElementById(NOTE_BOX_ID)?.focus(),
    e: () => {
      const c = target();
      if (!c || !mayReply) return;
      update.mutate({ ids: [c.id], change: { status: 'closed' } }, { onSuccess: () => toast('Conversation closed.') });
      if (openId) back();
    },
    a: () => {
      const c = target();
      if (c && mayReply) update.mutate({ ids: [c.id], change: { assigneeUserId: session.user.id } }, { onSuccess: () => toast('Assigned to you.') });
    },
    x: () => {
      const c = items[cursor];
      if (c) toggle(c.id);
    },
    '/': () => document.getElementById(SEARCH_BOX_ID)?.focus(),
    '?': () => setHelp(true),
    Escape: back,
  });

  const assigneeName = (c: ConversationListItem) =>
    (c.assigneeUserId && members.find((m) => m.userId === c.assigneeUserId)?.name) || (c.assigneeTeamId && teams.find((t) => t.id === c.assigneeTeamId)?.name) || null;
  const tags = [...new Set(items.flatMap((c) => c.tags))];
  const chosen = items.filter((c) => selected.has(c.id));

  return (
    <div className="inbox-page">
      <PageHeader
        title="Inbox"
        description="Mentions, replies and direct messages from every connected profile."
        actions={
          <>
            {mayReply && <SyncButton workspaceId={workspace.id} />}
            <button type="button" className="button" onClick={() => setHelp(true)} aria-keyshortcuts="?">
              Keyboard shortcuts
            </button>
          </>
        }
      />
      <div className={`inbox${openId ? ' inbox--open' : ''}`}>
        <InboxViews workspaceId={workspace.id} filters={filters} tags={tags} onPick={setFilters} />
        <section className="inbox-queue" aria-label="Queue">
          <InboxFilterBar filters={filters} onChange={setFilters} />
          {chosen.length > 0 && <BulkBar workspaceId={workspace.id} selected={chosen} members={members} teams={teams} onDone={() => setSelected(new Set())} />}
          {list.isPending && <Loading />}
          {list.isError && <FormError error={list.error} />}
          {list.data && items.length === 0 && (
            <EmptyState icon={<InboxIcon />} title="Nothing here">
              <p>No conversation matches these filters. New mentions, replies and messages arrive by themselves every minute.</p>
            </EmptyState>
          )}
          {items.length > 0 && (
            <ConversationList
              items={items}
              openId={openId}
              cursor={cursor}
              selected={selected}
              assigneeName={assigneeName}
              onOpen={open}
              onToggle={toggle}
              onToggleAll={() => setSelected(chosen.length === items.length ? new Set() : new Set(items.map((c) => c.id)))}
              listRef={listRef}
            />
          )}
          {list.hasNextPage && (
            <button type="button" className="button button--block load-more" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </section>
        <div className="inbox-detail">
          {openId ? (
            <ConversationPane key={openId} workspaceId={workspace.id} conversationId={openId} members={members} teams={teams} mayReply={mayReply} onBack={back} linkTo={linkTo} />
          ) : (
            <p className="muted inbox-detail__hint">Pick a conversation, or press j then Enter. Press ? for every shortcut.</p>
          )}
        </div>
      </div>
      <ShortcutsHelp open={help} onClose={() => setHelp(false)} />
    </div>
  );
}

/** Fetches every profile's new messages now instead of at the next interval. */
function SyncButton({ workspaceId }: { workspaceId: string }) {
  const profiles = useProfiles(workspaceId);
  const refresh = useInboxRefresh(workspaceId);
  const toast = useToast();
  const sync = useMutation({
    mutationFn: () => Promise.all((profiles.data ?? []).filter((p) => p.status === 'active').map((p) => syncProfileNow(workspaceId, p.id))),
    onSuccess: () => {
      void refresh();
      toast('Checked every profile for new messages.');
    },
    onError: () => toast('Some profiles could not be checked; try again later.', 'error'),
  });
  return (
    <button type="button" className="button" disabled={sync.isPending || !profiles.data?.length} onClick={() => sync.mutate()}>
      {sync.isPending ? 'Checking…' : 'Check for new messages'}
    </button>
  );
}
