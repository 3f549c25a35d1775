/**
 * The card the publisher attaches to a post (src/publishing/link-card.ts), against a local site:
 * which posts get one, the thumbnail within the network's limits, what happens when the page is
 * blocked or slow, and what is logged. The LinkedIn case goes on through the connector against
 * recorded responses to show the article LinkedIn receives.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.ts';
import { createBlueskyConnector } from '../../src/connectors/bluesky/connector.ts';
import { createInstagramConnector } from '../../src/connectors/instagram/connector.ts';
import { createLinkedInConnector } from '../../src/connectors/linkedin/connector.ts';
import { createMastodonConnector } from '../../src/connectors/mastodon/connector.ts';
import type { Credentials } from '../../src/connectors/connector.ts';
import { createLinkPreviewer } from '../../src/links/preview/service.ts';
import { fetchLinkCard } from '../../src/publishing/link-card.ts';
import { FakeFetch, fixture } from '../connectors/fake-fetch.ts';

let server: Server;
let base: string;
const hits = new Map<string, number>();
const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e8d6a30000000049454e44ae426082', 'hex');

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const page = (image: string) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<head><meta property="og:title" content="Chorus 1.0"><meta property="og:description" content="Out now"><meta property="og:image" content="${image}"></head>`);
    if (path === '/post') return page('/thumb.png');
    if (path === '/big-thumb') return page('/big.png');
    if (path === '/thumb.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    // Over Bluesky's 1,000,000-byte thumb limit.
    if (path === '/big.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(1_100_000));
    if (path === '/slow') return;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

function capture() {
  const lines: string[] = [];
  const logger = createLogger('debug', new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));
  return { logger, lines };
}

// The test site stands for a public one; nothing else is reachable.
const previewer = () => createLinkPreviewer({ allowPrivate: false, isAllowedAddress: (address) => address === '127.0.0.1' });
const bluesky = createBlueskyConnector();
const tracked = 'https://chorus.example/l/Ab3dEf';

describe('the link card a post goes out with', () => {
  it('is the first URL’s card, pointing at the link as published, with its image as thumbnail', async () => {
    const { logger } = capture();
    const written = `Read ${base}/post?utm_source=x then ${base}/other`;
    const card = await fetchLinkCard(previewer(), bluesky, { written, published: `Read ${tracked} then https://chorus.example/l/Zz9`, hasMedia: false }, logger);
    expect(card).toMatchObject({ url: tracked, title: 'Chorus 1.0', description: 'Out now', thumbnail: { kind: 'image', mimeType: 'image/png' } });
    expect(Buffer.from(card!.thumbnail!.data!)).toEqual(png);
    // Without tracking, the URL as written.
    const plain = await fetchLinkCard(previewer(), bluesky, { written, published: written, hasMedia: false }, logger);
    expect(plain?.url).toBe(`${base}/post?utm_source=x`);
  });

  it('is not fetched for a post with media, a network without cards, or a text without a link', async () => {
    const { logger } = capture();
    const before = hits.get('/post') ?? 0;
    const text = `See ${base}/post`;
    expect(await fetchLinkCard(previewer(), bluesky, { written: text, published: text, hasMedia: true }, logger)).toBeUndefined();
    expect(await fetchLinkCard(previewer(), createInstagramConnector(), { written: text, published: text, hasMedia: false }, logger)).toBeUndefined();
    expect(await fetchLinkCard(previewer(), bluesky, { written: 'no link here', published: 'no link here', hasMedia: false }, logger)).toBeUndefined();
    // Mastodon reads the page itself: it gets the URL, and Chorus fetches nothing.
    expect(await fetchLinkCard(previewer(), createMastodonConnector(), { written: text, published: text, hasMedia: false }, logger)).toEqual({ url: `${base}/post` });
    expect(hits.get('/post') ?? 0).toBe(before);
  });

  it('leaves out a thumbnail over the network’s limit, and keeps the rest of the card', async () => {
    const { logger, lines } = capture();
    const text = `See ${base}/big-thumb`;
    const card = await fetchLinkCard(previewer(), bluesky, { written: text, published: text, hasMedia: false }, logger);
    expect(card).toEqual({ url: `${base}/big-thumb`, title: 'Chorus 1.0', description: 'Out now' });
    expect(lines.join('')).toContain('link_preview_too_large');
  });

  it('is left out when the page is blocked or slow, within the time budget, and the log names the site only', async () => {
    const { logger, lines } = capture();
    const strict = createLinkPreviewer({ allowPrivate: false });
    const secret = `${base}/post?access_token=s3cr3t`;
    expect(await fetchLinkCard(strict, bluesky, { written: secret, published: secret, hasMedia: false }, logger)).toBeUndefined();
    const started = Date.now();
    const slow = `${base}/slow`;
    expect(await fetchLinkCard(previewer(), bluesky, { written: slow, published: slow, hasMedia: false }, logger, 300)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1500);
    const log = lines.join('');
    expect(log).toContain('link_preview_blocked');
    expect(log).toContain(new URL(base).host);
    expect(log).not.toContain('s3cr3t');
    expect(log).not.toContain('/post');
  });

  it('reaches LinkedIn as an article with title, description and the uploaded thumbnail', async () => {
    const { logger } = capture();
    const fake = new FakeFetch();
    const linkedin = createLinkedInConnector({ http: fake.options() });
    const written = `Chorus 1.0 is out: ${base}/post`;
    const published = `Chorus 1.0 is out: ${tracked}`;
    const link = await fetchLinkCard(previewer(), linkedin, { written, published, hasMedia: false }, logger);
    fake.reply(fixture('linkedin', 'image_initialize')).reply({ status: 201 }).reply(fixture('linkedin', 'post_created'));
    const member: Credentials = { network: 'linkedin', accountId: 'urn:li:person:782bbtaQ', accessToken: 'li-tok', extra: { memberUrn: 'urn:li:person:782bbtaQ' } };
    await linkedin.publish(member, { text: published, link: link!, idempotencyKey: 'k1' });
    expect(fake.sent[1]!.body).toBe(`<${png.byteLength} bytes>`);
    const body = fake.sent[2]!.json();
    expect(body.content).toEqual({ article: { source: tracked, title: 'Chorus 1.0', description: 'Out now', thumbnail: 'urn:li:image:D4E10AQFyEi7tW8cM4w' } });
    // The link is in the text already: not appended a second time.
    expect(body.commentary).toBe('Chorus 1.0 is out: https://chorus.example/l/Ab3dEf');
  });
});
