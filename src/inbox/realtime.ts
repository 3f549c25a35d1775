/**
 * Real-time inbox: one open stream per active profile whose network pushes (Connector.watchInbox).
 * A push only brings that profile's next sync forward; the sync (./sync.ts) stays the one path that
 * files messages, so de-duplication, routing and cursors are the same as for polling, and polling
 * carries on underneath in case a stream misses something.
 *
 * Every worker process holds its own streams (docs/decisions/0013-realtime-inbox.md): with several
 * on PostgreSQL a profile has one stream per process, and the job's singleton key makes their
 * pushes one sync.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import { now } from '../core/clock.ts';
import { AuthExpired, InvalidCredentials, PermissionDenied, RateLimited } from '../connectors/errors.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { credentialsFor } from '../profiles/service.ts';
import { SYNC_PROFILE_JOB } from './jobs.ts';
import { inboxCursors } from './schema.ts';
import { INBOX_CAPABILITIES } from './sync.ts';

export interface RealtimeInboxOptions {
  /** How often the list of profiles is read again, for new, reconnected and removed ones. */
  refreshMs?: number;
  /** Pushes this close together make one sync. */
  debounceMs?: number;
  /** First reconnect delay; it doubles with each failure up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

export interface RealtimeInbox {
  /** Reads the profile list now: opens streams for new profiles, closes those of removed ones. */
  refresh(): Promise<void>;
  /** Closes every stream and waits for them to end. */
  stop(): Promise<void>;
}

/** A stream that stayed up this long was healthy: its end starts the back-off from scratch. */
const HEALTHY_MS = 60_000;

interface Watch {
  /** Changes when the profile's credentials do (a reconnect), which restarts a refused stream. */
  fingerprint: string;
  controller: AbortController;
  pending: NodeJS.Timeout | undefined;
}

export function startRealtimeInbox(chorus: Chorus, options: RealtimeInboxOptions = {}): RealtimeInbox {
  const refreshMs = options.refreshMs ?? 60_000;
  const debounceMs = options.debounceMs ?? 1000;
  const baseBackoffMs = options.baseBackoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
  const random = options.random ?? Math.random;
  const logger = chorus.logger.child({ component: 'inbox.realtime' });
  const watches = new Map<string, Watch>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  const track = (promise: Promise<unknown>) => {
    running.add(promise);
    void promise.finally(() => running.delete(promise));
  };

  const streams = (network: string) => {
    const connector = chorus.connectors.get(network as never);
    return connector?.watchInbox && INBOX_CAPABILITIES.some((c) => connector.info.capabilities.includes(c)) ? connector : undefined;
  };

  async function refresh() {
    if (stopped) return;
    const rows = await chorus.db
      .select({ id: socialProfiles.id, network: socialProfiles.network, sealed: socialProfiles.credentialsSealed })
      .from(socialProfiles)
      .where(eq(socialProfiles.status, 'active'));
    if (stopped) return;
    const wanted = new Map(rows.filter((r) => streams(r.network)).map((r) => [r.id, createHash('sha256').update(r.sealed).digest('hex')]));
    for (const [profileId, watch] of watches) {
      if (wanted.get(profileId) === watch.fingerprint) continue;
      close(watch);
      watches.delete(profileId);
    }
    for (const [profileId, fingerprint] of wanted) {
      if (watches.has(profileId)) continue;
      const watch: Watch = { fingerprint, controller: new AbortController(), pending: undefined };
      watches.set(profileId, watch);
      track(run(profileId, watch));
    }
  }

  function close(watch: Watch) {
    clearTimeout(watch.pending);
    watch.controller.abort();
  }

  /** Keeps one profile's stream open, reconnecting with back-off, until it is closed or refused. */
  async function run(profileId: string, watch: Watch) {
    const { signal } = watch.controller;
    let failures = 0;
    let reconnecting = false;
    while (!signal.aborted) {
      let openedAt = Date.now();
      let waitMs: number | undefined;
      try {
        const [profile] = await chorus.db.select().from(socialProfiles).where(eq(socialProfiles.id, profileId));
        const connector = profile?.status === 'active' ? streams(profile.network) : undefined;
        if (!profile || !connector) return;
        const credentials = await credentialsFor(chorus, profile);
        // What arrived while the stream was down was pushed to nobody: read it.
        if (reconnecting) activity(profileId, watch);
        openedAt = Date.now();
        await connector.watchInbox!(credentials, { onActivity: () => activity(profileId, watch) }, signal);
        if (signal.aborted) return;
        failures = Date.now() - openedAt >= HEALTHY_MS ? 1 : failures + 1;
        logger.info({ profileId }, 'inbox stream ended by the network; reconnecting');
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof AuthExpired || error instanceof InvalidCredentials || error instanceof PermissionDenied) {
          // Polling meets the same refusal and marks the profile; the stream waits for new credentials.
          logger.warn({ err: error, profileId }, 'inbox stream refused; it reopens when the profile is reconnected');
          return;
        }
        failures = Date.now() - openedAt >= HEALTHY_MS ? 1 : failures + 1;
        if (error instanceof RateLimited) waitMs = error.retryAfterSeconds * 1000;
        logger.warn({ err: error, profileId, failures }, 'inbox stream failed; reconnecting');
      }
      reconnecting = true;
      // Equal jitter: never sooner than half the back-off, so a server that keeps failing is not hammered.
      const backoff = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (failures - 1));
      await sleep(waitMs ?? backoff / 2 + (random() * backoff) / 2, signal);
    }
  }

  /** A push: the profile's sync runs in `debounceMs`, once for however many pushes came meanwhile. */
  function activity(profileId: string, watch: Watch) {
    if (watch.pending || watch.controller.signal.aborted) return;
    watch.pending = setTimeout(() => {
      watch.pending = undefined;
      track(syncSoon(profileId).catch((error: unknown) => logger.warn({ err: error, profileId }, 'could not queue an inbox sync')));
    }, debounceMs);
  }

  async function syncSoon(profileId: string) {
    if (stopped) return;
    const [state] = await chorus.db.select({ failures: inboxCursors.failures, nextSyncAt: inboxCursors.nextSyncAt }).from(inboxCursors).where(eq(inboxCursors.profileId, profileId));
    // A push does not cut short the back-off of a sync that failed (a rate limit, a network outage).
    if (state && state.failures > 0 && state.nextSyncAt && state.nextSyncAt > now()) return;
    await chorus.jobs.sendNow(SYNC_PROFILE_JOB, { profileId }, profileId);
  }

  const timer = setInterval(() => track(refresh().catch((error: unknown) => logger.warn({ err: error }, 'could not read the profiles to stream'))), refreshMs);
  track(refresh().catch((error: unknown) => logger.warn({ err: error }, 'could not read the profiles to stream')));

  return {
    refresh,
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const watch of watches.values()) close(watch);
      watches.clear();
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
