/**
 * A worker keeps its slots busy: a job that takes long (an Instagram video Meta is still
 * processing) must not hold back the jobs queued after it, and every job runs once and is
 * completed, or failed on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { defineJob, JobEngine } from '../../src/core/jobs.ts';
import { createLogger } from '../../src/core/logger.ts';

describe.each(BACKENDS)('job worker slots (%s)', (backend) => {
  let database: TestDatabase;
  let engine: JobEngine;
  const ran: string[] = [];
  let release: () => void = () => {};
  const slowDone = new Promise<void>((resolve) => (release = resolve));
  let inFlight = 0;
  let most = 0;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    engine = new JobEngine(database, createLogger('silent'), { pollSeconds: 0.5 });
    engine.register(
      defineJob({
        name: 'test.slots',
        schema: z.object({ id: z.string() }),
        retryLimit: 0,
        concurrency: 4,
        handler: async ({ id }) => {
          inFlight++;
          most = Math.max(most, inFlight);
          try {
            if (id === 'slow') await slowDone;
            else await new Promise((r) => setTimeout(r, 20));
            if (id === 'broken') throw new Error('this one fails');
            ran.push(id);
          } finally {
            inFlight--;
          }
        },
      }),
    );
    await engine.start({ work: true });
  });
  afterAll(async () => {
    release();
    await engine?.stop();
    await database?.close();
  });

  it('runs the jobs after a slow one while it is still running, never more than its concurrency at once', async () => {
    await engine.send('test.slots', { id: 'slow' });
    const ids = Array.from({ length: 20 }, (_, i) => `fast-${i}`);
    for (const id of [...ids.slice(0, 10), 'broken', ...ids.slice(10)]) await engine.send('test.slots', { id });
    const deadline = Date.now() + 30_000;
    while (ran.filter((id) => id.startsWith('fast')).length < ids.length) {
      if (Date.now() > deadline) throw new Error(`only ran ${ran.join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ran).not.toContain('slow');
    release();
    while (!ran.includes('slow') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(most).toBeLessThanOrEqual(4);
    expect(new Set(ran).size).toBe(ran.length);
    // Completed and failed are recorded in the queue once the loop has settled them.
    let states: Record<string, string> = {};
    while (Date.now() < deadline) {
      const rows = (await database.executeSql(`select data->>'id' as id, state from pgboss.job where name = 'test.slots'`)).rows as { id: string; state: string }[];
      states = Object.fromEntries(rows.map((r) => [r.id, r.state]));
      if (Object.values(states).every((s) => s === 'completed' || s === 'failed')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(states.broken).toBe('failed');
    expect(Object.entries(states).filter(([id]) => id !== 'broken').every(([, s]) => s === 'completed')).toBe(true);
    expect(Object.keys(states)).toHaveLength(22);
  });
});
