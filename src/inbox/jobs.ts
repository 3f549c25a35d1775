import { and, eq, isNull, lte, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import { addSeconds, now } from '../core/clock.ts';
import { defineJob } from '../core/jobs.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { inboxCursors } from './schema.ts';
import { INBOX_CAPABILITIES, syncProfile } from './sync.ts';

export const SYNC_PROFILE_JOB = 'inbox.sync-profile';

/** A profile due this soon counts as due now: the next tick would come too late for it. */
const DUE_SLACK_SECONDS = 5;

/**
 * Every minute: queue a sync for each profile that is due and has none queued (one per profile at
 * most). Each sync queues the profile's next one itself, at the configured interval (which may be
 * shorter than this minute); this tick starts new profiles and restarts any chain a crash broke.
 */
export const inboxSchedulerJob = (chorus: Chorus) =>
  defineJob({
    name: 'inbox.schedule',
    schema: z.object({}).passthrough(),
    cron: '* * * * *',
    retryLimit: 0,
    handler: async () => {
      const due = await chorus.db
        .select({ id: socialProfiles.id, network: socialProfiles.network })
        .from(socialProfiles)
        .leftJoin(inboxCursors, eq(inboxCursors.profileId, socialProfiles.id))
        .where(and(eq(socialProfiles.status, 'active'), or(isNull(inboxCursors.nextSyncAt), lte(inboxCursors.nextSyncAt, addSeconds(now(), DUE_SLACK_SECONDS)))));
      const syncable = due.filter((p) => INBOX_CAPABILITIES.some((c) => chorus.connectors.get(p.network as never)?.info.capabilities.includes(c)));
      for (const profile of syncable) await chorus.jobs.send(SYNC_PROFILE_JOB, { profileId: profile.id }, { singletonKey: profile.id });
    },
  });

export const syncProfileJob = (chorus: Chorus) =>
  defineJob({
    name: SYNC_PROFILE_JOB,
    schema: z.object({ profileId: z.uuid() }),
    policy: 'short',
    retryLimit: 0, // back-off is the sync's own (stored per profile)
    concurrency: 4,
    handler: async ({ profileId }, job) => {
      const result = await syncProfile(chorus, profileId, job.logger);
      if (!result) return; // disconnected, or its network has no inbox
      // A full page means more is waiting: read on now rather than an interval later.
      await chorus.jobs.send(SYNC_PROFILE_JOB, { profileId }, { singletonKey: profileId, startAfter: result.more ? now() : result.nextSyncAt });
    },
  });
