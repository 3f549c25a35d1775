/**
 * X connector against recorded exchanges (fixtures/x, X API v2 shapes).
 */
import { describe, expect, it } from 'vitest';
import type { Credentials, OAuth2Flow } from '../../src/connectors/connector.ts';
import { AuthExpired, OutcomeUnknown, PermissionDenied, RateLimited, Rejected, Transient } from '../../src/connectors/errors.ts';
import { createXConnector } from '../../src/connectors/x/connector.ts';
import { FakeFetch, fixture } from './fake-fetch.ts';

const fx = (name: string) => fixture('x', name);
const app = { clientId: 'client-abc', clientSecret: 'secret-xyz', redirectUri: 'https://chorus.example/oauth/x/callback' };
const creds: Credentials = { network: 'x', accountId: '1460000000000000001', accessToken: 'tok', refreshToken: 'rt-old', expiresAt: '2026-11-23T12:02:00.000Z', extra: { username: 'chorusteam' } };
const setup = () => {
  const fake = new FakeFetch();
  return { fake, x: createXConnector({ http: fake.options() }) };
};

describe('X: OAuth 2.0 with PKCE', () => {
  it('builds the authorization URL, exchanges the code with Basic client auth and reads the user', async () => {
    const { fake, x } = setup();
    const flow = x.auth as OAuth2Flow;
    const req = flow.authorizationUrl(app, { state: 's1' });
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe('https://x.com/i/oauth2/authorize');
    expect(url.searchParams.get('scope')).toBe('tweet.read tweet.write users.read like.read media.write dm.read dm.write offline.access');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(req.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);

    fake.reply(fx('token')).reply(fx('me'));
    const res = await flow.completeAuthorization(app, { code: 'c0de', codeVerifier: req.codeVerifier });
    const tokenReq = fake.sent[0]!;
    expect(`${tokenReq.method} ${tokenReq.url}`).toBe('POST https://api.x.com/2/oauth2/token');
    expect(tokenReq.headers.authorization).toBe(`Basic ${Buffer.from('client-abc:secret-xyz').toString('base64')}`);
    expect(Object.fromEntries(tokenReq.form())).toEqual({ grant_type: 'authorization_code', code: 'c0de', redirect_uri: app.redirectUri, code_verifier: req.codeVerifier, client_id: 'client-abc' });
    expect(res.credentials).toMatchObject({ accountId: '1460000000000000001', accessToken: 'VGhpcyBpcyBhbiBleGFtcGxlIGFjY2VzcyB0b2tlbg', refreshToken: 'bWlzc2lvbiByZWZyZXNoIHRva2Vu', expiresAt: '2026-11-23T14:00:00.000Z' });
    expect(res.profile).toMatchObject({ handle: 'chorusteam', displayName: 'Chorus Team' });
  });

  it('refreshes before expiry, keeps the rotated refresh token, and flags a dead one', async () => {
    const { fake, x } = setup();
    expect(x.needsRefresh(creds)).toBe(true);
    expect(x.needsRefresh({ ...creds, expiresAt: '2026-11-23T13:00:00.000Z' })).toBe(false);
    fake.reply(fx('token_refreshed'));
    const next = await x.refresh(creds, app);
    expect(Object.fromEntries(fake.sent[0]!.form())).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-old', client_id: 'client-abc' });
    expect(next).toMatchObject({ accessToken: 'bmV3IGFjY2VzcyB0b2tlbg', refreshToken: 'cm90YXRlZCByZWZyZXNoIHRva2Vu', accountId: creds.accountId, extra: { username: 'chorusteam' } });

    fake.reply(fx('token_invalid_grant'));
    await expect(x.refresh(creds, app)).rejects.toBeInstanceOf(AuthExpired);
  });
});

describe('X: publishing', () => {
  it('uploads an image, sets its alt text and posts a thread', async () => {
    const { fake, x } = setup();
    fake.reply(fx('media_upload')).reply(fx('media_metadata')).reply(fx('tweet_created')).reply(fx('tweet_created_2'));
    const res = await x.publish(creds, {
      text: 'Launch day!',
      link: { url: 'https://chorus.example/launch' },
      media: [{ kind: 'image', mimeType: 'image/png', data: new Uint8Array(2048), altText: 'Our team at the launch' }],
      idempotencyKey: 'k1',
      thread: [{ text: '2/2 more soon' }],
    });
    expect(res.posts).toEqual([
      { id: '1861000000000000001', url: 'https://x.com/chorusteam/status/1861000000000000001' },
      { id: '1861000000000000002', url: 'https://x.com/chorusteam/status/1861000000000000002' },
    ]);
    expect(fake.sent.map((s) => `${s.method} ${s.url.pathname}`)).toEqual(['POST /2/media/upload', 'POST /2/media/metadata', 'POST /2/tweets', 'POST /2/tweets']);
    expect(fake.sent[0]!.body).toBe('media=<2048 bytes image/png>\nmedia_category=tweet_image');
    expect(fake.sent[0]!.headers.authorization).toBe('Bearer tok');
    expect(fake.sent[1]!.json()).toEqual({ id: '1880028106020515840', metadata: { alt_text: { text: 'Our team at the launch' } } });
    expect(fake.sent[2]!.json()).toEqual({ text: 'Launch day! https://chorus.example/launch', media: { media_ids: ['1880028106020515840'] } });
    expect(fake.sent[3]!.json()).toEqual({ text: '2/2 more soon', reply: { in_reply_to_tweet_id: '1861000000000000001' } });
  });

  it('uploads a video in 4 MB segments and waits for processing before posting', async () => {
    const fake = new FakeFetch();
    const options = fake.options();
    const x = createXConnector({ http: options });
    fake
      .reply(fx('media_initialize')).reply(fx('media_append')).reply(fx('media_append'))
      .reply(fx('media_finalize')).reply(fx('media_status_in_progress')).reply(fx('media_status_succeeded'))
      .reply(fx('tweet_created'));
    const video = { kind: 'video' as const, mimeType: 'video/mp4', data: new Uint8Array(5 * 1024 * 1024) };
    await x.publish(creds, { text: 'Launch day!', media: [video], idempotencyKey: 'v' });
    expect(fake.sent.map((s) => `${s.method} ${s.url.pathname}${s.url.search}`)).toEqual([
      'POST /2/media/upload/initialize',
      'POST /2/media/upload/1880028106020515999/append',
      'POST /2/media/upload/1880028106020515999/append',
      'POST /2/media/upload/1880028106020515999/finalize',
      'GET /2/media/upload?command=STATUS&media_id=1880028106020515999',
      'GET /2/media/upload?command=STATUS&media_id=1880028106020515999',
      'POST /2/tweets',
    ]);
    expect(fake.sent[0]!.json()).toEqual({ media_type: 'video/mp4', total_bytes: 5242880, media_category: 'tweet_video' });
    expect(fake.sent[1]!.body).toBe('segment_index=0\nmedia=<4194304 bytes application/octet-stream>');
    expect(fake.sent[2]!.body).toBe('segment_index=1\nmedia=<1048576 bytes application/octet-stream>');
    expect(options.slept).toEqual([1000, 3000]);
    expect(fake.sent[6]!.json()).toEqual({ text: 'Launch day!', media: { media_ids: ['1880028106020515999'] } });
  });

  it('never retries a publish whose outcome is unknown, and reports a half-published thread', async () => {
    const { fake, x } = setup();
    fake.reply(fx('tweet_created')).reply(fx('error_503'));
    const err = await x.publish(creds, { text: 'one', idempotencyKey: 'k', thread: [{ text: 'two' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OutcomeUnknown);
    expect(err.published).toEqual([{ id: '1861000000000000001', url: 'https://x.com/chorusteam/status/1861000000000000001' }]);
    expect(fake.sent).toHaveLength(2);
  });

  it('maps refusals: duplicate content, bad request, forbidden, expired token, rate limit', async () => {
    const cases = [
      ['error_403_duplicate', Rejected, 'duplicate content'],
      ['error_400', Rejected, 'Tweet text is too long.'],
      ['error_403_forbidden', PermissionDenied, 'not permitted'],
      ['error_401', AuthExpired, 'Unauthorized'],
      ['error_429', RateLimited, 'rate limit'],
    ] as const;
    for (const [name, Type, text] of cases) {
      const { fake, x } = setup();
      fake.reply(fx(name));
      const err = await x.publish(creds, { text: 'x', idempotencyKey: 'k' }).catch((e) => e);
      expect(err, name).toBeInstanceOf(Type);
      expect(err.message).toContain(text);
      if (err instanceof RateLimited) expect(err.retryAfterSeconds).toBe(900);
    }
  });

  it('deletes, and a malformed answer is an InvalidResponse, not a crash', async () => {
    const { fake, x } = setup();
    fake.reply({ body: { data: { deleted: true } } });
    await x.delete(creds, '1861000000000000001');
    expect(`${fake.sent[0]!.method} ${fake.sent[0]!.url}`).toBe('DELETE https://api.x.com/2/tweets/1861000000000000001');
    for (let i = 0; i < 4; i++) fake.reply({ body: { data: { deleted: 'yes' } } });
    await expect(x.delete(creds, '1')).rejects.toMatchObject({ code: 'invalid_response' });
  });
});

describe('X: reading', () => {
  it('reads a post (and null for a missing one, which X answers with 200 + errors)', async () => {
    const { fake, x } = setup();
    fake.reply(fx('tweet_lookup')).reply(fx('tweet_not_found'));
    expect(await x.getPost(creds, '1861000000000000001')).toMatchObject({ text: 'Launch day! https://t.co/abc123', linkUrl: 'https://chorus.example/launch', metrics: { likes: 42, impressions: 1800 } });
    expect(fake.sent[0]!.url.searchParams.get('tweet.fields')).toContain('public_metrics');
    expect(await x.getPost(creds, '1861000000000000999')).toBeNull();
  });

  it('reads metrics for many posts in one call and profile metrics', async () => {
    const { fake, x } = setup();
    fake.reply(fx('tweets_metrics')).reply(fx('me'));
    const metrics = await x.fetchPostMetrics(creds, ['1861000000000000001', '1861000000000000002']);
    expect(fake.sent[0]!.url.searchParams.get('ids')).toBe('1861000000000000001,1861000000000000002');
    expect(metrics[0]).toEqual({ postId: '1861000000000000001', likes: 42, reposts: 7, replies: 3, quotes: 1, bookmarks: 5, impressions: 1800 });
    expect(await x.fetchProfileMetrics(creds)).toEqual({ followers: 5120, following: 88, posts: 1432 });
  });

  it('syncs mentions and DMs since a cursor and answers a DM in its conversation', async () => {
    const { fake, x } = setup();
    fake.on('GET https://api.x.com/2/users/1460000000000000001/mentions', fx('mentions')).on('GET https://api.x.com/2/dm_events', fx('dm_events'));
    const page = await x.fetchConversations(creds);
    expect(page.items.map((i) => [i.kind, i.text, i.author.handle])).toEqual([
      ['mention', 'has anyone tried @chorusteam?', 'bob'],
      ['reply', '@chorusteam congrats!', 'bob'],
      ['dm', 'where is my order?', 'bob'],
    ]);
    expect(JSON.parse(page.cursor!)).toEqual({ m: '1861000000000000012', d: '1861000000000000031' });

    fake.on('GET https://api.x.com/2/users/1460000000000000001/mentions', fx('mentions_empty')).on('GET https://api.x.com/2/dm_events', fx('dm_events'));
    const next = await x.fetchConversations(creds, { since: page.cursor });
    expect(fake.sent[2]!.url.searchParams.get('since_id')).toBe('1861000000000000012');
    expect(next.items).toEqual([]);

    fake.reply(fx('dm_sent'));
    const dm = page.items[2]!;
    const sent = await x.reply(creds, { inReplyTo: dm.id, threadId: dm.threadId!, text: 'on its way', idempotencyKey: 'r' });
    expect(sent.id).toBe('dm:1861000000000000032');
    expect(`${fake.sent[4]!.method} ${fake.sent[4]!.url.pathname}`).toBe('POST /2/dm_conversations/2244994945-1460000000000000001/messages');
    expect(fake.sent[4]!.json()).toEqual({ text: 'on its way' });
  });

  it('searches recent posts with paging, and retries a 503 on reads', async () => {
    const { fake, x } = setup();
    fake.reply(fx('error_503')).reply(fx('search'));
    const page = await x.search(creds, { q: 'chorus -is:retweet' });
    expect(fake.sent).toHaveLength(2);
    expect(fake.sent[1]!.url.searchParams.get('query')).toBe('chorus -is:retweet');
    expect(page).toMatchObject({ items: [{ text: 'chorus is a lovely tool', author: { handle: 'bob' } }], cursor: 'b26v89c19zqg8o3fpzbkk8wlb1wzhzbvkc7xi4e6aaa' });

    for (let i = 0; i < 4; i++) fake.reply(fx('error_503'));
    await expect(x.search(creds, { q: 'x' })).rejects.toBeInstanceOf(Transient);
  });
});
