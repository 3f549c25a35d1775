import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import { defineJob } from '../core/jobs.ts';
import { publishVariant, PUBLISH_JOB } from './publisher.ts';
import { reconcilePublishing } from './reconcile.ts';

export const publishJob = (chorus: Chorus) =>
  defineJob({
    name: PUBLISH_JOB,
    schema: z.object({ variantId: z.uuid(), version: z.number().int().positive() }),
    // Never retried by the engine: a blind retry of a publish could post twice. The publisher
    // schedules its own retries, only where they are safe.
    retryLimit: 0,
    // At most one queued job per variant version (the singleton key).
    policy: 'short',
    concurrency: 16,
    expireInSeconds: 10 * 60,
    handler: async ({ variantId, version }, job) => publishVariant(chorus, variantId, version, job),
  });

export const reconcileJob = (chorus: Chorus) =>
  defineJob({
    name: 'publishing.reconcile',
    schema: z.object({}).passthrough(),
    cron: '* * * * *',
    retryLimit: 0,
    handler: async (_data, job) => {
      await reconcilePublishing(chorus, job.logger);
    },
  });
