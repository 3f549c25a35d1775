import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { spawnChorus, type Spawned } from '../helpers/processes.ts';
import { JobEngine } from '../../src/core/jobs.ts';
import { createLogger } from '../../src/core/logger.ts';
import { probeJob } from '../../src/core/probe.ts';

// Several worker processes only exist on PostgreSQL: the embedded database belongs to one process.
describe('two worker processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let engine: JobEngine;
  const workers: Spawned[] = [];
  const JOBS = 400;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    engine = new JobEngine(database, createLogger('silent'), { pollSeconds: 0.5 });
    engine.register(probeJob(database));
    await engine.start({ work: false });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await engine?.stop();
    await database?.close();
  });

  it('never runs the same job twice, and both take work', async () => {
    for (const id of ['worker-a', 'worker-b']) {
      const worker = spawnChorus(['worker'], { DATABASE_URL: database.url!, CHORUS_WORKER_ID: id, JOB_POLL_SECONDS: '0.5' });
      workers.push(worker);
    }
    await Promise.all(workers.map((w) => w.waitFor('is running', 60_000)));
    for (let i = 0; i < JOBS; i++) await engine.send('system.probe', { probeId: `p${i}` });
    const counts = async () =>
      (
        await database.executeSql(
          `select count(*)::int as runs, count(distinct job_id)::int as jobs, count(distinct probe_id)::int as probes from job_probes`,
        )
      ).rows[0] as { runs: number; jobs: number; probes: number };
    const deadline = Date.now() + 120_000;
    while ((await counts()).probes < JOBS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    // Give a would-be duplicate time to show up before judging.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await counts()).toEqual({ runs: JOBS, jobs: JOBS, probes: JOBS });
    const byWorker = await database.executeSql('select worker_id from job_probes group by worker_id order by worker_id');
    expect(byWorker.rows.map((r) => r.worker_id)).toEqual(['worker-a', 'worker-b']);
    for (const worker of workers) expect(await worker.stop()).toBe(0);
  });
});
