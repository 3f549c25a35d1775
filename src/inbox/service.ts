import { and, desc, eq, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { Db, Queryable } from '../core/db.ts';
import { newId, randomToken } from '../core/crypto.ts';
import { AppError, invalid, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { users } from '../auth/schema.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { teamMembers, teams, workspaceMembers } from '../workspaces/schema.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { connectError, connectorOrThrow, credentialsFor, findProfile } from '../profiles/service.ts';
import { CONVERSATION_STATUSES, conversationNotes, conversations, MESSAGE_KINDS, messages, PRIORITIES } from './schema.ts';

export type Conversation = typeof conversations.$inferSelect;

export const listQuery = z.object({
  status: z.enum(CONVERSATION_STATUSES).optional(),
  /** me, unassigned, my-team, or a user id. */
  assignee: z.union([z.enum(['me', 'unassigned', 'my-team']), z.uuid()]).optional(),
  teamId: z.uuid().optional(),
  network: z.string().max(30).optional(),
  profileId: z.uuid().optional(),
  kind: z.enum(MESSAGE_KINDS).optional(),
  tag: z.string().max(50).optional(),
  priority: z.enum(PRIORITIES).optional(),
  /** Full-text search across messages. */
  q: z.string().trim().min(1).max(200).optional(),
  /** Keyset paging: conversations older than this (lastMessageAt|id). */
  before: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const updateInput = z
  .object({
    status: z.enum(CONVERSATION_STATUSES),
    assigneeUserId: z.uuid().nullable(),
    assigneeTeamId: z.uuid().nullable(),
    priority: z.enum(PRIORITIES),
    tags: z.array(z.string().trim().min(1).max(50)).max(30),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Give at least one field to change.' });

export const bulkInput = z.object({ ids: z.array(z.uuid()).min(1).max(500), change: updateInput });
export const noteInput = z.object({ body: z.string().trim().min(1).max(5000) });
export const replyInput = z.object({
  text: z.string().trim().min(1).max(10_000),
  /** The message to answer; the latest one from the customer when left out. */
  messageId: z.uuid().optional(),
});

/** The conversations view: newest activity first, with the last message and filters applied. */
export async function listConversations(db: Queryable, workspaceId: string, userId: string, q: z.infer<typeof listQuery>) {
  const filters: SQL[] = [eq(conversations.workspaceId, workspaceId)];
  if (q.status) filters.push(eq(conversations.status, q.status));
  if (q.assignee === 'me') filters.push(eq(conversations.assigneeUserId, userId));
  else if (q.assignee === 'unassigned') filters.push(isNull(conversations.assigneeUserId), isNull(conversations.assigneeTeamId));
  else if (q.assignee === 'my-team') {
    const mine = db.select({ id: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, userId));
    filters.push(inArray(conversations.assigneeTeamId, mine));
  } else if (q.assignee) filters.push(eq(conversations.assigneeUserId, q.assignee));
  if (q.teamId) filters.push(eq(conversations.assigneeTeamId, q.teamId));
  if (q.network) filters.push(eq(conversations.network, q.network));
  if (q.profileId) filters.push(eq(conversations.profileId, q.profileId));
  if (q.kind) filters.push(eq(conversations.kind, q.kind));
  if (q.priority) filters.push(eq(conversations.priority, q.priority));
  if (q.tag) filters.push(sql`${q.tag} = any(${conversations.tags})`);
  if (q.q) {
    filters.push(
      sql`exists (select 1 from ${messages} where ${messages.conversationId} = ${conversations.id} and ${messages.search} @@ websearch_to_tsquery('simple', ${q.q}))`,
    );
  }
  if (q.before) {
    const [at, id] = q.before.split('|');
    const when = new Date(at ?? '');
    if (!id || Number.isNaN(when.getTime())) throw invalid('before', 'Use the `nextBefore` value of the previous page.');
    filters.push(or(lt(conversations.lastMessageAt, when), and(eq(conversations.lastMessageAt, when), lt(conversations.id, id)))!);
  }
  const rows = await db
    .select({
      conversation: conversations,
      lastText: sql<string | null>`(select ${messages.text} from ${messages} where ${messages.conversationId} = ${conversations.id} order by ${messages.sentAt} desc limit 1)`,
      profileHandle: socialProfiles.handle,
    })
    .from(conversations)
    .innerJoin(socialProfiles, eq(socialProfiles.id, conversations.profileId))
    .where(and(...filters))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1]?.conversation;
  return {
    conversations: page.map((r) => ({ ...r.conversation, lastText: r.lastText, profileHandle: r.profileHandle })),
    nextBefore: rows.length > q.limit && last ? `${last.lastMessageAt.toISOString()}|${last.id}` : null,
  };
}

export async function findConversation(db: Queryable, workspaceId: string, id: string): Promise<Conversation> {
  const [conversation] = await db.select().from(conversations).where(and(eq(conversations.id, id), eq(conversations.workspaceId, workspaceId)));
  if (!conversation) throw notFound('conversation');
  return conversation;
}

/** A conversation with its messages, internal notes and the author's history with the brand. Opening it marks it read. */
export async function openConversation(db: Db, workspaceId: string, id: string) {
  const conversation = await findConversation(db, workspaceId, id);
  if (conversation.unread > 0) await db.update(conversations).set({ unread: 0 }).where(eq(conversations.id, id));
  const thread = await db.select().from(messages).where(eq(messages.conversationId, id)).orderBy(messages.sentAt);
  const notes = await db
    .select({ id: conversationNotes.id, body: conversationNotes.body, createdAt: conversationNotes.createdAt, authorName: users.name })
    .from(conversationNotes)
    .leftJoin(users, eq(users.id, conversationNotes.authorId))
    .where(eq(conversationNotes.conversationId, id))
    .orderBy(conversationNotes.createdAt);
  const history = await db
    .select({ id: conversations.id, status: conversations.status, kind: conversations.kind, lastMessageAt: conversations.lastMessageAt, network: conversations.network })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.authorRemoteId, conversation.authorRemoteId), ne(conversations.id, id)))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(20);
  return { conversation: { ...conversation, unread: 0 }, messages: thread, notes, authorHistory: history };
}

async function assertAssignees(db: Queryable, workspaceId: string, change: z.infer<typeof updateInput>) {
  if (change.assigneeUserId) {
    const [member] = await db.select().from(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, change.assigneeUserId)));
    if (!member) throw invalid('assigneeUserId', 'That person is not a member of this workspace.');
  }
  if (change.assigneeTeamId) {
    const [team] = await db.select().from(teams).where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, change.assigneeTeamId)));
    if (!team) throw invalid('assigneeTeamId', 'No such team in this workspace.');
  }
}

/** Changes status, assignment, priority or tags of one or many conversations, in one transaction. */
export async function updateConversations(db: Db, actor: Actor, workspaceId: string, ids: string[], change: z.infer<typeof updateInput>) {
  return db.transaction(async (tx) => {
    await assertAssignees(tx, workspaceId, change);
    const before = await tx.select().from(conversations).where(and(eq(conversations.workspaceId, workspaceId), inArray(conversations.id, ids))).for('update');
    if (before.length !== new Set(ids).size) throw notFound('conversation');
    const closing = change.status === 'closed';
    const updated = await tx
      .update(conversations)
      .set({ ...change, ...(change.status ? { closedAt: closing ? now() : null } : {}) })
      .where(inArray(conversations.id, ids))
      .returning();
    for (const b of before) {
      await recordAudit(tx, actor, {
        workspaceId,
        action: 'conversation.updated',
        targetType: 'conversation',
        targetId: b.id,
        before: Object.fromEntries(Object.keys(change).map((k) => [k, b[k as keyof Conversation]])),
        after: change,
      });
    }
    return updated;
  });
}

export async function addConversationNote(db: Db, actor: Actor, workspaceId: string, id: string, body: string) {
  await findConversation(db, workspaceId, id);
  return db.transaction(async (tx) => {
    const [note] = await tx.insert(conversationNotes).values({ id: newId(), conversationId: id, authorId: actor.userId, body, createdAt: now() }).returning();
    await recordAudit(tx, actor, { workspaceId, action: 'conversation.note_added', targetType: 'conversation', targetId: id, after: { body } });
    return note!;
  });
}

/**
 * Answers on the network, as a reply to the exact message (or in the DM), and records the reply in
 * the thread with who sent it. First response time is set by the first reply.
 */
export async function replyToConversation(chorus: Chorus, actor: Actor, workspaceId: string, id: string, input: z.infer<typeof replyInput>) {
  const conversation = await findConversation(chorus.db, workspaceId, id);
  const [target] = await chorus.db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, id),
        input.messageId ? eq(messages.id, input.messageId) : eq(messages.direction, 'inbound'),
      ),
    )
    .orderBy(desc(messages.sentAt))
    .limit(1);
  if (!target) throw new AppError(409, 'nothing_to_reply_to', 'There is no message from the customer to reply to.');
  const profile = await findProfile(chorus.db, workspaceId, conversation.profileId);
  const connector = connectorOrThrow(chorus, profile.network);
  const credentials = await credentialsFor(chorus, profile).catch(connectError);
  const sent = await connector
    .reply(credentials, { inReplyTo: target.remoteId, text: input.text, idempotencyKey: `chorus-reply-${randomToken(12)}`, threadId: conversation.remoteThreadId })
    .catch(connectError);
  return chorus.db.transaction(async (tx) => {
    const [message] = await tx
      .insert(messages)
      .values({
        id: newId(),
        conversationId: id,
        workspaceId,
        profileId: profile.id,
        remoteId: sent.id,
        direction: 'outbound',
        kind: conversation.kind,
        text: input.text,
        url: sent.url ?? null,
        inReplyTo: target.remoteId,
        authorRemoteId: profile.accountId,
        authorHandle: profile.handle,
        authorName: profile.displayName,
        sentByUserId: actor.userId,
        sentAt: now(),
        receivedAt: now(),
      })
      .onConflictDoNothing()
      .returning();
    await tx
      .update(conversations)
      .set({ lastMessageAt: now(), firstResponseAt: conversation.firstResponseAt ?? now(), status: conversation.status === 'open' ? 'pending' : conversation.status })
      .where(eq(conversations.id, id));
    await recordAudit(tx, actor, { workspaceId, action: 'conversation.replied', targetType: 'conversation', targetId: id, after: { text: input.text, remoteId: sent.id, url: sent.url } });
    return message;
  });
}
