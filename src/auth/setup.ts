import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../core/db.ts';
import { conflict } from '../core/errors.ts';
import { newId } from '../core/crypto.ts';
import { users } from './schema.ts';
import { organizations, workspaceMembers, workspaces } from '../workspaces/schema.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { timezoneSchema } from '../workspaces/timezones.ts';
import { hashPassword, passwordSchema } from './passwords.ts';
import { normaliseEmail, type User } from './users.ts';

export const setupInput = z.object({
  organizationName: z.string().trim().min(1).max(120),
  name: z.string().trim().min(1).max(120),
  email: z.email().max(254),
  password: passwordSchema,
  workspaceName: z.string().trim().min(1).max(120).default('Main'),
  timezone: timezoneSchema.default('UTC'),
});
export type SetupInput = z.infer<typeof setupInput>;

export async function needsSetup(db: Db): Promise<boolean> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  return (row?.count ?? 0) === 0;
}

/**
 * Creates the organisation, its owner and a first workspace: the one thing an anonymous visitor
 * may do, and only once. The table lock makes two simultaneous first visits produce one owner.
 */
export async function createOwner(db: Db, input: SetupInput, ip?: string): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`lock table ${users} in share row exclusive mode`);
    const [existing] = await tx.select({ count: sql<number>`count(*)::int` }).from(users);
    if ((existing?.count ?? 0) > 0) throw conflict('already_set_up', 'Chorus already has an owner. Sign in instead.');
    const orgId = newId();
    const workspaceId = newId();
    await tx.insert(organizations).values({ id: orgId, name: input.organizationName });
    const [owner] = await tx
      .insert(users)
      .values({ id: newId(), orgId, email: normaliseEmail(input.email), name: input.name, passwordHash, orgRole: 'owner' })
      .returning();
    await tx.insert(workspaces).values({ id: workspaceId, orgId, name: input.workspaceName, timezone: input.timezone });
    await tx.insert(workspaceMembers).values({ workspaceId, userId: owner!.id, role: 'owner' });
    const actor = { userId: owner!.id, orgId, label: owner!.email, ip };
    await recordAudit(tx, actor, {
      action: 'organization.created',
      targetType: 'organization',
      targetId: orgId,
      after: { name: input.organizationName, owner: owner!.email },
    });
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'workspace.created',
      targetType: 'workspace',
      targetId: workspaceId,
      after: { name: input.workspaceName, timezone: input.timezone },
    });
    return owner!;
  });
}
