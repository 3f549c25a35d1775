import { eq } from "drizzle-orm";
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { Tx } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { now } from '../core/clock.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { workspaces } from '../workspaces/schema.ts';
import { posts, postVariants, type RepeatRule, type VariantStatus } from './schema.ts';
import { newIdempotencyKey } from './posts.ts';
import { enqueuePublish } from './scheduling.ts';

export const repeatInput = z
  .object({
    every: z.enum(['day', 'week', 'month']),
    interval: z.number().int().min(1).max(365).default(1),
    until: z.iso.date().optional(),
    count: z.number().int().min(2).max(1000).optional(),
  })
  .nullable();

const SETTLED: readonly VariantStatus[] = ['published', 'failed', 'needs_attention'];

/**
 * The next time after `previous`, on the wall clock of `zone`: a post repeated weekly at 09:00
 * stays at 09:00 across daylight-saving changes. Occurrences that fell behind are skipped.
 */
export function nextOccurrence(rule: RepeatRule, previous: Date, zone: string, after: Date = now()): Date {
  const unit = rule.every === 'day' ? 'days' : rule.every === 'week' ? 'weeks' : 'months';
  const start = DateTime.fromJSDate(previous, { zone });
  for (let step = 1; ; step++) {
    const next = start.plus({ [unit]: rule.interval * step });
    if (next.toJSDate() > after) return next.toJSDate();
  }
}

/**
 * Once every variant of a repeating post has settled, schedules the series' next occurrence: a
 * copy of the post for the same profiles. Runs in the transaction that settled the last variant;
 * the post row lock orders concurrent settlements, and the (series, occurrence) key makes a
 * second attempt a no-op.
 */
export async function continueSeries(chorus: Chorus, tx: Tx, postId: string): Promise<string | null> {
  const [post] = await tx.select().from(posts).where(eq(posts.id, postId)).for('update');
  if (!post?.repeat) return null;
  const variants = await tx.select().from(postVariants).where(eq(postVariants.postId, postId));
  if (variants.length === 0 || variants.some((v) => !SETTLED.includes(v.status))) return null;
  const rule = post.repeat;
  const occurrence = post.occurrence + 1;
  if (rule.count && occurrence > rule.count) return null;
  const [workspace] = await tx.select().from(workspaces).where(eq(workspaces.id, post.workspaceId));
  const zone = workspace!.timezone;
  const previous = new Date(Math.min(...variants.map((v) => (v.scheduledAt ?? now()).getTime())));
  const at = nextOccurrence(rule, previous, zone);
  if (rule.until && DateTime.fromJSDate(at, { zone }).toISODate()! > rule.until) return null;
  const seriesId = post.seriesId ?? post.id;
  const [next] = await tx
    .insert(posts)
    .values({
      id: newId(),
      workspaceId: post.workspaceId,
      authorId: post.authorId,
      campaignId: post.campaignId,
      text: post.text,
      tags: post.tags,
      mediaIds: post.mediaIds,
      repeat: rule,
      seriesId,
      occurrence,
      createdAt: now(),
      updatedAt: now(),
    })
    .onConflictDoNothing()
    .returning();
  if (!next) return null;
  for (const v of variants) {
    const [variant] = await tx
      .insert(postVariants)
      .values({
        id: newId(),
        postId: next.id,
        workspaceId: post.workspaceId,
        profileId: v.profileId,
        text: v.text,
        mediaIds: v.mediaIds,
        status: 'scheduled',
        scheduledAt: at,
        idempotencyKey: newIdempotencyKey(),
        updatedAt: now(),
      })
      .returning();
    await enqueuePublish(chorus, tx, variant!);
  }
  await recordAudit(tx, { userId: null, orgId: workspace!.orgId, label: 'Chorus' }, {
    workspaceId: post.workspaceId,
    action: 'post.repeat_scheduled',
    targetType: 'post',
    targetId: next.id,
    after: { seriesId, occurrence, at: at.toISOString(), previousPostId: post.id },
  });
  return next.id;
}

