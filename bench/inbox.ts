/**
 * The shared inbox at scale, on PostgreSQL: 1,000,000 messages in 200,000 conversations on 50
 * profiles across five networks. Measures the p50/p99 latency of the inbox list with its filters
 * and of full-text search through the service the API calls, each as a ratio to a primary-key
 * lookup of one conversation measured in the same run through the same pool; the same for one list
 * and one search over HTTP with an API token, against a tiny authenticated route; and whether sync
 * keeps up with 10,000 new messages a minute through the real jobs, connector and routing rules.
 */
import { randomBytes } from 'node:crypto';
import type { Benchmark } from './run.ts';
import { fixed, ratio, type Report } from './lib/report.ts';
import { tempDir } from './lib/servers.ts';
import { freshDatabase, postgresAvailable } from './lib/postgres.ts';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/logger.ts';
import { startInstance } from '../src/instance.ts';
import { buildApp } from '../src/http/app.ts';
import { bulkLoad, setUpWorkspace } from './inbox/seed.ts';
import { explainFilters, httpCases, measureRoundRobin, percentile, serviceCases, type Timing } from './inbox/latency.ts';
import { startFeed } from './inbox/feed.ts';
import { connectSyncProfiles, runSync } from './inbox/sync-run.ts';

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const MESSAGES = num('BENCH_INBOX_MESSAGES', 1_000_000);
const CONVERSATIONS = num('BENCH_INBOX_CONVERSATIONS', 200_000);
const PROFILES = num('BENCH_INBOX_PROFILES', 50);
const ITERATIONS = num('BENCH_INBOX_ITERATIONS', 100);
const WARMUP = 10;
const SYNC_PER_MINUTE = num('BENCH_INBOX_SYNC_PER_MINUTE', 10_000);
const SYNC_MINUTES = num('BENCH_INBOX_SYNC_MINUTES', 5);
const SYNC_PROFILES = num('BENCH_INBOX_SYNC_PROFILES', 50);
/** Chorus's INBOX_SYNC_SECONDS for the sync part; unset, its default. */
const SYNC_SECONDS = process.env.BENCH_INBOX_SYNC_SECONDS;

const log = (message: string) => console.error(`  [inbox] ${message}`);
const ms = (value: number) => fixed(value, 2);
const s = (value: number) => fixed(value / 1000, 1);
const count = (value: number) => Math.round(value).toLocaleString('en-US');

/** Plan nodes that read or sort a whole table: what an index should have spared. */
const suspicious = (plan: string[]) => plan.filter((line) => /Seq Scan|Sort Method: external|Parallel Seq Scan/.test(line)).map((l) => l.trim());

export const inbox: Benchmark = {
  name: 'inbox',
  description: `inbox list, filters and search over ${count(MESSAGES)} messages in ${count(CONVERSATIONS)} conversations (PostgreSQL), and sync of ${count(SYNC_PER_MINUTE)} messages a minute`,
  async run(): Promise<Report> {
    if (!(await postgresAvailable())) throw new Error('The inbox benchmark needs PostgreSQL (BENCH_DATABASE_URL).');
    const rows: (string | number)[][] = [];
    const notes: string[] = [];
    const database = await freshDatabase();
    const dir = tempDir('inbox');
    const feed = await startFeed();
    const config = loadConfig({ DATA_DIR: dir.path, DATABASE_URL: database.url, CHORUS_SECRET_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent', ...(SYNC_SECONDS ? { INBOX_SYNC_SECONDS: SYNC_SECONDS } : {}) });
    try {
      // -------------------------------------------------------------- data
      const instance = await startInstance({ config, logger: createLogger('silent'), work: false, http: false });
      let syncProfileIds: string[];
      try {
        const ws = await setUpWorkspace(instance.chorus, { profiles: PROFILES, mastodonUrl: feed.url, mastodonToken: (p) => `idle-${p}` });
        log(`loading ${count(MESSAGES)} messages in ${count(CONVERSATIONS)} conversations into ${database.url}`);
        const load = await bulkLoad(database.url, ws, { conversations: CONVERSATIONS, messages: MESSAGES }, log);
        notes.push(
          `Data: ${count(load.messages)} messages in ${count(load.conversations)} conversations on ${PROFILES} profiles (5 networks), 12 agents in 5 teams; ` +
            `loaded in ${s(load.insertMs)} s (INSERT … SELECT generate_series, secondary indexes dropped), indexes built in ${s(load.indexMs)} s, ANALYZE ${s(load.analyzeMs)} s.`,
        );
        const selectivity = await instance.chorus.database.executeSql(
          `select t.term, (select count(*)::int from messages where search @@ websearch_to_tsquery('simple', t.term)) as n
             from unnest($1::text[]) as t(term)`,
          [['chargeback', 'ombudsman', 'escalation', 'order', 'thanks', 'delivery']],
        );
        notes.push(`Messages containing each search term: ${selectivity.rows.map((r) => `${String(r.term)} ${count(Number(r.n))}`).join(', ')}.`);

        // -------------------------------------------------------------- latency, service
        const { baseline, cases, filters } = await serviceCases(instance.chorus, ws);
        log(`service latency: ${ITERATIONS} rounds after ${WARMUP} warm-up rounds`);
        const timings = await measureRoundRobin([baseline, ...cases], ITERATIONS, WARMUP);
        addLatency(rows, 'service (listConversations)', timings);

        const plans = await explainFilters(database.url, ws, filters);
        for (const [label, plan] of Object.entries(plans)) {
          const bad = suspicious(plan);
          const top = plan.find((l) => /Execution Time/.test(l))?.trim() ?? '';
          log(`plan for ${label}:\n      ${plan.join('\n      ')}`);
          notes.push(`Plan, ${label}: ${bad.length ? `reads or sorts whole tables (${bad.join('; ')})` : 'index scans only'}; ${top}.`);
        }

        // -------------------------------------------------------------- latency, HTTP
        const app = await buildApp(instance.chorus);
        try {
          await app.listen({ port: 0, host: '127.0.0.1' });
          const address = app.server.address();
          const port = typeof address === 'object' && address ? address.port : 0;
          const http = httpCases(`http://127.0.0.1:${port}`, ws);
          log('HTTP latency');
          addLatency(rows, 'HTTP, one connection', await measureRoundRobin([http.baseline, ...http.cases], ITERATIONS, WARMUP));
        } finally {
          await app.close();
        }
        syncProfileIds = await connectSyncProfiles(instance.chorus, ws, feed, SYNC_PROFILES);
      } finally {
        await instance.stop();
      }

      // -------------------------------------------------------------- sync
      log(`sync: ${count(SYNC_PER_MINUTE)} messages a minute over ${SYNC_PROFILES} Mastodon profiles for ${SYNC_MINUTES} min`);
      const sync = await runSync({ config, feed, profileIds: syncProfileIds, perMinute: SYNC_PER_MINUTE, minutes: SYNC_MINUTES, log });
      const required = SYNC_PER_MINUTE / 60;
      const achieved = Number.isFinite(sync.allStoredMs) ? sync.stored / (sync.allStoredMs / 1000) : sync.stored / ((sync.feedMs + 180_000) / 1000);
      // Sync runs in rounds, so the backlog is a saw-tooth: what tells falling behind from keeping
      // up is its low point in each minute of production, which must not climb.
      const lows: number[] = [];
      for (let minute = 0; minute * 60_000 < sync.feedMs; minute++) {
        const within = sync.backlog.filter(([t]) => t * 1000 > minute * 60_000 && t * 1000 <= Math.min(sync.feedMs, (minute + 1) * 60_000)).map(([, b]) => b);
        if (within.length) lows.push(Math.min(...within));
      }
      // The backlog starts from nothing and fills up to about one sync period's messages (with the
      // default settings a profile is read every second minute): judge from the third minute on.
      const judged = lows.length >= 4;
      const growing = judged && lows[lows.length - 1]! > lows[2]! + SYNC_PER_MINUTE / 10;
      rows.push([
        `sync: ${count(SYNC_PER_MINUTE)}/min over ${SYNC_PROFILES} Mastodon profiles for ${SYNC_MINUTES} min (required ${fixed(required, 1)} msg/s, baseline)`,
        'msg/s',
        fixed(required, 1),
        '',
        '1.00×',
        '',
      ]);
      rows.push([
        `sync: achieved (stored ÷ time until all stored), lag received_at − sent_at`,
        'msg/s; lag s',
        fixed(achieved, 1),
        `${s(sync.lag.p50)} / ${s(sync.lag.p99)}`,
        ratio(achieved, required),
        '',
      ]);
      notes.push(
        `Sync: ${count(sync.produced)} messages produced, ${count(sync.stored)} stored; all stored ${Number.isFinite(sync.allStoredMs) ? `${s(sync.allStoredMs)} s after production began (production lasted ${s(sync.feedMs)} s)` : 'NOT within 180 s after production stopped'}; ` +
          `lag p50 ${s(sync.lag.p50)} s, p99 ${s(sync.lag.p99)} s, max ${s(sync.lag.max)} s; lowest backlog in each minute of production ${lows.map(count).join(', ')} ` +
          `(${!judged ? 'under four minutes: too short to tell a trend' : growing ? 'climbing: falling behind' : 'not climbing: keeping up'}); ${count(sync.requests)} notification requests; ${sync.failures.profiles} profiles with failed syncs${sync.failures.lastError ? ` (${sync.failures.lastError})` : ''}.`,
        `Sync backlog every 2 s (s:backlog): ${sync.backlog.filter((_, i) => i % 5 === 0).map(([t, b]) => `${t}:${b}`).join(' ')}.`,
      );
    } finally {
      await feed.close();
      await database.drop().catch((error: unknown) => log(`could not drop ${database.url}: ${String(error)}`));
      dir.remove();
    }
    notes.unshift(
      `Latency rows: ${ITERATIONS} timed rounds after ${WARMUP} warm-up rounds, every case once per round (so machine load hits them alike), one query at a time; filter values rotate between rounds (network, tag, team, search term). ` +
        `Service rows call listConversations (first page of 50, with the last message, SLA and profile) through Chorus's pool; their baseline is a primary-key lookup of a random conversation through the same pool. ` +
        `HTTP rows are sequential GETs on one keep-alive connection with an API token; their baseline is GET /api/v1/auth/session.`,
      `Sync: Chorus's own scheduler (cron every minute), sync jobs, Mastodon connector, routing rules (5) and filing, with INBOX_SYNC_SECONDS=${config.inboxSyncSeconds}, against a fake instance in this process that makes messages available at a steady rate; each profile starts from a stored cursor.`,
    );
    return {
      title: `Inbox: ${count(MESSAGES)} messages in ${count(CONVERSATIONS)} conversations, PostgreSQL`,
      columns: ['what', 'unit', 'p50 (or rate)', 'p99', 'p50 × baseline', 'p99 × baseline'],
      rows,
      notes,
    };
  },
};

function addLatency(rows: (string | number)[][], via: string, timings: Timing[]) {
  const [base, ...rest] = timings;
  const p50 = (t: Timing) => percentile(t.samples, 0.5);
  const p99 = (t: Timing) => percentile(t.samples, 0.99);
  rows.push([`${via}: ${base!.label}`, 'ms', ms(p50(base!)), ms(p99(base!)), '1.00×', '1.00×']);
  for (const t of rest) {
    rows.push([`${via}: ${t.label} (${fixed(t.meanRows, 0)} rows)`, 'ms', ms(p50(t)), ms(p99(t)), ratio(p50(t), p50(base!)), ratio(p99(t), p99(base!))]);
  }
}
