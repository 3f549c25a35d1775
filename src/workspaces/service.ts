import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { conflict, forbidden, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import type { User } from '../auth/users.ts';
import { recordAudit, type Actor } from './audit.ts';
import { effectiveRole, type WorkspaceRole } from './roles.ts';
import { workspaceMembers, workspaces } from './schema.ts';
import { timezoneSchema } from './timezones.ts';

export type Workspace = typeof workspaces.$inferSelect;

export const createWorkspaceInput = z.object({
  name: z.string().trim().min(1).max(120),
  timezone: timezoneSchema.default('UTC'),
});
export const updateWorkspaceInput = z
  .object({ name: z.string().trim().min(1).max(120), timezone: timezoneSchema })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Give at least one field to change.' });

export const publicWorkspace = (w: Workspace, role: WorkspaceRole) => ({
  id: w.id,
  name: w.name,
  timezone: w.timezone,
  createdAt: w.createdAt,
  role,
});

/** The workspaces a user can open, with the role they have in each. */
export async function listWorkspacesFor(db: Queryable, user: User) {
  if (user.orgRole === 'owner' || user.orgRole === 'admin') {
    const rows = await db
      .select()
      .from(workspaces)
      .where(and(eq(workspaces.orgId, user.orgId), isNull(workspaces.archivedAt)))
      .orderBy(asc(workspaces.name));
    return rows.map((w) => publicWorkspace(w, 'owner'));
  }
  const rows = await db
    .select({ workspace: workspaces, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(and(eq(workspaceMembers.userId, user.id), isNull(workspaces.archivedAt)))
    .orderBy(asc(workspaces.name));
  return rows.map((r) => publicWorkspace(r.workspace, r.role));
}

/**
 * The workspace and the user's effective role in it. A workspace the user cannot see answers
 * "not found", so that its existence is not disclosed to outsiders.
 */
export async function accessWorkspace(db: Queryable, user: User, workspaceId: string) {
  const [row] = await db
    .select({ workspace: workspaces, role: workspaceMembers.role })
    .from(workspaces)
    .leftJoin(workspaceMembers, and(eq(workspaceMembers.workspaceId, workspaces.id), eq(workspaceMembers.userId, user.id)))
    .where(and(eq(workspaces.id, workspaceId), eq(workspaces.orgId, user.orgId), isNull(workspaces.archivedAt)))
    .limit(1);
  const role = row ? effectiveRole(user.orgRole, row.role ?? undefined) : undefined;
  if (!row || !role) throw notFound('workspace');
  return { workspace: row.workspace, role };
}

export async function createWorkspace(db: Db, actor: Actor, user: User, input: z.infer<typeof createWorkspaceInput>) {
  if (user.orgRole === 'member') throw forbidden('Only organisation owners and admins create workspaces.');
  return db.transaction(async (tx) => {
    const [clash] = await tx
      .select({ id: workspaces.id })
      .from(workspaces)
      .where(and(eq(workspaces.orgId, user.orgId), sql`lower(${workspaces.name}) = lower(${input.name})`))
      .limit(1);
    if (clash) throw conflict('workspace_name_taken', 'A workspace with this name exists already.', 'name');
    const [workspace] = await tx
      .insert(workspaces)
      .values({ id: newId(), orgId: user.orgId, name: input.name, timezone: input.timezone, createdAt: now() })
      .returning();
    await tx.insert(workspaceMembers).values({ workspaceId: workspace!.id, userId: user.id, role: 'owner' });
    await recordAudit(tx, actor, {
      workspaceId: workspace!.id,
      action: 'workspace.created',
      targetType: 'workspace',
      targetId: workspace!.id,
      after: { name: workspace!.name, timezone: workspace!.timezone },
    });
    return workspace!;
  });
}

export async function updateWorkspace(db: Db, actor: Actor, workspace: Workspace, input: z.infer<typeof updateWorkspaceInput>) {
  return db.transaction(async (tx) => {
    const [updated] = await tx.update(workspaces).set(input).where(eq(workspaces.id, workspace.id)).returning();
    await recordAudit(tx, actor, {
      workspaceId: workspace.id,
      action: 'workspace.updated',
      targetType: 'workspace',
      targetId: workspace.id,
      before: { name: workspace.name, timezone: workspace.timezone },
      after: { name: updated!.name, timezone: updated!.timezone },
    });
    return updated!;
  });
}
