/**
 * Sync throughput: a Chorus instance with its job workers on (the real scheduler, sync jobs,
 * Mastodon connector, routing rules and filing) reads profiles on the fake instance while it
 * produces messages at the required rate. Measured: lag of every message (received_at − sent_at,
 * sent_at being when the instance made it available), the backlog over time, and how long the
 * rest takes to drain once production stops.
 */
import { inArray } from 'drizzle-orm';
import type { Config } from '../../src/core/config.ts';
import type { Chorus } from '../../src/core/chorus.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { createLogger } from '../../src/core/logger.ts';
import { startInstance } from '../../src/instance.ts';
import { createMastodonConnector } from '../../src/connectors/mastodon/connector.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { inboxCursors } from '../../src/inbox/schema.ts';
import { sleep } from '../lib/servers.ts';
import { FIRST_ID, type Feed } from './feed.ts';
import { percentile } from './latency.ts';
import type { Workspace } from './seed.ts';

export interface SyncResult {
  profiles: number;
  perMinute: number;
  feedMs: number;
  produced: number;
  stored: number;
  /** From the start of production to the moment every produced message was stored (NaN if never). */
  allStoredMs: number;
  lag: { p50: number; p99: number; max: number };
  /** Backlog (produced − stored) samples: [seconds since start, backlog]. */
  backlog: [number, number][];
  requests: number;
  failures: { profiles: number; lastError: string | null };
}

const DRAIN_LIMIT_MS = 180_000;

/**
 * Connects the profiles the feed writes to, each with a stored cursor as if it had been synced
 * before (a profile's very first sync takes only the newest page, by design). Done before the
 * workers start, so no sync runs on a half-made setup.
 */
export async function connectSyncProfiles(chorus: Chorus, ws: Workspace, feed: Feed, profiles: number): Promise<string[]> {
  const actor = { userId: ws.owner.id, orgId: ws.owner.orgId, label: ws.owner.email };
  const ids: string[] = [];
  for (let i = 0; i < profiles; i++) {
    const profile = await saveConnection(chorus.db, actor, chorus.config.secretKey, ws.workspaceId, {
      credentials: { network: 'mastodon', accountId: `brand-sync-${i}`, accessToken: feed.tokenFor(i), serviceUrl: feed.url },
      profile: { id: `brand-sync-${i}`, handle: `brandsync${i}` },
    });
    ids.push(profile.id);
  }
  await chorus.db.insert(inboxCursors).values(ids.map((profileId) => ({ profileId, cursor: String(FIRST_ID) })));
  return ids;
}

export async function runSync(options: {
  config: Config;
  feed: Feed;
  profileIds: string[];
  perMinute: number;
  minutes: number;
  log: (m: string) => void;
}): Promise<SyncResult> {
  const { config, feed, log } = options;
  const instance = await startInstance({ config, logger: createLogger('silent'), work: true, http: false, connectors: connectorsFrom([createMastodonConnector()]) });
  try {
    const { chorus } = instance;
    const ids = options.profileIds;
    const stored = async () =>
      Number((await chorus.database.executeSql(`select count(*)::int as n from messages where profile_id = any($1::uuid[])`, [ids])).rows[0]!.n);
    const started = Date.now();
    feed.start(ids.length, options.perMinute);
    const backlog: [number, number][] = [];
    const feedMs = options.minutes * 60_000;
    let allStoredMs = NaN;
    let stopped = false;
    let lastLog = 0;
    for (;;) {
      await sleep(2_000);
      const elapsed = Date.now() - started;
      if (!stopped && elapsed >= feedMs) {
        feed.stop();
        stopped = true;
        log(`production stopped after ${(elapsed / 1000).toFixed(0)} s: ${feed.produced()} messages`);
      }
      const produced = feed.produced();
      const have = await stored();
      backlog.push([Math.round(elapsed / 1000), produced - have]);
      if (elapsed - lastLog >= 15_000) {
        lastLog = elapsed;
        log(`sync T+${(elapsed / 1000).toFixed(0)} s: ${produced} produced, ${have} stored, backlog ${produced - have}`);
      }
      if (stopped && have >= produced) {
        allStoredMs = Date.now() - started;
        break;
      }
      if (stopped && elapsed > feedMs + DRAIN_LIMIT_MS) {
        log(`not drained ${DRAIN_LIMIT_MS / 1000} s after production stopped`);
        break;
      }
    }
    const lags = (
      await chorus.database.executeSql(`select extract(epoch from received_at - sent_at) * 1000 as ms from messages where profile_id = any($1::uuid[])`, [ids])
    ).rows
      .map((r) => Number(r.ms))
      .sort((a, b) => a - b);
    const cursors = await chorus.db.select().from(inboxCursors).where(inArray(inboxCursors.profileId, ids));
    const failing = cursors.filter((c) => c.failures > 0);
    return {
      profiles: ids.length,
      perMinute: options.perMinute,
      feedMs,
      produced: feed.produced(),
      stored: lags.length,
      allStoredMs,
      lag: { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: lags[lags.length - 1] ?? NaN },
      backlog,
      requests: feed.stats().requests,
      failures: { profiles: failing.length, lastError: failing[0]?.lastError ?? null },
    };
  } finally {
    feed.stop();
    await instance.stop();
  }
}
