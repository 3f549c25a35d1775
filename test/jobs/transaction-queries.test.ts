/**
 * Jobs queued inside a transaction share its one connection. pg warns (and pg@9 will refuse) when
 * a query is issued on a client while another is still under way; this checks the job engine
 * never does that, however many jobs one transaction queues side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { JobEngine } from '../../src/core/jobs.ts';
import { createLogger } from '../../src/core/logger.ts';
import { probeJob } from '../../src/core/probe.ts';
import type { Tx } from '../../src/core/db.ts';

type Client = { query: (...args: unknown[]) => Promise<unknown> };

/** Counts queries under way on the transaction's connection while `body` runs. */
async function watchingQueries<T>(tx: Tx, body: () => Promise<T>): Promise<{ result: T; most: number; total: number }> {
  const client = (tx as unknown as { session: { client: Client } }).session.client;
  const original = client.query;
  let running = 0;
  let most = 0;
  let total = 0;
  client.query = async function (this: Client, ...args: unknown[]) {
    running++;
    total++;
    most = Math.max(most, running);
    try {
      return await original.apply(this, args);
    } finally {
      running--;
    }
  };
  try {
    return { result: await body(), most, total };
  } finally {
    client.query = original;
  }
}

describe.each(BACKENDS)('jobs queued in a transaction (%s)', (backend) => {
  let database: TestDatabase;
  let engine: JobEngine;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    engine = new JobEngine(database, createLogger('silent'), { pollSeconds: 0.5 });
    engine.register(probeJob(database));
    await engine.start({ work: false });
  });
  afterAll(async () => {
    await engine?.stop();
    await database?.close();
  });

  it('are sent one query at a time on the transaction connection, and all commit with it', async () => {
    const watched = await database.db.transaction((tx) =>
      watchingQueries(tx, () =>
        Promise.all([
          ...Array.from({ length: 12 }, (_, i) => engine.send('system.probe', { probeId: `tx-${i}` }, {}, tx)),
          engine.sendMany('system.probe', [{ data: { probeId: 'tx-many-1' } }, { data: { probeId: 'tx-many-2' } }], tx),
        ]),
      ),
    );
    expect(watched.total).toBeGreaterThanOrEqual(13);
    expect(watched.most).toBe(1);
    const queued = await database.executeSql(`select count(*)::int as n from pgboss.job where name = 'system.probe' and data->>'probeId' like 'tx-%'`);
    expect(queued.rows[0]!.n).toBe(14);
  });
});
