import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { conflict, notFound, AppError } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { invitations, users } from '../auth/schema.ts';
import { findUserByEmail, normaliseEmail } from '../auth/users.ts';
import { createInvitation } from '../auth/account.ts';
import { recordAudit, type Actor } from './audit.ts';
import { WORKSPACE_ROLES } from './roles.ts';
import { teamMembers, teams, workspaceMembers } from './schema.ts';

export const addMemberInput = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(120).optional(),
  role: z.enum(WORKSPACE_ROLES),
});
export const changeRoleInput = z.object({ role: z.enum(WORKSPACE_ROLES) });

export async function listMembers(db: Db, workspaceId: string) {
  const rows = await db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: workspaceMembers.role,
      invited: users.passwordHash,
      joinedAt: workspaceMembers.createdAt,
    })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(eq(workspaceMembers.workspaceId, workspaceId))
    .orderBy(asc(users.name));
  const memberships = rows.length
    ? await db
        .select({ userId: teamMembers.userId, teamId: teams.id, teamName: teams.name })
        .from(teamMembers)
        .innerJoin(teams, eq(teams.id, teamMembers.teamId))
        .where(and(eq(teams.workspaceId, workspaceId), inArray(teamMembers.userId, rows.map((r) => r.userId))))
    : [];
  return rows.map(({ invited, ...row }) => ({
    ...row,
    pendingInvitation: invited === null,
    teams: memberships.filter((m) => m.userId === row.userId).map((m) => ({ id: m.teamId, name: m.teamName })),
  }));
}

/**
 * Adds someone to a workspace. A person new to the organisation gets an account without a
 * password and an invitation link (returned once, for the admin to pass on or for email).
 */
export async function addMember(db: Db, actor: Actor, workspaceId: string, input: z.infer<typeof addMemberInput>) {
  return db.transaction(async (tx) => {
    let user = await findUserByEmail(tx, input.email);
    let invitationToken: string | null = null;
    if (user && user.orgId !== actor.orgId) {
      throw conflict('email_in_other_organization', 'This email belongs to an account of another organisation.', 'email');
    }
    if (!user) {
      const email = normaliseEmail(input.email);
      [user] = await tx
        .insert(users)
        .values({ id: newId(), orgId: actor.orgId, email, name: input.name ?? email.split('@')[0]!, orgRole: 'member', createdAt: now() })
        .returning();
      invitationToken = await createInvitation(tx, user!.id, actor.userId);
    }
    const inserted = await tx
      .insert(workspaceMembers)
      .values({ workspaceId, userId: user!.id, role: input.role, createdAt: now() })
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) throw conflict('already_member', 'This person is a member of this workspace already.', 'email');
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'member.added',
      targetType: 'user',
      targetId: user!.id,
      after: { email: user!.email, role: input.role, invited: invitationToken !== null },
    });
    return { userId: user!.id, email: user!.email, role: input.role, invitationToken };
  });
}

/**
 * A new invitation link for a member who never set a password (the first was lost or expired).
 * Earlier unused links stop working, so only the newest one can be passed on.
 */
export async function renewInvitation(db: Db, actor: Actor, workspaceId: string, userId: string) {
  return db.transaction(async (tx) => {
    await lockMembership(tx, workspaceId, userId);
    const [user] = await tx.select({ email: users.email, passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
    if (user!.passwordHash !== null) throw conflict('already_joined', 'This person has joined already: they sign in with their own password.');
    await tx
      .update(invitations)
      .set({ expiresAt: now() })
      .where(and(eq(invitations.userId, userId), isNull(invitations.acceptedAt), gt(invitations.expiresAt, now())));
    const token = await createInvitation(tx, userId, actor.userId);
    await recordAudit(tx, actor, { workspaceId, action: 'member.invitation_renewed', targetType: 'user', targetId: userId, after: { email: user!.email } });
    return token;
  });
}

export async function changeRole(db: Db, actor: Actor, workspaceId: string, userId: string, input: z.infer<typeof changeRoleInput>) {
  return db.transaction(async (tx) => {
    const before = await lockMembership(tx, workspaceId, userId);
    if (before.role === 'owner' && input.role !== 'owner') await assertAnotherOwner(tx, workspaceId, userId);
    await tx
      .update(workspaceMembers)
      .set({ role: input.role })
      .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'member.role_changed',
      targetType: 'user',
      targetId: userId,
      before: { role: before.role },
      after: { role: input.role },
    });
    return { userId, role: input.role };
  });
}

export async function removeMember(db: Db, actor: Actor, workspaceId: string, userId: string) {
  await db.transaction(async (tx) => {
    const before = await lockMembership(tx, workspaceId, userId);
    if (before.role === 'owner') await assertAnotherOwner(tx, workspaceId, userId);
    await tx.delete(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
    // Team membership only makes sense inside the workspace.
    const workspaceTeams = tx.select({ id: teams.id }).from(teams).where(eq(teams.workspaceId, workspaceId));
    await tx.delete(teamMembers).where(and(eq(teamMembers.userId, userId), inArray(teamMembers.teamId, workspaceTeams)));
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'member.removed',
      targetType: 'user',
      targetId: userId,
      before: { role: before.role },
    });
  });
}

async function lockMembership(db: Queryable, workspaceId: string, userId: string) {
  const [row] = await db
    .select()
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)))
    .for('update');
  if (!row) throw notFound('member');
  return row;
}

/** A workspace always keeps at least one owner, so that someone can always manage it. */
async function assertAnotherOwner(db: Queryable, workspaceId: string, leavingUserId: string) {
  const owners = await db
    .select({ userId: workspaceMembers.userId })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.role, 'owner')))
    .for('update');
  if (!owners.some((o) => o.userId !== leavingUserId)) {
    throw new AppError(409, 'last_owner', 'A workspace needs at least one owner. Make someone else owner first.');
  }
}
