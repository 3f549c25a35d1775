import { and, eq, gt, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../core/db.ts';
import { addSeconds, now } from '../core/clock.ts';
import { users } from '../auth/schema.ts';
import { conversationPresence } from './schema.ts';

/** Heartbeats come every few seconds; one older than this means the tab is gone. */
export const PRESENCE_TTL_SECONDS = 15;

export const presenceInput = z.object({ state: z.enum(['viewing', 'replying']) });

export interface Present {
  userId: string;
  name: string;
  state: 'viewing' | 'replying';
  since: Date;
}

/** Everyone else with this conversation open right now. */
export async function othersPresent(db: Queryable, conversationId: string, userId: string): Promise<Present[]> {
  return db
    .select({ userId: conversationPresence.userId, name: users.name, state: conversationPresence.state, since: conversationPresence.seenAt })
    .from(conversationPresence)
    .innerJoin(users, eq(users.id, conversationPresence.userId))
    .where(
      and(
        eq(conversationPresence.conversationId, conversationId),
        ne(conversationPresence.userId, userId),
        gt(conversationPresence.seenAt, addSeconds(now(), -PRESENCE_TTL_SECONDS)),
      ),
    )
    .orderBy(users.name);
}

/** Records the caller's heartbeat (the conversation must be visible to them: check before). */
export async function heartbeat(db: Queryable, conversationId: string, userId: string, state: Present['state']): Promise<Present[]> {
  await db
    .insert(conversationPresence)
    .values({ conversationId, userId, state, seenAt: now() })
    .onConflictDoUpdate({ target: [conversationPresence.conversationId, conversationPresence.userId], set: { state, seenAt: now() } });
  return othersPresent(db, conversationId, userId);
}

export async function leave(db: Queryable, conversationId: string, userId: string): Promise<void> {
  await db.delete(conversationPresence).where(and(eq(conversationPresence.conversationId, conversationId), eq(conversationPresence.userId, userId)));
}
