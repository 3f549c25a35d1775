import { asc } from 'drizzle-orm';
import type { Db } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { conflict } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { organizations } from '../workspaces/schema.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { users } from './schema.ts';
import { hashPassword } from './passwords.ts';
import { findUserByEmail, normaliseEmail, type User } from './users.ts';

/** Creates a user in the (single) organisation from an operator's terminal. */
export async function createUser(
  db: Db,
  input: { email: string; name: string; orgRole: User['orgRole']; password: string },
): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    if (await findUserByEmail(tx, input.email)) throw conflict('email_taken', `${input.email} has an account already.`, 'email');
    const [org] = await tx.select().from(organizations).orderBy(asc(organizations.createdAt)).limit(1);
    if (!org) throw new Error('No organisation exists yet.');
    const [user] = await tx
      .insert(users)
      .values({ id: newId(), orgId: org.id, email: normaliseEmail(input.email), name: input.name, passwordHash, orgRole: input.orgRole, createdAt: now() })
      .returning();
    await recordAudit(tx, { userId: null, orgId: org.id, label: 'command line' }, {
      action: 'user.created',
      targetType: 'user',
      targetId: user!.id,
      after: { email: user!.email, orgRole: user!.orgRole },
    });
    return user!;
  });
}

