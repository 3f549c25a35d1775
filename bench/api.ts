import type { Benchmark } from './run.ts';
import { fixed, ratio, type Report } from './lib/report.ts';
import { LOAD, measureLoad, type LoadResult } from './lib/load.ts';
import { chorusServer, helloServer, LOG_LEVEL, tempDir, type Server } from './lib/servers.ts';
import { freshDatabase, postgresAvailable } from './lib/postgres.ts';

interface Target {
  label: string;
  endpoint: string;
  result: LoadResult;
}

/** Creates the owner (first-run setup) and an API token; returns the token and a workspace id. */
async function signUp(server: Server): Promise<{ token: string; workspaceId: string }> {
  const json = { 'content-type': 'application/json' };
  const setup = await fetch(`${server.url}/api/v1/setup`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({
      organizationName: 'Bench Org',
      name: 'Bench Owner',
      email: 'owner@bench.example',
      password: 'correct horse battery staple',
      workspaceName: 'Bench',
    }),
  });
  if (setup.status !== 201) throw new Error(`POST /api/v1/setup answered ${setup.status}: ${await setup.text()}`);
  const session = (await setup.json()) as { csrfToken: string; workspaces: { id: string }[] };
  const cookie = setup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const created = await fetch(`${server.url}/api/v1/me/tokens`, {
    method: 'POST',
    headers: { ...json, cookie, 'x-csrf-token': session.csrfToken },
    body: JSON.stringify({ name: 'bench' }),
  });
  if (created.status !== 201) throw new Error(`POST /api/v1/me/tokens answered ${created.status}: ${await created.text()}`);
  const { secret } = (await created.json()) as { secret: string };
  return { token: secret, workspaceId: session.workspaces[0]!.id };
}

/** Loads the members list of the owner's workspace with a Bearer token. */
async function loadChorus(label: string, env: Record<string, string | undefined>): Promise<Target> {
  const server = await chorusServer(env);
  try {
    const { token, workspaceId } = await signUp(server);
    const path = `/api/v1/workspaces/${workspaceId}/members`;
    const check = await fetch(server.url + path, { headers: { authorization: `Bearer ${token}` } });
    if (check.status !== 200) throw new Error(`GET ${path} answered ${check.status}: ${await check.text()}`);
    const result = await measureLoad(server.url + path, { authorization: `Bearer ${token}` });
    return { label, endpoint: 'GET /api/v1/workspaces/:id/members (Bearer)', result };
  } finally {
    await server.stop();
  }
}

export const api: Benchmark = {
  name: 'api',
  description: 'Requests/second and p99 latency of an authenticated read, PGlite and PostgreSQL, against a Fastify hello-world',
  async run(): Promise<Report> {
    const notes: string[] = [];
    // Each target is paired with a baseline measured just before it: other work on the machine
    // changes both alike, and the ratio stays readable.
    const pairs: { baseline: LoadResult; target: Target }[] = [];
    const hello = await helloServer();
    try {
      const dir = tempDir('api');
      try {
        const baseline = await measureLoad(`${hello.url}/hello`);
        pairs.push({ baseline, target: await loadChorus('Chorus, embedded PGlite', { DATA_DIR: dir.path, DATABASE_URL: undefined }) });
      } finally {
        dir.remove();
      }
      if (await postgresAvailable()) {
        const database = await freshDatabase();
        const pgDir = tempDir('api-pg');
        try {
          const baseline = await measureLoad(`${hello.url}/hello`);
          pairs.push({ baseline, target: await loadChorus('Chorus, PostgreSQL', { DATABASE_URL: database.url, DATA_DIR: pgDir.path }) });
        } finally {
          await database.drop();
          pgDir.remove();
        }
      } else {
        notes.push('PostgreSQL row skipped: no server at BENCH_DATABASE_URL.');
      }
    } finally {
      await hello.stop();
    }

    const rows: (string | number)[][] = [];
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const baselines = pairs.map((p) => p.baseline);
    rows.push([
      `Fastify hello-world, baseline (mean of ${baselines.length})`,
      'GET /hello',
      fixed(mean(baselines.map((b) => b.requestsPerSecond))),
      '1.00×',
      fixed(mean(baselines.map((b) => b.p50Ms)), 2),
      fixed(mean(baselines.map((b) => b.p99Ms)), 2),
      '1.00×',
      baselines.reduce((n, b) => n + b.failures, 0),
    ]);
    for (const { baseline, target } of pairs) {
      const { result } = target;
      rows.push([
        target.label,
        target.endpoint,
        fixed(result.requestsPerSecond),
        ratio(result.requestsPerSecond, baseline.requestsPerSecond),
        fixed(result.p50Ms, 2),
        fixed(result.p99Ms, 2),
        ratio(result.p99Ms, baseline.p99Ms),
        result.failures,
      ]);
      if (result.failures > 0) notes.push(`${target.label}: ${result.failures} requests failed; its figures are not meaningful.`);
    }
    notes.push(
      `Baseline runs: ${baselines.map((b) => `${fixed(b.requestsPerSecond)} req/s, p99 ${fixed(b.p99Ms, 2)} ms`).join('; ')}. Each Chorus row's ratios are to the baseline run just before it.`,
      `autocannon, ${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up then ${LOAD.durationSeconds} s measured, per run; ` +
        `load generator and server on the same machine; Chorus with LOG_LEVEL=${LOG_LEVEL} and its workers running.`,
    );
    return {
      title: 'Authenticated read throughput',
      columns: ['server', 'endpoint', 'req/s', '× baseline', 'p50 ms', 'p99 ms', 'p99 × baseline', 'failed'],
      rows,
      notes,
    };
  },
};
