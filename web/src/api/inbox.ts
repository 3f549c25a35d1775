import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, patch, post, put, query } from './client.ts';
import type { CONVERSATION_STATUSES, MESSAGE_KINDS, PRIORITIES } from '../../../src/inbox/schema.ts';

export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export type SlaState = 'ok' | 'nearing' | 'breached' | 'met';

export const STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'closed'];
export const PRIORITY_LEVELS: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];

export interface Sla {
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  state: SlaState | null;
}

export interface Conversation {
  id: string;
  workspaceId: string;
  profileId: string;
  network: string;
  remoteThreadId: string;
  kind: MessageKind;
  status: ConversationStatus;
  priority: Priority;
  assigneeUserId: string | null;
  assigneeTeamId: string | null;
  tags: string[];
  authorRemoteId: string;
  authorHandle: string;
  authorName: string | null;
  authorAvatarUrl: string | null;
  /** When the network tells. */
  authorFollowers?: number | null;
  lastMessageAt: string;
  unread: number;
  firstInboundAt: string | null;
  firstResponseAt: string | null;
  closedAt: string | null;
  createdAt: string;
  sla?: Sla | null;
}

export interface ConversationListItem extends Conversation {
  lastText: string | null;
  profileHandle: string;
}

export interface Message {
  id: string;
  remoteId: string;
  direction: 'inbound' | 'outbound';
  kind: MessageKind;
  text: string;
  url: string | null;
  inReplyTo: string | null;
  authorHandle: string;
  authorName: string | null;
  sentByUserId: string | null;
  sentAt: string;
}

export interface ConversationNote {
  id: string;
  body: string;
  createdAt: string;
  authorName: string | null;
}

export interface PastConversation {
  id: string;
  status: ConversationStatus;
  kind: MessageKind;
  lastMessageAt: string;
  network: string;
}

export interface ConversationDetail {
  conversation: Conversation;
  messages: Message[];
  notes: ConversationNote[];
  authorHistory: PastConversation[];
  /** Who else had it open when it loaded; live updates come from the presence heartbeat. */
  presence: PresenceOther[];
}

/** The list's filters, as the API's query string takes them. */
export interface InboxFilters {
  status?: ConversationStatus;
  /** me, unassigned or a user id. */
  assignee?: string;
  /** mine or a team id. */
  team?: string;
  network?: string;
  tag?: string;
  priority?: Priority;
  profileId?: string;
  sla?: 'nearing' | 'breached';
  q?: string;
  /** recent (default): newest activity first; sla: breached, then nearing, then the longest waiting. */
  sort?: 'recent' | 'sla';
}

export const FILTER_KEYS = ['status', 'assignee', 'team', 'network', 'tag', 'priority', 'profileId', 'sla', 'q', 'sort'] as const satisfies readonly (keyof InboxFilters)[];

export interface InboxView {
  id: string;
  name: string;
  filters: InboxFilters;
  /** Shared with the whole workspace, or the viewer's own. */
  shared: boolean;
}

export interface SavedReply {
  id: string;
  name: string;
  body: string;
  teamId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SlaTarget {
  id?: string;
  teamId: string | null;
  firstResponseMinutes: number | null;
  resolutionMinutes: number | null;
  warnPercent: number;
}

export interface PresenceOther {
  userId: string;
  name: string;
  state: 'viewing' | 'replying';
  since: string;
}

export interface ViewCount {
  total: number;
  unread: number;
}

/** Waiting (not closed) and unread conversations per built-in view and per saved view. */
export interface InboxCounts {
  all: ViewCount;
  mine: ViewCount;
  myTeam: ViewCount;
  unassigned: ViewCount;
  views: (ViewCount & { id: string; name: string })[];
}

/** A compliance rule a reply breaks (422 `compliance_blocked`). */
export interface ComplianceViolation {
  ruleName: string;
  message: string;
}

export interface ConversationChange {
  status?: ConversationStatus;
  assigneeUserId?: string | null;
  assigneeTeamId?: string | null;
  priority?: Priority;
  tags?: string[];
  /** Added to (or removed from) each conversation's own tags. */
  addTags?: string[];
  removeTags?: string[];
}

const base = (workspaceId: string) => `/workspaces/${workspaceId}`;

export const inboxKey = (workspaceId: string) => ['inbox', workspaceId] as const;
export const conversationKey = (workspaceId: string, id: string) => ['inbox', workspaceId, 'conversation', id] as const;
export const savedRepliesKey = (workspaceId: string) => ['saved-replies', workspaceId] as const;
export const slaTargetsKey = (workspaceId: string) => ['sla-targets', workspaceId] as const;

const PAGE = 50;

/** The conversation list for some filters, newest activity first, a page at a time. */
export const useConversations = (workspaceId: string, filters: InboxFilters) =>
  useInfiniteQuery({
    queryKey: [...inboxKey(workspaceId), 'list', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      get<{ conversations: ConversationListItem[]; nextBefore: string | null }>(
        `${base(workspaceId)}/inbox${query({ ...filters, limit: PAGE, before: pageParam })}`,
      ),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    // New messages arrive from the networks in the background.
    refetchInterval: 30_000,
  });

export const useInboxCounts = (workspaceId: string) =>
  useQuery({
    queryKey: [...inboxKey(workspaceId), 'counts'],
    queryFn: () => get<InboxCounts>(`${base(workspaceId)}/inbox/counts`),
    refetchInterval: 30_000,
  });

export const useConversation = (workspaceId: string, id: string | null) =>
  useQuery({
    queryKey: conversationKey(workspaceId, id ?? ''),
    queryFn: () => get<ConversationDetail>(`${base(workspaceId)}/inbox/${id}`),
    enabled: !!id,
  });

export const useInboxViews = (workspaceId: string) =>
  useQuery({
    queryKey: [...inboxKey(workspaceId), 'views'],
    queryFn: async () => (await get<{ views: InboxView[] }>(`${base(workspaceId)}/inbox/views`)).views,
  });

/** Saved replies (the viewer's teams' first) and the variables their bodies may use. */
export const useSavedReplies = (workspaceId: string) =>
  useQuery({
    queryKey: savedRepliesKey(workspaceId),
    queryFn: () => get<{ savedReplies: SavedReply[]; variables: string[] }>(`${base(workspaceId)}/saved-replies`),
  });

export const useSlaTargets = (workspaceId: string) =>
  useQuery({
    queryKey: slaTargetsKey(workspaceId),
    queryFn: async () => (await get<{ targets: SlaTarget[] }>(`${base(workspaceId)}/sla-targets`)).targets,
  });

export const useTeamInboxProfiles = (workspaceId: string, teamId: string) =>
  useQuery({
    queryKey: ['team-inbox-profiles', workspaceId, teamId],
    queryFn: async () => (await get<{ profileIds: string[] }>(`${base(workspaceId)}/teams/${teamId}/inbox-profiles`)).profileIds,
  });

/** Refreshes the list and the counts, e.g. once opening a conversation marked it read. */
export function useListRefresh(workspaceId: string) {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: [...inboxKey(workspaceId), 'list'] }),
      client.invalidateQueries({ queryKey: [...inboxKey(workspaceId), 'counts'] }),
    ]);
}

/** Refreshes the list, the counts and the open conversation after any change. */
export function useInboxRefresh(workspaceId: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: inboxKey(workspaceId) });
}

export function useUpdateConversations(workspaceId: string) {
  const refresh = useInboxRefresh(workspaceId);
  return useMutation({
    mutationFn: ({ ids, change }: { ids: string[]; change: ConversationChange }) =>
      ids.length === 1
        ? patch<{ conversation: Conversation }>(`${base(workspaceId)}/inbox/${ids[0]}`, change).then(() => ({ updated: 1 }))
        : post<{ updated: number }>(`${base(workspaceId)}/inbox/bulk`, { ids, change }),
    onSuccess: () => void refresh(),
  });
}

export const addNote = (workspaceId: string, conversationId: string, body: string) =>
  post<{ note: ConversationNote }>(`${base(workspaceId)}/inbox/${conversationId}/notes`, { body });

export interface ReplyBody {
  text: string;
  messageId?: string;
  lastSeenMessageId?: string;
  force?: boolean;
}

export const sendReply = (workspaceId: string, conversationId: string, body: ReplyBody) =>
  post<{ message: Message }>(`${base(workspaceId)}/inbox/${conversationId}/reply`, body);

export const renderSavedReply = async (workspaceId: string, conversationId: string, replyId: string) =>
  (await post<{ text: string }>(`${base(workspaceId)}/inbox/${conversationId}/saved-replies/${replyId}/render`)).text;

export const saveView = (workspaceId: string, name: string, filters: InboxFilters, shared: boolean) =>
  post<{ view: InboxView }>(`${base(workspaceId)}/inbox/views`, { name, filters, shared });

export const deleteView = (workspaceId: string, viewId: string) => del(`${base(workspaceId)}/inbox/views/${viewId}`);

export const heartbeat = (workspaceId: string, conversationId: string, state: PresenceOther['state']) =>
  post<{ others: PresenceOther[] }>(`${base(workspaceId)}/inbox/${conversationId}/presence`, { state });

export const leave = (workspaceId: string, conversationId: string) => del(`${base(workspaceId)}/inbox/${conversationId}/presence`);

export const saveSavedReply = (workspaceId: string, reply: { id?: string; name: string; body: string; teamId: string | null }) => {
  const { id, ...body } = reply;
  return id ? put<{ savedReply: SavedReply }>(`${base(workspaceId)}/saved-replies/${id}`, body) : post<{ savedReply: SavedReply }>(`${base(workspaceId)}/saved-replies`, body);
};

export const deleteSavedReply = (workspaceId: string, id: string) => del(`${base(workspaceId)}/saved-replies/${id}`);

/** Sets one team's target, or the workspace default (teamId null); both minutes null removes it. */
export const saveSlaTarget = (workspaceId: string, target: SlaTarget) =>
  put<{ target: SlaTarget | null }>(`${base(workspaceId)}/sla-targets`, { teamId: target.teamId, firstResponseMinutes: target.firstResponseMinutes, resolutionMinutes: target.resolutionMinutes, warnPercent: target.warnPercent });

export const saveTeamInboxProfiles = (workspaceId: string, teamId: string, profileIds: string[]) =>
  put<{ profileIds: string[] }>(`${base(workspaceId)}/teams/${teamId}/inbox-profiles`, { profileIds });

export const syncProfileNow = (workspaceId: string, profileId: string) => post(`${base(workspaceId)}/profiles/${profileId}/sync`);
