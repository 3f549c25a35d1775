import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import type { Connector, ConversationItem, Credentials } from '../../src/connectors/connector.ts';
import { SYNC_PROFILE_JOB } from '../../src/inbox/jobs.ts';
import { connectFakeProfile, fakeInboxNetwork } from './fake-network.ts';

/**
 * The polling chain: each sync queues the profile's next one at the configured interval (shorter
 * than the minute of the scheduler), and a full page is followed by another read at once.
 */
describe.each(BACKENDS)('inbox polling (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  const base = fakeInboxNetwork();
  // Like the fake network, but answering at most `limit` items a read, as real networks do.
  const waiting: ConversationItem[] = [];
  let reads = 0;
  const connector = {
    ...base.connector,
    async fetchConversations(_credentials: Credentials, opts?: { limit?: number }) {
      reads++;
      const items = waiting.splice(0, opts?.limit ?? 100);
      return { items, cursor: `c${reads}` };
    },
  } as Connector;
  const mention = (n: number): ConversationItem => ({
    id: `m${n}`,
    kind: 'mention',
    text: `hello ${n}`,
    createdAt: new Date(Date.UTC(2026, 10, 23, 9, 0, n % 60)).toISOString(),
    author: { id: `user-${n}`, handle: `fan${n}@social.example` },
    threadId: `m${n}`,
  });
  const stored = async () => (await owner.request('GET', `/api/v1/workspaces/${workspaceId}/inbox/counts`)).json();

  beforeAll(async () => {
    t = await createTestApp(backend, { work: true, connectors: connectorsFrom([connector]), config: { inboxSyncSeconds: 2 } });
    ({ owner, workspaceId } = await setupOwner(t.app));
    profileId = await connectFakeProfile(t, workspaceId, 'acct', 'brand@social.example');
  });
  afterAll(() => t?.close());

  it('reads a profile again every interval, and reads on at once while full pages come back', async () => {
    for (let n = 1; n <= 230; n++) waiting.push(mention(n));
    await t.chorus.jobs.send(SYNC_PROFILE_JOB, { profileId }, { singletonKey: profileId });
    // 230 waiting, 100 a read: three reads back to back, not three intervals.
    const started = Date.now();
    await waitFor(async () => (await stored()).all.total === 230, 15_000);
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(Date.now() - started).toBeLessThan(4 * 2000);

    // Nothing waiting now: the chain keeps reading every 2 s, so a new mention lands within one interval.
    const readsBefore = reads;
    waiting.push(mention(231));
    await waitFor(async () => (await stored()).all.total === 231, 6_000);
    await new Promise((resolve) => setTimeout(resolve, 4500));
    // About two more reads in 4.5 s; the scheduler's minute alone would make at most one.
    expect(reads - readsBefore).toBeGreaterThanOrEqual(2);
  });
});
