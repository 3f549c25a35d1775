import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { Tx } from '../core/db.ts';
import { AppError, conflict, invalid, notFound } from '../core/errors.ts';
import { addSeconds, now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { workspaces } from '../workspaces/schema.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { posts, postVariants, type VariantStatus } from './schema.ts';
import { loadPost, mediaIdsOf, problemsFor } from './posts.ts';
import { mediaSummaries } from '../media/service.ts';
import { resolveWhen, whenInput } from './time.ts';
import { PUBLISH_JOB } from './publisher.ts';
import { gateScheduling } from '../approvals/requests.ts';

export const scheduleInput = z.object({
  /** Leave out to publish now. */
  when: whenInput.optional(),
  /** Only these variants; all that can be scheduled when left out. */
  variantIds: z.array(z.uuid()).min(1).optional(),
});

const SCHEDULABLE: readonly VariantStatus[] = ['draft', 'scheduled', 'failed', 'needs_attention'];
/** A time this far in the past still counts as "now" (the user clicked a minute ago). */
const PAST_TOLERANCE_SECONDS = 60;

/** Queues the variant's publish job inside the caller's transaction. */
export async function enqueuePublish(chorus: Chorus, tx: Tx, variant: { id: string; version: number; scheduledAt: Date | null }) {
  await chorus.jobs.send(
    PUBLISH_JOB,
    { variantId: variant.id, version: variant.version },
    { startAfter: variant.scheduledAt ?? now(), singletonKey: `${variant.id}:${variant.version}` },
    tx,
  );
}

/**
 * Schedules a post (or some of its variants) for a time, or for now. Every variant must pass its
 * network's rules first: nothing is scheduled if any one fails, and the answer lists why.
 */
export async function schedulePost(chorus: Chorus, actor: Actor, workspaceId: string, postId: string, input: z.infer<typeof scheduleInput>) {
  await chorus.db.transaction(async (tx) => {
    const [workspace] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    const at = input.when ? resolveWhen(input.when, workspace!.timezone) : now();
    if (at < addSeconds(now(), -PAST_TOLERANCE_SECONDS)) throw invalid('when', 'That time has passed. Pick a time in the future, or publish now.');
    await scheduleVariants(chorus, tx, actor, workspaceId, postId, input.variantIds, async () => at, input.when ? 'post.scheduled' : 'post.publish_requested', { asSoonAsApproved: !input.when });
  });
  return loadPost(chorus.db, chorus, workspaceId, postId);
}

/**
 * The one way variants become scheduled: locks the post and its variants, checks every target
 * against its network's rules and its profile's health, then sets each one's time (`timeFor`
 * may give each profile its own, as the queue does) and queues its publish job. A post that needs
 * approval is sent for it instead: its variants wait in `pending_approval` with no job queued.
 */
export async function scheduleVariants(
  chorus: Chorus,
  tx: Tx,
  actor: Actor,
  workspaceId: string,
  postId: string,
  variantIds: string[] | undefined,
  timeFor: (variant: { id: string; profileId: string }) => Promise<Date>,
  action: string,
  options: { asSoonAsApproved?: boolean } = {},
) {
  const [post] = await tx.select().from(posts).where(and(eq(posts.id, postId), eq(posts.workspaceId, workspaceId))).for('update');
  if (!post) throw notFound('post');
  const rows = await tx
    .select({ variant: postVariants, network: socialProfiles.network, profileStatus: socialProfiles.status, handle: socialProfiles.handle })
    .from(postVariants)
    .innerJoin(socialProfiles, eq(socialProfiles.id, postVariants.profileId))
    .where(and(eq(postVariants.postId, postId), variantIds ? inArray(postVariants.id, variantIds) : sql`true`))
    .for('update', { of: postVariants });
  if (variantIds && rows.length !== variantIds.length) throw invalid('variantIds', 'Some of those variants are not part of this post.');
  const targets = rows.filter((r) => SCHEDULABLE.includes(r.variant.status));
  if (targets.length === 0) throw conflict('nothing_to_schedule', 'Nothing left to schedule: this post is published or publishing.');
  const summaries = await mediaSummaries(tx, workspaceId, [...new Set(targets.flatMap((r) => mediaIdsOf(post, r.variant)))]);
  const problems = targets.flatMap((r) =>
    problemsFor(chorus, r.network, r.variant.text ?? post.text, mediaIdsOf(post, r.variant).map((id) => summaries.find((m) => m.id === id)!)).map((p) => ({
      variantId: r.variant.id,
      network: r.network,
      handle: r.handle,
      ...p,
    })),
  );
  for (const r of targets.filter((r) => r.profileStatus === 'needs_reconnect')) {
    problems.push({ variantId: r.variant.id, network: r.network, handle: r.handle, post: 0, field: 'text', code: 'not_supported', message: `${r.handle} must be reconnected before it can publish.` });
  }
  if (problems.length) {
    throw new AppError(422, 'post_invalid', problems.map((p) => `${p.handle}: ${p.message}`).join(' '), { problems });
  }
  const gate = await gateScheduling(chorus, tx, actor, {
    workspaceId,
    postId,
    targets: targets.map((r) => ({ id: r.variant.id, profileId: r.variant.profileId, network: r.network, handle: r.handle })),
    timeFor,
    asap: options.asSoonAsApproved ?? false,
  });
  if (gate === 'pending') return;
  const scheduled: { id: string; profile: string; at: string; text: string }[] = [];
  for (const { variant, handle } of targets) {
    const at = await timeFor(variant);
    const [updated] = await tx
      .update(postVariants)
      .set({ status: 'scheduled', scheduledAt: at, version: sql`${postVariants.version} + 1`, lastError: null, updatedAt: now() })
      .where(eq(postVariants.id, variant.id))
      .returning();
    await enqueuePublish(chorus, tx, updated!);
    scheduled.push({ id: variant.id, profile: handle, at: at.toISOString(), text: variant.text ?? post.text });
  }
  await recordAudit(tx, actor, { workspaceId, action, targetType: 'post', targetId: postId, after: { variants: scheduled } });
}

/** Takes scheduled variants back to drafts; their queued jobs find them changed and do nothing. */
export async function unschedulePost(chorus: Chorus, actor: Actor, workspaceId: string, postId: string) {
  await chorus.db.transaction(async (tx) => {
    const changed = await tx
      .update(postVariants)
      .set({ status: 'draft', scheduledAt: null, version: sql`${postVariants.version} + 1`, updatedAt: now() })
      .where(and(eq(postVariants.postId, postId), eq(postVariants.workspaceId, workspaceId), eq(postVariants.status, 'scheduled')))
      .returning({ id: postVariants.id });
    if (changed.length === 0) throw conflict('not_scheduled', 'Nothing in this post is scheduled.');
    await recordAudit(tx, actor, { workspaceId, action: 'post.unscheduled', targetType: 'post', targetId: postId, after: { variants: changed.map((c) => c.id) } });
  });
  return loadPost(chorus.db, chorus, workspaceId, postId);
}

/** Moves one scheduled variant to another time (dragging it on the calendar). */
export async function rescheduleVariant(chorus: Chorus, actor: Actor, workspaceId: string, variantId: string, when: z.infer<typeof whenInput>) {
  const postId = await chorus.db.transaction(async (tx) => {
    const [workspace] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    const at = resolveWhen(when, workspace!.timezone);
    if (at < addSeconds(now(), -PAST_TOLERANCE_SECONDS)) throw invalid('when', 'That time has passed. Pick a time in the future.');
    const [variant] = await tx.select().from(postVariants).where(and(eq(postVariants.id, variantId), eq(postVariants.workspaceId, workspaceId))).for('update');
    if (!variant) throw notFound('variant');
    if (variant.status !== 'scheduled') throw conflict('not_scheduled', 'Only a scheduled post can be moved.');
    const [updated] = await tx
      .update(postVariants)
      .set({ scheduledAt: at, version: sql`${postVariants.version} + 1`, updatedAt: now() })
      .where(eq(postVariants.id, variantId))
      .returning();
    await enqueuePublish(chorus, tx, updated!);
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'post.rescheduled',
      targetType: 'post',
      targetId: variant.postId,
      before: { variantId, at: variant.scheduledAt?.toISOString() },
      after: { variantId, at: at.toISOString() },
    });
    return variant.postId;
  });
  return loadPost(chorus.db, chorus, workspaceId, postId);
}

export const resolveAttentionInput = z.object({
  /** What the person found on the network: it is there (give its URL), or it is not (publish again). */
  outcome: z.enum(['published', 'not_published']),
  remoteUrl: z.url().optional(),
});

/**
 * Settles a variant Chorus could not be sure about. Only a person who looked at the network can
 * say; "not published" schedules it again now, under the same idempotency key.
 */
export async function resolveAttention(chorus: Chorus, actor: Actor, workspaceId: string, variantId: string, input: z.infer<typeof resolveAttentionInput>) {
  const postId = await chorus.db.transaction(async (tx) => {
    const [variant] = await tx.select().from(postVariants).where(and(eq(postVariants.id, variantId), eq(postVariants.workspaceId, workspaceId))).for('update');
    if (!variant) throw notFound('variant');
    if (variant.status !== 'needs_attention') throw conflict('not_needing_attention', 'This post does not need attention.');
    if (input.outcome === 'published') {
      await tx
        .update(postVariants)
        .set({ status: 'published', publishedAt: variant.scheduledAt ?? now(), remoteUrl: input.remoteUrl ?? null, lastError: null, updatedAt: now() })
        .where(eq(postVariants.id, variantId));
    } else {
      const [updated] = await tx
        .update(postVariants)
        .set({ status: 'scheduled', scheduledAt: now(), version: sql`${postVariants.version} + 1`, lastError: null, updatedAt: now() })
        .where(eq(postVariants.id, variantId))
        .returning();
      await enqueuePublish(chorus, tx, updated!);
    }
    await recordAudit(tx, actor, { workspaceId, action: 'post.attention_resolved', targetType: 'post', targetId: variant.postId, after: { variantId, ...input } });
    return variant.postId;
  });
  return loadPost(chorus.db, chorus, workspaceId, postId);
}
