/**
 * Threads connector against recorded Threads API v1.0 exchanges: connect and token refresh,
 * the container flow for posts, threads and replies, delete, inbox, insights and search.
 */
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/connectors/connector.ts';
import { AuthExpired, InvalidCredentials, Rejected, Transient } from '../../../src/connectors/errors.ts';
import { ContainerOutcomeUnknown } from '../../../src/connectors/meta/containers.ts';
import { createThreadsConnector, threadsInfo } from '../../../src/connectors/threads/connector.ts';
import { validatePost } from '../../../src/connectors/validate.ts';
import { ThreadPartiallyPublished } from '../../../src/connectors/threads/publish.ts';
import { FakeFetch, type Reply, fixture, networkError } from '../fake-fetch.ts';

const UID = '25025320703804740';
const T = 'https://graph.threads.net';
const rec = (name: string): Reply => {
  const f = fixture('threads', name);
  return { status: f.status, ...(f.headers ? { headers: f.headers } : {}), body: f.body };
};
const creds: Credentials = { network: 'threads', accountId: UID, accessToken: 'THQVJlongLivedToken', expiresAt: '2027-01-20T00:00:00.000Z' };
const app = { clientId: '776655', clientSecret: 'threads-secret', redirectUri: 'https://chorus.example/oauth/threads' };

function setup() {
  const fake = new FakeFetch();
  const opts = fake.options();
  return { fake, slept: opts.slept, th: createThreadsConnector({ http: opts }) };
}
const paths = (fake: FakeFetch) => fake.sent.map((r) => `${r.method} ${r.url.pathname}`);
/** Queue a whole container flow: create, FINISHED, publish, permalink. */
const flow = (fake: FakeFetch, n: '' | '_2' = '') =>
  fake.reply(rec(`container_created${n}`)).reply(rec('container_finished')).reply(rec(`published${n}`)).reply(rec(`permalink${n}`));

describe('Threads connect and refresh', () => {
  it('builds the Threads authorization URL', () => {
    const { th } = setup();
    if (th.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    const url = new URL(th.auth.authorizationUrl(app, { state: 's' }).url);
    expect(url.origin + url.pathname).toBe('https://threads.com/oauth/authorize');
    expect(url.searchParams.get('scope')).toBe(
      'threads_basic,threads_content_publish,threads_manage_replies,threads_read_replies,threads_manage_insights,threads_keyword_search,threads_delete,threads_manage_mentions',
    );
    expect(url.searchParams.get('response_type')).toBe('code');
  });

  it('exchanges the code, then the short token for a 60-day one, and reads the account from /me', async () => {
    const { fake, th } = setup();
    fake.reply(rec('token_short')).reply(rec('token_long')).reply(rec('me'));
    if (th.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    const { credentials, profile } = await th.auth.completeAuthorization(app, { code: 'AQDcode', codeVerifier: 'x' });
    const [code, long, me] = fake.sent;
    expect(`${code!.method} ${code!.url}`).toBe(`POST ${T}/oauth/access_token`);
    expect(Object.fromEntries(code!.form())).toEqual({ client_id: '776655', client_secret: 'threads-secret', grant_type: 'authorization_code', redirect_uri: app.redirectUri, code: 'AQDcode' });
    expect(long!.url.origin + long!.url.pathname).toBe(`${T}/access_token`);
    expect(Object.fromEntries(long!.url.searchParams)).toEqual({ grant_type: 'th_exchange_token', client_secret: 'threads-secret', access_token: 'THQVJshortLivedToken' });
    expect(me!.url.toString()).toBe(`${T}/v1.0/me?fields=id%2Cusername%2Cname%2Cthreads_profile_picture_url`);
    expect(me!.headers.authorization).toBe('Bearer THQVJlongLivedToken');
    // The id survives exactly (the token answer's numeric user_id would not).
    expect(credentials).toMatchObject({ network: 'threads', accountId: UID, accessToken: 'THQVJlongLivedToken', expiresAt: '2027-01-22T11:59:04.000Z' });
    expect(credentials.refreshToken).toBeUndefined();
    expect(credentials.extra).toEqual({ username: 'choruscoffee' });
    expect(profile).toMatchObject({ id: UID, handle: 'choruscoffee', url: 'https://www.threads.net/@choruscoffee' });
  });

  it('reports a refused code as invalid credentials, once', async () => {
    const { fake, th } = setup();
    fake.reply(rec('error_code'));
    if (th.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    await expect(th.auth.completeAuthorization(app, { code: 'bad', codeVerifier: 'x' })).rejects.toBeInstanceOf(InvalidCredentials);
    expect(fake.sent).toHaveLength(1);
  });

  it('refreshes ten days ahead with th_refresh_token, and a dead token is AuthExpired', async () => {
    const { fake, th } = setup();
    const now = new Date('2026-11-23T12:00:00Z');
    expect(th.needsRefresh({ ...creds, expiresAt: '2026-11-28T12:00:00Z' }, now)).toBe(true);
    expect(th.needsRefresh({ ...creds, expiresAt: '2026-12-23T12:00:00Z' }, now)).toBe(false);
    fake.reply(rec('token_refreshed')).reply(rec('error_190'));
    const fresh = await th.refresh(creds);
    expect(fake.sent[0]!.url.origin + fake.sent[0]!.url.pathname).toBe(`${T}/refresh_access_token`);
    expect(Object.fromEntries(fake.sent[0]!.url.searchParams)).toEqual({ grant_type: 'th_refresh_token', access_token: 'THQVJlongLivedToken' });
    expect(fresh).toEqual({ ...creds, accessToken: 'THQVJrefreshedToken', expiresAt: '2027-01-22T11:59:04.000Z' });
    await expect(th.refresh(creds)).rejects.toBeInstanceOf(AuthExpired);
  });
});

describe('Threads publishing', () => {
  it('publishes a text post with a link preview: container, status, threads_publish, permalink', async () => {
    const { fake, th } = setup();
    flow(fake);
    const res = await th.publish(creds, { text: 'Fresh roast today', link: { url: 'https://chorus.example/roast' }, idempotencyKey: 'k' });
    expect(res.posts).toEqual([{ id: '18050206876707110', url: 'https://www.threads.net/@choruscoffee/post/DCabc123' }]);
    expect(paths(fake)).toEqual([`POST /v1.0/${UID}/threads`, 'GET /v1.0/17889615691921648', `POST /v1.0/${UID}/threads_publish`, 'GET /v1.0/18050206876707110']);
    expect(Object.fromEntries(fake.sent[0]!.form())).toEqual({ media_type: 'TEXT', text: 'Fresh roast today', link_attachment: 'https://chorus.example/roast' });
    expect(fake.sent[0]!.headers.authorization).toBe('Bearer THQVJlongLivedToken');
    expect(fake.sent[1]!.url.searchParams.get('fields')).toBe('id,status,error_message');
    expect(Object.fromEntries(fake.sent[2]!.form())).toEqual({ creation_id: '17889615691921648' });
  });

  it('chains a thread with reply_to_id, and a reply answers the message given', async () => {
    const { fake, th } = setup();
    flow(fake);
    flow(fake, '_2');
    const res = await th.publish(creds, { text: 'one', thread: [{ text: 'two' }], idempotencyKey: 'k' });
    expect(res.posts.map((p) => p.id)).toEqual(['18050206876707110', '18050206876707111']);
    expect(fake.sent[4]!.form().get('reply_to_id')).toBe('18050206876707110');

    const second = setup();
    flow(second.fake);
    await second.th.reply(creds, { inReplyTo: '18000000000000203', text: 'See you tomorrow', idempotencyKey: 'r' });
    expect(Object.fromEntries(second.fake.sent[0]!.form())).toEqual({ media_type: 'TEXT', text: 'See you tomorrow', reply_to_id: '18000000000000203' });
  });

  it('reports a thread cut short as an unknown outcome naming the posts that exist', async () => {
    const { fake, th } = setup();
    flow(fake);
    fake.reply(rec('container_created_2')).reply(rec('container_finished')).reply(rec('error_500'));
    const err = await th.publish(creds, { text: 'one', thread: [{ text: 'two' }], idempotencyKey: 'k' }).catch((e) => e);
    expect(err).toBeInstanceOf(ThreadPartiallyPublished);
    expect(err.retryable).toBe(false);
    expect(err.published.map((p: { id: string }) => p.id)).toEqual(['18050206876707110']);
    expect(err.cause).toBeInstanceOf(ContainerOutcomeUnknown);
    expect(paths(fake).filter((p) => p.endsWith('/threads_publish'))).toHaveLength(2);
  });

  it('publishes a carousel with alt text after waiting for processing', async () => {
    const { fake, th, slept } = setup();
    fake
      .reply(rec('container_child_1'))
      .reply(rec('container_child_2'))
      .reply(rec('container_created'))
      .reply(rec('container_in_progress'))
      .reply(rec('container_finished'))
      .reply(rec('published'))
      .reply(rec('permalink'));
    const img = (n: number) => ({ kind: 'image' as const, mimeType: 'image/jpeg', url: `https://cdn.chorus.example/${n}.jpg`, altText: `cup ${n}` });
    await th.publish(creds, { text: 'Cups', media: [img(1), img(2)], idempotencyKey: 'k' });
    expect(Object.fromEntries(fake.sent[0]!.form())).toEqual({ media_type: 'IMAGE', image_url: 'https://cdn.chorus.example/1.jpg', is_carousel_item: 'true', alt_text: 'cup 1' });
    expect(Object.fromEntries(fake.sent[2]!.form())).toEqual({ media_type: 'CAROUSEL', children: '17889615691921601,17889615691921602', text: 'Cups' });
    expect(slept).toEqual([1000]);
  });

  it('stops at an ERROR container with its message, and needs public media URLs', async () => {
    const { fake, th } = setup();
    fake.reply(rec('container_created')).reply(rec('container_error'));
    const err = await th.publish(creds, { text: 'v', media: [{ kind: 'video', mimeType: 'video/mp4', url: 'https://cdn.chorus.example/v.mp4' }], idempotencyKey: 'k' }).catch((e) => e);
    expect(err).toBeInstanceOf(Rejected);
    expect(err.reason).toMatch(/FAILED_DOWNLOADING_VIDEO/);
    expect(Object.fromEntries(fake.sent[0]!.form())).toMatchObject({ media_type: 'VIDEO', video_url: 'https://cdn.chorus.example/v.mp4' });
    expect(paths(fake).filter((p) => p.endsWith('/threads_publish'))).toEqual([]);
    await expect(th.publish(creds, { text: 'x', media: [{ kind: 'image', mimeType: 'image/png', data: new Uint8Array([1]) }], idempotencyKey: 'k' })).rejects.toThrow(/public URL/);
  });

  it('retries container creation on 5xx (no post exists yet) but never threads_publish', async () => {
    const { fake, th } = setup();
    fake.reply(rec('error_500')).reply(rec('container_created')).reply(rec('container_finished')).reply(rec('error_500'));
    const err = await th.publish(creds, { text: 'x', idempotencyKey: 'k' }).catch((e) => e);
    expect(err).toBeInstanceOf(ContainerOutcomeUnknown);
    expect(err.containerId).toBe('17889615691921648');
    expect(paths(fake)).toEqual([`POST /v1.0/${UID}/threads`, `POST /v1.0/${UID}/threads`, 'GET /v1.0/17889615691921648', `POST /v1.0/${UID}/threads_publish`]);
  });

  it('deletes, and a post already gone counts as deleted', async () => {
    const { fake, th } = setup();
    fake.reply(rec('deleted')).reply(rec('error_not_found'));
    await th.delete(creds, '18050206876707110');
    await th.delete(creds, '18050206876700000');
    expect(`${fake.sent[0]!.method} ${fake.sent[0]!.url}`).toBe(`DELETE ${T}/v1.0/18050206876707110`);
  });
});

describe('Threads resuming a thread from a checkpoint', () => {
  const FIRST = { id: '18050206876707110', url: 'https://www.threads.net/@choruscoffee/post/DCabc123' };
  const C2 = '17889615691921649';
  const thread = { text: 'one', thread: [{ text: 'two' }], idempotencyKey: 'k' };
  const posts = (fake: FakeFetch) => paths(fake).filter((p) => p.startsWith('POST'));

  it('checkpoints each container before publishing it and each post once it is out', async () => {
    const { fake, th } = setup();
    flow(fake);
    flow(fake, '_2');
    const seen: { checkpoint: unknown; sent: number }[] = [];
    await th.publish(creds, { ...thread, onCheckpoint: async (checkpoint) => void seen.push({ checkpoint, sent: fake.sent.length }) });
    const at = '2026-11-23T12:00:00.000Z';
    expect(seen).toEqual([
      { checkpoint: { published: [], containerId: '17889615691921648', containerCreatedAt: at }, sent: 1 },
      { checkpoint: { published: [FIRST] }, sent: 4 },
      { checkpoint: { published: [FIRST], containerId: C2, containerCreatedAt: at }, sent: 5 },
    ]);
  });

  it('continues after the posts already out, publishing the checkpointed container of the next', async () => {
    const { fake, th } = setup();
    fake.reply(rec('container_finished')).reply(rec('container_finished')).reply(rec('published_2')).reply(rec('permalink_2'));
    const res = await th.publish(creds, { ...thread, resume: { published: [FIRST], containerId: C2, containerCreatedAt: '2026-11-23T11:59:00.000Z' } });
    expect(res.posts.map((p) => p.id)).toEqual([FIRST.id, '18050206876707111']);
    expect(posts(fake)).toEqual([`POST /v1.0/${UID}/threads_publish`]);
    expect(fake.sent[0]!.url.pathname).toBe(`/v1.0/${C2}`);
    expect(fake.sent[2]!.form().get('creation_id')).toBe(C2);
  });

  it('finds the reply a published container became: same text, answering the same post, made since', async () => {
    const { fake, th } = setup();
    fake.reply(rec('container_published')).reply(rec('container_published')).reply(rec('replies_thread_part'));
    const res = await th.publish(creds, { ...thread, resume: { published: [FIRST], containerId: C2, containerCreatedAt: '2026-11-23T11:59:00.000Z' } });
    expect(res.posts).toEqual([FIRST, { id: '18050206876707111', url: 'https://www.threads.net/@choruscoffee/post/DCabc124' }]);
    expect(posts(fake)).toEqual([]);
    const lookup = fake.sent[2]!;
    expect(lookup.url.pathname).toBe(`/v1.0/${UID}/replies`);
    expect(lookup.url.searchParams.get('since')).toBe(String(Date.parse('2026-11-23T11:59:00Z') / 1000 - 300));
  });

  it('starts the next post afresh when the checkpoint has no container, or its container expired', async () => {
    const after = setup();
    flow(after.fake, '_2');
    const res = await after.th.publish(creds, { ...thread, resume: { published: [FIRST] } });
    expect(res.posts.map((p) => p.id)).toEqual([FIRST.id, '18050206876707111']);
    expect(after.fake.sent[0]!.form().get('reply_to_id')).toBe(FIRST.id);
    expect(posts(after.fake)).toEqual([`POST /v1.0/${UID}/threads`, `POST /v1.0/${UID}/threads_publish`]);

    const expired = setup();
    expired.fake.reply(rec('container_expired'));
    flow(expired.fake, '_2');
    await expired.th.publish(creds, { ...thread, resume: { published: [FIRST], containerId: C2, containerCreatedAt: '2026-11-22T11:00:00.000Z' } });
    expect(posts(expired.fake)).toEqual([`POST /v1.0/${UID}/threads`, `POST /v1.0/${UID}/threads_publish`]);
  });

  it('lets a transient failure mid-thread through when progress is checkpointed, so it is retried, not flagged', async () => {
    const { fake, th } = setup();
    flow(fake);
    // Creating the second container cannot reach Threads, through every retry: nothing was sent.
    for (let i = 0; i < 4; i++) fake.reply(networkError('ECONNREFUSED'));
    const err = await th.publish(creds, { ...thread, onCheckpoint: async () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(Transient);
    expect(err).not.toBeInstanceOf(ThreadPartiallyPublished);
    expect(fake.pending).toBe(0);
  });
});

describe('Threads reading', () => {
  it('reads a post and its insights, and the follower count', async () => {
    const { fake, th } = setup();
    fake.reply(rec('media')).reply(rec('media_insights')).reply(rec('user_insights_followers')).reply(rec('error_not_found'));
    expect(await th.getPost(creds, '18050206876707110')).toMatchObject({ id: '18050206876707110', text: 'Fresh roast today', createdAt: '2026-11-23T11:30:00.000Z', linkUrl: 'https://chorus.example/roast', mediaCount: 0 });
    expect(await th.fetchPostMetrics(creds, ['18050206876707110'])).toEqual([{ postId: '18050206876707110', views: 2400, likes: 88, replies: 6, reposts: 4, quotes: 2, shares: 9 }]);
    expect(fake.sent[1]!.url.searchParams.get('metric')).toBe('views,likes,replies,reposts,quotes,shares');
    expect(await th.fetchProfileMetrics(creds)).toEqual({ followers: 3412 });
    expect(fake.sent[2]!.url.pathname).toBe(`/v1.0/${UID}/threads_insights`);
    expect(await th.getPost(creds, '18050206876700000')).toBeNull();
  });

  it('reads replies at every depth and mentions, newer than the cursor and not its own', async () => {
    const { fake, th } = setup();
    fake.reply(rec('own_threads')).reply(rec('conversation')).reply(rec('mentions'));
    const res = await th.fetchConversations({ ...creds, extra: { username: 'choruscoffee' } }, { since: '2026-11-23T11:00:00Z' });
    expect(fake.sent[1]!.url.pathname).toBe('/v1.0/18050206876707110/conversation');
    expect(res.items.map((i) => [i.kind, i.id, i.inReplyTo, i.threadId])).toEqual([
      ['mention', '18000000000000301', undefined, '18000000000000301'],
      ['reply', '18000000000000201', '18050206876707110', '18050206876707110'],
      ['reply', '18000000000000203', '18000000000000202', '18050206876707110'],
    ]);
    expect(res.cursor).toBe('2026-11-23T11:50:00.000Z');
  });

  it('lists its own posts and replies since an instant, newest first, for reconciling', async () => {
    const { fake, th } = setup();
    fake.reply(rec('threads_since')).reply(rec('replies_since'));
    const posts = await th.findRecentPosts!(creds, { since: '2026-11-23T11:00:00Z' });
    expect(paths(fake)).toEqual([`GET /v1.0/${UID}/threads`, `GET /v1.0/${UID}/replies`]);
    expect(fake.sent[0]!.url.searchParams.get('since')).toBe('1795431600');
    expect(posts.map((p) => p.id)).toEqual(['18000000000000202', '18050206876707110']);
  });

  it('looks up its own username when the credentials do not carry it, and skips mentions it may not read', async () => {
    const { fake, th } = setup();
    fake.reply(rec('me')).reply(rec('own_threads')).reply(rec('conversation')).reply(rec('error_10_mentions'));
    const res = await th.fetchConversations(creds);
    expect(fake.sent[0]!.url.pathname).toBe('/v1.0/me');
    expect(res.items.map((i) => i.id)).toEqual(['18000000000000201', '18000000000000203']);
  });

  it('searches recent public posts by keyword', async () => {
    const { fake, th } = setup();
    fake.reply(rec('keyword_search'));
    const res = await th.search(creds, { q: 'flat white', limit: 10 });
    const req = fake.sent[0]!;
    expect(req.url.pathname).toBe('/v1.0/keyword_search');
    expect(req.url.searchParams.get('q')).toBe('flat white');
    expect(req.url.searchParams.get('search_type')).toBe('RECENT');
    expect(res.items[0]).toMatchObject({ id: '18000000000000401', text: 'Best flat white?', author: { handle: 'alan.t' } });
    expect(res.cursor).toBe('QVFIUl');
  });

  it('waits out a short 429 on reads, and retries 5xx until it gives up', async () => {
    const { fake, th, slept } = setup();
    fake.reply(rec('error_429')).reply(rec('me'));
    expect((await th.getProfile(creds)).handle).toBe('choruscoffee');
    expect(slept).toEqual([1000]);

    const second = setup();
    for (let i = 0; i < 4; i++) second.fake.reply(rec('error_500'));
    await expect(second.th.getProfile(creds)).rejects.toBeInstanceOf(Transient);
    expect(second.fake.sent).toHaveLength(4);
  });
});

describe('Threads limits', () => {
  it('counts emoji by their UTF-8 bytes against 500, as Threads documents', () => {
    expect(validatePost(threadsInfo, { text: '👍'.repeat(125) })).toEqual([]); // 500
    expect(validatePost(threadsInfo, { text: '👍'.repeat(126) }).map((p) => p.code)).toEqual(['too_long']);
    expect(validatePost(threadsInfo, { text: 'a'.repeat(500) })).toEqual([]);
    const local = { kind: 'image' as const, mimeType: 'image/jpeg', data: new Uint8Array([1]) };
    expect(validatePost(threadsInfo, { text: 'x', media: [local] }).map((p) => p.code)).toEqual(['needs_url']);
  });
});
