import { and, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import { addSeconds, now } from '../core/clock.ts';
import { defineJob } from '../core/jobs.ts';
import { socialProfiles } from './schema.ts';
import { credentialsFor, needsPerson } from './service.ts';

/** Tokens are refreshed this long before they expire, so that no publish meets a dead token. */
export const REFRESH_AHEAD_SECONDS = 60 * 60;

export const refreshTokensJob = (chorus: Chorus) =>
  defineJob({
    name: 'profiles.refresh',
    schema: z.object({}).passthrough(),
    cron: '*/10 * * * *',
    retryLimit: 0,
    handler: async (_data, job) => {
      const due = await chorus.db
        .select()
        .from(socialProfiles)
        .where(and(eq(socialProfiles.status, 'active'), lt(socialProfiles.tokenExpiresAt, addSeconds(now(), REFRESH_AHEAD_SECONDS))));
      for (const profile of due) {
        try {
          await credentialsFor(chorus, profile);
        } catch (error) {
          // One account's failure must not stop the others; dead ones are flagged by credentialsFor.
          job.logger.warn({ err: error, profileId: profile.id, network: profile.network, flagged: needsPerson(error) }, 'token refresh failed');
        }
      }
    },
  });
