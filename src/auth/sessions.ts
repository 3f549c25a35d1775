import { and, eq, gt, lt, sql, count } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { addSeconds, now } from '../core/clock.ts';
import { newId, randomToken, sha256 } from '../core/crypto.ts';
import { tooManyRequests, unauthorized } from '../core/errors.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { loginAttempts, sessions } from './schema.ts';
import { verifyPassword } from './passwords.ts';
import { findUserByEmail, findUserById, normaliseEmail, type User } from './users.ts';

export const loginInput = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(256),
});

/** Failed sign-ins allowed per email, and per client address, in one window. */
export const LOGIN_LIMITS = { windowSeconds: 15 * 60, perEmail: 5, perIp: 30 } as const;

export interface SessionInfo {
  sessionId: string;
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

type Session = typeof sessions.$inferSelect;

/**
 * Signs a user in. Throttling counts failures stored in the database, so it holds across every
 * API process; a sign-in over the limit is refused before the password is even checked.
 */
export async function login(
  db: Db,
  input: { email: string; password: string; ip: string; userAgent?: string | undefined },
  ttlHours: number,
): Promise<{ user: User; session: SessionInfo }> {
  const email = normaliseEmail(input.email);
  await assertNotThrottled(db, email, input.ip);
  const user = await findUserByEmail(db, email);
  const ok = (await verifyPassword(user?.passwordHash, input.password)) && user !== undefined && !user.disabledAt;
  if (!ok || !user) {
    await db.transaction(async (tx) => {
      await tx.insert(loginAttempts).values({ email, ip: input.ip, succeeded: false, at: now() });
      if (user) {
        await recordAudit(tx, { userId: null, orgId: user.orgId, label: email, ip: input.ip }, {
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: user.id,
        });
      }
    });
    throw unauthorized('invalid_credentials', 'That email and password do not match an account.');
  }
  const session = await db.transaction(async (tx) => {
    await tx.insert(loginAttempts).values({ email, ip: input.ip, succeeded: true, at: now() });
    const created = await insertSession(tx, user.id, ttlHours, input.userAgent);
    await recordAudit(tx, { userId: user.id, orgId: user.orgId, label: user.email, ip: input.ip }, {
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
    });
    return created;
  });
  return { user, session };
}

async function assertNotThrottled(db: Db, email: string, ip: string): Promise<void> {
  const since = addSeconds(now(), -LOGIN_LIMITS.windowSeconds);
  const failures = (where: ReturnType<typeof eq>) =>
    db
      .select({ n: count(), oldest: sql<string | null>`min(${loginAttempts.at})` })
      .from(loginAttempts)
      .where(and(where, eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)));
  const [byEmail] = await failures(eq(loginAttempts.email, email));
  const [byIp] = await failures(eq(loginAttempts.ip, ip));
  const over = (byEmail!.n >= LOGIN_LIMITS.perEmail && byEmail) || (byIp!.n >= LOGIN_LIMITS.perIp && byIp);
  if (over) {
    const oldest = over.oldest ? new Date(over.oldest) : now();
    const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + LOGIN_LIMITS.windowSeconds * 1000 - now().getTime()) / 1000));
    throw tooManyRequests('Too many failed sign-in attempts. Wait and try again.', retryAfter);
  }
}

export async function insertSession(db: Queryable, userId: string, ttlHours: number, userAgent?: string): Promise<SessionInfo> {
  const token = randomToken();
  const csrfToken = randomToken();
  const id = newId();
  const expiresAt = addSeconds(now(), ttlHours * 3600);
  await db.insert(sessions).values({
    id,
    tokenHash: sha256(token),
    userId,
    csrfToken,
    userAgent: userAgent?.slice(0, 300) ?? null,
    createdAt: now(),
    lastSeenAt: now(),
    expiresAt,
  });
  return { sessionId: id, token, csrfToken, expiresAt };
}

/**
 * Finds the signed-in user for a session cookie. Sessions slide: activity pushes expiry out again,
 * written at most every few minutes so that reads stay reads.
 */
export async function resolveSession(
  db: Db,
  token: string,
  ttlHours: number,
): Promise<{ user: User; session: Session }> {
  const [session] = await db.select().from(sessions).where(eq(sessions.tokenHash, sha256(token))).limit(1);
  if (!session) throw unauthorized('session_invalid', 'Your session is not valid. Sign in again.');
  if (session.expiresAt <= now()) {
    await db.delete(sessions).where(eq(sessions.id, session.id));
    throw unauthorized('session_expired', 'Your session has expired. Sign in again.');
  }
  const user = await findUserById(db, session.userId);
  if (!user || user.disabledAt) throw unauthorized('session_invalid', 'Your session is not valid. Sign in again.');
  if (now().getTime() - session.lastSeenAt.getTime() > 5 * 60 * 1000) {
    await db
      .update(sessions)
      .set({ lastSeenAt: now(), expiresAt: addSeconds(now(), ttlHours * 3600) })
      .where(eq(sessions.id, session.id));
  }
  return { user, session };
}

export async function logout(db: Db, session: Session, user: User, ip?: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.id, session.id));
    await recordAudit(tx, { userId: user.id, orgId: user.orgId, label: user.email, ip }, {
      action: 'auth.logout',
      targetType: 'user',
      targetId: user.id,
    });
  });
}

/** Housekeeping for the daily cron: expired sessions and old sign-in attempts. */
export async function pruneAuthRecords(db: Db): Promise<{ sessions: number; attempts: number }> {
  const expired = await db.delete(sessions).where(lt(sessions.expiresAt, now())).returning({ id: sessions.id });
  const old = await db
    .delete(loginAttempts)
    .where(lt(loginAttempts.at, addSeconds(now(), -7 * 24 * 3600)))
    .returning({ id: loginAttempts.id });
  return { sessions: expired.length, attempts: old.length };
}
