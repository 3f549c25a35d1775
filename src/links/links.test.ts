import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../../test/helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../../test/helpers/app.ts';
import { connectorsFrom } from '../core/chorus.ts';
import { createLogger } from '../core/logger.ts';
import type { Connector, PublishInput } from '../connectors/connector.ts';
import { Transient } from '../connectors/errors.ts';
import { saveConnection } from '../profiles/service.ts';
import { publishVariant } from '../publishing/publisher.ts';
import { postVariants } from '../publishing/schema.ts';
import { workspaces } from '../workspaces/schema.ts';
import { agentClass, findUrls, utmValue, withUtm } from './service.ts';
import { linkClicks } from './schema.ts';

describe('link helpers', () => {
  it('finds http(s) URLs with their positions, not bare domains', () => {
    const text = 'Read https://example.com/a?b=1, and http://x.org. Not example.net 🎉 https://例え.jp/パス';
    const urls = findUrls(text);
    expect(urls.map((u) => u.url)).toEqual(['https://example.com/a?b=1', 'http://x.org', 'https://例え.jp/パス']);
    for (const u of urls) expect(text.slice(u.start, u.end)).toBe(u.url);
  });
  it('adds UTM tags without overriding the author\'s own', () => {
    expect(withUtm('https://shop.example/p?utm_source=newsletter&id=3', { utm_source: 'x', utm_medium: 'social', utm_campaign: '' })).toBe(
      'https://shop.example/p?utm_source=newsletter&id=3&utm_medium=social',
    );
    expect(utmValue('Été Sale 2026!')).toBe('ete-sale-2026');
  });
  it('classifies clients coarsely', () => {
    expect(agentClass('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148')).toBe('mobile');
    expect(agentClass('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120')).toBe('desktop');
    expect(agentClass('Twitterbot/1.0')).toBe('bot');
    expect(agentClass(undefined)).toBe('other');
  });
});

describe.each(BACKENDS)('tracked links in published posts (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  const received: PublishInput[] = [];
  let failNext = false;
  const connector = {
    info: { network: 'mastodon', displayName: 'Mastodon', apiVersion: 'v1', auth: 'oauth2', capabilities: ['publish.text'], limits: { text: { maxLength: 500, counting: 'mastodon', urlLength: 23 }, media: { maxCount: 4, mixed: false, altTextMaxLength: 1500 } }, publishIdempotency: 'idempotency-header' },
    auth: { kind: 'oauth2' },
    needsRefresh: () => false,
    async publish(_c: unknown, input: PublishInput) {
      received.push(input);
      if (failNext) {
        failNext = false;
        throw new Transient('mastodon', 'Bad gateway');
      }
      return { posts: [{ id: String(received.length), url: `https://social.example/@acme/${received.length}` }] };
    },
  } as unknown as Connector;
  const job = { workerId: 'test', logger: createLogger('silent') };
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  async function publish(text: string, campaignId?: string) {
    const created = await owner.request('POST', ws('/posts'), { text, variants: [{ profileId }], ...(campaignId ? { campaignId } : {}) });
    const scheduled = await owner.request('POST', ws(`/posts/${created.json().post.id}/schedule`), {});
    const variantId = scheduled.json().variants[0].id;
    for (let i = 0; i < 3; i++) {
      const [v] = await t.database.db.select().from(postVariants).where(eq(postVariants.id, variantId));
      if (v!.status !== 'scheduled') break;
      await publishVariant(t.chorus, v!.id, v!.version, job);
    }
    return created.json().post.id as string;
  }

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([connector]), config: { publicUrl: 'https://chorus.example' } });
    ({ owner, workspaceId } = await setupOwner(t.app));
    const [workspace] = await t.database.db.select().from(workspaces);
    const profile = await saveConnection(t.database.db, { userId: null, orgId: workspace!.orgId, label: 'test' }, t.chorus.config.secretKey, workspaceId, {
      credentials: { network: 'mastodon', accountId: '7', accessToken: 't', serviceUrl: 'https://social.example' },
      profile: { id: '7', handle: 'acme@social.example' },
    });
    profileId = profile.id;
  });
  afterAll(() => t?.close());

  it('publishes short links tagged with network, medium and campaign; clicks are counted without bots', async () => {
    const campaign = await owner.request('POST', ws('/campaigns'), { name: 'Spring Sale', color: '#16a34a' });
    received.length = 0;
    failNext = true; // the first attempt fails: the retry must send the very same text
    const postId = await publish('New: https://shop.example/spring and https://blog.example/why?ref=1 🌷', campaign.json().campaign.id);
    expect(received).toHaveLength(2);
    expect(received[1]!.text).toBe(received[0]!.text);
    const shortLinks = received[1]!.text.match(/https:\/\/chorus\.example\/l\/[\w-]+/g)!;
    expect(shortLinks).toHaveLength(2);
    expect(received[1]!.text).toMatch(/^New: https:\/\/chorus\.example\/l\/[\w-]+ and https:\/\/chorus\.example\/l\/[\w-]+ 🌷$/);
    const path = new URL(shortLinks[0]!).pathname;
    const click = await t.app.inject({ url: path, headers: { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile', referer: 'https://social.example/@acme/2?x=1' } });
    expect(click.statusCode).toBe(302);
    const target = new URL(click.headers.location as string);
    expect(target.origin + target.pathname).toBe('https://shop.example/spring');
    expect(Object.fromEntries(target.searchParams)).toEqual({ utm_source: 'mastodon', utm_medium: 'social', utm_campaign: 'spring-sale' });
    await t.app.inject({ url: path, headers: { 'user-agent': 'Twitterbot/1.0' } });
    const second = new URL((await t.app.inject({ url: new URL(shortLinks[1]!).pathname })).headers.location as string);
    expect(second.searchParams.get('ref')).toBe('1');
    const stats = (await owner.request('GET', ws(`/posts/${postId}/links`))).json().links;
    expect(stats.find((l: { originalUrl: string }) => l.originalUrl === 'https://shop.example/spring').clicks).toBe(1);
    const stored = await t.database.db.select().from(linkClicks);
    expect(stored.map((c) => c.referrerHost)).toContain('social.example');
    expect(Object.keys(stored[0]!)).not.toContain('ip');
  });

  it('answers unknown codes with 404 and leaves links alone when shortening is off', async () => {
    expect((await t.app.inject({ url: '/l/nope-nope' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/l/%3Cscript%3E' })).statusCode).toBe(404);
    const off = await owner.request('PUT', ws('/link-settings'), { shortenLinks: false, utmMedium: 'social', defaultCampaign: '' });
    expect(off.statusCode).toBe(200);
    received.length = 0;
    await publish('Plain https://example.com/x');
    expect(received[0]!.text).toBe('Plain https://example.com/x');
  });
});
