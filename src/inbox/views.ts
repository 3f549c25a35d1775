import { and, asc, eq, isNull, max, ne, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { forbidden, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { roleCan } from '../workspaces/roles.ts';
import { conversations, inboxViews } from './schema.ts';
import { conversationFilters, listQuery, type ListQuery } from './service.ts';
import type { Viewer } from './visibility.ts';
import { defaultSla, slaJoins, teamSla } from './sla.ts';

/** A view saves the filters of the conversation list (not its paging). */
export const viewFilters = listQuery.omit({ before: true, limit: true }).partial();
export const viewInput = z.object({
  name: z.string().trim().min(1).max(60),
  filters: viewFilters,
  /** Shared with everyone in the workspace (needs inbox.manage); personal otherwise. */
  shared: z.boolean().default(false),
});

const mineOrShared = (workspaceId: string, userId: string) =>
  and(eq(inboxViews.workspaceId, workspaceId), or(isNull(inboxViews.userId), eq(inboxViews.userId, userId)));

const present = (row: typeof inboxViews.$inferSelect) => ({ id: row.id, name: row.name, filters: row.filters, shared: row.userId === null, position: row.position, createdAt: row.createdAt });

export async function listViews(db: Queryable, workspaceId: string, userId: string) {
  const rows = await db
    .select()
    .from(inboxViews)
    .where(mineOrShared(workspaceId, userId))
    .orderBy(sql`${inboxViews.userId} nulls first`, asc(inboxViews.position), asc(inboxViews.createdAt));
  return rows.map(present);
}

export async function createView(db: Db, actor: Actor, viewer: Viewer, workspaceId: string, input: z.infer<typeof viewInput>) {
  if (input.shared && !roleCan(viewer.role, 'inbox.manage')) throw forbidden('Only owners and admins share views with the workspace.');
  return db.transaction(async (tx) => {
    const owner = input.shared ? null : viewer.userId;
    const [last] = await tx
      .select({ position: max(inboxViews.position) })
      .from(inboxViews)
      .where(and(eq(inboxViews.workspaceId, workspaceId), owner ? eq(inboxViews.userId, owner) : isNull(inboxViews.userId)));
    const [row] = await tx
      .insert(inboxViews)
      .values({ id: newId(), workspaceId, userId: owner, name: input.name, filters: input.filters, position: (last?.position ?? 0) + 1, createdAt: now() })
      .returning();
    await recordAudit(tx, actor, { workspaceId, action: 'inbox_view.created', targetType: 'inbox_view', targetId: row!.id, after: input });
    return present(row!);
  });
}

/** People delete their own views; shared ones need inbox.manage. Someone else's personal view does not exist for you. */
export async function deleteView(db: Db, actor: Actor, viewer: Viewer, workspaceId: string, id: string) {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(inboxViews).where(and(eq(inboxViews.id, id), mineOrShared(workspaceId, viewer.userId)));
    if (!row) throw notFound('inbox_view');
    if (row.userId === null && !roleCan(viewer.role, 'inbox.manage')) throw forbidden('Only owners and admins delete shared views.');
    await tx.delete(inboxViews).where(eq(inboxViews.id, id));
    await recordAudit(tx, actor, { workspaceId, action: 'inbox_view.deleted', targetType: 'inbox_view', targetId: id, before: present(row) });
  });
}

/** The web app's built-in views: what needs an answer (open), by who holds it. */
const BUILT_IN: Record<string, Partial<ListQuery>> = {
  all: { status: 'open' },
  mine: { assignee: 'me', status: 'open' },
  myTeam: { team: 'mine', status: 'open' },
  unassigned: { assignee: 'unassigned', status: 'open' },
};

/**
 * How many conversations wait in each built-in view and in the viewer's saved views, and how many
 * of them hold unread messages: one query, one FILTER clause per view. Closed ones do not count
 * unless a view asks for them.
 */
export async function inboxCounts(db: Queryable, viewer: Viewer, workspaceId: string) {
  const saved = await listViews(db, workspaceId, viewer.userId);
  const at = now();
  const views: [string, SQL][] = [
    ...Object.entries(BUILT_IN).map(([name, q]) => [name, condition(viewer, workspaceId, q, at)] as [string, SQL]),
    ...saved.map((v) => [v.id, condition(viewer, workspaceId, viewFilters.parse(v.filters), at)] as [string, SQL]),
  ];
  const columns: Record<string, SQL<number>> = {};
  views.forEach(([, where], i) => {
    columns[`t${i}`] = sql<number>`count(*) filter (where ${where})`.mapWith(Number);
    columns[`u${i}`] = sql<number>`count(*) filter (where ${where} and ${conversations.unread} > 0)`.mapWith(Number);
  });
  const [row] = await db
    .select(columns)
    .from(conversations)
    .leftJoin(teamSla, slaJoins.team)
    .leftJoin(defaultSla, slaJoins.default)
    .where(eq(conversations.workspaceId, workspaceId));
  const counts = (i: number) => ({ total: row?.[`t${i}`] ?? 0, unread: row?.[`u${i}`] ?? 0 });
  const builtIn = Object.fromEntries(Object.keys(BUILT_IN).map((name, i) => [name, counts(i)]));
  const offset = Object.keys(BUILT_IN).length;
  return { ...builtIn, views: saved.map((v, i) => ({ id: v.id, name: v.name, ...counts(offset + i) })) };
}

function condition(viewer: Viewer, workspaceId: string, q: Partial<ListQuery>, at: Date): SQL {
  const filters = conversationFilters(viewer, workspaceId, q, at);
  if (!q.status) filters.push(ne(conversations.status, 'closed'));
  return and(...filters)!;
}
