/**
 * 10,000 posts due at the same instant across 100 Mastodon profiles, published through a fake
 * instance that answers each status after 50 ms: how late they go out (p50/p99/max of
 * publishedAt − scheduledAt), whether any went out twice, on embedded PGlite (`chorus serve`) and on
 * PostgreSQL with one and two `chorus worker` processes. The baseline is a plain client sending
 * the same 10,000 requests to the same fake instance at the same instant, as many at once as the
 * workers run publish jobs.
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Benchmark } from './run.ts';
import { fixed, ratio, type Report } from './lib/report.ts';
import { chorusServer, chorusWorker, sleep, tempDir } from './lib/servers.ts';
import { freshDatabase, postgresAvailable } from './lib/postgres.ts';
import { FAKE_TOKEN, startFakeMastodon, type FakeMastodon, type FakeMastodonStats } from './lib/fake-mastodon.ts';
import { loadConfig, type Config } from '../src/core/config.ts';
import { openDatabase, type Database } from '../src/core/db.ts';
import { createLogger } from '../src/core/logger.ts';
import { newId } from '../src/core/crypto.ts';
import { startInstance } from '../src/instance.ts';
import { createOwner, setupInput } from '../src/auth/setup.ts';
import { workspaceMembers } from '../src/workspaces/schema.ts';
import { saveConnection } from '../src/profiles/service.ts';
import { posts, postVariants, publishAttempts } from '../src/publishing/schema.ts';
import { newIdempotencyKey } from '../src/publishing/posts.ts';
import { PUBLISH_JOB } from '../src/publishing/publisher.ts';

const PROFILES = Number(process.env.BENCH_PUBLISH_PROFILES ?? 100);
const POSTS_PER_PROFILE = Number(process.env.BENCH_PUBLISH_POSTS_PER_PROFILE ?? 100);
const TOTAL = PROFILES * POSTS_PER_PROFILE;
/** Some setups only, e.g. `BENCH_PUBLISH_SETUPS=pg1` (keys: pglite, pg1, pg2); all by default. */
const ONLY = (process.env.BENCH_PUBLISH_SETUPS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const LATENCY_MS = 50;
/** Publish jobs one worker process runs side by side (src/publishing/jobs.ts). */
const CONCURRENCY_PER_PROCESS = 16;
const POLL_SECONDS = '0.5';
/** A setup that has not settled every post this long after T is cut off and reported as it stands. */
const DEADLINE_AFTER_T_MS = 240_000;
/** PGlite cannot be read while `serve` holds it: its run ends when the fake instance has been quiet this long. */
const QUIET_MS = 30_000;
const BATCH = 1000;

const log = (message: string) => console.error(`  [publish] ${message}`);
const seconds = (ms: number) => fixed(ms / 1000, 1);

/** Nearest-rank percentile of values sorted ascending. */
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]! : NaN);

interface Lateness {
  count: number;
  p50: number;
  p99: number;
  max: number;
}
const latenessOf = (valuesMs: number[]): Lateness => {
  const sorted = [...valuesMs].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN };
};

// ---------------------------------------------------------------------------------------------
// Baseline: the same requests from a plain client, `concurrency` at a time.

async function baseline(concurrency: number): Promise<{ lateness: Lateness; stats: FakeMastodonStats }> {
  const fake = await startFakeMastodon({ latencyMs: LATENCY_MS });
  try {
    const runId = randomBytes(4).toString('hex');
    const t = performance.now() + 500;
    const done: number[] = [];
    let next = 0;
    await sleep(t - performance.now());
    const loop = async () => {
      while (next < TOTAL) {
        const i = next++;
        const response = await fetch(`${fake.url}/api/v1/statuses`, {
          method: 'POST',
          headers: { authorization: `Bearer ${FAKE_TOKEN}`, 'content-type': 'application/json', 'idempotency-key': `baseline-${runId}-${i}` },
          body: JSON.stringify({ status: `Baseline ${runId} post ${i}`, visibility: 'public' }),
        });
        const status = (await response.json()) as { id?: string };
        if (!response.ok || !status.id) throw new Error(`fake instance answered ${response.status}`);
        done.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    return { lateness: latenessOf(done), stats: fake.stats() };
  } finally {
    await fake.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Seeding: owner, 100 connected profiles, 10,000 posts, then every variant scheduled for T.

interface Seeded {
  workspaceId: string;
  seedMs: number;
}

function configFor(target: { dataDir: string; databaseUrl?: string; secretKey: string }): Config {
  return loadConfig({
    DATA_DIR: target.dataDir,
    CHORUS_SECRET_KEY: target.secretKey,
    LOG_LEVEL: 'silent',
    ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
  });
}

/**
 * Seeds in this process through Chorus's own code (migrations, createOwner, saveConnection), then
 * inserts the posts in multi-row batches; T is chosen once seeding has shown how fast this machine
 * is, then every variant is scheduled for T and its publish job queued, in one transaction.
 */
async function seedAndSchedule(config: Config, fake: FakeMastodon, runId: string, startEstimateMs: number): Promise<Seeded & { t: Date; scheduleMs: number }> {
  const started = performance.now();
  const instance = await startInstance({ config, logger: createLogger('silent'), work: false, http: false });
  try {
    const { chorus } = instance;
    const owner = await createOwner(
      chorus.db,
      setupInput.parse({ organizationName: 'Bench Org', name: 'Bench Owner', email: 'owner@bench.example', password: 'correct horse battery staple', workspaceName: 'Bench' }),
    );
    const [membership] = await chorus.db.select().from(workspaceMembers).where(eq(workspaceMembers.userId, owner.id));
    const workspaceId = membership!.workspaceId;
    const actor = { userId: owner.id, orgId: owner.orgId, label: owner.email };
    const profileIds: string[] = [];
    for (let p = 0; p < PROFILES; p++) {
      const profile = await saveConnection(chorus.db, actor, config.secretKey, workspaceId, {
        credentials: { network: 'mastodon', accountId: `acct-${p}`, accessToken: FAKE_TOKEN, serviceUrl: fake.url },
        profile: { id: `acct-${p}`, handle: `bench${p}@${new URL(fake.url).host}` },
      });
      profileIds.push(profile.id);
    }
    const at = new Date();
    await chorus.db.transaction(async (tx) => {
      for (let start = 0; start < TOTAL; start += BATCH) {
        const rows = Array.from({ length: Math.min(BATCH, TOTAL - start) }, (_, k) => {
          const n = start + k;
          const p = n % PROFILES;
          return { postId: newId(), profileId: profileIds[p]!, text: `Chorus bench ${runId}: post ${Math.floor(n / PROFILES)} for profile ${p}` };
        });
        await tx.insert(posts).values(rows.map((r) => ({ id: r.postId, workspaceId, authorId: owner.id, text: r.text, createdAt: at, updatedAt: at })));
        await tx
          .insert(postVariants)
          .values(rows.map((r) => ({ id: newId(), postId: r.postId, workspaceId, profileId: r.profileId, status: 'draft' as const, idempotencyKey: newIdempotencyKey(), updatedAt: at })));
      }
    });
    const seedMs = performance.now() - started;

    // Scheduling writes fewer rows than seeding did (measured: a tenth of the time); allow for it,
    // then for the processes to start.
    const t = new Date(Math.ceil((Date.now() + 0.5 * seedMs + startEstimateMs + 3_000) / 1000) * 1000);
    const scheduleStarted = performance.now();
    await chorus.db.transaction(async (tx) => {
      const scheduled = await tx
        .update(postVariants)
        .set({ status: 'scheduled', scheduledAt: t, version: sql`${postVariants.version} + 1`, updatedAt: new Date() })
        .where(eq(postVariants.workspaceId, workspaceId))
        .returning({ id: postVariants.id, version: postVariants.version });
      for (let start = 0; start < scheduled.length; start += BATCH) {
        // As enqueuePublish queues one job (src/publishing/scheduling.ts), for a batch of them.
        await chorus.jobs.sendMany(
          PUBLISH_JOB,
          scheduled.slice(start, start + BATCH).map((v) => ({ data: { variantId: v.id, version: v.version }, options: { startAfter: t, singletonKey: `${v.id}:${v.version}` } })),
          tx,
        );
      }
    });
    const [queued] = (await chorus.database.executeSql(`select count(*)::int as n from pgboss.job where name = $1 and state = 'created'`, [PUBLISH_JOB])).rows;
    if (queued?.n !== TOTAL) throw new Error(`queued ${String(queued?.n)} publish jobs, expected ${TOTAL}`);
    return { workspaceId, seedMs, t, scheduleMs: performance.now() - scheduleStarted };
  } finally {
    await instance.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// One setup: seed, start the processes, wait for every post to settle, read the outcome.

interface SetupResult {
  label: string;
  concurrency: number;
  statuses: Record<string, number>;
  lateness: Lateness;
  /** From T to the last publishedAt. */
  lastMs: number;
  fake: FakeMastodonStats;
  /** Published variants with no status on the instance, and statuses of variants not recorded as published. */
  lost: number;
  unrecorded: number;
  extraAttempts: number;
  seedMs: number;
  scheduleMs: number;
  /** How long before T the processes were ready (negative: after T). */
  readyBeforeTMs: number;
  cutOff: boolean;
}

interface Processes {
  stop(): Promise<void>;
}

async function runSetup(options: {
  label: string;
  processes: number;
  postgres: boolean;
  startEstimateMs: number;
}): Promise<SetupResult> {
  const fake = await startFakeMastodon({ latencyMs: LATENCY_MS });
  const dir = tempDir('publish');
  const database = options.postgres ? await freshDatabase() : null;
  const secretKey = randomBytes(32).toString('hex');
  const config = configFor({ dataDir: dir.path, secretKey, ...(database ? { databaseUrl: database.url } : {}) });
  const env = {
    DATA_DIR: dir.path,
    DATABASE_URL: database?.url,
    CHORUS_SECRET_KEY: secretKey,
    JOB_POLL_SECONDS: POLL_SECONDS,
  };
  let running: Processes | null = null;
  let reader: Database | null = null;
  try {
    const runId = randomBytes(4).toString('hex');
    const seeded = await seedAndSchedule(config, fake, runId, options.startEstimateMs);
    log(`${options.label}: seeded in ${seconds(seeded.seedMs)} s, scheduled and queued in ${seconds(seeded.scheduleMs)} s; T is in ${seconds(seeded.t.getTime() - Date.now())} s`);

    if (options.postgres) {
      const workers = await Promise.all(
        Array.from({ length: options.processes }, (_, i) => chorusWorker({ ...env, CHORUS_WORKER_ID: `bench-${i + 1}` })),
      );
      running = { stop: async () => void (await Promise.all(workers.map((w) => w.stop()))) };
    } else {
      const server = await chorusServer(env);
      running = { stop: () => server.stop() };
    }
    const readyBeforeTMs = seeded.t.getTime() - Date.now();
    if (readyBeforeTMs < 0) log(`${options.label}: processes were ready ${seconds(-readyBeforeTMs)} s after T; lateness includes their start`);

    // Wait for every post to settle, or the deadline.
    const deadline = seeded.t.getTime() + DEADLINE_AFTER_T_MS;
    let cutOff = false;
    let lastReport = 0;
    if (database) reader = await openDatabase({ kind: 'postgres', url: database.url, poolSize: 2 });
    for (;;) {
      await sleep(500);
      const stats = fake.stats();
      let unsettled: number;
      if (reader) {
        const rows = (await reader.executeSql(`select count(*)::int as n from post_variants where status in ('scheduled', 'publishing')`)).rows;
        unsettled = rows[0]!.n as number;
      } else {
        // PGlite belongs to `serve` while it runs: judge by what reached the instance.
        const quiet = stats.lastCreatedAt !== null && performance.now() - stats.lastCreatedAt > QUIET_MS;
        unsettled = stats.created >= TOTAL || quiet ? 0 : TOTAL - stats.created;
      }
      if (Date.now() - lastReport > 15_000 && Date.now() > seeded.t.getTime()) {
        lastReport = Date.now();
        log(`${options.label}: T+${seconds(Date.now() - seeded.t.getTime())} s, ${stats.created} statuses created, ${unsettled} unsettled`);
      }
      if (unsettled === 0) break;
      if (Date.now() > deadline) {
        cutOff = true;
        log(`${options.label}: cut off ${DEADLINE_AFTER_T_MS / 1000} s after T with ${unsettled} posts unsettled`);
        break;
      }
    }
    // Let the last outcomes be recorded (a graceful stop waits for running jobs too).
    await sleep(1_000);
    await running.stop();
    running = null;

    reader ??= await openDatabase({ kind: 'pglite', dataDir: dir.path });
    const variants = await reader.db
      .select({ status: postVariants.status, scheduledAt: postVariants.scheduledAt, publishedAt: postVariants.publishedAt, text: posts.text })
      .from(postVariants)
      .innerJoin(posts, eq(posts.id, postVariants.postId))
      .where(eq(postVariants.workspaceId, seeded.workspaceId));
    const [attempts] = await reader.db.select({ n: sql<number>`count(*)::int` }).from(publishAttempts);
    const statuses: Record<string, number> = {};
    const late: number[] = [];
    let lastPublished = 0;
    let lost = 0;
    const published = new Set<string>();
    for (const v of variants) {
      statuses[v.status] = (statuses[v.status] ?? 0) + 1;
      if (v.status !== 'published' || !v.publishedAt || !v.scheduledAt) continue;
      late.push(v.publishedAt.getTime() - v.scheduledAt.getTime());
      lastPublished = Math.max(lastPublished, v.publishedAt.getTime());
      published.add(v.text);
      if (!fake.createdByText.has(v.text)) lost++;
    }
    const unrecorded = [...fake.createdByText.keys()].filter((text) => !published.has(text)).length;
    return {
      label: options.label,
      concurrency: options.processes * CONCURRENCY_PER_PROCESS,
      statuses,
      lateness: latenessOf(late),
      lastMs: lastPublished ? lastPublished - seeded.t.getTime() : NaN,
      fake: fake.stats(),
      lost,
      unrecorded,
      extraAttempts: (attempts?.n ?? 0) - variants.length,
      seedMs: seeded.seedMs,
      scheduleMs: seeded.scheduleMs,
      readyBeforeTMs,
      cutOff,
    };
  } finally {
    await running?.stop().catch(() => {});
    await reader?.close().catch(() => {});
    await fake.close();
    await database?.drop().catch((error: unknown) => log(`could not drop ${database.url}: ${String(error)}`));
    dir.remove();
  }
}

// ---------------------------------------------------------------------------------------------

export const publish: Benchmark = {
  name: 'publish',
  description: `${TOTAL.toLocaleString('en-US')} posts due at once on ${PROFILES} Mastodon profiles (fake instance, ${LATENCY_MS} ms): lateness and duplicates, PGlite and PostgreSQL with 1 and 2 workers`,
  async run(): Promise<Report> {
    const notes: string[] = [];
    const rows: (string | number)[][] = [];
    const ms = (value: number) => fixed(value / 1000, 1);
    // Each setup is paired with a baseline measured just before it: other work on the machine
    // slows both alike, and the ratio stays readable.
    const baselineFor = async (concurrency: number) => {
      const result = await baseline(concurrency);
      if (result.stats.duplicateTexts || result.stats.created !== TOTAL) throw new Error(`baseline: ${JSON.stringify(result.stats)}`);
      const b = result.lateness;
      log(`baseline, ${concurrency} at once: p50 ${ms(b.p50)} s, p99 ${ms(b.p99)} s`);
      rows.push([`plain client, ${concurrency} requests at once (baseline)`, concurrency, fixed(b.count), '0', '0', ms(b.p50), ms(b.p99), ms(b.max), ms(b.max), '1.00×', '1.00×']);
      return b;
    };
    const add = (r: SetupResult, base: Lateness) => {
      const published = r.statuses.published ?? 0;
      const others = Object.entries(r.statuses).filter(([status]) => status !== 'published');
      rows.push([
        r.label,
        r.concurrency,
        fixed(published),
        others.length ? others.map(([status, n]) => `${n} ${status}`).join(', ') : '0',
        fixed(r.fake.duplicateTexts),
        ms(r.lateness.p50),
        ms(r.lateness.p99),
        ms(r.lateness.max),
        ms(r.lastMs),
        ratio(r.lateness.p50, base.p50),
        ratio(r.lateness.p99, base.p99),
      ]);
      notes.push(
        `${r.label}: seeding ${ms(r.seedMs)} s, scheduling and queueing ${ms(r.scheduleMs)} s; processes ready ${ms(r.readyBeforeTMs)} s before T` +
          `; ${r.fake.requests.toLocaleString('en-US')} status requests, ${r.fake.repeatedKeys} repeated an Idempotency-Key (answered with the first status), ` +
          `${r.extraAttempts} publish attempts beyond one per post; ${r.lost} published without a status on the instance, ${r.unrecorded} statuses not recorded as published` +
          (r.cutOff ? `; CUT OFF ${DEADLINE_AFTER_T_MS / 1000} s after T` : '') +
          '.',
      );
    };

    let setups: { key: string; label: string; processes: number; postgres: boolean; startEstimateMs: number }[] = [
      { key: 'pglite', label: 'Chorus serve, embedded PGlite', processes: 1, postgres: false, startEstimateMs: 8_000 },
    ];
    if (await postgresAvailable()) {
      setups.push(
        { key: 'pg1', label: 'Chorus on PostgreSQL, 1 worker process', processes: 1, postgres: true, startEstimateMs: 6_000 },
        { key: 'pg2', label: 'Chorus on PostgreSQL, 2 worker processes', processes: 2, postgres: true, startEstimateMs: 8_000 },
      );
    } else {
      notes.push('PostgreSQL rows skipped: no server at BENCH_DATABASE_URL.');
    }
    if (ONLY.length) setups = setups.filter((s) => ONLY.includes(s.key));
    const failures: string[] = [];
    for (const setup of setups) {
      const base = await baselineFor(setup.processes * CONCURRENCY_PER_PROCESS);
      try {
        add(await runSetup(setup), base);
      } catch (error) {
        failures.push(setup.label);
        log(`${setup.label} failed: ${(error as Error).stack ?? String(error)}`);
        rows.push([setup.label, setup.processes * CONCURRENCY_PER_PROCESS, 'failed', '–', '–', '–', '–', '–', '–', 'n/a', 'n/a']);
      }
    }

    notes.unshift(
      `${TOTAL.toLocaleString('en-US')} posts (${POSTS_PER_PROFILE} on each of ${PROFILES} Mastodon profiles) all scheduled for one instant T; a fake Mastodon instance in the benchmark process answers each POST /api/v1/statuses ${LATENCY_MS} ms after it arrives. Lateness = publishedAt − scheduledAt of each published post (p50, p99, max); "last" = T to the last publishedAt.`,
      `Baseline: a plain client in the benchmark process sends the same ${TOTAL.toLocaleString('en-US')} requests to the same fake instance from T, as many at once as the Chorus processes run publish jobs (${CONCURRENCY_PER_PROCESS} per process), measured just before each setup; its lateness is each answer's arrival − T. That is the floor set by the network's latency alone: "× baseline" is how many times that floor Chorus takes, so 1.00× would mean the database, the job queue and the exactly-once bookkeeping cost nothing.`,
      `Duplicates: texts for which the instance created more than one status (must be 0). A repeated Idempotency-Key is answered with the first status, as Mastodon does, and is not a duplicate.`,
      `Job polling every ${POLL_SECONDS} s (JOB_POLL_SECONDS); ${CONCURRENCY_PER_PROCESS} publish jobs at a time per process.`,
    );
    if (failures.length) notes.push(`Failed (the error is printed above the table): ${failures.join(', ')}.`);
    return {
      title: `Publishing ${TOTAL.toLocaleString('en-US')} posts due at once`,
      columns: ['setup', 'concurrency', 'published', 'not published', 'duplicates', 'p50 s', 'p99 s', 'max s', 'last s', 'p50 × baseline', 'p99 × baseline'],
      rows,
      notes,
    };
  },
};
