import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form } from '../helpers/multipart.ts';
import { waitFor } from '../helpers/wait.ts';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, memberWithRole, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { startAtprotoNetwork, type LocalAtprotoNetwork, type TestAccount } from '../connectors/atproto-network.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { createBlueskyConnector } from '../../src/connectors/bluesky/connector.ts';
import { publishAttempts } from '../../src/publishing/schema.ts';

let net: LocalAtprotoNetwork;
const accounts: Record<string, TestAccount> = {};

beforeAll(async () => {
  net = await startAtprotoNetwork('publishing');
  for (const backend of BACKENDS) accounts[backend] = await net.createAccount(`pub${backend}`);
}, 180_000);
afterAll(() => net?.close());

/** The posts really on the network, newest first. */
async function postsOnNetwork(account: TestAccount) {
  const { data } = await account.agent.com.atproto.repo.listRecords({ repo: account.did, collection: 'app.bsky.feed.post', limit: 100 });
  return data.records.map((r) => ({ uri: r.uri, text: (r.value as { text: string }).text }));
}

describe.each(BACKENDS)('publishing to Bluesky (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  let account: TestAccount;
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  beforeAll(async () => {
    account = accounts[backend]!;
    t = await createTestApp(backend, { work: true, connectors: connectorsFrom([createBlueskyConnector()]), config: { dataDir: mkdtempSync(join(tmpdir(), 'chorus-pub-')) } });
    ({ owner, workspaceId } = await setupOwner(t.app));
    const connected = await owner.request('POST', ws('/profiles/app-password'), { network: 'bluesky', serviceUrl: net.pdsUrl, identifier: account.handle, password: account.appPassword });
    expect(connected.statusCode).toBe(201);
    profileId = connected.json().profile.id;
  });
  afterAll(() => t?.close());

  it('publishes three posts scheduled one second apart, each once, on time', async () => {
    const base = Date.now() + 3_000;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await owner.request('POST', ws('/posts'), { text: `Scheduled ${backend} #${i} 🎉`, variants: [{ profileId }] });
      expect(created.statusCode).toBe(201);
      const at = new Date(base + i * 1_000).toISOString();
      const scheduled = await owner.request('POST', ws(`/posts/${created.json().post.id}/schedule`), { when: { at } });
      expect(scheduled.statusCode, scheduled.body).toBe(200);
      expect(scheduled.json().variants[0]).toMatchObject({ status: 'scheduled', scheduledAt: at });
      ids.push(created.json().post.id);
    }
    await waitFor(async () => {
      const states = await Promise.all(ids.map(async (id) => (await owner.request('GET', ws(`/posts/${id}`))).json().variants[0].status));
      return states.every((s) => s === 'published');
    });
    for (const [i, id] of ids.entries()) {
      const variant = (await owner.request('GET', ws(`/posts/${id}`))).json().variants[0];
      const due = base + i * 1_000;
      const publishedAt = new Date(variant.publishedAt).getTime();
      expect(publishedAt).toBeGreaterThanOrEqual(due);
      expect(publishedAt - due).toBeLessThan(3_000);
      expect(variant.remoteUrl).toContain(account.handle);
      const attempts = await t.database.db.select().from(publishAttempts).where(eq(publishAttempts.variantId, variant.id));
      expect(attempts.map((a) => a.outcome)).toEqual(['published']);
    }
    const onNetwork = await postsOnNetwork(account);
    for (let i = 0; i < 3; i++) expect(onNetwork.filter((p) => p.text === `Scheduled ${backend} #${i} 🎉`)).toHaveLength(1);
  });

  it('publishes an image from the media library with its alt text', async () => {
    const image = await sharp({ create: { width: 640, height: 360, channels: 3, background: { r: 30, g: 120, b: 200 } } }).png().toBuffer();
    const { body, contentType } = form([
      { name: 'altText', value: 'A blue rectangle, our new logo' },
      { name: 'file', value: image, filename: 'logo.png', type: 'image/png' },
    ]);
    const uploaded = await owner.request('POST', ws('/media'), body, { 'content-type': contentType });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const mediaId = uploaded.json().media.id;
    const created = await owner.request('POST', ws('/posts'), { text: `With an image ${backend}`, mediaIds: [mediaId], variants: [{ profileId }] });
    expect(created.json().variants[0]).toMatchObject({ mediaIds: [mediaId], problems: [] });
    await owner.request('POST', ws(`/posts/${created.json().post.id}/schedule`), {});
    await waitFor(async () => (await owner.request('GET', ws(`/posts/${created.json().post.id}`))).json().variants[0].status === 'published');
    const { data } = await account.agent.com.atproto.repo.listRecords({ repo: account.did, collection: 'app.bsky.feed.post', limit: 20 });
    const record = data.records.find((r) => (r.value as { text: string }).text === `With an image ${backend}`)!.value as {
      embed: { $type: string; images: { alt: string; aspectRatio?: { width: number; height: number } }[] };
    };
    expect(record.embed.$type).toBe('app.bsky.embed.images');
    expect(record.embed.images[0]).toMatchObject({ alt: 'A blue rectangle, our new logo' });
  });

  it('refuses to schedule what the network would refuse, and says why', async () => {
    const created = await owner.request('POST', ws('/posts'), { text: 'x'.repeat(301), variants: [{ profileId }] });
    expect(created.statusCode).toBe(201); // a draft may be too long while being written
    expect(created.json().variants[0].problems[0]).toMatchObject({ field: 'text', code: 'too_long' });
    const scheduled = await owner.request('POST', ws(`/posts/${created.json().post.id}/schedule`), {});
    expect(scheduled.statusCode).toBe(422);
    expect(scheduled.json().error.code).toBe('post_invalid');
    expect(scheduled.json().error.problems[0]).toMatchObject({ code: 'too_long', handle: account.handle });
    expect((await owner.request('GET', ws(`/posts/${created.json().post.id}`))).json().variants[0].status).toBe('draft');
  });

  it('lets contributors draft but not schedule', async () => {
    const contributor = await memberWithRole(t.app, owner, workspaceId, 'contributor');
    const created = await contributor.api.request('POST', ws('/posts'), { text: 'Draft by a contributor', variants: [{ profileId }] });
    expect(created.statusCode).toBe(201);
    const postId = created.json().post.id;
    expect((await contributor.api.request('POST', ws(`/posts/${postId}/schedule`), {})).statusCode).toBe(403);
    expect((await contributor.api.request('PATCH', ws(`/posts/${postId}`), { text: 'Better draft' })).statusCode).toBe(200);
    const later = new Date(Date.now() + 3600_000).toISOString();
    expect((await owner.request('POST', ws(`/posts/${postId}/schedule`), { when: { at: later } })).statusCode).toBe(200);
    expect((await contributor.api.request('PATCH', ws(`/posts/${postId}`), { text: 'Sneaky change' })).statusCode).toBe(403);
    const log = (await owner.request('GET', ws(`/audit?targetId=${postId}`))).json().events.map((e: { action: string }) => e.action);
    expect(log).toEqual(['post.scheduled', 'post.updated', 'post.created']);
  });

  it('moves a scheduled post, and the old time does nothing', async () => {
    const created = await owner.request('POST', ws('/posts'), { text: `Moved ${backend}`, variants: [{ profileId }] });
    const postId = created.json().post.id;
    const soon = new Date(Date.now() + 2_000).toISOString();
    const scheduled = await owner.request('POST', ws(`/posts/${postId}/schedule`), { when: { at: soon } });
    const variantId = scheduled.json().variants[0].id;
    const later = new Date(Date.now() + 3600_000).toISOString();
    const moved = await owner.request('POST', ws(`/variants/${variantId}/reschedule`), { when: { at: later } });
    expect(moved.json().variants[0]).toMatchObject({ status: 'scheduled', scheduledAt: later });
    await new Promise((r) => setTimeout(r, 4_000));
    expect((await owner.request('GET', ws(`/posts/${postId}`))).json().variants[0].status).toBe('scheduled');
    expect((await postsOnNetwork(account)).filter((p) => p.text === `Moved ${backend}`)).toHaveLength(0);
    const calendar = await owner.request('GET', ws(`/calendar?from=${new Date().toISOString()}&to=${new Date(Date.now() + 7200_000).toISOString()}`));
    expect(calendar.json().items.map((i: { variantId: string }) => i.variantId)).toContain(variantId);
  });

  it('schedules in the workspace time zone', async () => {
    const created = await owner.request('POST', ws('/posts'), { text: 'Local time', variants: [{ profileId }] });
    const scheduled = await owner.request('POST', ws(`/posts/${created.json().post.id}/schedule`), { when: { localTime: '2031-07-01T09:00:00' } });
    // The test workspace is in Europe/Paris: 09:00 there in summer is 07:00 UTC.
    expect(scheduled.json().variants[0].scheduledAt).toBe('2031-07-01T07:00:00.000Z');
    const gap = await owner.request('POST', ws(`/posts/${created.json().post.id}/schedule`), { when: { localTime: '2031-03-30T02:30:00' } });
    expect(gap.statusCode).toBe(422);
    expect(gap.json().error.message).toContain('does not exist');
  });
});
