/**
 * Facebook Pages connector against recorded Graph API v26.0 exchanges: what Chorus sends (URL,
 * method, token, form) and how it reads the answers, errors included.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/connectors/connector.ts';
import {
  AuthExpired,
  InvalidCredentials,
  InvalidResponse,
  NotSupported,
  OutcomeUnknown,
  PermissionDenied,
  RateLimited,
  Rejected,
} from '../../../src/connectors/errors.ts';
import { createFacebookConnector } from '../../../src/connectors/facebook/connector.ts';
import { FakeFetch, type Reply, fixture, networkError } from '../fake-fetch.ts';

const G = 'https://graph.facebook.com/v26.0';
const rec = (name: string): Reply => {
  const f = fixture('facebook', name);
  return { status: f.status, ...(f.headers ? { headers: f.headers } : {}), body: f.body };
};
const page: Credentials = { network: 'facebook', accountId: '101', accessToken: 'EAAPageToken101' };
const app = { clientId: '998877', clientSecret: 'app-secret', redirectUri: 'https://chorus.example/oauth/callback' };
const html = (status: number): Reply => ({ status, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>Sorry, something went wrong.</body></html>' });

const paths = (fake: FakeFetch) => fake.sent.map((r) => `${r.method} ${r.url.pathname}`);

function setup() {
  const fake = new FakeFetch();
  const opts = fake.options();
  return { fake, slept: opts.slept, fb: createFacebookConnector({ http: opts }) };
}

describe('Facebook connect flow', () => {
  it('builds the Login dialog URL for the named Graph version with comma-separated scopes', () => {
    const { fb } = setup();
    if (fb.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    const req = fb.auth.authorizationUrl(app, { state: 's1' });
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe('https://www.facebook.com/v26.0/dialog/oauth');
    expect(url.searchParams.get('client_id')).toBe('998877');
    expect(url.searchParams.get('redirect_uri')).toBe(app.redirectUri);
    expect(url.searchParams.get('state')).toBe('s1');
    expect(url.searchParams.get('scope')?.split(',')).toContain('pages_manage_posts');
    expect(url.searchParams.get('scope')?.split(',')).toContain('pages_messaging');
  });

  it('exchanges code -> user token -> long-lived token -> Page token, and checks the Page token', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('token_short')).reply(rec('token_long')).reply(rec('permissions')).reply(rec('accounts')).reply(rec('debug_token_page'));
    if (fb.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    const { credentials, profile } = await fb.auth.completeAuthorization(app, { code: 'AQBcode', codeVerifier: 'unused' });

    const [code, long, perms, accounts, debug] = fake.sent;
    expect(code!.method).toBe('GET');
    expect(code!.url.origin + code!.url.pathname).toBe(`${G}/oauth/access_token`);
    expect(Object.fromEntries(code!.url.searchParams)).toEqual({ client_id: '998877', client_secret: 'app-secret', code: 'AQBcode', redirect_uri: app.redirectUri });
    expect(long!.url.searchParams.get('grant_type')).toBe('fb_exchange_token');
    expect(long!.url.searchParams.get('fb_exchange_token')).toBe('EAAshortUserToken');
    expect(perms!.url.pathname).toBe('/v26.0/me/permissions');
    expect(perms!.headers.authorization).toBe('Bearer EAAlongUserToken');
    expect(accounts!.url.pathname).toBe('/v26.0/me/accounts');
    expect(accounts!.url.searchParams.get('fields')).toContain('tasks');
    expect(accounts!.headers.authorization).toBe('Bearer EAAlongUserToken');
    expect(debug!.url.pathname).toBe('/v26.0/debug_token');
    expect(debug!.url.searchParams.get('input_token')).toBe('EAAPageToken101');
    expect(debug!.headers.authorization).toBe('Bearer 998877|app-secret');

    // appsecret_proof (for apps that require it): HMAC-SHA256 of the token, keyed with the secret.
    const proof = (token: string) => createHmac('sha256', 'app-secret').update(token).digest('hex');
    expect(perms!.url.searchParams.get('appsecret_proof')).toBe(proof('EAAlongUserToken'));
    expect(accounts!.url.searchParams.get('appsecret_proof')).toBe(proof('EAAlongUserToken'));
    expect(credentials.extra!.appSecretProof).toBe(proof('EAAPageToken101'));
    expect(credentials).toMatchObject({ network: 'facebook', accountId: '101', accessToken: 'EAAPageToken101' });
    expect(credentials.expiresAt).toBeUndefined(); // Page tokens from long-lived user tokens do not expire
    expect(credentials.extra).toMatchObject({ tokenType: 'PAGE', userAccessToken: 'EAAlongUserToken', pageTasks: expect.stringContaining('CREATE_CONTENT') });
    expect(credentials.extra!.userAccessTokenExpiresAt).toBe('2027-01-22T11:59:04.000Z');
    expect(JSON.parse(credentials.extra!.otherPages!)).toEqual([{ id: '202', name: 'Chorus Bakery' }]);
    expect(profile).toEqual({ id: '101', handle: 'choruscoffee', displayName: 'Chorus Coffee', avatarUrl: 'https://scontent.xx.fbcdn.net/v/t39.30808-1/101.jpg', url: 'https://www.facebook.com/choruscoffee' });
  });

  it('refuses a user token where a Page token is needed', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('token_short')).reply(rec('token_long')).reply(rec('permissions')).reply(rec('accounts')).reply(rec('debug_token_user'));
    if (fb.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    const err = await fb.auth.completeAuthorization(app, { code: 'c', codeVerifier: 'v' }).catch((e) => e);
    expect(err).toBeInstanceOf(PermissionDenied);
    expect(err.message).toMatch(/USER token where a Page token/);
  });

  it('refuses a Page token issued to another app', async () => {
    const { fake, fb } = setup();
    const other = rec('debug_token_page');
    (other.body as { data: { app_id: string } }).data.app_id = '111111';
    fake.reply(rec('token_short')).reply(rec('token_long')).reply(rec('permissions')).reply(rec('accounts')).reply(other);
    if (fb.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    await expect(fb.auth.completeAuthorization(app, { code: 'c', codeVerifier: 'v' })).rejects.toThrow(/issued to another app \(111111\)/);
  });

  it('refuses Pages the user cannot create content on, Logins without Pages, and declined permissions', async () => {
    for (const [accounts, perms, pattern] of [
      ['accounts_analyst_only', 'permissions', /cannot create content on the Page "Chorus Bakery"/],
      ['accounts_empty', 'permissions', /No Facebook Page was shared/],
      [undefined, 'permissions_declined', /did not grant pages_manage_posts/],
    ] as const) {
      const { fake, fb } = setup();
      fake.reply(rec('token_short')).reply(rec('token_long')).reply(rec(perms));
      if (accounts) fake.reply(rec(accounts));
      if (fb.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
      const err = await fb.auth.completeAuthorization(app, { code: 'c', codeVerifier: 'v' }).catch((e) => e);
      expect(err).toBeInstanceOf(PermissionDenied);
      expect(err.message).toMatch(pattern);
      expect(fake.pending).toBe(0);
    }
  });

  it('switches to another of the user\'s Pages with the stored user token, and refuses Pages without content rights', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('accounts_two_editors')).reply(rec('debug_token_page_303')).reply(rec('accounts'));
    const connected: Credentials = { ...page, scopes: ['pages_show_list'], extra: { userAccessToken: 'EAAlongUserToken', userAccessTokenExpiresAt: '2027-01-22T11:59:04.000Z' } };
    const { credentials, profile } = await fb.selectPage(app, connected, '303');
    expect(fake.sent[0]!.url.pathname).toBe('/v26.0/me/accounts');
    expect(fake.sent[0]!.headers.authorization).toBe('Bearer EAAlongUserToken');
    expect(fake.sent[1]!.url.searchParams.get('input_token')).toBe('EAAPageToken303');
    expect(credentials).toMatchObject({ accountId: '303', accessToken: 'EAAPageToken303', scopes: ['pages_show_list'], extra: { userAccessToken: 'EAAlongUserToken', userAccessTokenExpiresAt: '2027-01-22T11:59:04.000Z' } });
    expect(JSON.parse(credentials.extra!.otherPages!)).toEqual([{ id: '101', name: 'Chorus Coffee' }]);
    expect(profile).toMatchObject({ id: '303', handle: 'Chorus Roastery' });

    await expect(fb.selectPage(app, connected, '202')).rejects.toThrow(/cannot create content on the Page "Chorus Bakery"/);
    await expect(fb.selectPage(app, page, '303')).rejects.toBeInstanceOf(PermissionDenied); // no user token kept
  });

  it('reports a used code as invalid credentials without redeeming it twice', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('error_code_used')).reply(rec('token_short'));
    if (fb.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    const err = await fb.auth.completeAuthorization(app, { code: 'c', codeVerifier: 'v' }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidCredentials);
    expect(err.message).toMatch(/authorization code has been used/);
    expect(fake.sent).toHaveLength(1);
  });
});

describe('Facebook publishing', () => {
  it('posts text with a link to /{page-id}/feed with the Page token, once', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('feed_created'));
    const res = await fb.publish(page, { text: 'Fresh roast today', link: { url: 'https://chorus.example/roast' }, idempotencyKey: 'k1' });
    expect(res.posts).toEqual([{ id: '101_9001', url: 'https://www.facebook.com/101/posts/9001' }]);
    const req = fake.sent[0]!;
    expect(req.method).toBe('POST');
    expect(req.url.toString()).toBe(`${G}/101/feed`);
    expect(req.headers.authorization).toBe('Bearer EAAPageToken101');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(req.form())).toEqual({ message: 'Fresh roast today', link: 'https://chorus.example/roast' });
  });

  it('sends the stored appsecret_proof with every call made with the Page token', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('feed_created')).reply(rec('post')).reply(rec('deleted'));
    const withProof: Credentials = { ...page, extra: { appSecretProof: 'f00d' } };
    await fb.publish(withProof, { text: 'x', idempotencyKey: 'k' });
    await fb.getPost(withProof, '101_9001');
    await fb.delete(withProof, '101_9001');
    for (const req of fake.sent) expect(req.url.searchParams.get('appsecret_proof')).toBe('f00d');
    expect(fake.sent[0]!.form().get('appsecret_proof')).toBeNull(); // in the query, not the post body
  });

  it('posts one photo by URL with alt text, keeping the link in the caption', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('photo_published'));
    const res = await fb.publish(page, {
      text: 'New mugs',
      link: { url: 'https://chorus.example/shop' },
      media: [{ kind: 'image', mimeType: 'image/jpeg', url: 'https://cdn.chorus.example/mug.jpg', altText: 'A blue mug' }],
      idempotencyKey: 'k2',
    });
    expect(res.posts[0]!.id).toBe('101_9002');
    expect(fake.sent[0]!.url.pathname).toBe('/v26.0/101/photos');
    expect(Object.fromEntries(fake.sent[0]!.form())).toEqual({
      caption: 'New mugs\n\nhttps://chorus.example/shop',
      published: 'true',
      alt_text_custom: 'A blue mug',
      url: 'https://cdn.chorus.example/mug.jpg',
    });
  });

  it('uploads bytes as multipart when there is no public URL', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('photo_published'));
    await fb.publish(page, { text: 'x', media: [{ kind: 'image', mimeType: 'image/png', data: new Uint8Array([1, 2, 3]) }], idempotencyKey: 'k' });
    // FormData (multipart), not a urlencoded form; the fake renders it as text or as a placeholder.
    expect(fake.sent[0]!.headers['content-type']).toBeUndefined();
    expect(fake.sent[0]!.body).toMatch(/^(<multipart>|caption=x\npublished=true\nsource=<3 bytes image\/png>)$/);
  });

  it('makes a multi-photo post from unpublished photos and attached_media', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('photo_unpublished_1')).reply(rec('photo_unpublished_2')).reply(rec('feed_created'));
    const img = (n: number) => ({ kind: 'image' as const, mimeType: 'image/jpeg', url: `https://cdn.chorus.example/${n}.jpg` });
    const res = await fb.publish(page, { text: 'Two cups', media: [img(1), img(2)], idempotencyKey: 'k3' });
    expect(res.posts[0]!.id).toBe('101_9001');
    expect(fake.sent.map((r) => r.url.pathname)).toEqual(['/v26.0/101/photos', '/v26.0/101/photos', '/v26.0/101/feed']);
    expect(fake.sent[0]!.form().get('published')).toBe('false');
    expect(Object.fromEntries(fake.sent[2]!.form())).toEqual({
      message: 'Two cups',
      'attached_media[0]': '{"media_fbid":"7011"}',
      'attached_media[1]': '{"media_fbid":"7012"}',
    });
  });

  it('never retries a publish: a 5xx, an HTML page or a network error is OutcomeUnknown', async () => {
    for (const answer of [rec('error_500_transient'), html(502), { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>ok</html>' }, networkError('ECONNRESET')]) {
      const { fake, fb } = setup();
      fake.reply(answer).reply(rec('feed_created'));
      const err = await fb.publish(page, { text: 'once', idempotencyKey: 'k' }).catch((e) => e);
      expect(err).toBeInstanceOf(OutcomeUnknown);
      expect(err.retryable).toBe(false);
      expect(fake.sent).toHaveLength(1);
    }
  });

  it('reads permission, policy and rate-limit refusals', async () => {
    const cases = [
      ['error_200_permission', PermissionDenied],
      ['error_368_policy', Rejected],
      ['error_32_page_rate', RateLimited],
      ['error_190_expired', AuthExpired],
    ] as const;
    for (const [name, type] of cases) {
      const { fake, fb } = setup();
      fake.reply(rec(name));
      const err = await fb.publish(page, { text: 'x', idempotencyKey: 'k' }).catch((e) => e);
      expect(err, name).toBeInstanceOf(type);
      if (name === 'error_368_policy') expect(err.reason).toMatch(/^blocked by policy: It looks like you were misusing/);
      if (name === 'error_32_page_rate') expect(err.retryAfterSeconds).toBe(300); // estimated_time_to_regain_access: 5 minutes
      if (name === 'error_190_expired') expect(err.message).toMatch(/the token expired/);
    }
  });

  it('has no threads, videos or search', async () => {
    const { fb } = setup();
    await expect(fb.publish(page, { text: 'a', thread: [{ text: 'b' }], idempotencyKey: 'k' })).rejects.toBeInstanceOf(NotSupported);
    await expect(fb.publish(page, { text: 'a', media: [{ kind: 'video', mimeType: 'video/mp4', url: 'https://x/v.mp4' }], idempotencyKey: 'k' })).rejects.toBeInstanceOf(NotSupported);
    await expect(fb.search(page, { q: 'coffee' })).rejects.toBeInstanceOf(NotSupported);
  });
});

describe('Facebook reading', () => {
  it('reads a post, and null for one that does not exist', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('post')).reply(rec('error_100_not_found'));
    const post = await fb.getPost(page, '101_9001');
    expect(fake.sent[0]!.url.searchParams.get('fields')).toContain('likes.summary(true)');
    expect(post).toMatchObject({
      id: '101_9001',
      text: 'Fresh roast today',
      createdAt: '2026-11-23T09:15:00.000Z',
      url: 'https://www.facebook.com/choruscoffee/posts/pfbid02abc',
      linkUrl: 'https://chorus.example/roast',
      mediaCount: 0,
      metrics: { postId: '101_9001', likes: 42, replies: 7, shares: 3 },
    });
    expect(await fb.getPost(page, '101_404')).toBeNull();
    expect(fake.sent).toHaveLength(2); // "does not exist" is an answer, not retried
  });

  it('lists the Page\'s own posts since an instant, newest first, for reconciling', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('page_posts'));
    const posts = await fb.findRecentPosts!(page, { since: '2026-11-23T11:00:00Z', limit: 10 });
    expect(fake.sent[0]!.url.pathname).toBe('/v26.0/101/posts');
    expect(fake.sent[0]!.url.searchParams.get('since')).toBe('1795431600');
    expect(posts.map((p) => [p.id, p.text])).toEqual([['101_9003', 'Launch day']]);
  });

  it('deletes, and a post already gone counts as deleted', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('deleted')).reply(rec('error_100_not_found'));
    await fb.delete(page, '101_9001');
    await fb.delete(page, '101_404');
    expect(fake.sent[0]!.method).toBe('DELETE');
    expect(fake.sent[0]!.url.toString()).toBe(`${G}/101_9001`);
  });

  it('reads post metrics in one ids= call plus insights, and keeps counts when insights are refused', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('posts_by_ids')).reply(rec('post_insights')).reply(rec('error_100_invalid_metric'));
    const metrics = await fb.fetchPostMetrics(page, ['101_9001', '101_9002']);
    expect(fake.sent[0]!.url.searchParams.get('ids')).toBe('101_9001,101_9002');
    expect(fake.sent[1]!.url.pathname).toBe('/v26.0/101_9001/insights');
    expect(fake.sent[1]!.url.searchParams.get('metric')).toBe('post_media_view,post_clicks');
    expect(metrics).toEqual([
      { postId: '101_9001', likes: 42, replies: 7, shares: 3, views: 1830, clicks: 61 },
      { postId: '101_9002', likes: 5, replies: 0 },
    ]);
  });

  it('falls back to one read per post when a post in the batch is gone', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('error_100_not_found')).reply(rec('post')).reply(rec('error_100_not_found')).reply(rec('error_100_invalid_metric'));
    const metrics = await fb.fetchPostMetrics(page, ['101_9001', '101_404']);
    expect(paths(fake)).toEqual(['GET /v26.0/', 'GET /v26.0/101_9001', 'GET /v26.0/101_404', 'GET /v26.0/101_9001/insights']);
    expect(metrics).toEqual([{ postId: '101_9001', likes: 42, replies: 7, shares: 3 }]);
  });

  it('reads the follower count', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('page_followers'));
    expect(await fb.fetchProfileMetrics(page)).toEqual({ followers: 4821 });
    expect(fake.sent[0]!.url.searchParams.get('fields')).toContain('followers_count');
  });

  it('retries reads on 5xx and short 429s, and gives up on HTML and junk as InvalidResponse', async () => {
    const { fake, fb, slept } = setup();
    fake.reply(rec('error_500_transient')).reply(rec('error_429')).reply(rec('page'));
    expect((await fb.getProfile(page)).handle).toBe('choruscoffee');
    expect(fake.sent).toHaveLength(3);
    expect(slept).toEqual([375, 2000]); // backoff with jitter, then the 429's Retry-After

    const second = setup();
    for (let i = 0; i < 4; i++) second.fake.reply({ status: 200, body: { id: 42 } });
    await expect(second.fb.getProfile(page)).rejects.toBeInstanceOf(InvalidResponse);

    const third = setup();
    for (let i = 0; i < 4; i++) third.fake.reply(html(403)); // a login wall or proxy page: retried, then refused
    await expect(third.fb.getProfile(page)).rejects.toBeInstanceOf(InvalidResponse);
  });
});

describe('Facebook inbox', () => {
  it('reads comments and Messenger DMs newer than the cursor, oldest first, without the Page itself', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('feed_comments')).reply(rec('conversations'));
    const res = await fb.fetchConversations(page, { since: '2026-11-23T00:00:00.000Z' });
    expect(fake.sent[0]!.url.pathname).toBe('/v26.0/101/feed');
    expect(fake.sent[1]!.url.searchParams.get('platform')).toBe('messenger');
    expect(res.items).toEqual([
      {
        id: '9001_5502',
        kind: 'comment',
        text: 'Is the Kenyan roast back?',
        createdAt: '2026-11-23T10:30:00.000Z',
        author: { id: '3001', handle: 'Ada Lovelace', displayName: 'Ada Lovelace' },
        url: 'https://www.facebook.com/choruscoffee/posts/pfbid02abc?comment_id=5502',
        inReplyTo: '101_9001',
        threadId: '9001_5502',
      },
      {
        id: 'm_question',
        kind: 'dm',
        text: 'When do you open tomorrow?',
        createdAt: '2026-11-23T10:50:00.000Z',
        author: { id: '7001', handle: 'Grace Hopper', displayName: 'Grace Hopper' },
        threadId: 't_100000000000001',
        url: 'https://www.facebook.com/choruscoffee/inbox/100000000000001/',
      },
    ]);
    expect(res.cursor).toBe('2026-11-23T10:50:00.000Z');
  });

  it('still reads comments when the Page token may not read DMs', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('feed_comments')).reply(rec('error_10_messaging'));
    const res = await fb.fetchConversations(page);
    expect(res.items.map((i) => i.id)).toEqual(['9001_5501', '9001_5502']);
  });

  it('answers a comment under its thread and a DM through the Send API', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('comment_created')).reply(rec('conversation_participants')).reply(rec('message_sent'));
    const comment = await fb.reply(page, { inReplyTo: '9001_5503', threadId: '9001_5502', text: 'Yes, from Monday', idempotencyKey: 'r1' });
    expect(comment.id).toBe('9001_5501');
    expect(fake.sent[0]!.url.pathname).toBe('/v26.0/9001_5502/comments');
    expect(fake.sent[0]!.form().get('message')).toBe('Yes, from Monday');

    const dm = await fb.reply(page, { inReplyTo: 'm_question', threadId: 't_100000000000001', text: 'At 8', idempotencyKey: 'r2' });
    expect(dm.id).toMatch(/^m_/);
    expect(fake.sent[1]!.url.searchParams.get('fields')).toBe('participants');
    const send = fake.sent[2]!;
    expect(send.url.pathname).toBe('/v26.0/101/messages');
    expect(Object.fromEntries(send.form())).toEqual({ recipient: '{"id":"7001"}', messaging_type: 'RESPONSE', message: '{"text":"At 8"}' });
  });

  it('explains the Messenger 24-hour window', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('conversation_participants')).reply(rec('error_messenger_window'));
    const err = await fb.reply(page, { inReplyTo: 'm_question', threadId: 't_100000000000001', text: 'late', idempotencyKey: 'r' }).catch((e) => e);
    expect(err).toBeInstanceOf(Rejected);
    expect(err.reason).toMatch(/24 hours/);
  });
});
