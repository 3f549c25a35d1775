/**
 * Instagram connector against recorded Instagram Graph API (Facebook Login, v26.0) exchanges,
 * with the container flow in detail: create once, wait (IN_PROGRESS -> FINISHED), publish once.
 */
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/connectors/connector.ts';
import { AuthExpired, NotSupported, PermissionDenied, RateLimited, Rejected } from '../../../src/connectors/errors.ts';
import { createInstagramConnector, instagramInfo } from '../../../src/connectors/instagram/connector.ts';
import { validatePost } from '../../../src/connectors/validate.ts';
import { ContainerNotReady, ContainerOutcomeUnknown } from '../../../src/connectors/meta/containers.ts';
import { FakeFetch, type Reply, fixture } from '../fake-fetch.ts';

const IG = '17841400008460056';
const CONTAINER = '17889455560051444';
const rec = (name: string): Reply => {
  const f = fixture('instagram', name);
  return { status: f.status, ...(f.headers ? { headers: f.headers } : {}), body: f.body };
};
const creds: Credentials = { network: 'instagram', accountId: IG, accessToken: 'EAAPageToken101', extra: { pageId: '101' } };
const app = { clientId: '998877', clientSecret: 'app-secret', redirectUri: 'https://chorus.example/oauth/callback' };
const image = (n: number, altText?: string) => ({ kind: 'image' as const, mimeType: 'image/jpeg', url: `https://cdn.chorus.example/${n}.jpg`, ...(altText ? { altText } : {}) });

function setup() {
  const fake = new FakeFetch();
  const opts = fake.options();
  return { fake, slept: opts.slept, ig: createInstagramConnector({ http: opts }) };
}
const paths = (fake: FakeFetch) => fake.sent.map((r) => `${r.method} ${r.url.pathname}`);

describe('Instagram connect flow', () => {
  it('connects the Instagram account linked to a Page, acting with the checked Page token', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('token_short')).reply(rec('token_long')).reply(rec('permissions')).reply(rec('accounts_with_ig')).reply(rec('debug_token_page')).reply(rec('ig_user'));
    if (ig.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    expect(new URL(ig.auth.authorizationUrl(app, { state: 's' }).url).searchParams.get('scope')).toContain('instagram_content_publish');
    const { credentials, profile } = await ig.auth.completeAuthorization(app, { code: 'AQBcode', codeVerifier: 'x' });
    expect(fake.sent[3]!.url.searchParams.get('fields')).toContain('instagram_business_account{id,username,name,profile_picture_url}');
    expect(fake.sent[4]!.url.searchParams.get('input_token')).toBe('EAAPageToken101');
    expect(fake.sent[5]!.url.pathname).toBe(`/v26.0/${IG}`);
    expect(fake.sent[5]!.headers.authorization).toBe('Bearer EAAPageToken101');
    expect(credentials).toMatchObject({ network: 'instagram', accountId: IG, accessToken: 'EAAPageToken101' });
    expect(credentials.extra).toMatchObject({ tokenType: 'PAGE', pageId: '101', userAccessToken: 'EAAlongUserToken', otherPages: '[]' });
    expect(profile).toMatchObject({ id: IG, handle: 'choruscoffee', url: 'https://www.instagram.com/choruscoffee/' });
  });

  it('refuses to switch to a Page without a linked Instagram account', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('accounts_with_ig'));
    const err = await ig.selectAccount(app, { ...creds, extra: { userAccessToken: 'EAAlongUserToken' } }, '202').catch((e) => e);
    expect(err).toBeInstanceOf(Rejected);
    expect(err.reason).toMatch(/has no Instagram professional account linked/);
  });

  it('explains when no Page has an Instagram professional account linked', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('token_short')).reply(rec('token_long')).reply(rec('permissions')).reply(rec('accounts_no_ig'));
    if (ig.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    const err = await ig.auth.completeAuthorization(app, { code: 'c', codeVerifier: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(PermissionDenied);
    expect(err.message).toMatch(/Instagram Business or Creator account linked/);
  });
});

describe('Instagram publishing', () => {
  it('creates one container, waits while IN_PROGRESS, then publishes it once', async () => {
    const { fake, ig, slept } = setup();
    fake
      .reply(rec('container_created'))
      .reply(rec('container_in_progress'))
      .reply(rec('container_in_progress'))
      .reply(rec('container_finished'))
      .reply(rec('media_published'))
      .reply(rec('media_permalink'));
    const res = await ig.publish(creds, { text: 'Fresh roast today #coffee', media: [image(1, 'Beans in a scoop')], idempotencyKey: 'k1' });
    expect(res).toEqual({ posts: [{ id: '17920238422030506', url: 'https://www.instagram.com/p/DCa1b2C3d4E/' }] });
    expect(paths(fake)).toEqual([
      `POST /v26.0/${IG}/media`,
      `GET /v26.0/${CONTAINER}`,
      `GET /v26.0/${CONTAINER}`,
      `GET /v26.0/${CONTAINER}`,
      `POST /v26.0/${IG}/media_publish`,
      'GET /v26.0/17920238422030506',
    ]);
    expect(Object.fromEntries(fake.sent[0]!.form())).toEqual({ image_url: 'https://cdn.chorus.example/1.jpg', alt_text: 'Beans in a scoop', caption: 'Fresh roast today #coffee' });
    expect(fake.sent[0]!.headers.authorization).toBe('Bearer EAAPageToken101');
    expect(fake.sent[1]!.url.searchParams.get('fields')).toBe('id,status_code,status');
    expect(Object.fromEntries(fake.sent[4]!.form())).toEqual({ creation_id: CONTAINER });
    expect(slept).toEqual([1000, 2000]);
  });

  it('builds a carousel from child containers', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('container_child_1')).reply(rec('container_child_2')).reply(rec('container_created')).reply(rec('container_finished')).reply(rec('media_published')).reply(rec('media_permalink'));
    await ig.publish(creds, { text: 'Two', media: [image(1), { kind: 'video', mimeType: 'video/mp4', url: 'https://cdn.chorus.example/pour.mp4' }], idempotencyKey: 'k' });
    expect(Object.fromEntries(fake.sent[0]!.form())).toEqual({ is_carousel_item: 'true', image_url: 'https://cdn.chorus.example/1.jpg' });
    expect(Object.fromEntries(fake.sent[1]!.form())).toEqual({ is_carousel_item: 'true', media_type: 'VIDEO', video_url: 'https://cdn.chorus.example/pour.mp4' });
    expect(Object.fromEntries(fake.sent[2]!.form())).toEqual({ media_type: 'CAROUSEL', children: '17889455560051401,17889455560051402', caption: 'Two' });
  });

  it('publishes a single video as a reel', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('container_created')).reply(rec('container_finished')).reply(rec('media_published')).reply(rec('media_permalink'));
    await ig.publish(creds, { text: 'Pour', media: [{ kind: 'video', mimeType: 'video/mp4', url: 'https://cdn.chorus.example/pour.mp4' }], idempotencyKey: 'k' });
    expect(Object.fromEntries(fake.sent[0]!.form())).toEqual({ media_type: 'REELS', video_url: 'https://cdn.chorus.example/pour.mp4', caption: 'Pour' });
  });

  it('stops at an ERROR or EXPIRED container with the reason, and never publishes it', async () => {
    for (const [status, pattern] of [['container_error', /could not fetch the media from its URL/], ['container_expired', /expired before it was published/]] as const) {
      const { fake, ig } = setup();
      fake.reply(rec('container_created')).reply(rec(status));
      const err = await ig.publish(creds, { text: 'x', media: [image(1)], idempotencyKey: 'k' }).catch((e) => e);
      expect(err).toBeInstanceOf(Rejected);
      expect(err.reason).toMatch(pattern);
      expect(paths(fake).filter((p) => p.endsWith('/media_publish'))).toEqual([]);
    }
  });

  it('gives up waiting with the container id, and resumes with the same container', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('container_created'));
    for (let i = 0; i < 40; i++) fake.reply(rec('container_in_progress'));
    const err = await ig.publish(creds, { text: 'slow video', media: [image(1)], idempotencyKey: 'k' }).catch((e) => e);
    expect(err).toBeInstanceOf(ContainerNotReady);
    expect(err.containerId).toBe(CONTAINER);
    expect(paths(fake).filter((p) => p.startsWith('POST'))).toEqual([`POST /v26.0/${IG}/media`]);

    const resumed = setup();
    resumed.fake.reply(rec('container_finished')).reply(rec('media_published')).reply(rec('media_permalink'));
    const res = await resumed.ig.publisher.publishContainer(creds, err.containerId);
    expect(res.posts[0]!.id).toBe('17920238422030506');
    expect(paths(resumed.fake).filter((p) => p.endsWith('/media'))).toEqual([]); // no second container
  });

  it('never retries media_publish: an unknown outcome carries the container id', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('container_created')).reply(rec('container_finished')).reply(rec('error_500')).reply(rec('media_published'));
    const err = await ig.publish(creds, { text: 'x', media: [image(1)], idempotencyKey: 'k' }).catch((e) => e);
    expect(err).toBeInstanceOf(ContainerOutcomeUnknown);
    expect(err.containerId).toBe(CONTAINER);
    expect(err.retryable).toBe(false);
    expect(paths(fake).filter((p) => p.endsWith('/media_publish'))).toHaveLength(1);
  });

  it('a resumed container that was already published is found, not published again', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('container_published')).reply(rec('recent_media'));
    const res = await ig.publisher.publishContainer(creds, CONTAINER, 'Fresh roast today #coffee');
    expect(res).toEqual({ posts: [{ id: '17920238422030506', url: 'https://www.instagram.com/p/DCa1b2C3d4E/' }], alreadyExisted: true });
    expect(paths(fake).filter((p) => p.startsWith('POST'))).toEqual([]);
  });

  it('reads the publishing limit as a rate limit', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('container_created')).reply(rec('container_finished')).reply(rec('error_publish_limit'));
    await expect(ig.publish(creds, { text: 'x', media: [image(1)], idempotencyKey: 'k' })).rejects.toBeInstanceOf(RateLimited);
  });

  it('refuses media without public URLs, text-only posts, threads and delete before any call', async () => {
    const { fake, ig } = setup();
    await expect(ig.publish(creds, { text: 'x', media: [{ kind: 'image', mimeType: 'image/jpeg', data: new Uint8Array([1]) }], idempotencyKey: 'k' })).rejects.toThrow(/public URL/);
    await expect(ig.publish(creds, { text: 'just text', idempotencyKey: 'k' })).rejects.toThrow(/at least one image or video/);
    await expect(ig.publish(creds, { text: 'a', media: [image(1)], thread: [{ text: 'b' }], idempotencyKey: 'k' })).rejects.toBeInstanceOf(NotSupported);
    const del = await ig.delete(creds, '17920238422030506').catch((e) => e);
    expect(del).toBeInstanceOf(NotSupported);
    expect(del.message).toMatch(/delete it in the Instagram app/);
    expect(fake.sent).toHaveLength(0);
    expect(ig.info.limits.media.requiresPublicUrl).toBe(true);
    expect(ig.info.limits.text).toMatchObject({ maxLength: 2200, maxHashtags: 30, maxMentions: 20 });
  });
});

describe('Instagram resuming from a checkpoint', () => {
  const post = { text: 'Fresh roast today #coffee', media: [image(1)], idempotencyKey: 'k1' };
  // Made three minutes before the test clock (12:00); the matching media is from 11:58.
  const checkpoint = { containerId: CONTAINER, containerCreatedAt: '2026-11-23T11:57:00.000Z' };
  const posts = (fake: FakeFetch) => paths(fake).filter((p) => p.startsWith('POST'));

  it('reports the container before publishing it, and waits until the checkpoint is stored', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('container_created')).reply(rec('container_finished')).reply(rec('media_published')).reply(rec('media_permalink'));
    const seen: { checkpoint: unknown; sentBefore: string[] }[] = [];
    const res = await ig.publish(creds, {
      ...post,
      onCheckpoint: async (checkpoint) => {
        await new Promise((r) => setTimeout(r, 20)); // a slow database must still come first
        seen.push({ checkpoint, sentBefore: paths(fake) });
      },
    });
    expect(res.posts[0]!.id).toBe('17920238422030506');
    expect(seen).toEqual([{ checkpoint: { containerId: CONTAINER, containerCreatedAt: '2026-11-23T12:00:00.000Z' }, sentBefore: [`POST /v26.0/${IG}/media`] }]);
  });

  it('publishes the checkpointed container, never a second one', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('container_in_progress')).reply(rec('container_finished')).reply(rec('media_published')).reply(rec('media_permalink'));
    const checkpoints: unknown[] = [];
    const res = await ig.publish(creds, { ...post, resume: checkpoint, onCheckpoint: async (c) => void checkpoints.push(c) });
    expect(res).toEqual({ posts: [{ id: '17920238422030506', url: 'https://www.instagram.com/p/DCa1b2C3d4E/' }] });
    expect(fake.sent[0]!.url.searchParams.get('fields')).toBe('id,status_code');
    expect(posts(fake)).toEqual([`POST /v26.0/${IG}/media_publish`]);
    expect(Object.fromEntries(fake.sent[2]!.form())).toEqual({ creation_id: CONTAINER });
    expect(checkpoints).toEqual([]);
  });

  it('finds the post a published container became, made since the container and with its caption', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('container_published')).reply(rec('container_published')).reply(rec('recent_media'));
    const res = await ig.publish(creds, { ...post, resume: checkpoint });
    expect(res).toEqual({ posts: [{ id: '17920238422030506', url: 'https://www.instagram.com/p/DCa1b2C3d4E/' }], alreadyExisted: true });
    expect(posts(fake)).toEqual([]);
    expect(fake.sent[2]!.url.pathname).toBe(`/v26.0/${IG}/media`);
  });

  it('cannot tell when no recent media, or only older media, has the caption: unknown, nothing sent', async () => {
    for (const text of ['Another caption', 'Yesterday']) {
      const { fake, ig } = setup();
      fake.reply(rec('container_published')).reply(rec('container_published')).reply(rec('recent_media'));
      const err = await ig.publish(creds, { ...post, text, resume: checkpoint }).catch((e) => e);
      expect(err).toBeInstanceOf(ContainerOutcomeUnknown);
      expect(err.containerId).toBe(CONTAINER);
      expect(posts(fake)).toEqual([]);
    }
  });

  it('makes a new container when the old one expired unpublished, and checkpoints that one', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('container_expired')).reply(rec('container_child_1')).reply(rec('container_finished')).reply(rec('media_published')).reply(rec('media_permalink'));
    const checkpoints: unknown[] = [];
    await ig.publish(creds, { ...post, resume: checkpoint, onCheckpoint: async (c) => void checkpoints.push(c) });
    expect(posts(fake)).toEqual([`POST /v26.0/${IG}/media`, `POST /v26.0/${IG}/media_publish`]);
    expect(checkpoints).toEqual([{ containerId: '17889455560051401', containerCreatedAt: '2026-11-23T12:00:00.000Z' }]);
    expect(fake.sent[3]!.form().get('creation_id')).toBe('17889455560051401');
  });

  it('a container Instagram no longer knows is unknown within its 24 hours, and replaced after them', async () => {
    const early = setup();
    early.fake.reply(rec('error_not_found'));
    const err = await early.ig.publish(creds, { ...post, resume: checkpoint }).catch((e) => e);
    expect(err).toBeInstanceOf(ContainerOutcomeUnknown);
    expect(posts(early.fake)).toEqual([]);

    const late = setup();
    late.fake.reply(rec('error_not_found')).reply(rec('container_created')).reply(rec('container_finished')).reply(rec('media_published')).reply(rec('media_permalink'));
    await late.ig.publish(creds, { ...post, resume: { ...checkpoint, containerCreatedAt: '2026-11-22T11:00:00.000Z' } });
    expect(posts(late.fake)).toEqual([`POST /v26.0/${IG}/media`, `POST /v26.0/${IG}/media_publish`]);
  });
});

describe('Instagram reading', () => {
  it('reads media, and null for media that does not exist', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('media')).reply(rec('error_not_found'));
    expect(await ig.getPost(creds, '17920238422030506')).toMatchObject({
      id: '17920238422030506',
      text: 'Fresh roast today #coffee',
      createdAt: '2026-11-23T11:58:00.000Z',
      mediaCount: 2,
      metrics: { likes: 128, replies: 9 },
    });
    expect(await ig.getPost(creds, '1790000000')).toBeNull();
  });

  it('lists its own media since an instant, newest first, for reconciling', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('recent_media'));
    const posts = await ig.findRecentPosts!(creds, { since: '2026-11-23T00:00:00Z' });
    expect(fake.sent[0]!.url.pathname).toBe(`/v26.0/${IG}/media`);
    expect(posts.map((p) => p.id)).toEqual(['17920238422030506']);
  });

  it('reads counts and insights, and the follower count', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('media_counts')).reply(rec('media_insights')).reply(rec('ig_user_counts'));
    expect(await ig.fetchPostMetrics(creds, ['17920238422030506'])).toEqual([{ postId: '17920238422030506', likes: 128, replies: 9, views: 5120, bookmarks: 31, shares: 12 }]);
    expect(fake.sent[1]!.url.searchParams.get('metric')).toBe('reach,saved,shares,views');
    expect(await ig.fetchProfileMetrics(creds)).toEqual({ followers: 12840, following: 311, posts: 415 });
  });

  it('reads comments, replies and tags newer than the cursor, leaving out its own answers', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('media_with_comments')).reply(rec('tags')).reply({ body: { data: [] } });
    const res = await ig.fetchConversations(creds, { since: '2026-11-23T00:00:00Z' });
    expect(fake.sent[0]!.url.searchParams.get('fields')).toContain('replies{');
    expect(fake.sent[1]!.url.pathname).toBe(`/v26.0/${IG}/tags`);
    expect(res.items.map((i) => [i.kind, i.id, i.inReplyTo, i.threadId])).toEqual([
      ['mention', '17900000000000077', undefined, 'mention:17900000000000077'],
      ['comment', '17858893269000001', '17920238422030506', '17858893269000001'],
      ['reply', '17858893269000003', '17858893269000001', '17858893269000001'],
    ]);
    expect(res.items[1]!.author).toEqual({ id: '17841401111111111', handle: 'ada.l' });
    expect(res.cursor).toBe('2026-11-23T12:12:00.000Z');
  });

  it('still reads comments when the token may not read tags', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('media_with_comments')).reply(rec('error_10_permission')).reply(rec('error_10_permission'));
    const res = await ig.fetchConversations(creds);
    expect(res.items.map((i) => i.id)).toEqual(['17858893269000009', '17858893269000001', '17858893269000003']);
  });

  it('answers under a comment, on a mention, and on its own media', async () => {
    const { fake, ig } = setup();
    for (let i = 0; i < 3; i++) fake.reply(rec('comment_created'));
    await ig.reply(creds, { inReplyTo: '17858893269000003', threadId: '17858893269000001', text: 'Glad you liked it', idempotencyKey: 'a' });
    await ig.reply(creds, { inReplyTo: '17900000000000077', threadId: 'mention:17900000000000077', text: 'Thank you!', idempotencyKey: 'b' });
    await ig.reply(creds, { inReplyTo: '17920238422030506', text: 'Now on sale', idempotencyKey: 'c' });
    expect(paths(fake)).toEqual(['POST /v26.0/17858893269000001/replies', `POST /v26.0/${IG}/mentions`, 'POST /v26.0/17920238422030506/comments']);
    expect(Object.fromEntries(fake.sent[1]!.form())).toEqual({ media_id: '17900000000000077', message: 'Thank you!' });
  });

  it('searches one hashtag', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('hashtag_search')).reply(rec('hashtag_recent_media'));
    const res = await ig.search(creds, { q: '#coffee', limit: 10 });
    expect(Object.fromEntries(fake.sent[0]!.url.searchParams)).toEqual({ user_id: IG, q: 'coffee' });
    expect(fake.sent[1]!.url.pathname).toBe('/v26.0/17843853986012965/recent_media');
    expect(res.items[0]).toMatchObject({ id: '18000000000000001', text: 'Morning #coffee' });
    expect(res.cursor).toBe('QVFIUkRFc');
    await expect(ig.search(creds, { q: 'two words' })).rejects.toBeInstanceOf(Rejected);
  });

  it('reads dead tokens and business use-case limits', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('error_190')).reply(rec('error_buc_instagram'));
    const dead = await ig.getProfile(creds).catch((e) => e);
    expect(dead).toBeInstanceOf(AuthExpired);
    expect(dead.message).toMatch(/password changed/);
    const limited = await ig.getProfile(creds).catch((e) => e);
    expect(limited).toBeInstanceOf(RateLimited);
    expect(limited.retryAfterSeconds).toBe(120);
    expect(fake.sent).toHaveLength(2); // two minutes is longer than the helper waits: no retry
  });
});

describe('Instagram limits', () => {
  it('declares 2,200 characters, JPEG images by public URL, and mixed carousels', () => {
    const url = (n: number) => ({ kind: 'image' as const, mimeType: 'image/jpeg', url: `https://cdn.chorus.example/${n}.jpg` });
    expect(validatePost(instagramInfo, { text: 'x'.repeat(2200), media: [url(1)] })).toEqual([]);
    expect(validatePost(instagramInfo, { text: 'x'.repeat(2201), media: [url(1)] }).map((p) => p.code)).toEqual(['too_long']);
    expect(validatePost(instagramInfo, { text: 'x', media: [{ kind: 'image', mimeType: 'image/png', url: 'https://cdn.chorus.example/a.png' }] }).map((p) => p.code)).toEqual(['type_not_allowed']);
    expect(validatePost(instagramInfo, { text: 'x', media: [{ kind: 'image', mimeType: 'image/jpeg', data: new Uint8Array([1]) }] }).map((p) => p.code)).toEqual(['needs_url']);
    expect(validatePost(instagramInfo, { text: 'x', media: [url(1), { kind: 'video', mimeType: 'video/mp4', url: 'https://cdn.chorus.example/v.mp4' }] })).toEqual([]);
  });
});
