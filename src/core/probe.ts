import { z } from 'zod';
import { defineJob } from './jobs.ts';
import type { Chorus } from './chorus.ts';
import { jobProbes } from './jobs-schema.ts';

/** A job that only leaves a receipt: proves a worker is alive and took the job exactly once. */
export const probeJob = (chorus: Pick<Chorus, 'db'>) =>
  defineJob({
    name: 'system.probe',
    schema: z.object({ probeId: z.string().min(1).max(100) }),
    retryLimit: 0,
    concurrency: 8,
    handler: async ({ probeId }, job) => {
      await chorus.db.insert(jobProbes).values({ probeId, jobId: job.id, workerId: job.workerId });
    },
  });
