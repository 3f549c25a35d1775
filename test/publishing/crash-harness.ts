/**
 * Kills publishing workers at random moments and checks that every post ends up on the network
 * exactly once (or, for networks that cannot de-duplicate, marked needs_attention): never twice,
 * never lost. Used by crash.test.ts (20 runs) and scripts/crash-publish.ts (as many as asked).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Chorus } from '../../src/core/chorus.ts';
import { newId } from '../../src/core/crypto.ts';
import { now } from '../../src/core/clock.ts';
import { createLogger } from '../../src/core/logger.ts';
import { posts, postVariants, publishAttempts } from '../../src/publishing/schema.ts';
import { newIdempotencyKey } from '../../src/publishing/posts.ts';
import { enqueuePublish } from '../../src/publishing/scheduling.ts';
import { reconcilePublishing } from '../../src/publishing/reconcile.ts';
import { spawnChorus, type Spawned } from '../helpers/processes.ts';
import type { TestAccount } from '../connectors/atproto-network.ts';

/** Puts `count` posts on the schedule for now, as the scheduler would, in one transaction. */
export async function scheduleMany(chorus: Chorus, workspaceId: string, profileId: string, texts: string[]): Promise<string[]> {
  const variantIds: string[] = [];
  await chorus.db.transaction(async (tx) => {
    for (const text of texts) {
      const postId = newId();
      const variantId = newId();
      await tx.insert(posts).values({ id: postId, workspaceId, text, createdAt: now(), updatedAt: now() });
      const [variant] = await tx
        .insert(postVariants)
        .values({ id: variantId, postId, workspaceId, profileId, status: 'scheduled', scheduledAt: now(), idempotencyKey: newIdempotencyKey(), updatedAt: now() })
        .returning();
      await enqueuePublish(chorus, tx, variant!);
      variantIds.push(variantId);
    }
  });
  return variantIds;
}

export async function countOnNetwork(account: TestAccount): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const { data } = await account.agent.com.atproto.repo.listRecords({ repo: account.did, collection: 'app.bsky.feed.post', limit: 100, ...(cursor ? { cursor } : {}) });
    for (const record of data.records) {
      const text = (record.value as { text: string }).text;
      counts.set(text, (counts.get(text) ?? 0) + 1);
    }
    cursor = data.records.length === 100 ? data.cursor : undefined;
  } while (cursor);
  return counts;
}

export interface CrashRunResult {
  kills: number;
  /** Attempts cut off by a kill and settled by the reconciler: proof the kills landed mid-publish. */
  interrupted: number;
  statuses: Record<string, number>;
  duplicates: string[];
  missing: string[];
}

/**
 * One run: `texts.length` posts due now, workers started and SIGKILLed at random until all are
 * settled, the reconciler run in between (as its cron would), then the network is counted.
 */
export async function crashRun(opts: {
  chorus: Chorus;
  databaseUrl: string;
  workspaceId: string;
  profileId: string;
  account: TestAccount;
  texts: string[];
  kills: number;
  random?: () => number;
}): Promise<CrashRunResult> {
  const random = opts.random ?? Math.random;
  const variantIds = await scheduleMany(opts.chorus, opts.workspaceId, opts.profileId, opts.texts);
  const env = { DATABASE_URL: opts.databaseUrl, JOB_POLL_SECONDS: '0.5', PUBLISH_LEASE_SECONDS: '1' };
  const logger = createLogger('silent');
  const unsettled = async () =>
    (
      await opts.chorus.db
        .select({ n: sql<number>`count(*)::int` })
        .from(postVariants)
        .where(and(inArray(postVariants.id, variantIds), inArray(postVariants.status, ['scheduled', 'publishing'])))
    )[0]!.n;
  let kills = 0;
  let worker: Spawned | null = null;
  try {
    while (kills < opts.kills) {
      worker = spawnChorus(['worker'], { ...env, CHORUS_WORKER_ID: `crash-${kills}` });
      await worker.waitFor('is running', 60_000);
      await new Promise((r) => setTimeout(r, 50 + random() * 1_500));
      await worker.stop('SIGKILL');
      worker = null;
      kills++;
      await new Promise((r) => setTimeout(r, 1_100)); // let the lease run out
      await reconcilePublishing(opts.chorus, logger);
      if ((await unsettled()) === 0) break;
    }
    worker = spawnChorus(['worker'], { ...env, CHORUS_WORKER_ID: 'crash-final' });
    await worker.waitFor('is running', 60_000);
    const deadline = Date.now() + 120_000;
    while ((await unsettled()) > 0) {
      if (Date.now() > deadline) throw new Error(`posts still unsettled after 2 minutes:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 500));
      await reconcilePublishing(opts.chorus, logger);
    }
  } finally {
    await worker?.stop();
  }
  const rows = await opts.chorus.db
    .select({ status: postVariants.status, text: posts.text })
    .from(postVariants)
    .innerJoin(posts, eq(posts.id, postVariants.postId))
    .where(inArray(postVariants.id, variantIds));
  const statuses: Record<string, number> = {};
  for (const row of rows) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
  const onNetwork = await countOnNetwork(opts.account);
  const [cut] = await opts.chorus.db
    .select({ n: sql<number>`count(*)::int` })
    .from(publishAttempts)
    .where(and(inArray(publishAttempts.variantId, variantIds), eq(publishAttempts.outcome, 'reconciled')));
  return {
    kills,
    interrupted: cut!.n,
    statuses,
    duplicates: opts.texts.filter((t) => (onNetwork.get(t) ?? 0) > 1),
    missing: rows.filter((r) => r.status === 'published' && (onNetwork.get(r.text) ?? 0) === 0).map((r) => r.text),
  };
}
