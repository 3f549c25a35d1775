import { createHash } from 'node:crypto';
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../core/db.ts';
import type { PublishCheckpoint } from '../connectors/connector.ts';
import { publishAttempts, type StoredCheckpoint } from './schema.ts';

/** Outcomes after which nothing carries over to the next attempt: a person or the network settled it. */
const SETTLED = new Set(['published', 'failed', 'unknown']);

/**
 * The attempt's claim was settled by the reconciler while this worker was still going (its lease
 * ran out): another attempt owns the post now, so this one must stop before posting anything.
 */
export class AttemptSuperseded extends Error {}

/** What a checkpoint was made for: an edited text or other media make it worthless. */
export const contentKey = (text: string, mediaIds: string[]): string =>
  createHash('sha256').update(JSON.stringify([text, mediaIds])).digest('hex');

/**
 * Where an attempt starts from, and how it records its progress.
 * `resume`: the newest checkpoint of the earlier attempts at this variant, as long as each attempt
 * after it ended in a retry or was cut off (reconciled), and it was made for the same content.
 * `onCheckpoint`: stores progress on this attempt, and refuses once the attempt is no longer open.
 */
export async function publishProgress(
  db: Db,
  claim: { variantId: string; attemptId: number; text: string; mediaIds: string[] },
): Promise<{ resume?: PublishCheckpoint; onCheckpoint: (state: PublishCheckpoint) => Promise<void> }> {
  const content = contentKey(claim.text, claim.mediaIds);
  const earlier = await db
    .select({ outcome: publishAttempts.outcome, checkpoint: publishAttempts.checkpoint })
    .from(publishAttempts)
    .where(and(eq(publishAttempts.variantId, claim.variantId), lt(publishAttempts.id, claim.attemptId)))
    .orderBy(desc(publishAttempts.id))
    .limit(20);
  let resume: PublishCheckpoint | undefined;
  for (const attempt of earlier) {
    if (attempt.outcome === null || SETTLED.has(attempt.outcome)) break;
    if (attempt.checkpoint) {
      if (attempt.checkpoint.content === content) resume = attempt.checkpoint.state;
      break;
    }
  }
  const onCheckpoint = async (state: PublishCheckpoint) => {
    const stored: StoredCheckpoint = { content, state };
    const saved = await db
      .update(publishAttempts)
      .set({ checkpoint: stored })
      .where(and(eq(publishAttempts.id, claim.attemptId), isNull(publishAttempts.outcome)))
      .returning({ id: publishAttempts.id });
    if (saved.length === 0) throw new AttemptSuperseded(`publish attempt ${claim.attemptId} was settled by the reconciler while it ran`);
  };
  return { ...(resume ? { resume } : {}), onCheckpoint };
}
