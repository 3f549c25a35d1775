import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { AppError, conflict, invalid, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { users } from '../auth/schema.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { teamMembers, teams, workspaces } from '../workspaces/schema.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { savedReplies } from './schema.ts';
import type { Conversation } from './service.ts';

export const savedReplyInput = z.object({
  name: z.string().trim().min(1).max(100),
  body: z.string().trim().min(1).max(10_000),
  teamId: z.uuid().nullable().default(null),
});

/** What a template may say, and where each value comes from when it is used. */
interface RenderContext {
  conversation: Conversation;
  agentName: string;
  profileHandle: string;
  workspaceName: string;
}

const VARIABLES: Record<string, (c: RenderContext) => string> = {
  'author.name': (c) => c.conversation.authorName?.trim() || c.conversation.authorHandle,
  'author.handle': (c) => c.conversation.authorHandle,
  'agent.name': (c) => c.agentName,
  'agent.first_name': (c) => c.agentName.trim().split(/\s+/)[0] ?? c.agentName,
  'profile.handle': (c) => c.profileHandle,
  'workspace.name': (c) => c.workspaceName,
  'conversation.id': (c) => c.conversation.id,
};
export const TEMPLATE_VARIABLES = Object.keys(VARIABLES);

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

function unknownVariables(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((name) => !(name in VARIABLES)))];
}

export function renderTemplate(body: string, context: RenderContext): string {
  return body.replace(PLACEHOLDER, (_whole, name: string) => VARIABLES[name]!(context));
}

async function check(tx: Queryable, workspaceId: string, input: z.infer<typeof savedReplyInput>, exceptId?: string) {
  const unknown = unknownVariables(input.body);
  if (unknown.length > 0) {
    throw new AppError(422, 'unknown_variables', `Unknown variable${unknown.length > 1 ? 's' : ''}: ${unknown.map((u) => `{{${u}}}`).join(', ')}. Use ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}.`, {
      field: 'body',
      unknown,
    });
  }
  if (input.teamId) {
    const [team] = await tx.select().from(teams).where(and(eq(teams.id, input.teamId), eq(teams.workspaceId, workspaceId)));
    if (!team) throw invalid('teamId', 'No such team in this workspace.');
  }
  const [clash] = await tx
    .select({ id: savedReplies.id })
    .from(savedReplies)
    .where(and(eq(savedReplies.workspaceId, workspaceId), sql`lower(${savedReplies.name}) = lower(${input.name})`, exceptId ? ne(savedReplies.id, exceptId) : undefined));
  if (clash) throw conflict('saved_reply_name_taken', 'A saved reply with this name exists already.', 'name');
}

/** Every saved reply of the workspace; those of the viewer's teams first, then the general ones. */
export async function listSavedReplies(db: Queryable, workspaceId: string, userId: string) {
  const mine = sql`${savedReplies.teamId} in (select ${teamMembers.teamId} from ${teamMembers} where ${teamMembers.userId} = ${userId})`;
  return db
    .select()
    .from(savedReplies)
    .where(eq(savedReplies.workspaceId, workspaceId))
    .orderBy(sql`case when ${mine} then 0 when ${savedReplies.teamId} is null then 1 else 2 end`, asc(sql`lower(${savedReplies.name})`));
}

async function findSavedReply(db: Queryable, workspaceId: string, id: string) {
  const [row] = await db.select().from(savedReplies).where(and(eq(savedReplies.id, id), eq(savedReplies.workspaceId, workspaceId)));
  if (!row) throw notFound('saved_reply');
  return row;
}

export async function createSavedReply(db: Db, actor: Actor, workspaceId: string, input: z.infer<typeof savedReplyInput>) {
  return db.transaction(async (tx) => {
    await check(tx, workspaceId, input);
    const [row] = await tx
      .insert(savedReplies)
      .values({ id: newId(), workspaceId, ...input, createdBy: actor.userId, createdAt: now(), updatedAt: now() })
      .returning();
    await recordAudit(tx, actor, { workspaceId, action: 'saved_reply.created', targetType: 'saved_reply', targetId: row!.id, after: input });
    return row!;
  });
}

export async function updateSavedReply(db: Db, actor: Actor, workspaceId: string, id: string, input: z.infer<typeof savedReplyInput>) {
  return db.transaction(async (tx) => {
    const before = await findSavedReply(tx, workspaceId, id);
    await check(tx, workspaceId, input, id);
    const [row] = await tx.update(savedReplies).set({ ...input, updatedAt: now() }).where(eq(savedReplies.id, id)).returning();
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'saved_reply.updated',
      targetType: 'saved_reply',
      targetId: id,
      before: { name: before.name, body: before.body, teamId: before.teamId },
      after: input,
    });
    return row!;
  });
}

export async function deleteSavedReply(db: Db, actor: Actor, workspaceId: string, id: string) {
  await db.transaction(async (tx) => {
    const before = await findSavedReply(tx, workspaceId, id);
    await tx.delete(savedReplies).where(eq(savedReplies.id, id));
    await recordAudit(tx, actor, { workspaceId, action: 'saved_reply.deleted', targetType: 'saved_reply', targetId: id, before: { name: before.name, body: before.body, teamId: before.teamId } });
  });
}

/** The template filled in for one conversation (already checked visible) and the person answering. */
export async function renderSavedReply(db: Queryable, workspaceId: string, id: string, conversation: Conversation, userId: string) {
  const reply = await findSavedReply(db, workspaceId, id);
  const [context] = await db
    .select({ agentName: users.name, profileHandle: socialProfiles.handle, workspaceName: workspaces.name })
    .from(users)
    .innerJoin(socialProfiles, eq(socialProfiles.id, conversation.profileId))
    .innerJoin(workspaces, eq(workspaces.id, workspaceId))
    .where(eq(users.id, userId));
  if (!context) throw notFound('conversation');
  return renderTemplate(reply.body, { conversation, ...context });
}
