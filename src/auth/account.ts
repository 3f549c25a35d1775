import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { addSeconds, now } from '../core/clock.ts';
import { newId, randomToken, sha256 } from '../core/crypto.ts';
import { AppError, invalid } from '../core/errors.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { invitations, sessions, users } from './schema.ts';
import { hashPassword, passwordSchema, verifyPassword } from './passwords.ts';
import type { User } from './users.ts';

export const INVITATION_TTL_DAYS = 7;

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: passwordSchema,
});

export const acceptInvitationInput = z.object({
  token: z.string().min(10).max(200),
  name: z.string().trim().min(1).max(120).optional(),
  password: passwordSchema,
});

/** Changing a password signs out every other session of the user. */
export async function changePassword(
  db: Db,
  actor: Actor,
  user: User,
  currentSessionId: string | null,
  input: z.infer<typeof changePasswordInput>,
): Promise<void> {
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw invalid('currentPassword', 'The current password is not correct.');
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    await tx
      .delete(sessions)
      .where(currentSessionId ? and(eq(sessions.userId, user.id), ne(sessions.id, currentSessionId)) : eq(sessions.userId, user.id));
    await recordAudit(tx, actor, { action: 'user.password_changed', targetType: 'user', targetId: user.id });
  });
}

/** Creates an invitation for a user who has no password yet; returns the secret for the link. */
export async function createInvitation(tx: Queryable, userId: string, invitedBy: string | null): Promise<string> {
  const secret = randomToken();
  await tx.insert(invitations).values({
    id: newId(),
    userId,
    tokenHash: sha256(secret),
    invitedBy,
    createdAt: now(),
    expiresAt: addSeconds(now(), INVITATION_TTL_DAYS * 24 * 3600),
  });
  return secret;
}

/** Sets the invited user's password; the invitation works once, before it expires. */
export async function acceptInvitation(db: Db, input: z.infer<typeof acceptInvitationInput>, ip?: string): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [invitation] = await tx
      .update(invitations)
      .set({ acceptedAt: now() })
      .where(and(eq(invitations.tokenHash, sha256(input.token)), isNull(invitations.acceptedAt), gt(invitations.expiresAt, now())))
      .returning();
    if (!invitation) {
      throw new AppError(410, 'invitation_invalid', 'This invitation link is not valid: it was used already or has expired.');
    }
    const [user] = await tx
      .update(users)
      .set({ passwordHash, ...(input.name ? { name: input.name } : {}) })
      .where(eq(users.id, invitation.userId))
      .returning();
    await recordAudit(tx, { userId: user!.id, orgId: user!.orgId, label: user!.email, ip }, {
      action: 'user.invitation_accepted',
      targetType: 'user',
      targetId: user!.id,
    });
    return user!;
  });
}
