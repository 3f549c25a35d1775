/**
 * What the composer asks the server while someone types: @mention and #hashtag suggestions, link
 * cards (with their SSRF refusals) and the live check of text with its media.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, memberWithRole, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { form } from '../helpers/multipart.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { newId } from '../../src/core/crypto.ts';
import { createMastodonConnector } from '../../src/connectors/mastodon/connector.ts';
import { createXConnector } from '../../src/connectors/x/connector.ts';
import { createInstagramConnector } from '../../src/connectors/instagram/connector.ts';
import { createBlueskyConnector } from '../../src/connectors/bluesky/connector.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { conversations } from '../../src/inbox/schema.ts';
import { LINK_PREVIEW_DEFAULTS } from '../../src/links/preview/service.ts';
import { FakeFetch, fixture } from '../connectors/fake-fetch.ts';

/** A local site: a page with a card, a huge page, a page that never answers, a redirect inside. */
async function startSite() {
  const server: Server = createServer((req, res) => {
    if (req.url === '/article') {
      return res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<html><head><title>Fallback</title><meta property="og:title" content="Spring launch"><meta property="og:description" content="Everything new this spring."><meta property="og:image" content="/cover.jpg"></head><body>…</body></html>');
    }
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><head><title>Big');
      return res.end('x'.repeat(1_300_000));
    }
    if (req.url === '/slow') return; // never answers
    if (req.url === '/image') return res.writeHead(200, { 'content-type': 'image/png' }).end('png');
    if (req.url === '/to-metadata') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 30, g: 90, b: 160 } } }).png().toBuffer();

describe.each(BACKENDS)('composer assistance (%s)', (backend) => {
  let t: TestApp;
  let strict: TestApp;
  let owner: Client;
  let workspaceId: string;
  let dataDir: string;
  let site: Awaited<ReturnType<typeof startSite>>;
  const mastodonFetch = new FakeFetch();
  const profiles: Record<string, string> = {};
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  beforeAll(async () => {
    site = await startSite();
    dataDir = mkdtempSync(join(tmpdir(), 'chorus-compose-'));
    LINK_PREVIEW_DEFAULTS.timeoutMs = 1500;
    const connectors = connectorsFrom([
      createMastodonConnector({ http: mastodonFetch.options() }),
      createXConnector(),
      createInstagramConnector(),
      createBlueskyConnector(),
    ]);
    t = await createTestApp(backend, { connectors, config: { dataDir, linkPreviewAllowPrivate: true } });
    ({ owner, workspaceId } = await setupOwner(t.app));
    const orgId = (await t.database.db.query.workspaces.findFirst())!.orgId;
    const actor = { userId: null, orgId, label: 'test' };
    const connect = async (network: 'mastodon' | 'x' | 'instagram' | 'bluesky', handle: string, serviceUrl?: string) =>
      (
        await saveConnection(t.database.db, actor, t.chorus.config.secretKey, workspaceId, {
          credentials: { network, accountId: `${network}-1`, accessToken: `${network}-token`, ...(serviceUrl ? { serviceUrl } : {}) },
          profile: { id: `${network}-1`, handle },
        })
      ).id;
    profiles.mastodon = await connect('mastodon', 'chorusteam', 'https://social.example');
    profiles.x = await connect('x', 'acme');
    profiles.instagram = await connect('instagram', 'acme.shop');
    profiles.bluesky = await connect('bluesky', 'acme.bsky.social', 'https://pds.example');

    // The default configuration, with private addresses refused.
    strict = await createTestApp(backend, { connectors });
  });

  afterAll(async () => {
    await t?.close();
    await strict?.close();
    site?.server.closeAllConnections();
    await new Promise((resolve) => site?.server.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('suggests Mastodon accounts from the instance search, each as @user@instance', async () => {
    mastodonFetch.on('GET https://social.example/api/v2/search', fixture('mastodon', 'search_accounts'));
    const response = await owner.request('GET', ws(`/profiles/${profiles.mastodon}/mention-suggestions?q=@ali`));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      source: 'network',
      suggestions: [
        { handle: 'alice@social.example', displayName: 'Alice Example', avatarUrl: 'https://social.example/system/accounts/avatars/alice.png', insert: '@alice@social.example' },
        { handle: 'alicia@other.example', displayName: null, avatarUrl: 'https://social.example/system/cache/accounts/avatars/alicia.png', insert: '@alicia@other.example' },
      ],
    });
    const sent = mastodonFetch.sent.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer mastodon-token');
    expect(sent.url.searchParams.get('q')).toBe('ali');
  });

  it('falls back to people the workspace knows when the network has no people search, or it fails', async () => {
    await t.database.db.insert(conversations).values([
      { id: newId(), workspaceId, profileId: profiles.x!, network: 'x', remoteThreadId: 't1', kind: 'mention', authorRemoteId: '11', authorHandle: 'samira_dev', authorName: 'Samira', lastMessageAt: new Date('2026-11-01T10:00:00Z') },
      { id: newId(), workspaceId, profileId: profiles.x!, network: 'x', remoteThreadId: 't2', kind: 'reply', authorRemoteId: '12', authorHandle: 'sam_ops', authorName: null, lastMessageAt: new Date('2026-11-02T10:00:00Z') },
      { id: newId(), workspaceId, profileId: profiles.x!, network: 'x', remoteThreadId: 't3', kind: 'mention', authorRemoteId: '13', authorHandle: 'bob', authorName: 'Bob', lastMessageAt: new Date('2026-11-03T10:00:00Z') },
    ]);
    const draft = await owner.request('POST', ws('/posts'), { text: 'Thanks @sammy_writes and @samira_dev! #SpringLaunch #spring', variants: [{ profileId: profiles.x }] });
    expect(draft.statusCode, draft.body).toBe(201);

    const response = await owner.request('GET', ws(`/profiles/${profiles.x}/mention-suggestions?q=sam`));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().source).toBe('workspace');
    expect(response.json().suggestions.map((s: { insert: string }) => s.insert)).toEqual(['@sam_ops', '@samira_dev', '@sammy_writes']);

    // A LIKE wildcard typed by someone matches itself only.
    const wildcard = await owner.request('GET', ws(`/profiles/${profiles.x}/mention-suggestions?q=s%25`));
    expect(wildcard.json().suggestions).toEqual([]);

    for (let i = 0; i < 5; i++) mastodonFetch.on('GET https://social.example/api/v2/search', fixture('mastodon', 'error_429'));
    const failed = await owner.request('GET', ws(`/profiles/${profiles.mastodon}/mention-suggestions?q=ali`));
    expect(failed.statusCode, failed.body).toBe(200);
    expect(failed.json()).toEqual({ source: 'workspace', suggestions: [] });
  });

  it('suggests hashtags used before, the most used first', async () => {
    await owner.request('POST', ws('/posts'), { text: 'More #SpringLaunch news', variants: [{ profileId: profiles.mastodon }] });
    const response = await owner.request('GET', ws('/hashtag-suggestions?q=%23spr'));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().hashtags).toEqual([
      { tag: 'SpringLaunch', uses: 2 },
      { tag: 'spring', uses: 1 },
    ]);
  });

  it('checks the suggestion input and who may ask', async () => {
    expect((await owner.request('GET', ws(`/profiles/${profiles.x}/mention-suggestions?q=s`))).statusCode).toBe(422);
    expect((await owner.request('GET', ws(`/profiles/${newId()}/mention-suggestions?q=sam`))).statusCode).toBe(404);
    const analyst = await memberWithRole(t.app, owner, workspaceId, 'analyst');
    expect((await analyst.api.request('GET', ws(`/profiles/${profiles.x}/mention-suggestions?q=sam`))).statusCode).toBe(403);
    expect((await analyst.api.request('GET', ws(`/link-preview?url=${encodeURIComponent(`${site.base}/article`)}`))).statusCode).toBe(403);
  });

  it('reads the link card of a page', async () => {
    const response = await owner.request('GET', ws(`/link-preview?url=${encodeURIComponent(`${site.base}/article`)}`));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().card).toEqual({ url: `${site.base}/article`, title: 'Spring launch', description: 'Everything new this spring.', image: `${site.base}/cover.jpg`, siteName: null });
  });

  it('refuses oversized pages, slow sites, non-pages and other schemes with a clear reason', async () => {
    const ask = (url: string) => owner.request('GET', ws(`/link-preview?url=${encodeURIComponent(url)}`));
    const huge = await ask(`${site.base}/huge`);
    expect(huge.statusCode).toBe(422);
    expect(huge.json().error).toMatchObject({ code: 'link_preview_too_large', field: 'url' });
    const started = Date.now();
    const slow = await ask(`${site.base}/slow`);
    expect(slow.json().error.code).toBe('link_preview_timeout');
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await ask(`${site.base}/image`)).json().error.code).toBe('link_preview_not_html');
    expect((await ask(`${site.base}/missing`)).json().error.code).toBe('link_preview_http_status');
    expect((await ask('file:///etc/passwd')).json().error.code).toBe('link_preview_scheme');
    expect((await ask('ftp://example.com/')).json().error.code).toBe('link_preview_scheme');
  });

  it('by default refuses loopback, link-local (cloud metadata) and private addresses, also after a redirect', async () => {
    const strictOwner = (await setupOwner(strict.app)).owner;
    const strictWs = (await strict.database.db.query.workspaces.findFirst())!.id;
    const ask = (url: string) => strictOwner.request('GET', `/api/v1/workspaces/${strictWs}/link-preview?url=${encodeURIComponent(url)}`);
    const port = new URL(site.base).port;
    for (const url of [`${site.base}/article`, `http://localhost:${port}/article`, 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://10.0.0.1/', `http://[::ffff:127.0.0.1]:${port}/article`]) {
      const response = await ask(url);
      expect(response.statusCode, url).toBe(422);
      expect(response.json().error.code, url).toBe('link_preview_blocked');
    }
    // A redirect from an allowed site to a private address: src/links/preview/preview.test.ts (it needs a site this policy allows).
  });

  it('checks the media going with a text against each network, live', async () => {
    const upload = async (image: Buffer, altText: string) => {
      const { body, contentType } = form([{ name: 'altText', value: altText }, { name: 'file', value: image, filename: 'a.png', type: 'image/png' }]);
      const response = await owner.request('POST', ws('/media'), body, { 'content-type': contentType });
      expect(response.statusCode, response.body).toBe(201);
      return response.json().media.id as string;
    };
    const wide = await upload(await png(1200, 400), 'A wide banner');
    const square = await upload(await png(600, 600), 'x'.repeat(1500));
    const check = (mediaIds: string[], text = 'Hello') => owner.request('POST', ws('/compose/check'), { text, profileIds: [profiles.instagram, profiles.bluesky, profiles.x], mediaIds });

    const answer = await check([wide]);
    expect(answer.statusCode, answer.body).toBe(200);
    const byNetwork = Object.fromEntries(answer.json().results.map((r: { network: string; problems: { message: string }[] }) => [r.network, r.problems.map((p) => p.message)]));
    expect(byNetwork.instagram).toEqual(expect.arrayContaining([expect.stringContaining('image/png is not accepted'), expect.stringContaining('too wide')]));
    expect(byNetwork.bluesky).toEqual([]);

    const altTooLong = await check([square, square, square, square, square], '');
    const problems = Object.fromEntries(altTooLong.json().results.map((r: { network: string; problems: { code: string; field: string }[] }) => [r.network, r.problems]));
    expect(problems.bluesky).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'media', code: 'too_many' })]));
    expect(problems.x).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'altText', code: 'too_long' })]));
    // Media alone make a post: no "empty" problem once media go with it.
    expect(problems.bluesky.some((p: { code: string }) => p.code === 'empty')).toBe(false);
    expect((await check([], '')).json().results.every((r: { problems: { code: string }[] }) => r.problems.some((p) => p.code === 'empty'))).toBe(true);

    const foreign = await check([newId()]);
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().error.field).toBe('mediaIds');
  });
});
