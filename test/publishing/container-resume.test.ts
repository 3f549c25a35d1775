/**
 * A worker dies in the middle of an Instagram or Threads publish (create container -> wait ->
 * publish). The real connectors run against recorded Graph API answers; the "crash" is a request
 * that never gets an answer, so the attempt stays open exactly as a killed process leaves it. The
 * reconciler then resumes from the stored checkpoint: the same container is published, or the
 * post it already became is recorded, and only when that cannot be told is a person asked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull, isNotNull } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { form } from '../helpers/multipart.ts';
import { FakeFetch, fixture, type Reply } from '../connectors/fake-fetch.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { FetchLike } from '../../src/connectors/http.ts';
import { createInstagramConnector } from '../../src/connectors/instagram/connector.ts';
import { createThreadsConnector } from '../../src/connectors/threads/connector.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { publishVariant } from '../../src/publishing/publisher.ts';
import { reconcilePublishing } from '../../src/publishing/reconcile.ts';
import { postVariants, publishAttempts } from '../../src/publishing/schema.ts';
import { auditEvents } from '../../src/workspaces/schema.ts';

const IG = '17841400008460056';
const CONTAINER = '17889455560051444';
const MEDIA = '17920238422030506';
const rec = (network: string, name: string): Reply => {
  const f = fixture(network, name);
  return { status: f.status, ...(f.headers ? { headers: f.headers } : {}), body: f.body };
};
const ig = (name: string) => rec('instagram', name);
const th = (name: string) => rec('threads', name);

/**
 * Recorded answers, plus the crash: the request matching `crashOn` gets no answer, ever. With
 * `afterSending`, the network received and acted on it first (its recorded answer is used up).
 */
class CrashingNetwork {
  fake = new FakeFetch();
  private crash: { on: RegExp; afterSending: boolean } | null = null;
  crashOn(on: RegExp, afterSending = false) {
    this.crash = { on, afterSending };
  }
  /** Every request, across crashes, as "METHOD /path". */
  readonly log: string[] = [];
  readonly fetch: FetchLike = async (input, init = {}) => {
    const key = `${init.method ?? 'GET'} ${new URL(String(input)).pathname}`;
    this.log.push(key);
    const crash = this.crash;
    if (crash && crash.on.test(key)) {
      this.crash = null;
      if (crash.afterSending) await this.fake.fetch(input, init);
      return new Promise<Response>(() => {});
    }
    return this.fake.fetch(input, init);
  };
  count = (pattern: RegExp) => this.log.filter((k) => pattern.test(k)).length;
}

describe.each(BACKENDS)('resuming Meta container publishes after a crash (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let dataDir: string;
  let mediaId: string;
  const profiles: Record<'instagram' | 'threads', string> = { instagram: '', threads: '' };
  const net = new CrashingNetwork();
  const http = { fetch: net.fetch, sleep: async () => {}, random: () => 0.5, now: () => new Date('2026-11-23T12:00:00Z') };
  const job = { workerId: 'test', logger: createLogger('silent') };

  const variant = async (id: string) => (await t.database.db.select().from(postVariants).where(eq(postVariants.id, id)))[0]!;
  const attempts = (id: string) => t.database.db.select().from(publishAttempts).where(eq(publishAttempts.variantId, id)).orderBy(publishAttempts.id);

  async function scheduled(network: 'instagram' | 'threads', text: string) {
    const body = { text, variants: [{ profileId: profiles[network] }], ...(network === 'instagram' ? { mediaIds: [mediaId] } : {}) };
    const created = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/posts`, body);
    expect(created.statusCode, created.body).toBe(201);
    const done = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/posts/${created.json().post.id}/schedule`, {});
    expect(done.statusCode, done.body).toBe(200);
    return variant(done.json().variants[0].id);
  }

  /** A worker starts the publish and dies at the crash point; returns once its attempt is stuck there. */
  async function crashWhilePublishing(variantId: string, stuckAt: (attempt: typeof publishAttempts.$inferSelect) => boolean) {
    const v = await variant(variantId);
    void publishVariant(t.chorus, v.id, v.version, job); // never settles: the "process" is gone
    const deadline = Date.now() + 10_000;
    for (;;) {
      const open = (await attempts(variantId)).find((a) => a.outcome === null);
      if (open && stuckAt(open) && net.fake.pending === 0) break;
      if (Date.now() > deadline) throw new Error(`the publish never reached its crash point; sent: ${net.log.join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // The lease (1 s here) runs out without waiting for it.
    await t.database.db.update(publishAttempts).set({ startedAt: new Date(Date.now() - 60_000) }).where(and(eq(publishAttempts.variantId, variantId), isNull(publishAttempts.outcome)));
  }

  /** The reconciler's cron, then the job it queued. */
  async function reconcileAndResume(variantId: string) {
    const outcome = await reconcilePublishing(t.chorus, job.logger);
    const v = await variant(variantId);
    expect(outcome.resumed, 'the crashed attempt is resumed, not flagged').toBeGreaterThanOrEqual(1);
    expect(v.status).toBe('scheduled');
    await publishVariant(t.chorus, v.id, v.version, job);
    return variant(variantId);
  }

  const hasCheckpoint = (a: typeof publishAttempts.$inferSelect) => a.checkpoint !== null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'chorus-resume-'));
    const connectors = connectorsFrom([createInstagramConnector({ http }), createThreadsConnector({ http })]);
    t = await createTestApp(backend, { connectors, config: { publishLeaseSeconds: 1, dataDir, publicUrl: 'https://chorus.example' } });
    ({ owner, workspaceId } = await setupOwner(t.app));
    const actor = { userId: null, orgId: (await t.database.db.query.workspaces.findFirst())!.orgId, label: 'test' };
    const key = t.chorus.config.secretKey;
    profiles.instagram = (
      await saveConnection(t.database.db, actor, key, workspaceId, {
        credentials: { network: 'instagram', accountId: IG, accessToken: 'EAAPageToken101', extra: { pageId: '101' } },
        profile: { id: IG, handle: 'choruscoffee' },
      })
    ).id;
    profiles.threads = (
      await saveConnection(t.database.db, actor, key, workspaceId, {
        credentials: { network: 'threads', accountId: '25025320703804740', accessToken: 'THQVJlongLivedToken', expiresAt: '2099-01-01T00:00:00.000Z' },
        profile: { id: '25025320703804740', handle: 'choruscoffee' },
      })
    ).id;
    const jpeg = await sharp({ create: { width: 800, height: 800, channels: 3, background: { r: 120, g: 70, b: 20 } } }).jpeg().toBuffer();
    const { body, contentType } = form([{ name: 'file', value: jpeg, filename: 'beans.jpg', type: 'image/jpeg' }]);
    const uploaded = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/media`, body, { 'content-type': contentType });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    mediaId = uploaded.json().media.id;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('Instagram: dies while the container is processing; the same container is published once', async () => {
    const before = { containers: net.count(/^POST .*\/media$/), publishes: net.count(/media_publish$/) };
    const v = await scheduled('instagram', 'Fresh roast today #coffee');
    net.fake.reply(ig('container_created'));
    net.crashOn(new RegExp(`^GET /v26.0/${CONTAINER}$`));
    await crashWhilePublishing(v.id, hasCheckpoint);
    const [cut] = await attempts(v.id);
    expect(cut!.checkpoint!.state).toEqual({ containerId: CONTAINER, containerCreatedAt: '2026-11-23T12:00:00.000Z' });

    net.fake.reply(ig('container_in_progress')).reply(ig('container_finished')).reply(ig('media_published')).reply(ig('media_permalink'));
    const after = await reconcileAndResume(v.id);
    expect(after).toMatchObject({ status: 'published', remoteId: MEDIA, remoteUrl: 'https://www.instagram.com/p/DCa1b2C3d4E/', lastError: null });
    expect(net.count(/^POST .*\/media$/) - before.containers, 'no second container').toBe(1);
    expect(net.count(/media_publish$/) - before.publishes, 'published once').toBe(1);
    expect((await attempts(v.id)).map((a) => a.outcome)).toEqual(['reconciled', 'published']);
    expect(net.fake.pending).toBe(0);
  });

  it('Instagram: dies after Instagram took media_publish; the post is found and recorded, not published again', async () => {
    const before = { containers: net.count(/^POST .*\/media$/), publishes: net.count(/media_publish$/) };
    const v = await scheduled('instagram', 'Fresh roast today #coffee');
    net.fake.reply(ig('container_created')).reply(ig('container_finished')).reply(ig('media_published'));
    net.crashOn(/media_publish$/, true);
    await crashWhilePublishing(v.id, hasCheckpoint);

    net.fake.reply(ig('container_published')).reply(ig('container_published')).reply(ig('recent_media'));
    const after = await reconcileAndResume(v.id);
    expect(after).toMatchObject({ status: 'published', remoteId: MEDIA, remoteUrl: 'https://www.instagram.com/p/DCa1b2C3d4E/' });
    expect(net.count(/^POST .*\/media$/) - before.containers).toBe(1);
    expect(net.count(/media_publish$/) - before.publishes, 'media_publish sent once, before the crash').toBe(1);
    const [event] = await t.database.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'post.published'), eq(auditEvents.targetId, v.postId)));
    expect(event!.after).toMatchObject({ remoteId: MEDIA, alreadyExisted: true });
  });

  it('Instagram: when the published container cannot be matched to a post, a person is asked', async () => {
    const before = net.count(/media_publish$/);
    const v = await scheduled('instagram', 'A caption no recent media has');
    net.fake.reply(ig('container_created')).reply(ig('container_finished')).reply(ig('media_published'));
    net.crashOn(/media_publish$/, true);
    await crashWhilePublishing(v.id, hasCheckpoint);

    net.fake.reply(ig('container_published')).reply(ig('container_published')).reply(ig('recent_media'));
    const after = await reconcileAndResume(v.id);
    expect(after.status).toBe('needs_attention');
    expect(after.lastError).toContain(CONTAINER);
    expect(net.count(/media_publish$/) - before).toBe(1);
  });

  it('Instagram: dies before any checkpoint (making the container); nothing was posted, so it starts afresh', async () => {
    const before = net.count(/media_publish$/);
    const v = await scheduled('instagram', 'Fresh roast today #coffee');
    net.crashOn(/^POST .*\/media$/);
    await crashWhilePublishing(v.id, () => net.count(/^POST .*\/media$/) > 0 && net.log.at(-1)!.startsWith('POST'));
    expect((await attempts(v.id))[0]!.checkpoint).toBeNull();

    net.fake.reply(ig('container_created')).reply(ig('container_finished')).reply(ig('media_published')).reply(ig('media_permalink'));
    const after = await reconcileAndResume(v.id);
    expect(after).toMatchObject({ status: 'published', remoteId: MEDIA });
    expect(net.count(/media_publish$/) - before).toBe(1);
  });

  it('Threads: dies after threads_publish was taken; the post is found by its text since the container', async () => {
    const before = { containers: net.count(/\/threads$/), publishes: net.count(/threads_publish$/) };
    const v = await scheduled('threads', 'Fresh roast today');
    net.fake.reply(th('container_created')).reply(th('container_finished')).reply(th('published'));
    net.crashOn(/threads_publish$/, true);
    await crashWhilePublishing(v.id, hasCheckpoint);

    net.fake.reply(th('container_published')).reply(th('container_published')).reply(th('threads_since'));
    const after = await reconcileAndResume(v.id);
    expect(after).toMatchObject({ status: 'published', remoteId: '18050206876707110' });
    expect(net.count(/^POST .*\/threads$/) - before.containers).toBe(1);
    expect(net.count(/threads_publish$/) - before.publishes).toBe(1);
  });

  it('a checkpoint made for other content is not resumed: an edited post gets its own container', async () => {
    const v = await scheduled('threads', 'first words');
    net.fake.reply(th('container_created'));
    net.crashOn(/^GET \/v1.0\/17889615691921648$/);
    await crashWhilePublishing(v.id, hasCheckpoint);
    await reconcilePublishing(t.chorus, job.logger);
    const edited = await owner.request('PATCH', `/api/v1/workspaces/${workspaceId}/posts/${v.postId}`, { text: 'Fresh roast today' });
    expect(edited.statusCode, edited.body).toBe(200);
    const current = await variant(v.id);
    net.fake.reply(th('container_created_2')).reply(th('container_finished')).reply(th('published')).reply(th('permalink'));
    await publishVariant(t.chorus, current.id, current.version, job);
    expect((await variant(v.id)).status).toBe('published');
    const sent = net.fake.sent.slice(-4);
    expect(sent[0]!.form().get('text')).toBe('Fresh roast today');
    expect(sent[2]!.form().get('creation_id')).toBe('17889615691921649');
    const rows = await t.database.db.select().from(publishAttempts).where(and(eq(publishAttempts.variantId, v.id), isNotNull(publishAttempts.checkpoint)));
    expect(rows.map((r) => r.checkpoint!.state.containerId)).toEqual(['17889615691921648', '17889615691921649']);
  });
});
