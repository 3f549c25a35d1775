import { and, eq, like, sql } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import type { Tx } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { addSeconds, now } from '../core/clock.ts';
import type { ConversationItem } from '../connectors/connector.ts';
import { RateLimited } from '../connectors/errors.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { connectorOrThrow, credentialsFor, type SocialProfile } from '../profiles/service.ts';
import { conversations, inboxCursors, messages, PRIORITIES } from './schema.ts';
import { route } from './routing.ts';
import { networkThreadId, threadKey } from './threads.ts';

export const INBOX_CAPABILITIES = ['mentions', 'comments', 'dms'] as const;
/** remote_id of a reply Chorus sent that the network has not confirmed yet (see reply.ts). */
export const SENDING_PREFIX = 'sending:';
const MAX_BACKOFF_SECONDS = 30 * 60;

/**
 * Pulls what is new for one profile since its stored cursor and files it: each message once (by
 * its remote id), in its thread's conversation, routed by the workspace's rules. A failure leaves
 * the cursor where it was and backs off exponentially (or as long as a rate limit says).
 */
/** Only warnings are logged; any pino-compatible logger (a job's, a request's) will do. */
export interface SyncLogger {
  warn(details: object, message: string): void;
}

/** What a sync found, and when the profile should be read again. */
export interface SyncResult {
  added: number;
  /** A full page came back: more is waiting, read again at once. */
  more: boolean;
  nextSyncAt: Date;
}

/** Items asked for per read; a full page means the network has more. */
const PAGE_SIZE = 100;

export async function syncProfile(chorus: Chorus, profileId: string, logger: SyncLogger): Promise<SyncResult | null> {
  const [profile] = await chorus.db.select().from(socialProfiles).where(eq(socialProfiles.id, profileId));
  if (!profile || profile.status !== 'active') return null;
  const connector = connectorOrThrow(chorus, profile.network);
  if (!INBOX_CAPABILITIES.some((c) => connector.info.capabilities.includes(c))) return null;
  const [state] = await chorus.db.select().from(inboxCursors).where(eq(inboxCursors.profileId, profileId));
  const startedAt = now();
  let page;
  try {
    const credentials = await credentialsFor(chorus, profile);
    page = await connector.fetchConversations(credentials, { since: state?.cursor ?? null, limit: PAGE_SIZE });
  } catch (error) {
    const failures = (state?.failures ?? 0) + 1;
    const wait = error instanceof RateLimited && error.retryAfterSeconds ? error.retryAfterSeconds : Math.min(MAX_BACKOFF_SECONDS, 30 * 2 ** (failures - 1));
    const values = { failures, lastError: error instanceof Error ? error.message : String(error), nextSyncAt: addSeconds(now(), wait) };
    await chorus.db.insert(inboxCursors).values({ profileId, ...values }).onConflictDoUpdate({ target: inboxCursors.profileId, set: values });
    logger.warn({ err: error, profileId, failures, retryInSeconds: wait }, 'inbox sync failed');
    return { added: 0, more: false, nextSyncAt: values.nextSyncAt };
  }
  // The interval runs from the start of this read, so a profile is read every interval, not every
  // interval plus however long the read took.
  const nextSyncAt = addSeconds(startedAt, chorus.config.inboxSyncSeconds);
  const items = [...page.items].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const added = await chorus.db.transaction(async (tx) => {
    let count = 0;
    for (const item of items) if (await fileMessage(tx, profile, item)) count++;
    const values = {
      cursor: page.cursor ?? state?.cursor ?? null,
      lastSyncedAt: now(),
      failures: 0,
      lastError: null,
      nextSyncAt,
    };
    await tx.insert(inboxCursors).values({ profileId, ...values }).onConflictDoUpdate({ target: inboxCursors.profileId, set: values });
    return count;
  });
  return { added, more: page.items.length >= PAGE_SIZE, nextSyncAt };
}

const priorityRank = (p: (typeof PRIORITIES)[number]) => PRIORITIES.indexOf(p);

/**
 * The conversation a message belongs to. An answer to a message already filed continues that
 * message's conversation. Otherwise the network's thread decides, except that a public thread
 * (replies under one post) holds one conversation per person, so two customers answering the same
 * post are two conversations; a DM stays one conversation whoever writes.
 */
async function conversationFor(tx: Tx, profile: SocialProfile, item: ConversationItem, outbound: boolean) {
  type Row = typeof conversations.$inferSelect;
  const sameParty = (c: Row) => outbound || item.kind === 'dm' || c.kind === 'dm' || c.authorRemoteId === item.author.id;
  let threadId = item.threadId ?? item.inReplyTo ?? item.id;
  if (item.inReplyTo) {
    const [parent] = await tx
      .select({ conversation: conversations })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(messages.profileId, profile.id), eq(messages.remoteId, item.inReplyTo)));
    if (parent && sameParty(parent.conversation)) return lock(tx, parent.conversation.id);
    if (parent) threadId = networkThreadId(parent.conversation.remoteThreadId);
  }
  const find = async (key: string) => (await tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.profileId, profile.id), eq(conversations.remoteThreadId, key))))[0];
  const shared = await find(threadId);
  if (!shared) return { conversation: undefined, threadKey: threadId };
  const locked = await lock(tx, shared.id);
  if (sameParty(locked.conversation!)) return locked;
  const own = threadKey(threadId, item.author.id);
  const mine = await find(own);
  return mine ? lock(tx, mine.id) : { conversation: undefined, threadKey: own };
}

async function lock(tx: Tx, id: string) {
  const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, id)).for('update');
  return { conversation, threadKey: conversation!.remoteThreadId };
}

/** Files one message; false when it was filed before. */
async function fileMessage(tx: Tx, profile: SocialProfile, item: ConversationItem): Promise<boolean> {
  const [known] = await tx.select({ id: messages.id }).from(messages).where(and(eq(messages.profileId, profile.id), eq(messages.remoteId, item.id)));
  if (known) return false;
  const outbound = item.author.id === profile.accountId;
  const sentAt = new Date(item.createdAt);
  const decision = outbound
    ? null
    : await route(tx, profile.workspaceId, { network: profile.network, profileId: profile.id, kind: item.kind, text: item.text, authorHandle: item.author.handle });
  const found = await conversationFor(tx, profile, item, outbound);
  let conversation = found.conversation;
  const threadId = found.threadKey;
  if (!conversation) {
    [conversation] = await tx
      .insert(conversations)
      .values({
        id: newId(),
        workspaceId: profile.workspaceId,
        profileId: profile.id,
        network: profile.network,
        remoteThreadId: threadId,
        kind: item.kind,
        status: decision?.close ? 'closed' : 'open',
        priority: decision?.priority ?? 'normal',
        assigneeTeamId: decision?.teamId ?? null,
        assigneeUserId: decision?.assigneeUserId ?? null,
        tags: decision?.tags ?? [],
        authorRemoteId: item.author.id,
        authorHandle: item.author.handle,
        authorName: item.author.displayName ?? null,
        authorAvatarUrl: item.author.avatarUrl ?? null,
        authorFollowers: outbound ? null : (item.author.followers ?? null),
        lastMessageAt: sentAt,
        unread: outbound ? 0 : 1,
        firstInboundAt: outbound ? null : sentAt,
        closedAt: decision?.close ? now() : null,
        createdAt: now(),
      })
      .returning();
  } else if (!outbound) {
    // A new message from the customer in a known thread: it needs an answer again, so it is open
    // (whether it was closed or pending, i.e. waiting on them); the rules may raise, not lower, its priority.
    const current = conversation;
    await tx
      .update(conversations)
      .set({
        status: 'open',
        closedAt: null,
        unread: sql`${conversations.unread} + 1`,
        lastMessageAt: sentAt > current.lastMessageAt ? sentAt : current.lastMessageAt,
        firstInboundAt: current.firstInboundAt ?? sentAt,
        priority: decision?.priority && priorityRank(decision.priority) > priorityRank(current.priority) ? decision.priority : current.priority,
        assigneeTeamId: current.assigneeTeamId ?? current.assigneeUserId ? current.assigneeTeamId : (decision?.teamId ?? null),
        tags: [...new Set([...current.tags, ...(decision?.tags ?? [])])],
        // The customer's newest count (their own messages only: in a thread others may write too).
        ...(item.author.followers !== undefined && item.author.id === current.authorRemoteId ? { authorFollowers: item.author.followers } : {}),
      })
      .where(eq(conversations.id, current.id));
  }
  if (outbound) {
    // Our own reply, read back: if Chorus sent it but the network never confirmed it, this is it.
    const [unconfirmed] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation!.id), like(messages.remoteId, `${SENDING_PREFIX}%`), eq(messages.text, item.text)))
      .limit(1);
    if (unconfirmed) {
      await tx.update(messages).set({ remoteId: item.id, url: item.url ?? null, sentAt }).where(eq(messages.id, unconfirmed.id));
      return true;
    }
  }
  await tx.insert(messages).values({
    id: newId(),
    conversationId: conversation!.id,
    workspaceId: profile.workspaceId,
    profileId: profile.id,
    remoteId: item.id,
    direction: outbound ? 'outbound' : 'inbound',
    kind: item.kind,
    text: item.text,
    url: item.url ?? null,
    inReplyTo: item.inReplyTo ?? null,
    authorRemoteId: item.author.id,
    authorHandle: item.author.handle,
    authorName: item.author.displayName ?? null,
    sentAt,
    receivedAt: now(),
  });
  return true;
}
