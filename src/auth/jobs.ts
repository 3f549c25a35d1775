import { z } from 'zod';
import { defineJob } from '../core/jobs.ts';
import type { Chorus } from '../core/chorus.ts';
import { pruneAuthRecords } from './sessions.ts';

export const pruneAuthJob = (chorus: Pick<Chorus, 'db'>) =>
  defineJob({
    name: 'auth.prune',
    schema: z.object({}).passthrough(),
    cron: '17 3 * * *',
    handler: async (_data, job) => {
      const pruned = await pruneAuthRecords(chorus.db);
      job.logger.info(pruned, 'pruned expired sessions and old sign-in attempts');
    },
  });
