import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../../test/helpers/db.ts';
import { JobEngine, defineJob } from './jobs.ts';
import { createLogger } from './logger.ts';

const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.each(BACKENDS)('job engine (%s)', (backend) => {
  let database: TestDatabase;
  let engine: JobEngine;
  const silent = createLogger('silent');

  const startEngine = async (...defs: Parameters<JobEngine['register']>) => {
    database = await createTestDatabase(backend);
    engine = new JobEngine(database, silent, { pollSeconds: 0.5, cronCheckSeconds: 1 });
    engine.register(...defs);
    await engine.start({ work: true });
  };
  afterEach(async () => {
    await engine?.stop();
    await database?.close();
  });

  it('runs a delayed job at its time, not before', async () => {
    let ranAt = 0;
    await startEngine(defineJob({ name: 'test.delayed', schema: z.object({}), handler: async () => void (ranAt = Date.now()) }));
    const due = new Date(Date.now() + 2_000);
    await engine.send('test.delayed', {}, { startAfter: due });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(ranAt).toBe(0);
    await waitFor(() => ranAt > 0);
    expect(ranAt).toBeGreaterThanOrEqual(due.getTime());
    expect(ranAt - due.getTime()).toBeLessThan(2_000);
  });

  it('retries a failing job with growing back-off until it succeeds', async () => {
    const attempts: number[] = [];
    await startEngine(
      defineJob({
        name: 'test.flaky',
        schema: z.object({}),
        retryLimit: 3,
        retryDelaySeconds: 1,
        retryBackoff: true,
        handler: async () => {
          attempts.push(Date.now());
          if (attempts.length < 3) throw new Error('transient');
        },
      }),
    );
    const id = await engine.send('test.flaky', {});
    await waitFor(() => attempts.length === 3, 40_000);
    await waitFor(async () => (await engine.getJob('test.flaky', id!))?.state === 'completed');
    const firstGap = attempts[1]! - attempts[0]!;
    const secondGap = attempts[2]! - attempts[1]!;
    expect(firstGap).toBeGreaterThanOrEqual(900);
    expect(secondGap).toBeGreaterThan(firstGap);
  });

  it('keeps one queued job per singleton key', async () => {
    await startEngine(defineJob({ name: 'test.single', policy: 'stately', schema: z.object({ n: z.number() }), handler: async () => {} }));
    const later = new Date(Date.now() + 60_000);
    const first = await engine.send('test.single', { n: 1 }, { singletonKey: 'profile-1', startAfter: later });
    const second = await engine.send('test.single', { n: 2 }, { singletonKey: 'profile-1', startAfter: later });
    const other = await engine.send('test.single', { n: 3 }, { singletonKey: 'profile-2', startAfter: later });
    expect(first).toBeTruthy();
    expect(second).toBeNull();
    expect(other).toBeTruthy();
  });

  it('throttles by singleton key within a time window on standard queues', async () => {
    await startEngine(defineJob({ name: 'test.throttle', schema: z.object({}), handler: async () => {} }));
    const first = await engine.send('test.throttle', {}, { singletonKey: 'sync', singletonSeconds: 60 });
    const second = await engine.send('test.throttle', {}, { singletonKey: 'sync', singletonSeconds: 60 });
    expect(first).toBeTruthy();
    expect(second).toBeNull();
  });

  it('runs cron schedules', async () => {
    let runs = 0;
    await startEngine(defineJob({ name: 'test.cron', schema: z.object({}).passthrough(), cron: '* * * * *', handler: async () => void runs++ }));
    await waitFor(() => runs > 0, 30_000);
    expect(runs).toBe(1);
  });

  it('queues inside a transaction: a rollback queues nothing', async () => {
    const seen: number[] = [];
    await startEngine(defineJob({ name: 'test.tx', schema: z.object({ n: z.number() }), handler: async ({ n }) => void seen.push(n) }));
    await database.db
      .transaction(async (tx) => {
        await engine.send('test.tx', { n: 1 }, {}, tx);
        throw new Error('roll back');
      })
      .catch(() => {});
    await database.db.transaction(async (tx) => {
      await engine.send('test.tx', { n: 2 }, {}, tx);
    });
    await waitFor(() => seen.length > 0);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(seen).toEqual([2]);
    const rows = await database.executeSql(`select count(*)::int as n from pgboss.job where name = 'test.tx'`);
    expect(rows.rows[0]!.n).toBe(1);
  });

  it('queues many jobs in one statement, in a transaction, with their own options', async () => {
    const seen: number[] = [];
    // 'short': one queued job per singleton key (a job without a key counts as the key '').
    await startEngine(defineJob({ name: 'test.many', policy: 'short', schema: z.object({ n: z.number() }), handler: async ({ n }) => void seen.push(n) }));
    const later = new Date(Date.now() + 60_000);
    await expect(engine.sendMany('test.many', [{ data: { n: 'one' } }])).rejects.toThrow();
    await expect(engine.sendMany('test.unknown', [{ data: {} }])).rejects.toThrow(/Unknown job/);
    await database.db
      .transaction(async (tx) => {
        await engine.sendMany('test.many', [{ data: { n: 0 }, options: { singletonKey: 'a' } }], tx);
        throw new Error('roll back');
      })
      .catch(() => {});
    await database.db.transaction(async (tx) => {
      await engine.sendMany(
        'test.many',
        [
          { data: { n: 1 }, options: { singletonKey: 'a' } },
          { data: { n: 2 }, options: { singletonKey: 'b' } },
          { data: { n: 3 }, options: { singletonKey: 'b' } }, // one of 2 and 3 is turned away: one queued job per key
          { data: { n: 4 }, options: { singletonKey: 'c', startAfter: later } },
        ],
        tx,
      );
    });
    await waitFor(() => seen.length >= 2);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(seen).toHaveLength(2);
    expect(seen).toContain(1);
    expect([2, 3]).toContain(seen.find((n) => n !== 1));
    const rows = await database.executeSql(
      `select singleton_key as key, start_after > now() + interval '50 seconds' as later from pgboss.job where name = 'test.many' order by 1`,
    );
    expect(rows.rows).toEqual([
      { key: 'a', later: false },
      { key: 'b', later: false },
      { key: 'c', later: true },
    ]);
  });

  it('refuses a payload that does not match the job schema', async () => {
    await startEngine(defineJob({ name: 'test.typed', schema: z.object({ n: z.number() }), handler: async () => {} }));
    await expect(engine.send('test.typed', { n: 'one' })).rejects.toThrow();
    await expect(engine.send('test.unknown', {})).rejects.toThrow(/Unknown job/);
  });
});
