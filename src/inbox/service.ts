import { and, asc, desc, eq, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { invalid, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { users } from '../auth/schema.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { teamMembers, teams, workspaceMembers } from '../workspaces/schema.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { CONVERSATION_STATUSES, conversationNotes, conversations, MESSAGE_KINDS, messages, PRIORITIES } from './schema.ts';
import { defaultSla, SLA_STATES, slaColumns, slaJoins, slaRank, slaState, teamSla, type Sla } from './sla.ts';
import { visibleProfile, type Viewer } from './visibility.ts';
import { othersPresent } from './presence.ts';

export type Conversation = typeof conversations.$inferSelect;

export const listQuery = z.object({
  /** One status, or active: open and pending (everything not closed). */
  status: z.enum([...CONVERSATION_STATUSES, 'active']).optional(),
  /** me, unassigned (no person nor team), my-team, or a user id. */
  assignee: z.union([z.enum(['me', 'unassigned', 'my-team']), z.uuid()]).optional(),
  /** Held by one of my teams (mine) or by this team. */
  team: z.union([z.literal('mine'), z.uuid()]).optional(),
  teamId: z.uuid().optional(),
  network: z.string().max(30).optional(),
  profileId: z.uuid().optional(),
  kind: z.enum(MESSAGE_KINDS).optional(),
  tag: z.string().max(50).optional(),
  priority: z.enum(PRIORITIES).optional(),
  /** Service level: nearing breach, breached, within target (ok) or met. */
  sla: z.enum(SLA_STATES).optional(),
  /** Full-text search across messages. */
  q: z.string().trim().min(1).max(200).optional(),
  /** recent: newest activity first; sla: breached, then nearing, then the longest waiting. */
  sort: z.enum(['recent', 'sla']).default('recent'),
  /** The `nextBefore` of the previous page. */
  before: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ListQuery = z.infer<typeof listQuery>;

export const updateInput = z
  .object({
    status: z.enum(CONVERSATION_STATUSES),
    assigneeUserId: z.uuid().nullable(),
    assigneeTeamId: z.uuid().nullable(),
    priority: z.enum(PRIORITIES),
    tags: z.array(z.string().trim().min(1).max(50)).max(30),
    /** Added to each conversation's own tags (bulk tagging keeps the tags they had). */
    addTags: z.array(z.string().trim().min(1).max(50)).min(1).max(30),
    removeTags: z.array(z.string().trim().min(1).max(50)).min(1).max(30),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Give at least one field to change.' });

export const bulkInput = z.object({ ids: z.array(z.uuid()).min(1).max(500), change: updateInput });
export const noteInput = z.object({ body: z.string().trim().min(1).max(5000) });

/** The conditions of a list query, visibility included: shared by the list, the counts and saved views. */
export function conversationFilters(viewer: Viewer, workspaceId: string, q: Omit<ListQuery, 'sort' | 'limit' | 'before'>, at: Date = now()): SQL[] {
  const filters: SQL[] = [eq(conversations.workspaceId, workspaceId), visibleProfile(viewer, conversations.profileId)];
  const myTeams = sql`(select ${teamMembers.teamId} from ${teamMembers} where ${teamMembers.userId} = ${viewer.userId})`;
  if (q.status === 'active') filters.push(ne(conversations.status, 'closed'));
  else if (q.status) filters.push(eq(conversations.status, q.status));
  if (q.assignee === 'me') filters.push(eq(conversations.assigneeUserId, viewer.userId));
  else if (q.assignee === 'unassigned') filters.push(isNull(conversations.assigneeUserId), isNull(conversations.assigneeTeamId));
  else if (q.assignee === 'my-team') filters.push(sql`${conversations.assigneeTeamId} in ${myTeams}`);
  else if (q.assignee) filters.push(eq(conversations.assigneeUserId, q.assignee));
  if (q.team === 'mine') filters.push(sql`${conversations.assigneeTeamId} in ${myTeams}`);
  else if (q.team) filters.push(eq(conversations.assigneeTeamId, q.team));
  if (q.teamId) filters.push(eq(conversations.assigneeTeamId, q.teamId));
  if (q.network) filters.push(eq(conversations.network, q.network));
  if (q.profileId) filters.push(eq(conversations.profileId, q.profileId));
  if (q.kind) filters.push(eq(conversations.kind, q.kind));
  if (q.priority) filters.push(eq(conversations.priority, q.priority));
  if (q.tag) filters.push(sql`${q.tag} = any(${conversations.tags})`);
  if (q.sla) filters.push(sql`${slaState(at)} = ${q.sla}`);
  if (q.q) {
    filters.push(
      sql`exists (select 1 from ${messages} where ${messages.conversationId} = ${conversations.id} and ${messages.search} @@ websearch_to_tsquery('simple', ${q.q}))`,
    );
  }
  return filters;
}

const badCursor = () => invalid('before', 'Use the `nextBefore` value of the previous page.');

/** The conversations view, with the last message, the service level and filters applied. */
export async function listConversations(db: Queryable, viewer: Viewer, workspaceId: string, q: ListQuery) {
  const at = now();
  const filters = conversationFilters(viewer, workspaceId, q, at);
  // Newest first pages by keyset; the SLA order changes as time passes, so it pages by position.
  let offset = 0;
  if (q.before && q.sort === 'recent') {
    const [when, id] = q.before.split('|');
    const instant = new Date(when ?? '');
    if (!id || Number.isNaN(instant.getTime()) || !z.uuid().safeParse(id).success) throw badCursor();
    filters.push(or(lt(conversations.lastMessageAt, instant), and(eq(conversations.lastMessageAt, instant), lt(conversations.id, id)))!);
  } else if (q.before) {
    offset = Number(q.before.replace(/^offset:/, ''));
    if (!/^offset:\d{1,6}$/.test(q.before)) throw badCursor();
  }
  const order =
    q.sort === 'sla'
      ? [sql`${slaRank(at)} desc nulls last`, sql`${conversations.firstInboundAt} asc nulls last`, asc(conversations.id)]
      : [desc(conversations.lastMessageAt), desc(conversations.id)];
  const rows = await db
    .select({
      conversation: conversations,
      lastText: sql<string | null>`(select ${messages.text} from ${messages} where ${messages.conversationId} = ${conversations.id} order by ${messages.sentAt} desc limit 1)`,
      profileHandle: socialProfiles.handle,
      sla: slaColumns(at),
    })
    .from(conversations)
    .innerJoin(socialProfiles, eq(socialProfiles.id, conversations.profileId))
    .leftJoin(teamSla, slaJoins.team)
    .leftJoin(defaultSla, slaJoins.default)
    .where(and(...filters))
    .orderBy(...order)
    .limit(q.limit + 1)
    .offset(offset);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1]?.conversation;
  const more = rows.length > q.limit && last;
  return {
    conversations: page.map((r) => ({ ...r.conversation, lastText: r.lastText, profileHandle: r.profileHandle, sla: r.sla })),
    nextBefore: !more ? null : q.sort === 'sla' ? `offset:${offset + q.limit}` : `${last.lastMessageAt.toISOString()}|${last.id}`,
  };
}

/** A conversation the viewer may see; one they may not is "not found". */
export async function findConversation(db: Queryable, viewer: Viewer, workspaceId: string, id: string): Promise<Conversation> {
  const [conversation] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.workspaceId, workspaceId), visibleProfile(viewer, conversations.profileId)));
  if (!conversation) throw notFound('conversation');
  return conversation;
}

export async function conversationSla(db: Queryable, id: string): Promise<Sla> {
  const [row] = await db
    .select(slaColumns())
    .from(conversations)
    .leftJoin(teamSla, slaJoins.team)
    .leftJoin(defaultSla, slaJoins.default)
    .where(eq(conversations.id, id));
  return row as Sla;
}

/**
 * A conversation with its messages, internal notes, service level, who else has it open, and the
 * author's history with the brand (in inboxes the viewer may see). Opening it marks it read.
 */
export async function openConversation(db: Db, viewer: Viewer, workspaceId: string, id: string) {
  const conversation = await findConversation(db, viewer, workspaceId, id);
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
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        eq(conversations.authorRemoteId, conversation.authorRemoteId),
        ne(conversations.id, id),
        visibleProfile(viewer, conversations.profileId),
      ),
    )
    .orderBy(desc(conversations.lastMessageAt))
    .limit(20);
  return {
    conversation: { ...conversation, unread: 0, sla: await conversationSla(db, id) },
    messages: thread,
    notes,
    authorHistory: history,
    presence: await othersPresent(db, id, viewer.userId),
  };
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
/** A text[] literal of bound parameters (a JS array alone would become a row). */
const textArray = (values: string[]) => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]`;

export async function updateConversations(db: Db, actor: Actor, viewer: Viewer, workspaceId: string, ids: string[], change: z.infer<typeof updateInput>) {
  return db.transaction(async (tx) => {
    await assertAssignees(tx, workspaceId, change);
    const before = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.workspaceId, workspaceId), inArray(conversations.id, ids), visibleProfile(viewer, conversations.profileId)))
      .for('update');
    if (before.length !== new Set(ids).size) throw notFound('conversation');
    const closing = change.status === 'closed';
    const { addTags, removeTags, ...fields } = change;
    if (change.tags && (addTags || removeTags)) throw invalid('tags', 'Set the tags, or add and remove some, not both.');
    // Array arithmetic in SQL: each conversation keeps its own other tags.
    let tags: SQL | undefined;
    if (addTags || removeTags) {
      tags = sql`${conversations.tags}`;
      if (removeTags) tags = sql`array(select t from unnest(${tags}) t where t <> all(${textArray(removeTags)}))`;
      if (addTags) tags = sql`array(select t from unnest(${tags} || ${textArray(addTags)}) with ordinality as x(t, n) group by t order by min(n))`;
    }
    const updated = await tx
      .update(conversations)
      .set({ ...fields, ...(tags ? { tags } : {}), ...(change.status ? { closedAt: closing ? now() : null } : {}) })
      .where(inArray(conversations.id, ids))
      .returning();
    for (const b of before) {
      await recordAudit(tx, actor, {
        workspaceId,
        action: 'conversation.updated',
        targetType: 'conversation',
        targetId: b.id,
        before: { ...Object.fromEntries(Object.keys(fields).map((k) => [k, b[k as keyof Conversation]])), ...(tags ? { tags: b.tags } : {}) },
        after: { ...fields, ...(tags ? { tags: updated.find((u) => u.id === b.id)?.tags } : {}) },
      });
    }
    return updated;
  });
}

export async function addConversationNote(db: Db, actor: Actor, viewer: Viewer, workspaceId: string, id: string, body: string) {
  await findConversation(db, viewer, workspaceId, id);
  return db.transaction(async (tx) => {
    const [note] = await tx.insert(conversationNotes).values({ id: newId(), conversationId: id, authorId: actor.userId, body, createdAt: now() }).returning();
    await recordAudit(tx, actor, { workspaceId, action: 'conversation.note_added', targetType: 'conversation', targetId: id, after: { body } });
    return note!;
  });
}
