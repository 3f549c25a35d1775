/**
 * Mastodon connector against recorded exchanges (fixtures/mastodon, Mastodon 4.3 API shapes).
 */
import { describe, expect, it } from 'vitest';
import type { Credentials, OAuth2Flow } from '../../src/connectors/connector.ts';
import { AuthExpired, PermissionDenied, RateLimited, Rejected, Transient, WrongService } from '../../src/connectors/errors.ts';
import { createMastodonConnector } from '../../src/connectors/mastodon/connector.ts';
import { createPkce } from '../../src/connectors/oauth.ts';
import { FakeFetch, fixture } from './fake-fetch.ts';

const fx = (name: string) => fixture('mastodon', name);
const INSTANCE = 'https://social.example';
const creds: Credentials = { network: 'mastodon', accountId: '109372865447212345', accessToken: 'tok-123', serviceUrl: INSTANCE };
const setup = () => {
  const fake = new FakeFetch();
  const options = fake.options();
  return { fake, slept: options.slept, mastodon: createMastodonConnector({ http: options }) };
};

describe('Mastodon: connecting', () => {
  it('checks the instance, registers the app, builds a PKCE authorization URL and exchanges the code', async () => {
    const { fake, mastodon } = setup();
    const flow = mastodon.auth as OAuth2Flow;
    fake.on('GET https://social.example/api/v2/instance', fx('instance')).on('POST https://social.example/api/v1/apps', fx('app'));
    const app = await flow.registerApp!('@someone@social.example', { clientName: 'Chorus', redirectUri: 'https://chorus.example/oauth/mastodon/callback', website: 'https://chorus.example' });
    expect(app).toEqual({ clientId: 'TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM', clientSecret: 'ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw', redirectUri: 'https://chorus.example/oauth/mastodon/callback', instanceUrl: INSTANCE });
    expect(fake.sent[1]!.form().get('scopes')).toBe('read write');
    expect(fake.sent[1]!.form().get('redirect_uris')).toBe('https://chorus.example/oauth/mastodon/callback');

    const req = flow.authorizationUrl(app, { state: 'st4te', codeVerifier: 'v'.repeat(50) });
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe('https://social.example/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code', client_id: app.clientId, redirect_uri: app.redirectUri, scope: 'read write', state: 'st4te',
      code_challenge: createPkce('v'.repeat(50)).codeChallenge, code_challenge_method: 'S256',
    });

    fake.on('POST https://social.example/oauth/token', fx('token')).on('GET https://social.example/api/v1/accounts/verify_credentials', fx('verify_credentials'));
    const result = await flow.completeAuthorization(app, { code: 'the-code', codeVerifier: req.codeVerifier });
    const tokenReq = fake.sent[2]!.form();
    expect(Object.fromEntries(tokenReq)).toMatchObject({ grant_type: 'authorization_code', code: 'the-code', code_verifier: 'v'.repeat(50), client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: app.redirectUri });
    expect(fake.sent[3]!.headers.authorization).toBe('Bearer ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0');
    expect(result.credentials).toMatchObject({ network: 'mastodon', accountId: '109372865447212345', serviceUrl: INSTANCE, scopes: ['read', 'write'] });
    expect(result.credentials.refreshToken).toBeUndefined();
    expect(result.profile).toMatchObject({ handle: 'chorusteam', displayName: 'Chorusteam' });
  });

  it('refuses a URL that is not a Mastodon server, and a token without write scope', async () => {
    const { fake, mastodon } = setup();
    const flow = mastodon.auth as OAuth2Flow;
    for (let i = 0; i < 4; i++) fake.reply({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>My blog</body></html>' });
    const err = await flow.registerApp!('blog.example', { clientName: 'Chorus', redirectUri: 'https://c/cb' }).catch((e) => e);
    expect(err).toBeInstanceOf(WrongService);
    expect(err.message).toContain('does not answer like a Mastodon server');

    const { fake: f2, mastodon: m2 } = setup();
    f2.reply({ body: { ...fx('token').body, scope: 'read' } });
    const app = { clientId: 'c', clientSecret: 's', redirectUri: 'https://c/cb', instanceUrl: INSTANCE };
    await expect((m2.auth as OAuth2Flow).completeAuthorization(app, { code: 'x', codeVerifier: 'y' })).rejects.toBeInstanceOf(PermissionDenied);
  });

  it('reads the instance limits', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('instance'));
    const limits = await mastodon.limitsFor!(creds);
    expect(limits.text).toEqual({ maxLength: 1000, counting: 'mastodon', urlLength: 23 });
    expect(limits.media.video).toMatchObject({ maxBytes: 103809024, mimeTypes: ['video/mp4', 'video/webm'] });
  });
});

describe('Mastodon: publishing', () => {
  it('posts a status with an Idempotency-Key and a link appended for the card', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('status'));
    const res = await mastodon.publish(creds, { text: 'Launch day!', link: { url: 'https://chorus.example/launch' }, idempotencyKey: 'key-1', languages: ['en'] });
    expect(res.posts).toEqual([{ id: '113512345678900001', url: 'https://social.example/@chorusteam/113512345678900001' }]);
    const sent = fake.sent[0]!;
    expect(`${sent.method} ${sent.url}`).toBe('POST https://social.example/api/v1/statuses');
    expect(sent.headers).toMatchObject({ authorization: 'Bearer tok-123', 'idempotency-key': 'key-1', 'content-type': 'application/json' });
    expect(sent.json()).toEqual({ status: 'Launch day!\n\nhttps://chorus.example/launch', visibility: 'public', language: 'en' });
  });

  it('retries a 5xx publish with the same Idempotency-Key (Mastodon de-duplicates it)', async () => {
    const { fake, mastodon } = setup();
    fake.reply({ status: 502, body: '<html>Bad Gateway</html>' }).reply(fx('status'));
    await mastodon.publish(creds, { text: 'Launch day!', idempotencyKey: 'key-2' });
    expect(fake.sent.map((s) => s.headers['idempotency-key'])).toEqual(['key-2', 'key-2']);
  });

  it('uploads media with alt text, waits for processing, then posts a thread', async () => {
    const { fake, mastodon, slept } = setup();
    fake
      .on('POST https://social.example/api/v2/media', fx('media_processing'))
      .on('GET https://social.example/api/v1/media/22348641', { body: { ...fx('media_ready').body, url: null } })
      .on('GET https://social.example/api/v1/media/22348641', fx('media_ready'))
      .on('POST https://social.example/api/v1/statuses', fx('status'))
      .on('POST https://social.example/api/v1/statuses', fx('status_thread_2'));
    const video = { kind: 'video' as const, mimeType: 'video/mp4', data: new Uint8Array(2048), altText: 'A short clip' };
    const res = await mastodon.publish(creds, { text: 'Watch', media: [video], idempotencyKey: 'k', thread: [{ text: 'Part two & more' }] });
    expect(res.posts.map((p) => p.id)).toEqual(['113512345678900001', '113512345678900002']);
    expect(slept).toEqual([1000, 1000]);
    expect(fake.sent[0]!.body).toBe('file=<2048 bytes video/mp4>\ndescription=A short clip');
    const first = fake.sent[3]!;
    expect(first.json()).toMatchObject({ status: 'Watch', media_ids: ['22348641'] });
    const second = fake.sent[4]!;
    expect(second.headers['idempotency-key']).toBe('k#1');
    expect(second.json()).toEqual({ status: 'Part two & more', visibility: 'public', in_reply_to_id: '113512345678900001' });
  });

  it('reports which posts of a thread exist when a later one is refused', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('status')).reply(fx('error_422'));
    const err = await mastodon.publish(creds, { text: 'one', idempotencyKey: 'k', thread: [{ text: 'two' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Rejected);
    expect(err.published).toEqual([{ id: '113512345678900001', url: 'https://social.example/@chorusteam/113512345678900001' }]);
  });

  it('reports refusals with the network reason', async () => {
    const cases = [
      ['error_422', Rejected, 'Text character limit of 500 exceeded'],
      ['error_403', PermissionDenied, 'outside the authorized scopes'],
      ['error_401', AuthExpired, 'revoked'],
    ] as const;
    for (const [name, Type, text] of cases) {
      const { fake, mastodon } = setup();
      fake.reply(fx(name));
      const err = await mastodon.publish(creds, { text: 'x', idempotencyKey: 'k' }).catch((e) => e);
      expect(err).toBeInstanceOf(Type);
      expect(err.message).toContain(text);
    }
  });

  it('honours the rate-limit reset header', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('error_429'));
    const err = await mastodon.publish(creds, { text: 'x', idempotencyKey: 'k' }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect(err.retryAfterSeconds).toBe(300);
  });

  it('gives up on a persistent 5xx with a retryable error', async () => {
    const { fake, mastodon } = setup();
    for (let i = 0; i < 4; i++) fake.reply({ status: 503, body: { error: 'down' } });
    await expect(mastodon.getPost(creds, '1')).rejects.toBeInstanceOf(Transient);
  });
});

describe('Mastodon: reading', () => {
  it('reads a post and its metrics; a missing post is null and deleting it succeeds', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('status_with_metrics')).reply(fx('status_with_metrics')).reply(fx('error_404')).reply(fx('error_404'));
    const post = await mastodon.getPost(creds, '113512345678900001');
    expect(post).toMatchObject({ text: 'Launch day!', linkUrl: 'https://chorus.example/launch', mediaCount: 0 });
    expect(await mastodon.fetchPostMetrics(creds, ['113512345678900001'])).toEqual([{ postId: '113512345678900001', likes: 42, reposts: 7, replies: 3, quotes: 1 }]);
    expect(await mastodon.getPost(creds, '404')).toBeNull();
    await mastodon.delete(creds, '404');
    expect(fake.sent[3]!.method).toBe('DELETE');
  });

  it('turns mention notifications into replies, mentions and DMs, walking forward from the cursor', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('notifications'));
    const first = await mastodon.fetchConversations(creds);
    expect(fake.sent[0]!.url.search).toBe('?types%5B%5D=mention&limit=40');
    expect(first.items.map((i) => [i.kind, i.text])).toEqual([
      ['mention', "Has anyone tried @chorusteam? It's neat"],
      ['reply', '@chorusteam congrats on the launch!'],
      ['dm', '@chorusteam where is my order?'],
    ]);
    expect(first.items[1]).toMatchObject({ inReplyTo: '113512345678900001', author: { handle: 'bob@other.example' } });
    expect(first.cursor).toBe('987003');

    fake.reply({ body: [] });
    const next = await mastodon.fetchConversations(creds, { since: first.cursor });
    expect(fake.sent[1]!.url.searchParams.get('min_id')).toBe('987003');
    expect(next).toEqual({ items: [], cursor: '987003' });
  });

  it('replies to a DM as a DM, mentioning the author', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('status_bob_dm')).reply(fx('status_reply_dm'));
    const reply = await mastodon.reply(creds, { inReplyTo: '113512345678900020', text: 'on its way', idempotencyKey: 'r1' });
    expect(reply.id).toBe('113512345678900030');
    expect(fake.sent[1]!.json()).toEqual({ status: '@bob@other.example on its way', in_reply_to_id: '113512345678900020', visibility: 'direct' });
  });

  it('searches statuses and reads profile metrics', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('search')).reply(fx('verify_credentials'));
    const page = await mastodon.search(creds, { q: 'chorus', limit: 1 });
    expect(Object.fromEntries(fake.sent[0]!.url.searchParams)).toEqual({ q: 'chorus', type: 'statuses', resolve: 'false', limit: '1', offset: '0' });
    expect(page).toMatchObject({ items: [{ text: 'chorus is a lovely tool', metrics: { likes: 2 } }], cursor: '1' });
    expect(await mastodon.fetchProfileMetrics(creds)).toEqual({ followers: 1520, following: 310, posts: 842 });
  });
});

describe('Mastodon: mention suggestions', () => {
  it('searches accounts without resolving remote ones, and gives each handle as user@instance', async () => {
    const { fake, mastodon } = setup();
    fake.on('GET https://social.example/api/v2/search', fx('search_accounts'));
    const found = await mastodon.searchAccounts!(creds, { q: 'ali', limit: 5 });
    const sent = fake.sent[0]!;
    expect(sent.headers.authorization).toBe('Bearer tok-123');
    expect(Object.fromEntries(sent.url.searchParams)).toEqual({ q: 'ali', type: 'accounts', resolve: 'false', limit: '5' });
    expect(found).toEqual([
      { id: '109372865447200001', handle: 'alice@social.example', displayName: 'Alice Example', avatarUrl: 'https://social.example/system/accounts/avatars/alice.png' },
      { id: '109372865447200002', handle: 'alicia@other.example', avatarUrl: 'https://social.example/system/cache/accounts/avatars/alicia.png' },
    ]);
  });

  it('maps a revoked token to AuthExpired', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('error_401'));
    await expect(mastodon.searchAccounts!(creds, { q: 'ali' })).rejects.toBeInstanceOf(AuthExpired);
  });
});
