import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Benchmark } from './run.ts';
import { fixed, median, ratio, type Report } from './lib/report.ts';
import { chorusServer, helloServer, LOG_LEVEL, ROOT, spawnServer, tempDir, type Server } from './lib/servers.ts';
import { freshDatabase, postgresAvailable } from './lib/postgres.ts';

const RUNS = { baseline: 5, first: 2, warm: 5, npmFirst: 1, npmWarm: 2 };

/** Starts a server, keeps its start time, stops it again. */
async function timeStart(start: () => Promise<Server>): Promise<number> {
  const server = await start();
  await server.stop();
  return server.startMs;
}

async function repeat(times: number, once: () => Promise<number>): Promise<number[]> {
  const results: number[] = [];
  for (let i = 0; i < times; i++) results.push(await once());
  return results;
}

const npmStart = (dataDir: string) =>
  spawnServer({ command: 'npm', args: ['start', '--silent'], env: { DATA_DIR: dataDir, DATABASE_URL: undefined, LOG_LEVEL } });

export const startup: Benchmark = {
  name: 'startup',
  description: 'Cold start: spawn to first healthy GET /api/v1/health (first-ever start with migrations, and a warm restart)',
  async run(): Promise<Report> {
    const rows: (string | number)[][] = [];
    const notes: string[] = [];
    const baseline = await repeat(RUNS.baseline, () => timeStart(helloServer));
    const base = median(baseline);
    const row = (label: string, times: number[]) =>
      rows.push([label, times.length, fixed(median(times)), `${fixed(Math.min(...times))}–${fixed(Math.max(...times))}`, ratio(median(times), base)]);
    row('Fastify hello-world (`node hello.mjs`), baseline', baseline);

    // `node bin/chorus.js serve`: what `npm start` runs once the web app is built.
    const dirs: ReturnType<typeof tempDir>[] = [];
    try {
      const first = await repeat(RUNS.first, () => {
        const dir = tempDir('start');
        dirs.push(dir);
        return timeStart(() => chorusServer({ DATA_DIR: dir.path, DATABASE_URL: undefined }));
      });
      row('Chorus embedded, first start (empty DATA_DIR, migrations)', first);
      const warm = await repeat(RUNS.warm, () => timeStart(() => chorusServer({ DATA_DIR: dirs[0]!.path, DATABASE_URL: undefined })));
      row('Chorus embedded, warm restart', warm);

      // `npm start` itself: npm, the web build's staleness check, then the same server.
      const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs'), '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
      if (build.status === 0) {
        const npmFirst = await repeat(RUNS.npmFirst, () => {
          const dir = tempDir('npm');
          dirs.push(dir);
          return timeStart(() => npmStart(dir.path));
        });
        row('`npm start`, first start (empty DATA_DIR, migrations)', npmFirst);
        const npmDir = dirs[dirs.length - 1]!.path;
        row('`npm start`, warm restart', await repeat(RUNS.npmWarm, () => timeStart(() => npmStart(npmDir))));
        notes.push('`npm start` rows include npm itself and the web build staleness check; the web app was built beforehand (a one-off per clone, not timed).');
      } else {
        notes.push(`\`npm start\` rows skipped: the web app does not build yet (${(build.stderr || build.stdout).trim().split('\n')[0]}).`);
      }
    } finally {
      for (const dir of dirs) dir.remove();
    }

    if (await postgresAvailable()) {
      const database = await freshDatabase();
      const dir = tempDir('pg');
      try {
        const env = { DATABASE_URL: database.url, DATA_DIR: dir.path };
        row('Chorus on PostgreSQL, first start (empty database, migrations)', [await timeStart(() => chorusServer(env))]);
        row('Chorus on PostgreSQL, warm restart', await repeat(RUNS.warm, () => timeStart(() => chorusServer(env))));
      } finally {
        await database.drop();
        dir.remove();
      }
    } else {
      notes.push('PostgreSQL rows skipped: no server at BENCH_DATABASE_URL.');
    }

    notes.push(`Time from spawn() to the first 200 from GET /api/v1/health, polled every 10 ms; LOG_LEVEL=${LOG_LEVEL}.`);
    return { title: 'Cold start', columns: ['start', 'runs', 'median ms', 'range ms', '× baseline'], rows, notes };
  },
};
