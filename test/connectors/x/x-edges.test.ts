/**
 * X connector (X API v2): the edges of the exchanges, against recorded answers in fixtures/x —
 * what Chorus sends at connect and refresh, which scopes it insists on, how it reads refusals,
 * unreadable answers and rate limits, and that a publish is never sent twice.
 */
import { describe, expect, it } from 'vitest';
import type { Credentials, OAuth2Flow } from '../../../src/connectors/connector.ts';
import { AuthExpired, InvalidResponse, OutcomeUnknown, PermissionDenied, RateLimited, Rejected, Transient } from '../../../src/connectors/errors.ts';
import { createPkce } from '../../../src/connectors/oauth.ts';
import { createXConnector } from '../../../src/connectors/x/connector.ts';
import { FakeFetch, fixture, networkError } from '../fake-fetch.ts';

const fx = (name: string) => fixture('x', name);
const API = 'https://api.x.com/2';
const app = { clientId: 'client-abc', clientSecret: 'secret-xyz', redirectUri: 'https://chorus.example/oauth/x/callback' };
const creds: Credentials = { network: 'x', accountId: '1460000000000000001', accessToken: 'tok', refreshToken: 'rt-old', refreshExpiresAt: '2027-05-01T00:00:00.000Z', expiresAt: '2026-11-23T12:02:00.000Z', extra: { username: 'chorusteam' } };
const setup = () => {
  const fake = new FakeFetch();
  const options = fake.options();
  return { fake, slept: options.slept, x: createXConnector({ http: options }) };
};
const html = { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><html><head><title>Over capacity</title></head><body>X is over capacity</body></html>' };

describe('X: connecting', () => {
  it('sends every authorization parameter, with an S256 challenge of the verifier', () => {
    const { x } = setup();
    const verifier = 'v'.repeat(64);
    const req = (x.auth as OAuth2Flow).authorizationUrl(app, { state: 'st4te', codeVerifier: verifier });
    const url = new URL(req.url);
    expect(url.origin + url.pathname).toBe('https://x.com/i/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code', client_id: 'client-abc', redirect_uri: app.redirectUri, state: 'st4te',
      scope: 'tweet.read tweet.write users.read like.read media.write dm.read dm.write offline.access',
      code_challenge: createPkce(verifier).codeChallenge, code_challenge_method: 'S256',
    });
    expect(req).toMatchObject({ state: 'st4te', codeVerifier: verifier });
  });

  it('refuses a grant without tweet.write before reading the profile', async () => {
    const { fake, x } = setup();
    fake.reply(fx('token_without_tweet_write'));
    const err = await (x.auth as OAuth2Flow).completeAuthorization(app, { code: 'c', codeVerifier: 'v'.repeat(43) }).catch((e) => e);
    expect(err).toBeInstanceOf(PermissionDenied);
    expect(err.message).toContain('tweet.write');
    expect(fake.sent).toHaveLength(1);
  });

  it('as a public client (no secret) sends client_id in the form and no Basic header', async () => {
    const { fake, x } = setup();
    fake.reply(fx('token')).reply(fx('me'));
    await (x.auth as OAuth2Flow).completeAuthorization({ clientId: 'client-abc', redirectUri: app.redirectUri }, { code: 'c0de', codeVerifier: 'v'.repeat(43) });
    expect(fake.sent[0]!.headers.authorization).toBeUndefined();
    expect(fake.sent[0]!.form().get('client_id')).toBe('client-abc');
    expect(fake.sent[0]!.form().get('client_secret')).toBeNull();
    expect(`${fake.sent[1]!.method} ${fake.sent[1]!.url.pathname}`).toBe('GET /2/users/me');
    expect(fake.sent[1]!.headers.authorization).toBe(`Bearer ${fx('token').body.access_token}`);
  });

  it('keeps the stored refresh token (and its expiry) when a refresh answer carries none', async () => {
    const { fake, x } = setup();
    fake.reply(fx('token_refreshed_same_refresh'));
    const next = await x.refresh(creds, app);
    expect(fake.sent[0]!.headers.authorization).toBe(`Basic ${Buffer.from('client-abc:secret-xyz').toString('base64')}`);
    expect(next).toMatchObject({ accessToken: 'YW5vdGhlciBhY2Nlc3MgdG9rZW4', refreshToken: 'rt-old', refreshExpiresAt: '2027-05-01T00:00:00.000Z', expiresAt: '2026-11-23T14:00:00.000Z' });
  });
});

describe('X: publishing is sent once', () => {
  it('a timeout after sending is OutcomeUnknown; a refused connection is Transient', async () => {
    const { fake, x } = setup();
    fake.reply(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }));
    await expect(x.publish(creds, { text: 'hello', idempotencyKey: 'k' })).rejects.toBeInstanceOf(OutcomeUnknown);
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]!.json()).toEqual({ text: 'hello' });
    fake.reply(networkError('ECONNREFUSED'));
    await expect(x.publish(creds, { text: 'hello', idempotencyKey: 'k' })).rejects.toBeInstanceOf(Transient);
    expect(fake.sent).toHaveLength(2);
  });

  it('an HTML page in answer to a publish is OutcomeUnknown, not something to retry', async () => {
    const { fake, x } = setup();
    fake.reply(html);
    await expect(x.publish(creds, { text: 'hello', idempotencyKey: 'k' })).rejects.toBeInstanceOf(OutcomeUnknown);
    expect(fake.sent).toHaveLength(1);
  });

  it('a reply the author does not allow is a refusal of that reply, not of the account', async () => {
    const { fake, x } = setup();
    fake.reply(fx('error_403_reply_restricted'));
    const err = await x.reply(creds, { inReplyTo: '1861000000000000077', text: 'hi', idempotencyKey: 'r' }).catch((e) => e);
    expect(fake.sent[0]!.json()).toEqual({ text: 'hi', reply: { in_reply_to_tweet_id: '1861000000000000077' } });
    expect(err).toBeInstanceOf(Rejected);
    expect(err.reason).toMatch(/^Reply to this conversation is not allowed/);
    fake.reply(fx('error_403_client_forbidden'));
    expect(await x.publish(creds, { text: 'x', idempotencyKey: 'k' }).catch((e) => e)).toBeInstanceOf(PermissionDenied);
  });
});

describe('X: reading', () => {
  it('deleting a post that is already gone (404) succeeds', async () => {
    const { fake, x } = setup();
    fake.reply(fx('error_404_tweet'));
    await expect(x.delete(creds, '1861000000000000009')).resolves.toBeUndefined();
    expect(`${fake.sent[0]!.method} ${fake.sent[0]!.url}`).toBe(`DELETE ${API}/tweets/1861000000000000009`);
    expect(fake.sent[0]!.headers.authorization).toBe('Bearer tok');
  });

  it('asks for the profile with public_metrics; 401 is AuthExpired at once', async () => {
    const { fake, x } = setup();
    fake.reply(fx('me'));
    expect(await x.getProfile(creds)).toEqual({ id: '1460000000000000001', handle: 'chorusteam', displayName: 'Chorus Team', avatarUrl: fx('me').body.data.profile_image_url, url: 'https://x.com/chorusteam' });
    expect(fake.sent[0]!.url.searchParams.get('user.fields')).toContain('public_metrics');
    fake.reply(fx('error_401'));
    await expect(x.fetchProfileMetrics(creds)).rejects.toBeInstanceOf(AuthExpired);
    expect(fake.sent).toHaveLength(2);
  });

  it('waits out a short rate limit from x-rate-limit-reset, and hands back a long one', async () => {
    const { fake, slept, x } = setup();
    const reset = String(Date.parse('2026-11-23T12:00:10Z') / 1000);
    fake.reply({ ...fx('error_429'), headers: { ...fx('error_429').headers, 'x-rate-limit-reset': reset } }).reply(fx('tweet_lookup'));
    expect(await x.getPost(creds, '1861000000000000001')).not.toBeNull();
    expect(slept).toEqual([10_000]);
    fake.reply(fx('error_429'));
    const err = await x.getPost(creds, '1861000000000000001').catch((e) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect(err.retryAfterSeconds).toBe(900);
  });

  it('an HTML page or broken JSON on a read is retried, then InvalidResponse', async () => {
    const { fake, slept, x } = setup();
    for (let i = 0; i < 4; i++) fake.reply(html);
    const err = await x.search(creds, { q: 'chorus' }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidResponse);
    expect(err.message).toContain('HTML');
    expect(slept).toHaveLength(3);
    for (let i = 0; i < 4; i++) fake.reply({ status: 200, body: '{"data": [{"id": "1"' });
    await expect(x.fetchPostMetrics(creds, ['1'])).rejects.toBeInstanceOf(InvalidResponse);
  });

  it('pages back through DMs until the last one seen, skipping its own', async () => {
    const { fake, x } = setup();
    fake.on(`GET ${API}/users/1460000000000000001/mentions`, fx('mentions_empty')).on(`GET ${API}/dm_events`, fx('dm_events_page1')).on(`GET ${API}/dm_events`, fx('dm_events_page2'));
    const page = await x.fetchConversations({ ...creds, scopes: ['dm.read'] }, { since: JSON.stringify({ m: '1861000000000000012', d: '1861000000000000031' }) });
    expect(fake.sent[2]!.url.searchParams.get('pagination_token')).toBe('18LAA581J5II7LA00C00ZZZZ');
    expect(page.items.map((i) => [i.id, i.kind, i.text, i.threadId])).toEqual([
      ['dm:1861000000000000040', 'dm', 'hello again', 'dm:2244994945-1460000000000000001'],
      ['dm:1861000000000000045', 'dm', 'any update?', 'dm:2244994945-1460000000000000001'],
    ]);
    expect(JSON.parse(page.cursor!)).toEqual({ m: '1861000000000000012', d: '1861000000000000045' });
    expect(fake.pending).toBe(0);
  });

  it('leaves DMs alone when the grant has no dm.read', async () => {
    const { fake, x } = setup();
    fake.reply(fx('mentions_empty'));
    await x.fetchConversations({ ...creds, scopes: ['tweet.read', 'tweet.write', 'users.read'] });
    expect(fake.sent.map((r) => r.url.pathname)).toEqual(['/2/users/1460000000000000001/mentions']);
  });
});
