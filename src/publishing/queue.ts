import { and, asc, eq, inArray } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { Queryable } from '../core/db.ts';
import { AppError } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { workspaces } from '../workspaces/schema.ts';
import { findProfile } from '../profiles/service.ts';
import { postingSlots, postVariants } from './schema.ts';
import { loadPost } from './posts.ts';
import { scheduleVariants } from './scheduling.ts';

export const slotsInput = z.object({
  slots: z
    .array(z.object({ weekday: z.number().int().min(1).max(7), time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:mm, e.g. 09:30.') }))
    .max(200),
});

/** How far ahead the queue looks for a free slot before saying the queue is full. */
const HORIZON_WEEKS = 12;

export async function listSlots(db: Queryable, profileId: string) {
  return db
    .select({ weekday: postingSlots.weekday, time: postingSlots.time })
    .from(postingSlots)
    .where(eq(postingSlots.profileId, profileId))
    .orderBy(asc(postingSlots.weekday), asc(postingSlots.time));
}

export async function setSlots(chorus: Chorus, actor: Actor, workspaceId: string, profileId: string, input: z.infer<typeof slotsInput>) {
  await findProfile(chorus.db, workspaceId, profileId);
  const unique = [...new Map(input.slots.map((s) => [`${s.weekday}-${s.time}`, s])).values()];
  await chorus.db.transaction(async (tx) => {
    const before = await listSlots(tx, profileId);
    await tx.delete(postingSlots).where(eq(postingSlots.profileId, profileId));
    if (unique.length) await tx.insert(postingSlots).values(unique.map((s) => ({ profileId, ...s })));
    await recordAudit(tx, actor, { workspaceId, action: 'profile.slots_updated', targetType: 'profile', targetId: profileId, before, after: unique });
  });
  return listSlots(chorus.db, profileId);
}

/**
 * The next slot of a profile, after now, that no scheduled or published post of that profile
 * holds. Slots are wall-clock times in the workspace zone, so a 09:00 slot stays at 09:00 across
 * daylight-saving changes; a slot in the skipped hour is passed over.
 */
export async function nextFreeSlot(db: Queryable, profileId: string, zone: string): Promise<Date | null> {
  const slots = await listSlots(db, profileId);
  if (slots.length === 0) return null;
  const start = DateTime.fromJSDate(now(), { zone });
  const horizon = start.plus({ weeks: HORIZON_WEEKS });
  const busy = await db
    .select({ at: postVariants.scheduledAt })
    .from(postVariants)
    .where(and(eq(postVariants.profileId, profileId), inArray(postVariants.status, ['scheduled', 'publishing', 'published'])));
  const occupied = new Set(busy.filter((b) => b.at).map((b) => Math.floor(b.at!.getTime() / 60_000)));
  for (let day = start.startOf('day'); day < horizon; day = day.plus({ days: 1 })) {
    for (const slot of slots.filter((s) => s.weekday === day.weekday)) {
      const [hour, minute] = slot.time.split(':').map(Number) as [number, number];
      const at = day.set({ hour, minute });
      if (at.hour !== hour || at.minute !== minute) continue; // does not exist that day (DST)
      if (at <= start) continue;
      if (!occupied.has(Math.floor(at.toMillis() / 60_000))) return at.toJSDate();
    }
  }
  return null;
}

/** "Add to queue": each variant goes to its own profile's next free slot. */
export async function queuePost(chorus: Chorus, actor: Actor, workspaceId: string, postId: string, variantIds?: string[]) {
  await chorus.db.transaction(async (tx) => {
    const [workspace] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    await scheduleVariants(chorus, tx, actor, workspaceId, postId, variantIds, async (variant) => {
      const at = await nextFreeSlot(tx, variant.profileId, workspace!.timezone);
      if (!at) {
        throw new AppError(409, 'queue_full', `No free posting slot in the next ${HORIZON_WEEKS} weeks for one of the profiles. Add slots, or pick a time.`, { variantId: variant.id });
      }
      return at;
    }, 'post.queued');
  });
  return loadPost(chorus.db, chorus, workspaceId, postId);
}
