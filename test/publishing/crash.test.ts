import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { startAtprotoNetwork, type LocalAtprotoNetwork } from '../connectors/atproto-network.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { createBlueskyConnector } from '../../src/connectors/bluesky/connector.ts';
import { crashRun } from './crash-harness.ts';

const RUNS = Number(process.env.CRASH_RUNS ?? 20);
const POSTS = Number(process.env.CRASH_POSTS ?? 200);

// Worker processes share one database only on PostgreSQL; that is where killing them is real.
describe('killing publishing workers at random moments (PostgreSQL, local AT Protocol network)', () => {
  let net: LocalAtprotoNetwork;
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;

  beforeAll(async () => {
    net = await startAtprotoNetwork('crash');
    t = await createTestApp('postgres', { connectors: connectorsFrom([createBlueskyConnector()]), config: { publishLeaseSeconds: 1 } });
    ({ owner, workspaceId } = await setupOwner(t.app));
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await net?.close();
  });

  it(`publishes ${POSTS} posts exactly once in each of ${RUNS} runs`, { timeout: RUNS * 120_000 }, async () => {
    let interrupted = 0;
    for (let run = 0; run < RUNS; run++) {
      // A fresh account per run keeps each run's count on the network its own.
      const account = await net.createAccount(`crash${run}`);
      const connected = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/profiles/app-password`, {
        network: 'bluesky',
        serviceUrl: net.pdsUrl,
        identifier: account.handle,
        password: account.appPassword,
      });
      expect(connected.statusCode, connected.body).toBe(201);
      const result = await crashRun({
        chorus: t.chorus,
        databaseUrl: t.database.url!,
        workspaceId,
        profileId: connected.json().profile.id,
        account,
        texts: Array.from({ length: POSTS }, (_, i) => `run ${run} post ${i}`),
        kills: 1 + (run % 3),
      });
      // Bluesky record keys come from the idempotency key, so every interrupted post is resumed.
      expect(result.duplicates, `run ${run}: posted twice`).toEqual([]);
      expect(result.missing, `run ${run}: marked published but absent`).toEqual([]);
      expect(result.statuses, `run ${run}`).toEqual({ published: POSTS });
      interrupted += result.interrupted;
    }
    // The kills must have cut publishes short, or this test proved nothing.
    expect(interrupted).toBeGreaterThan(0);
  });
});
