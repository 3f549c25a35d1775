import { and, desc, eq, gte, lt, lte, isNull, type SQL } from 'drizzle-orm';
import type { Queryable } from '../core/db.ts';
import { now } from '../core/clock.ts';
import { auditEvents } from './schema.ts';

/** Who did it, as the audit log shows it. Built by the HTTP layer from the request. */
export interface Actor {
  userId: string | null;
  orgId: string;
  label: string;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export interface AuditEntry {
  workspaceId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Always call with the transaction that makes the change itself. */
export async function recordAudit(tx: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditEvents).values({
    orgId: actor.orgId,
    workspaceId: entry.workspaceId ?? null,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: actor.ip ?? null,
    requestId: actor.requestId ?? null,
    createdAt: now(),
  });
}

export interface AuditQuery {
  orgId: string;
  /** A workspace's events; `null` for organisation-wide events only; undefined for all. */
  workspaceId?: string | null;
  action?: string;
  actorUserId?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Events older than this id (keyset pagination, newest first). */
  before?: number;
  limit: number;
}

export async function listAudit(db: Queryable, q: AuditQuery) {
  const filters: SQL[] = [eq(auditEvents.orgId, q.orgId)];
  if (q.workspaceId === null) filters.push(isNull(auditEvents.workspaceId));
  else if (q.workspaceId !== undefined) filters.push(eq(auditEvents.workspaceId, q.workspaceId));
  if (q.action) filters.push(eq(auditEvents.action, q.action));
  if (q.actorUserId) filters.push(eq(auditEvents.actorUserId, q.actorUserId));
  if (q.targetType) filters.push(eq(auditEvents.targetType, q.targetType));
  if (q.targetId) filters.push(eq(auditEvents.targetId, q.targetId));
  if (q.from) filters.push(gte(auditEvents.createdAt, q.from));
  if (q.to) filters.push(lte(auditEvents.createdAt, q.to));
  if (q.before) filters.push(lt(auditEvents.id, q.before));
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...filters))
    .orderBy(desc(auditEvents.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { events: page, nextBefore: rows.length > q.limit ? page[page.length - 1]!.id : null };
}
