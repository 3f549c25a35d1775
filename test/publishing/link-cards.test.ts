/**
 * A post with a link goes out to Bluesky with the card the composer previewed
 * (app.bsky.embed.external with title, description and thumbnail), read back from a real local
 * PDS; a page that cannot be read leaves the post without a card, on time.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/db.ts';
import { form } from '../helpers/multipart.ts';
import { waitFor } from '../helpers/wait.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { startAtprotoNetwork, type LocalAtprotoNetwork, type TestAccount } from '../connectors/atproto-network.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { createBlueskyConnector } from '../../src/connectors/bluesky/connector.ts';

let net: LocalAtprotoNetwork;
const accounts: Record<string, TestAccount> = {};
let site: Server;
let siteUrl: string;
let thumbnail: Buffer;
const hits = new Map<string, number>();

beforeAll(async () => {
  thumbnail = await sharp({ create: { width: 120, height: 63, channels: 3, background: { r: 200, g: 80, b: 20 } } }).png().toBuffer();
  site = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/article' || path === '/with-media') {
      return res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<html><head><title>Plain title</title><meta property="og:title" content="Chorus ships link cards"><meta property="og:description" content="What the preview shows is what gets published."><meta property="og:image" content="/thumb.png"></head><body>…</body></html>`,
        );
    }
    if (path === '/thumb.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(thumbnail);
    // Never answers: the post must not wait for it.
    if (path === '/slow') return;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  net = await startAtprotoNetwork('linkcards');
  for (const backend of BACKENDS) accounts[backend] = await net.createAccount(`card${backend}`);
}, 180_000);
afterAll(async () => {
  site?.closeAllConnections();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  await net?.close();
});

interface PostRecord {
  text: string;
  embed?: { $type: string; external?: { uri: string; title: string; description: string; thumb?: { mimeType: string; size: number } } };
}

describe.each(BACKENDS)('link cards published to Bluesky (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  let account: TestAccount;
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  beforeAll(async () => {
    account = accounts[backend]!;
    t = await createTestApp(backend, {
      work: true,
      connectors: connectorsFrom([createBlueskyConnector()]),
      // The local site stands for a public one.
      config: { dataDir: mkdtempSync(join(tmpdir(), 'chorus-cards-')), linkPreviewAllowPrivate: true, publicUrl: 'https://chorus.example' },
    });
    ({ owner, workspaceId } = await setupOwner(t.app));
    const connected = await owner.request('POST', ws('/profiles/app-password'), { network: 'bluesky', serviceUrl: net.pdsUrl, identifier: account.handle, password: account.appPassword });
    expect(connected.statusCode).toBe(201);
    profileId = connected.json().profile.id;
  });
  afterAll(() => t?.close());

  /** Publishes now and returns the record as the PDS holds it, and how long publishing took. */
  async function publish(text: string, extra: Record<string, unknown> = {}) {
    const created = await owner.request('POST', ws('/posts'), { text, variants: [{ profileId }], ...extra });
    expect(created.statusCode, created.body).toBe(201);
    const postId = created.json().post.id;
    const started = Date.now();
    const scheduled = await owner.request('POST', ws(`/posts/${postId}/schedule`), {});
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    await waitFor(async () => (await owner.request('GET', ws(`/posts/${postId}`))).json().variants[0].status === 'published');
    const tookMs = Date.now() - started;
    const { data } = await account.agent.com.atproto.repo.listRecords({ repo: account.did, collection: 'app.bsky.feed.post', limit: 50 });
    const records = data.records.map((r) => r.value as unknown as PostRecord);
    // Each text is unique up to its link, which tracking replaces.
    const record = records.find((r) => r.text.startsWith(text.slice(0, text.indexOf('http'))));
    expect(record, `published record for ${text}`).toBeDefined();
    return { record: record!, tookMs };
  }

  it("carries the previewed card: title, description, thumbnail, and the tracked link that is in the text", async () => {
    const { record } = await publish(`Read this ${backend}# ${siteUrl}/article?ref=launch today`);
    // Tracking is on by default: the text carries a short link, and the card points at it too.
    const inText = /https:\/\/chorus\.example\/l\/[\w-]+/.exec(record.text)?.[0];
    expect(inText).toBeDefined();
    expect(record.embed?.$type).toBe('app.bsky.embed.external');
    expect(record.embed?.external).toMatchObject({ uri: inText, title: 'Chorus ships link cards', description: 'What the preview shows is what gets published.' });
    expect(record.embed?.external?.thumb).toMatchObject({ mimeType: 'image/png', size: thumbnail.byteLength });
  });

  it('goes out without a card, promptly, when the page does not answer', async () => {
    const { record, tookMs } = await publish(`Slow ${backend}# ${siteUrl}/slow is slow`);
    expect(record.embed).toBeUndefined();
    expect(record.text).toMatch(/https:\/\/chorus\.example\/l\//);
    expect(tookMs).toBeLessThan(10_000);
  });

  it('fetches no card for a post with media: the image is the embed', async () => {
    const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 10, g: 10, b: 10 } } }).png().toBuffer();
    const { body, contentType } = form([{ name: 'file', value: image, filename: 'square.png', type: 'image/png' }]);
    const uploaded = await owner.request('POST', ws('/media'), body, { 'content-type': contentType });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const before = hits.get('/with-media') ?? 0;
    const { record } = await publish(`Media ${backend}# ${siteUrl}/with-media and a photo`, { mediaIds: [uploaded.json().media.id] });
    expect(record.embed?.$type).toBe('app.bsky.embed.images');
    expect(hits.get('/with-media') ?? 0).toBe(before);
  });
});
