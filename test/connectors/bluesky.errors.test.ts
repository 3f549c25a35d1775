/**
 * Bluesky error answers a local network will not produce on demand (rate limits, outages, expired
 * tokens, takedowns), as recorded exchanges (fixtures/bluesky).
 */
import { describe, expect, it } from 'vitest';
import { createBlueskyConnector } from '../../src/connectors/bluesky/connector.ts';
import { tidFromKey } from '../../src/connectors/bluesky/tid.ts';
import type { AppPasswordFlow, Credentials } from '../../src/connectors/connector.ts';
import { AuthExpired, InvalidResponse, PermissionDenied, RateLimited, Rejected, Transient } from '../../src/connectors/errors.ts';
import { FakeFetch, fixture } from './fake-fetch.ts';

const fx = (name: string) => fixture('bluesky', name);
const PDS = 'https://pds.example';
const creds: Credentials = { network: 'bluesky', accountId: 'did:plc:alice', accessToken: 'jwt', refreshToken: 'rjwt', serviceUrl: PDS };
const setup = () => {
  const fake = new FakeFetch();
  return { fake, bsky: createBlueskyConnector({ http: fake.options() }) };
};
const created = (key: string) => ({ ...fx('created'), body: { ...fx('created').body, uri: `at://did:plc:alice/app.bsky.feed.post/${tidFromKey(key)}` } });

describe('Bluesky error answers', () => {
  it('checks for the record, then creates it at the derived key with the session token', async () => {
    const { fake, bsky } = setup();
    fake.reply(fx('record_not_found')).reply(created('k1'));
    const res = await bsky.publish(creds, { text: 'hi', idempotencyKey: 'k1' });
    expect(res.posts[0]!.id).toBe(`at://did:plc:alice/app.bsky.feed.post/${tidFromKey('k1')}`);
    const [check, create] = fake.sent;
    expect(check!.url.toString()).toBe(`${PDS}/xrpc/com.atproto.repo.getRecord?repo=did%3Aplc%3Aalice&collection=app.bsky.feed.post&rkey=${tidFromKey('k1')}`);
    expect(create!.headers.authorization).toBe('Bearer jwt');
    expect(create!.json()).toMatchObject({ repo: 'did:plc:alice', collection: 'app.bsky.feed.post', rkey: tidFromKey('k1'), validate: true, record: { $type: 'app.bsky.feed.post', text: 'hi', createdAt: '2026-11-23T12:00:00.000Z' } });
  });

  it('turns a 429 into RateLimited with the ratelimit-reset instant', async () => {
    const { fake, bsky } = setup();
    fake.reply(fx('record_not_found')).reply(fx('error_429'));
    const err = await bsky.publish(creds, { text: 'hi', idempotencyKey: 'k' }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect(err.retryAfterSeconds).toBe(600);
  });

  it('after a 502 on create, looks again: not there means a safe, retryable Transient', async () => {
    const { fake, bsky } = setup();
    fake.reply(fx('record_not_found')).reply({ status: 502, body: '<html>Bad Gateway</html>' }).reply(fx('record_not_found'));
    const err = await bsky.publish(creds, { text: 'hi', idempotencyKey: 'k' }).catch((e) => e);
    expect(err).toBeInstanceOf(Transient);
    expect(err.message).toContain('was not created and may be retried');
    expect(fake.sent.map((s) => s.url.pathname)).toEqual(['/xrpc/com.atproto.repo.getRecord', '/xrpc/com.atproto.repo.createRecord', '/xrpc/com.atproto.repo.getRecord']);
  });

  it('reports a refused record, an expired token and a taken-down account clearly', async () => {
    const a = setup();
    a.fake.reply(fx('record_not_found')).reply(fx('error_invalid_record'));
    const refused = await a.bsky.publish(creds, { text: 'hi', idempotencyKey: 'k' }).catch((e) => e);
    expect(refused).toBeInstanceOf(Rejected);
    expect(refused.reason).toContain('must not be longer than 300 graphemes');

    const b = setup();
    b.fake.reply(fx('error_expired'));
    await expect(b.bsky.fetchProfileMetrics(creds)).rejects.toBeInstanceOf(AuthExpired);

    const c = setup();
    c.fake.reply(fx('error_takedown'));
    const gone = await (c.bsky.auth as AppPasswordFlow).connect({ serviceUrl: PDS, identifier: 'alice.example', password: 'x' }).catch((e) => e);
    expect(gone).toBeInstanceOf(PermissionDenied);
    expect(gone.message).toContain('AccountTakedown');
  });

  it('retries a read through an outage and names an HTML answer', async () => {
    const { fake, bsky } = setup();
    for (let i = 0; i < 4; i++) fake.reply({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><p>maintenance</p>' });
    const err = await bsky.fetchProfileMetrics(creds).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidResponse);
    expect(err.message).toContain('HTML page instead of JSON');
    expect(fake.sent).toHaveLength(4);
  });
});

describe('Bluesky sign-in through an entryway', () => {
  it('signs in at bsky.social, then talks to the PDS from the DID document and refreshes at the entryway', async () => {
    const { fake, bsky } = setup();
    fake.reply(fx('session_entryway')).reply(fx('profile'));
    const { credentials, profile } = await (bsky.auth as AppPasswordFlow).connect({ serviceUrl: 'bsky.social', identifier: 'alice.example.com', password: 'abcd-efgh-ijkl-mnop' });
    expect(fake.sent[0]!.url.toString()).toBe('https://bsky.social/xrpc/com.atproto.server.createSession');
    expect(fake.sent[0]!.json()).toEqual({ identifier: 'alice.example.com', password: 'abcd-efgh-ijkl-mnop' });
    expect(fake.sent[1]!.url.origin).toBe('https://morel.us-east.host.bsky.network');
    expect(credentials).toMatchObject({
      accountId: 'did:plc:ewvi7nxzyoun6zhxrhs64oiz',
      serviceUrl: 'https://morel.us-east.host.bsky.network',
      expiresAt: '2026-11-23T14:00:00.000Z',
      extra: { handle: 'alice.example.com', sessionServiceUrl: 'https://bsky.social' },
    });
    expect(profile).toMatchObject({ handle: 'alice.example.com', displayName: 'Alice' });

    fake.reply(fx('session_refreshed'));
    const next = await bsky.refresh(credentials);
    expect(fake.sent[2]!.url.toString()).toBe('https://bsky.social/xrpc/com.atproto.server.refreshSession');
    expect(fake.sent[2]!.headers.authorization).toBe(`Bearer ${credentials.refreshToken}`);
    expect(next).toMatchObject({ serviceUrl: 'https://morel.us-east.host.bsky.network', extra: { sessionServiceUrl: 'https://bsky.social' } });
    expect(next.accessToken).not.toBe(credentials.accessToken);
  });
});

describe('Bluesky direct messages (recorded: the local network has no chat service)', () => {
  const jwt = (scope: string) => `e30.${Buffer.from(JSON.stringify({ scope, sub: 'did:plc:alice', exp: 1795442400 })).toString('base64url')}.c2ln`;
  const privileged = { ...creds, accessToken: jwt('com.atproto.appPassPrivileged') };

  it('syncs new messages from others through the chat proxy and answers in the conversation', async () => {
    const { fake, bsky } = setup();
    fake.on(`GET ${PDS}/xrpc/app.bsky.notification.listNotifications`, fx('notifications_empty')).on(`GET ${PDS}/xrpc/chat.bsky.convo.getLog`, fx('chat_log')).on(`GET ${PDS}/xrpc/chat.bsky.convo.getLog`, fx('chat_log_empty'));
    const page = await bsky.fetchConversations(privileged);
    const log = fake.sent.find((s) => s.url.pathname.endsWith('chat.bsky.convo.getLog'))!;
    expect(log.headers['atproto-proxy']).toBe('did:web:api.bsky.chat#bsky_chat');
    expect(page.items).toEqual([
      { id: 'chat:3ksd6mf3ye22a', kind: 'dm', text: 'hi, where is my order?', createdAt: '2026-11-23T11:20:00.000Z', author: { id: 'did:plc:bob', handle: 'bob.example.com', displayName: 'Bob', avatarUrl: 'https://cdn.bsky.app/img/avatar/plain/bob@jpeg' }, threadId: 'chat:3ksd6mekd6k2a' },
    ]);
    expect(JSON.parse(page.cursor!)).toEqual({ ids: [], chat: '2222222222222' });

    fake.reply(fx('chat_sent'));
    const sent = await bsky.reply(privileged, { inReplyTo: page.items[0]!.id, threadId: page.items[0]!.threadId!, text: 'on its way', idempotencyKey: 'dm-1' });
    expect(sent).toEqual({ id: 'chat:3ksd6mkkgs22a' });
    const req = fake.sent.at(-1)!;
    expect(`${req.method} ${req.url.pathname}`).toBe('POST /xrpc/chat.bsky.convo.sendMessage');
    expect(req.headers['atproto-proxy']).toBe('did:web:api.bsky.chat#bsky_chat');
    expect(req.json()).toEqual({ convoId: '3ksd6mekd6k2a', message: { text: 'on its way' } });
  });

  it('leaves DMs alone when the app password does not grant them, and says so when asked to answer one', async () => {
    const { fake, bsky } = setup();
    fake.reply(fx('notifications_empty'));
    const plain = { ...creds, accessToken: jwt('com.atproto.appPass') };
    expect(await bsky.fetchConversations(plain)).toEqual({ items: [], cursor: null });
    expect(fake.sent).toHaveLength(1);
    await expect(bsky.reply(plain, { inReplyTo: 'chat:1', threadId: 'chat:2', text: 'x', idempotencyKey: 'k' })).rejects.toBeInstanceOf(PermissionDenied);
  });
});
