import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Chorus } from '../core/chorus.ts';
import { addSeconds, now } from '../core/clock.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { workspaces } from '../workspaces/schema.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { SYSTEM_ACTOR_LABEL } from '../profiles/service.ts';
import { posts, postVariants, publishAttempts } from './schema.ts';
import { notify } from '../notifications/service.ts';
import { enqueuePublish } from './scheduling.ts';

/**
 * Finds publications that went wrong silently and settles them:
 * - an attempt still open after the lease: its worker died mid-call. Where the network
 *   de-duplicates (client-chosen ids, idempotency keys) the publish is simply run again; where the
 *   connector checkpoints its steps (Meta's media containers), it is run again from the last
 *   checkpoint; otherwise nobody can know whether the post went out, so a person is asked
 *   (needs_attention);
 * - a scheduled post past due with no job running: its job was lost. It is queued again.
 */
export async function reconcilePublishing(chorus: Chorus, logger: Logger): Promise<{ resumed: number; flagged: number; requeued: number }> {
  const leaseEnd = addSeconds(now(), -chorus.config.publishLeaseSeconds);
  const stale = await chorus.db
    .selectDistinct({ variantId: publishAttempts.variantId })
    .from(publishAttempts)
    .innerJoin(postVariants, eq(postVariants.id, publishAttempts.variantId))
    .where(and(isNull(publishAttempts.outcome), lt(publishAttempts.startedAt, leaseEnd), eq(postVariants.status, 'publishing')));
  let resumed = 0;
  let flagged = 0;
  for (const { variantId } of stale) {
    const result = await chorus.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ variant: postVariants, network: socialProfiles.network, handle: socialProfiles.handle, orgId: workspaces.orgId, authorId: posts.authorId })
        .from(postVariants)
        .innerJoin(posts, eq(posts.id, postVariants.postId))
        .innerJoin(socialProfiles, eq(socialProfiles.id, postVariants.profileId))
        .innerJoin(workspaces, eq(workspaces.id, postVariants.workspaceId))
        .where(eq(postVariants.id, variantId))
        .for('update', { of: postVariants });
      if (!row || row.variant.status !== 'publishing') return null;
      await tx
        .update(publishAttempts)
        .set({ outcome: 'reconciled', finishedAt: now(), detail: 'worker stopped before recording an outcome' })
        .where(and(eq(publishAttempts.variantId, variantId), isNull(publishAttempts.outcome)));
      // Connectors that checkpoint before every step that posts resume from the last checkpoint
      // (none means nothing was posted yet), asking the network what became of it first.
      const info = chorus.connectors.get(row.network as never)?.info;
      const retrySafe = info?.publishIdempotency !== 'none' || info?.checkpoints === true;
      if (retrySafe) {
        const [updated] = await tx
          .update(postVariants)
          .set({ status: 'scheduled', version: sql`${postVariants.version} + 1`, updatedAt: now() })
          .where(eq(postVariants.id, variantId))
          .returning();
        await enqueuePublish(chorus, tx, { ...updated!, scheduledAt: now() });
        return 'resumed' as const;
      }
      const reason = 'Chorus stopped while publishing this post and the network cannot tell whether it arrived. Check the profile, then mark it published or publish again.';
      await tx.update(postVariants).set({ status: 'needs_attention', lastError: reason, updatedAt: now() }).where(eq(postVariants.id, variantId));
      await recordAudit(tx, { userId: null, orgId: row.orgId, label: SYSTEM_ACTOR_LABEL }, {
        workspaceId: row.variant.workspaceId,
        action: 'post.needs_attention',
        targetType: 'post',
        targetId: row.variant.postId,
        after: { variantId, reason },
      });
      if (row.authorId) {
        await notify(chorus, tx, {
          userId: row.authorId,
          workspaceId: row.variant.workspaceId,
          kind: 'post.needs_attention',
          title: `Check your post to ${row.handle}`,
          body: reason,
          link: `/w/${row.variant.workspaceId}/publish/posts/${row.variant.postId}`,
        });
      }
      return 'flagged' as const;
    });
    if (result === 'resumed') resumed++;
    if (result === 'flagged') flagged++;
  }

  const overdue = await chorus.db
    .select()
    .from(postVariants)
    .where(and(eq(postVariants.status, 'scheduled'), lt(postVariants.scheduledAt, addSeconds(now(), -60))))
    .limit(5000);
  for (const variant of overdue) {
    // The singleton key makes this a no-op when the variant's job is still queued.
    await chorus.db.transaction((tx) => enqueuePublish(chorus, tx, { ...variant, scheduledAt: now() }));
  }
  if (stale.length || overdue.length) {
    logger.warn({ resumed, flagged, overdue: overdue.length }, 'publishing needed reconciling');
  }
  return { resumed, flagged, requeued: overdue.length };
}
