import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../core/db.ts';
import { users } from './schema.ts';

export type User = typeof users.$inferSelect;

/** What any API answer may say about a user: never the password hash. */
export const publicUser = (user: User) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  orgRole: user.orgRole,
  hasPassword: user.passwordHash !== null,
  disabled: user.disabledAt !== null,
});

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export async function findUserByEmail(db: Queryable, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${normaliseEmail(email)}`)
    .limit(1);
  return user;
}

export async function findUserById(db: Queryable, id: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}
