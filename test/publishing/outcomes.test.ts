import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { PublishInput, PublishResult } from '../../src/connectors/connector.ts';
import { fakeX } from '../helpers/fake-x.ts';
import { OutcomeUnknown, RateLimited, Rejected, Transient } from '../../src/connectors/errors.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { publishVariant } from '../../src/publishing/publisher.ts';
import { reconcilePublishing } from '../../src/publishing/reconcile.ts';
import { postVariants, publishAttempts } from '../../src/publishing/schema.ts';
import { socialProfiles } from '../../src/profiles/schema.ts';

/**
 * A network that cannot de-duplicate publishes (like X), scripted answer by answer, so that each
 * branch of the publisher can be driven on purpose. What it received is kept for assertions.
 */
function scriptedNetwork() {
  const answers: Array<(input: PublishInput) => PublishResult> = [];
  const received: PublishInput[] = [];
  const connector = fakeX(async (input) => {
    received.push(input);
    const next = answers.shift();
    if (!next) throw new Error('no scripted answer left');
    return next(input);
  });
  return { connector, received, then: (answer: (input: PublishInput) => PublishResult) => answers.push(answer) };
}

const published = (id: string) => () => ({ posts: [{ id, url: `https://x.example/status/${id}` }] });
const failing = (error: Error) => () => {
  throw error;
};

describe.each(BACKENDS)('what the publisher does with each answer (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  let network: ReturnType<typeof scriptedNetwork>;
  const job = { workerId: 'test', logger: createLogger('silent') };

  /** A post scheduled for now; returns its variant as the publish job would find it. */
  async function scheduledVariant(text: string) {
    const created = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/posts`, { text, variants: [{ profileId }] });
    const scheduled = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/posts/${created.json().post.id}/schedule`, {});
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    return variant(scheduled.json().variants[0].id);
  }
  const variant = async (id: string) => (await t.database.db.select().from(postVariants).where(eq(postVariants.id, id)))[0]!;
  const run = async (id: string) => {
    const v = await variant(id);
    await publishVariant(t.chorus, v.id, v.version, job);
    return variant(id);
  };

  beforeAll(async () => {
    network = scriptedNetwork();
    t = await createTestApp(backend, { connectors: connectorsFrom([network.connector]), config: { publishLeaseSeconds: 1 } });
    ({ owner, workspaceId } = await setupOwner(t.app));
    const actor = { userId: null, orgId: (await t.database.db.query.workspaces.findFirst())!.orgId, label: 'test' };
    const profile = await saveConnection(t.database.db, actor, t.chorus.config.secretKey, workspaceId, {
      credentials: { network: 'x', accountId: '1', accessToken: 'token' },
      profile: { id: '1', handle: 'acme' },
    });
    profileId = profile.id;
  });
  beforeEach(() => {
    network.received.length = 0;
  });
  afterAll(() => t?.close());

  it('records the remote id and URL of a published post', async () => {
    network.then(published('100'));
    const v = await scheduledVariant('hello');
    const after = await run(v.id);
    expect(after).toMatchObject({ status: 'published', remoteId: '100', remoteUrl: 'https://x.example/status/100', lastError: null });
    expect(network.received[0]).toMatchObject({ text: 'hello', idempotencyKey: v.idempotencyKey });
    // The same job delivered twice does nothing the second time.
    await publishVariant(t.chorus, v.id, v.version, job);
    expect(network.received).toHaveLength(1);
  });

  it('publishes the edited text of a scheduled post on time, not the old one', async () => {
    network.then(published('200'));
    const v = await scheduledVariant('first draft');
    const edited = await owner.request('PATCH', `/api/v1/workspaces/${workspaceId}/posts/${v.postId}`, { text: 'final words' });
    expect(edited.statusCode).toBe(200);
    const now = await variant(v.id);
    expect(now.version).toBeGreaterThan(v.version);
    // The job queued for the new version is there; the old one will find the variant changed.
    const jobs = (await t.database.executeSql(`select (data->>'version')::int as version from pgboss.job where name = 'publishing.publish' and data->>'variantId' = $1`, [v.id])).rows;
    expect(jobs.map((j) => j.version)).toContain(now.version);
    await publishVariant(t.chorus, v.id, v.version, job); // the stale job: nothing
    expect(network.received).toHaveLength(0);
    expect((await run(v.id)).status).toBe('published');
    expect(network.received.map((r) => r.text)).toEqual(['final words']);
  });

  it('fails a rejected post with the network\'s reason, without retrying', async () => {
    network.then(failing(new Rejected('x', 'You are not allowed to create a Tweet with duplicate content.')));
    const v = await scheduledVariant('dup');
    const after = await run(v.id);
    expect(after.status).toBe('failed');
    expect(after.lastError).toContain('duplicate content');
    const log = (await owner.request('GET', `/api/v1/workspaces/${workspaceId}/audit?action=post.publish_failed`)).json().events;
    expect(log[0].after.reason).toContain('duplicate content');
  });

  it('retries a transient failure later, under the same idempotency key, then publishes', async () => {
    network.then(failing(new Transient('x', 'Service unavailable')));
    const v = await scheduledVariant('flaky');
    const retried = await run(v.id);
    expect(retried.status).toBe('scheduled');
    expect(retried.lastError).toContain('Retrying');
    expect(retried.version).toBeGreaterThan(v.version);
    network.then(published('101'));
    const after = await run(v.id);
    expect(after.status).toBe('published');
    expect(network.received.map((r) => r.idempotencyKey)).toEqual([v.idempotencyKey, v.idempotencyKey]);
    const attempts = await t.database.db.select().from(publishAttempts).where(eq(publishAttempts.variantId, v.id));
    expect(attempts.map((a) => a.outcome)).toEqual(['retry', 'published']);
  });

  it('waits as long as a rate limit says', async () => {
    network.then(failing(new RateLimited('x', 'Too many requests', 900)));
    const v = await scheduledVariant('busy');
    const after = await run(v.id);
    expect(after.status).toBe('scheduled');
    const [job] = (await t.database.executeSql(
      `select start_after from pgboss.job where name = 'publishing.publish' and data->>'variantId' = $1 and (data->>'version')::int = $2`,
      [v.id, after.version],
    )).rows as { start_after: Date }[];
    const wait = new Date(job!.start_after).getTime() - Date.now();
    expect(wait).toBeGreaterThan(850_000);
    expect(wait).toBeLessThan(905_000);
  });

  it('asks a person when the network may or may not have taken the post, and never retries it', async () => {
    network.then(failing(new OutcomeUnknown('x', 'The connection dropped after the post was sent')));
    const v = await scheduledVariant('unsure');
    const after = await run(v.id);
    expect(after.status).toBe('needs_attention');
    expect(after.lastError).toContain('did not confirm');
    await publishVariant(t.chorus, v.id, after.version, job);
    expect(network.received).toHaveLength(1);
    // The person checks and says it did not go out: it is published again.
    const resolved = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/variants/${v.id}/resolve`, { outcome: 'not_published' });
    expect(resolved.json().variants[0].status).toBe('scheduled');
    network.then(published('102'));
    expect((await run(v.id)).status).toBe('published');
  });

  it('flags a crashed attempt for a person instead of posting twice', async () => {
    const v = await scheduledVariant('crashed');
    // What a worker killed mid-call leaves behind: a claimed variant and an open attempt.
    await t.database.db.update(postVariants).set({ status: 'publishing' }).where(eq(postVariants.id, v.id));
    await t.database.db.insert(publishAttempts).values({ variantId: v.id, idempotencyKey: v.idempotencyKey, workerId: 'dead', startedAt: new Date(Date.now() - 5_000) });
    const outcome = await reconcilePublishing(t.chorus, job.logger);
    expect(outcome.flagged).toBeGreaterThanOrEqual(1);
    const after = await variant(v.id);
    expect(after.status).toBe('needs_attention');
    expect(network.received).toHaveLength(0);
    const resolved = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/variants/${v.id}/resolve`, { outcome: 'published', remoteUrl: 'https://x.example/status/103' });
    expect(resolved.json().variants[0]).toMatchObject({ status: 'published', remoteUrl: 'https://x.example/status/103' });
  });

  it('fails clearly when stored credentials cannot be read, without calling the network', async () => {
    const v = await scheduledVariant('locked');
    const [profile] = await t.database.db.select().from(socialProfiles).where(eq(socialProfiles.id, profileId));
    await t.database.db.update(socialProfiles).set({ credentialsSealed: 'v1.AAAA.BBBB.CCCC' }).where(eq(socialProfiles.id, profileId));
    try {
      const after = await run(v.id);
      expect(after.status).toBe('failed');
      expect(after.lastError).toContain('CHORUS_SECRET_KEY');
      expect(network.received).toHaveLength(0);
    } finally {
      await t.database.db.update(socialProfiles).set({ credentialsSealed: profile!.credentialsSealed }).where(eq(socialProfiles.id, profileId));
    }
  });
});
