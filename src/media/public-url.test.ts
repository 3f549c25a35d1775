import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../../test/helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../../test/helpers/app.ts';
import { form } from '../../test/helpers/multipart.ts';
import { connectorsFrom } from '../core/chorus.ts';
import { resetClock, setClock } from '../core/clock.ts';
import { createLogger } from '../core/logger.ts';
import type { Connector, PublishInput } from '../connectors/connector.ts';
import { saveConnection } from '../profiles/service.ts';
import { publishVariant } from '../publishing/publisher.ts';
import { postVariants } from '../publishing/schema.ts';
import { workspaces } from '../workspaces/schema.ts';
import { checkPublicToken } from './public-url.ts';

const received: PublishInput[] = [];
/** A network that, like Instagram, fetches media from a URL instead of taking uploads. */
const fetchesByUrl = {
  info: {
    network: 'instagram',
    displayName: 'Instagram',
    apiVersion: 'v26.0',
    auth: 'oauth2',
    capabilities: ['publish.text', 'publish.images'],
    limits: { text: { maxLength: 2200, counting: 'utf16' }, media: { maxCount: 10, mixed: true, altTextMaxLength: 1000, requiresPublicUrl: true, image: { maxBytes: 8_000_000, mimeTypes: ['image/jpeg', 'image/png'] } } },
    publishIdempotency: 'none',
  },
  auth: { kind: 'oauth2' },
  needsRefresh: () => false,
  async publish(_c: unknown, input: PublishInput) {
    received.push(input);
    return { posts: [{ id: 'ig-1' }] };
  },
} as unknown as Connector;

describe.each(BACKENDS)('signed public media links (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  let mediaId: string;
  let png: Buffer;
  const job = { workerId: 'test', logger: createLogger('silent') };
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  async function publishWithImage(text: string) {
    const created = await owner.request('POST', ws('/posts'), { text, mediaIds: [mediaId], variants: [{ profileId }] });
    const scheduled = await owner.request('POST', ws(`/posts/${created.json().post.id}/schedule`), {});
    const [v] = await t.database.db.select().from(postVariants).where(eq(postVariants.id, scheduled.json().variants[0].id));
    await publishVariant(t.chorus, v!.id, v!.version, job);
    return (await t.database.db.select().from(postVariants).where(eq(postVariants.id, v!.id)))[0]!;
  }

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([fetchesByUrl]), config: { dataDir: mkdtempSync(join(tmpdir(), 'chorus-pm-')), publicUrl: 'https://chorus.example' } });
    ({ owner, workspaceId } = await setupOwner(t.app));
    const [workspace] = await t.database.db.select().from(workspaces);
    profileId = (
      await saveConnection(t.database.db, { userId: null, orgId: workspace!.orgId, label: 't' }, t.chorus.config.secretKey, workspaceId, {
        credentials: { network: 'instagram', accountId: '17841400000000000', accessToken: 'token' },
        profile: { id: '17841400000000000', handle: 'acme' },
      })
    ).id;
    png = await sharp({ create: { width: 320, height: 320, channels: 3, background: { r: 250, g: 180, b: 0 } } }).png().toBuffer();
    const { body, contentType } = form([{ name: 'file', value: png, filename: 'square.png', type: 'image/png' }]);
    mediaId = (await owner.request('POST', ws('/media'), body, { 'content-type': contentType })).json().media.id;
  });
  afterEach(() => resetClock());
  afterAll(() => t?.close());

  it('hands the network a signed link that serves the file, then expires', async () => {
    received.length = 0;
    const variant = await publishWithImage('Square');
    expect(variant.status).toBe('published');
    const url = new URL(received[0]!.media![0]!.url!);
    expect(url.origin).toBe('https://chorus.example');
    const fetched = await t.app.inject({ url: url.pathname });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(fetched.rawPayload, png)).toBe(0);
    const token = url.pathname.split('/').pop()!;
    const tampered = token.replace(mediaId, '00000000-0000-4000-8000-000000000000');
    expect((await t.app.inject({ url: `/media/p/${tampered}` })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/media/p/${token.slice(0, -2)}xx` })).statusCode).toBe(404);
    setClock(() => new Date(Date.now() + 25 * 3600 * 1000));
    expect(checkPublicToken(t.chorus.config.secretKey, token)).toEqual({ ok: false, reason: 'expired' });
    expect((await t.app.inject({ url: url.pathname })).statusCode).toBe(410);
  });

  it('fails clearly, without calling the network, when Chorus cannot be reached from the internet', async () => {
    received.length = 0;
    const publicUrl = t.chorus.config.publicUrl;
    t.chorus.config.publicUrl = 'http://localhost:3000';
    try {
      const variant = await publishWithImage('Unreachable');
      expect(variant.status).toBe('failed');
      expect(variant.lastError).toContain('Set PUBLIC_URL');
      expect(received).toHaveLength(0);
    } finally {
      t.chorus.config.publicUrl = publicUrl;
    }
  });
});
