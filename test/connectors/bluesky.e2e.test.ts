/**
 * The Bluesky connector end to end against a real local AT Protocol network (PLC, PDS, AppView).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlueskyConnector } from '../../src/connectors/bluesky/connector.ts';
import { tidFromKey } from '../../src/connectors/bluesky/tid.ts';
import type { ConnectResult, Connector, Credentials } from '../../src/connectors/connector.ts';
import { AuthExpired, InvalidCredentials, Transient, WrongService } from '../../src/connectors/errors.ts';
import type { FetchLike } from '../../src/connectors/http.ts';
import { startAtprotoNetwork, type LocalAtprotoNetwork, type TestAccount } from './atproto-network.ts';
import { networkError } from './fake-fetch.ts';

// A valid 1x1 PNG.
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));

let net: LocalAtprotoNetwork;
let alice: TestAccount;
let bob: TestAccount;
let aliceCreds: Credentials;
let bobCreds: Credentials;
const bsky: Connector = createBlueskyConnector({ http: { retries: 1, baseDelayMs: 10 } });
let htmlServer: Server;
let connected: ConnectResult;

const record = async (uri: string) => {
  const [, , repo, collection, rkey] = uri.split('/');
  return (await alice.agent.com.atproto.repo.getRecord({ repo: repo!, collection: collection!, rkey: rkey! })).data.value as any;
};

beforeAll(async () => {
  net = await startAtprotoNetwork('bluesky_e2e');
  alice = await net.createAccount('alice');
  bob = await net.createAccount('bob');
  const flow = bsky.auth as Extract<Connector['auth'], { kind: 'app-password' }>;
  connected = await flow.connect({ serviceUrl: net.pdsUrl, identifier: '@alice.test', password: alice.appPassword });
  aliceCreds = connected.credentials;
  bobCreds = await net.connect(bob);
  htmlServer = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Not Found</body></html>'));
  await new Promise<void>((resolve) => htmlServer.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  htmlServer?.closeAllConnections();
  await new Promise((resolve) => htmlServer?.close(resolve));
  await net?.close();
});

describe('Bluesky on a local AT Protocol network', () => {
  it('connects two accounts with handle + app password on any PDS URL', async () => {
    const resA = connected;
    expect(resA.credentials).toMatchObject({ network: 'bluesky', accountId: alice.did, serviceUrl: net.pdsUrl });
    expect(resA.credentials.refreshToken).toBeTruthy();
    expect(Date.parse(resA.credentials.expiresAt!)).toBeGreaterThan(Date.now());
    expect(resA.profile).toMatchObject({ id: alice.did, handle: 'alice.test' });
    expect(bobCreds.accountId).toBe(bob.did);
  });

  it('says clearly when the app password, the server or the token is wrong', async () => {
    const flow = bsky.auth as Extract<Connector['auth'], { kind: 'app-password' }>;
    const wrongPassword = await flow.connect({ serviceUrl: net.pdsUrl, identifier: 'alice.test', password: 'nope-nope-nope' }).catch((e) => e);
    expect(wrongPassword).toBeInstanceOf(InvalidCredentials);
    expect(wrongPassword.message).toMatch(/wrong handle or app password/i);

    const html = `http://127.0.0.1:${(htmlServer.address() as AddressInfo).port}`;
    const notPds = await flow.connect({ serviceUrl: html, identifier: 'alice.test', password: alice.appPassword }).catch((e) => e);
    expect(notPds).toBeInstanceOf(WrongService);
    expect(notPds.message).toContain('does not answer like an AT Protocol PDS');

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nobody = await flow.connect({ serviceUrl: `http://127.0.0.1:${freePort}`, identifier: 'alice.test', password: 'x' }).catch((e) => e);
    expect(nobody).toBeInstanceOf(Transient);
    expect(nobody.message).toContain('ECONNREFUSED');

    const dead = await bsky.getProfile({ ...aliceCreds, accessToken: 'not-a-token' }).catch((e) => e);
    expect(dead).toBeInstanceOf(AuthExpired);
  });

  it('publishes text with facets and reads it back', async () => {
    const text = 'héllo 👋🏽 @bob.test see https://chorus.example/launch #chorus';
    const { posts } = await bsky.publish(aliceCreds, { text, idempotencyKey: 'text-1' });
    expect(posts[0]!.id).toBe(`at://${alice.did}/app.bsky.feed.post/${tidFromKey('text-1')}`);
    const back = await bsky.getPost(aliceCreds, posts[0]!.id);
    expect(back).toMatchObject({ id: posts[0]!.id, text });
    const value = await record(posts[0]!.id);
    const bytes = new TextEncoder().encode(text);
    const slice = (f: any) => new TextDecoder().decode(bytes.slice(f.index.byteStart, f.index.byteEnd));
    const byType = Object.fromEntries(value.facets.map((f: any) => [f.features[0].$type.split('#')[1], f]));
    expect(slice(byType.mention)).toBe('@bob.test');
    expect(byType.mention.features[0].did).toBe(bob.did);
    expect(slice(byType.link)).toBe('https://chorus.example/launch');
    expect(slice(byType.tag)).toBe('#chorus');
  });

  it('publishes an image with alt text and a link card', async () => {
    const img = await bsky.publish(aliceCreds, { text: 'a picture', idempotencyKey: 'img-1', media: [{ kind: 'image', mimeType: 'image/png', data: PNG, altText: 'A single grey pixel', width: 1, height: 1 }] });
    const imgValue = await record(img.posts[0]!.id);
    expect(imgValue.embed.$type).toBe('app.bsky.embed.images');
    expect(imgValue.embed.images[0]).toMatchObject({ alt: 'A single grey pixel', aspectRatio: { width: 1, height: 1 } });
    expect(imgValue.embed.images[0].image.mimeType).toBe('image/png');
    expect((await bsky.getPost(aliceCreds, img.posts[0]!.id))?.mediaCount).toBe(1);

    const card = await bsky.publish(aliceCreds, {
      text: 'read this',
      idempotencyKey: 'card-1',
      link: { url: 'https://chorus.example/blog', title: 'Chorus blog', description: 'News', thumbnail: { kind: 'image', mimeType: 'image/png', data: PNG } },
    });
    const cardValue = await record(card.posts[0]!.id);
    expect(cardValue.embed).toMatchObject({ $type: 'app.bsky.embed.external', external: { uri: 'https://chorus.example/blog', title: 'Chorus blog', description: 'News' } });
    expect(cardValue.embed.external.thumb.mimeType).toBe('image/png');
  });

  it('publishes a video with alt text', async () => {
    // The smallest bytes that are sniffed as video/mp4: an ISO-BMFF "ftyp" box with brand mp42.
    const mp4 = Uint8Array.from([0, 0, 0, 0x18, ...Buffer.from('ftypmp42'), 0, 0, 0, 0, ...Buffer.from('mp42isom'), 0, 0, 0, 8, ...Buffer.from('free')]);
    const { posts } = await bsky.publish(aliceCreds, { text: 'a clip', idempotencyKey: 'video-1', media: [{ kind: 'video', mimeType: 'video/mp4', data: mp4, altText: 'Two seconds of nothing', width: 16, height: 9 }] });
    const value = await record(posts[0]!.id);
    expect(value.embed).toMatchObject({ $type: 'app.bsky.embed.video', alt: 'Two seconds of nothing', aspectRatio: { width: 16, height: 9 } });
    expect(value.embed.video.mimeType).toBe('video/mp4');
  });

  it('publishes a thread, each post answering the one before', async () => {
    const { posts } = await bsky.publish(aliceCreds, { text: 'thread 1/3', idempotencyKey: 'thread-1', thread: [{ text: 'thread 2/3' }, { text: 'thread 3/3' }] });
    expect(posts).toHaveLength(3);
    const second = await record(posts[1]!.id);
    const third = await record(posts[2]!.id);
    expect(second.reply).toEqual({ root: { uri: posts[0]!.id, cid: posts[0]!.cid }, parent: { uri: posts[0]!.id, cid: posts[0]!.cid } });
    expect(third.reply.root.uri).toBe(posts[0]!.id);
    expect(third.reply.parent.uri).toBe(posts[1]!.id);
  });

  it('never makes a second post for the same idempotency key', async () => {
    const count = async () => (await alice.agent.com.atproto.repo.listRecords({ repo: alice.did, collection: 'app.bsky.feed.post', limit: 100 })).data.records.length;
    const first = await bsky.publish(aliceCreds, { text: 'only once', idempotencyKey: 'once-1' });
    const before = await count();
    const again = await bsky.publish(aliceCreds, { text: 'only once', idempotencyKey: 'once-1' });
    expect(again.posts[0]!.id).toBe(first.posts[0]!.id);
    expect(again.alreadyExisted).toBe(true);
    expect(await count()).toBe(before);

    // The PDS applies the write but the answer is lost: the connector looks before failing.
    const losingAnswers: FetchLike = async (input, init) => {
      const res = await fetch(input, init);
      if (String(input).includes('com.atproto.repo.createRecord')) throw networkError('ECONNRESET');
      return res;
    };
    const flaky = createBlueskyConnector({ http: { fetch: losingAnswers, retries: 0 } });
    const lost = await flaky.publish(aliceCreds, { text: 'answer lost', idempotencyKey: 'lost-1' });
    expect(lost.alreadyExisted).toBe(true);
    const retried = await bsky.publish(aliceCreds, { text: 'answer lost', idempotencyKey: 'lost-1' });
    expect(retried.posts[0]!.id).toBe(lost.posts[0]!.id);
    expect(await count()).toBe(before + 1);
  });

  it('sees a reply and a mention from another account via fetchConversations, then nothing new', async () => {
    const { posts } = await bsky.publish(aliceCreds, { text: 'how can we help?', idempotencyKey: 'support-1' });
    // The local AppView indexes each repo on its own: a reply indexed before its parent
    // notifies no one, so let the parent land first (the real network is eventually consistent too).
    await net.processAll();
    const reply = await bsky.reply(bobCreds, { inReplyTo: posts[0]!.id, text: 'my order is broken', idempotencyKey: 'bob-reply-1' });
    await bsky.publish(bobCreds, { text: 'hey @alice.test are you open today?', idempotencyKey: 'bob-mention-1' });
    await net.processAll();

    const page = await bsky.fetchConversations(aliceCreds);
    const replyItem = page.items.find((i) => i.id === reply.id);
    expect(replyItem).toMatchObject({ kind: 'reply', text: 'my order is broken', inReplyTo: posts[0]!.id, threadId: posts[0]!.id, author: { id: bob.did, handle: 'bob.test' } });
    expect(page.items.find((i) => i.kind === 'mention')?.text).toContain('are you open today');
    expect(page.cursor).toBeTruthy();

    const next = await bsky.fetchConversations(aliceCreds, { since: page.cursor });
    expect(next.items).toEqual([]);

    await bsky.reply(bobCreds, { inReplyTo: posts[0]!.id, text: 'still waiting', idempotencyKey: 'bob-reply-2' });
    await net.processAll();
    const later = await bsky.fetchConversations(aliceCreds, { since: next.cursor });
    expect(later.items.map((i) => i.text)).toEqual(['still waiting']);
  });

  it('reads like, repost and reply counts as post metrics, and followers as profile metrics', async () => {
    const { posts } = await bsky.publish(aliceCreds, { text: 'metrics please', idempotencyKey: 'metrics-1' });
    await net.processAll();
    const cid = posts[0]!.cid!;
    await bob.agent.like(posts[0]!.id, cid);
    await bob.agent.repost(posts[0]!.id, cid);
    await bob.agent.follow(alice.did);
    await bsky.reply(bobCreds, { inReplyTo: posts[0]!.id, text: 'nice', idempotencyKey: 'bob-nice' });
    await net.processAll();
    expect(await bsky.fetchPostMetrics(aliceCreds, [posts[0]!.id])).toEqual([{ postId: posts[0]!.id, likes: 1, reposts: 1, replies: 1, quotes: 0, bookmarks: 0 }]);
    const profile = await bsky.fetchProfileMetrics(aliceCreds);
    expect(profile.followers).toBe(1);
    expect(profile.posts).toBeGreaterThan(5);
  });

  it('searches posts', async () => {
    await bsky.publish(bobCreds, { text: 'the zanzibarian teapot is leaking', idempotencyKey: 'search-1' });
    await net.processAll();
    const found = await bsky.search(aliceCreds, { q: 'zanzibarian' });
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({ text: 'the zanzibarian teapot is leaking', author: { handle: 'bob.test' } });
  });

  it('suggests accounts for @mentions through the typeahead search', async () => {
    await net.processAll();
    const found = await bsky.searchAccounts!(aliceCreds, { q: 'bo', limit: 5 });
    expect(found.map((a) => a.handle)).toContain('bob.test');
    expect(found.find((a) => a.handle === 'bob.test')).toMatchObject({ id: bob.did });
    expect(await bsky.searchAccounts!(aliceCreds, { q: 'zzqxnobody' })).toEqual([]);
  });

  it('deletes (twice is fine) and refreshes the session', async () => {
    const { posts } = await bsky.publish(aliceCreds, { text: 'short-lived', idempotencyKey: 'delete-1' });
    await bsky.delete(aliceCreds, posts[0]!.id);
    expect(await bsky.getPost(aliceCreds, posts[0]!.id)).toBeNull();
    await bsky.delete(aliceCreds, posts[0]!.id);

    const refreshed = await bsky.refresh(aliceCreds);
    expect(refreshed.accessToken).not.toBe(aliceCreds.accessToken);
    expect(refreshed.refreshToken).toBeTruthy();
    expect((await bsky.getProfile(refreshed)).handle).toBe('alice.test');
    const revoked = await bsky.refresh({ ...aliceCreds, refreshToken: 'garbage' }).catch((e) => e);
    expect(revoked).toBeInstanceOf(AuthExpired);
    aliceCreds = refreshed;
  });
});
