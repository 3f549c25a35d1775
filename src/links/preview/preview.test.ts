import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress } from './address.ts';
import { parseCard } from './parse.ts';
import { createLinkPreviewer } from './service.ts';

describe('which addresses a link preview may reach', () => {
  it('allows public unicast addresses only', () => {
    for (const address of ['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111']) expect(isPublicAddress(address), address).toBe(true);
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254', '224.0.0.1', 'not an address']) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });
});

describe('reading a card from a page', () => {
  it('prefers Open Graph, then Twitter cards, then <title> and description; resolves relative images', () => {
    const og = parseCard(
      `<html><head><title>Plain</title><meta property="og:title" content="OG &amp; title"><meta name="twitter:title" content="Twitter title">
       <meta property="og:description" content="  The   description "><meta property="og:image" content="/img/card.png"><meta property="og:image" content="/second.png">
       <meta property="og:site_name" content="Example"></head><body><meta property="og:title" content="ignored in body"></body></html>`,
      'https://example.com/a/page',
    );
    expect(og).toEqual({ url: 'https://example.com/a/page', title: 'OG & title', description: 'The description', image: 'https://example.com/img/card.png', siteName: 'Example' });
    const twitter = parseCard('<head><meta name="twitter:title" content="T"><meta name="twitter:image" content="https://cdn.example/x.jpg"><meta name="description" content="D"></head>', 'https://e.com/');
    expect(twitter).toMatchObject({ title: 'T', description: 'D', image: 'https://cdn.example/x.jpg' });
    const bare = parseCard('<title>\n  Just a   title </title><meta property="og:image" content="javascript:alert(1)">', 'https://e.com/');
    expect(bare).toMatchObject({ title: 'Just a title', description: '', image: null, siteName: null });
  });
});

describe('fetching pages for previews', () => {
  let server: Server;
  let base: string;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      if (req.url === '/page') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<head><meta property="og:title" content="Hello"></head>');
      if (req.url === '/to-metadata') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (req.url === '/to-ipv6-loopback') return res.writeHead(301, { location: 'http://[::1]/' }).end();
      if (req.url === '/to-page') return res.writeHead(302, { location: '/page' }).end();
      if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
      if (req.url === '/card.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(2000, 1));
      if (req.url === '/to-card.png') return res.writeHead(302, { location: '/card.png' }).end();
      if (req.url === '/img-to-metadata') return res.writeHead(302, { location: 'http://169.254.169.254/card.png' }).end();
      if (req.url === '/card.svg') return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg"/>');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // Only the test server's own address is allowed, as if it were a public site.
  const previewer = () => createLinkPreviewer({ allowPrivate: false, isAllowedAddress: (address) => address === '127.0.0.1' });

  it('follows redirects to allowed addresses, and checks every hop again', async () => {
    const p = previewer();
    expect(await p.preview(`${base}/to-page`)).toMatchObject({ title: 'Hello', url: `${base}/page` });
    await expect(p.preview(`${base}/to-metadata`)).rejects.toMatchObject({ status: 422, code: 'link_preview_blocked' });
    await expect(p.preview(`${base}/to-ipv6-loopback`)).rejects.toMatchObject({ code: 'link_preview_blocked' });
    await expect(p.preview(`${base}/loop`)).rejects.toMatchObject({ code: 'link_preview_redirects' });
  });

  it('refuses hostnames that resolve to private addresses under the default policy', async () => {
    const strict = createLinkPreviewer({ allowPrivate: false });
    const port = (server.address() as AddressInfo).port;
    await expect(strict.preview(`http://localhost:${port}/page`)).rejects.toMatchObject({ code: 'link_preview_blocked' });
  });

  it('remembers a card instead of fetching the page again', async () => {
    const p = previewer();
    const before = hits;
    await p.preview(`${base}/page`);
    await Promise.all([p.preview(`${base}/page`), p.preview(`${base}/page`)]);
    expect(hits - before).toBe(1);
  });

  it("fetches a card's image under the same rules: image types asked for only, its own size cap, every hop checked", async () => {
    const p = previewer();
    const limits = { types: ['image/png', 'image/jpeg', 'image/svg+xml'], maxBytes: 4000, timeoutMs: 2000 };
    const image = await p.image(`${base}/to-card.png`, limits);
    expect(image).toMatchObject({ url: `${base}/card.png`, contentType: 'image/png' });
    expect(image.data.byteLength).toBe(2000);
    await expect(p.image(`${base}/card.png`, { ...limits, maxBytes: 1000 })).rejects.toMatchObject({ code: 'link_preview_too_large' });
    await expect(p.image(`${base}/card.png`, { ...limits, types: ['image/jpeg'] })).rejects.toMatchObject({ code: 'link_preview_not_image' });
    // SVG is a document that may run script: never taken as a card image, even when asked for.
    await expect(p.image(`${base}/card.svg`, limits)).rejects.toMatchObject({ code: 'link_preview_not_image' });
    await expect(p.image(`${base}/page`, limits)).rejects.toMatchObject({ code: 'link_preview_not_image' });
    await expect(p.image(`${base}/img-to-metadata`, limits)).rejects.toMatchObject({ code: 'link_preview_blocked' });
    await expect(p.image('file:///etc/passwd', limits)).rejects.toMatchObject({ code: 'link_preview_scheme' });
  });
});
