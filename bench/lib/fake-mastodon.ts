/**
 * A stand-in Mastodon instance for benchmarks: answers POST /api/v1/statuses after a fixed delay
 * with a Status as the Mastodon REST API describes it, and counts what it was sent so that a
 * benchmark can tell a post that went out twice from a retry the instance de-duplicated.
 *
 * Like Mastodon, a repeated Idempotency-Key gets the status first created under it, not a new one.
 * It also answers verify_credentials and /api/v2/instance, which the connector may call.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HOST } from './servers.ts';

export const FAKE_TOKEN = 't';

export interface FakeMastodonStats {
  /** POST /api/v1/statuses requests received (including repeats of a key). */
  requests: number;
  /** Statuses created: requests with a key not seen before (or without a key). */
  created: number;
  /** Requests answered with an existing status because their Idempotency-Key had been seen. */
  repeatedKeys: number;
  /** Requests without an Idempotency-Key header. */
  withoutKey: number;
  /** Texts for which more than one status was created: posts that went out twice. */
  duplicateTexts: number;
  /** Requests to anything else (or refused: bad token, bad body). */
  other: number;
  /** performance.now() of the first and last status created. */
  firstCreatedAt: number | null;
  lastCreatedAt: number | null;
}

export interface FakeMastodon {
  url: string;
  /** Statuses created per text. */
  createdByText: Map<string, number>;
  stats(): FakeMastodonStats;
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startFakeMastodon(options: { latencyMs: number }): Promise<FakeMastodon> {
  const byKey = new Map<string, object>();
  const createdByText = new Map<string, number>();
  const counts = { requests: 0, created: 0, repeatedKeys: 0, withoutKey: 0, other: 0 };
  let firstCreatedAt: number | null = null;
  let lastCreatedAt: number | null = null;
  let nextId = 110_000_000_000_000_000n;
  let origin = '';
  const createdAt = new Date().toISOString();

  const account = {
    id: '1',
    username: 'bench',
    acct: 'bench',
    display_name: 'Bench',
    locked: false,
    bot: true,
    discoverable: false,
    group: false,
    created_at: createdAt,
    note: '',
    url: '',
    avatar: '',
    avatar_static: '',
    header: '',
    header_static: '',
    followers_count: 0,
    following_count: 0,
    statuses_count: 0,
    last_status_at: null,
    emojis: [],
    fields: [],
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  };
  const later = (fn: () => void) => setTimeout(fn, options.latencyMs);

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const postStatus = async (req: IncomingMessage, res: ServerResponse) => {
    counts.requests++;
    let body: { status?: unknown; visibility?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      counts.other++;
      return later(() => send(res, 422, { error: 'Validation failed: the body is not JSON' }));
    }
    if (typeof body.status !== 'string' || body.status.trim() === '') {
      counts.other++;
      return later(() => send(res, 422, { error: "Validation failed: Text can't be blank" }));
    }
    const key = req.headers['idempotency-key'];
    const keyText = typeof key === 'string' && key !== '' ? key : null;
    // Decided on arrival, as Mastodon does (it locks the key), so that two requests sent at once
    // under one key still make one status.
    const existing = keyText ? byKey.get(keyText) : undefined;
    if (existing) {
      counts.repeatedKeys++;
      return later(() => send(res, 200, existing));
    }
    if (!keyText) counts.withoutKey++;
    const id = String(nextId++);
    const status = {
      id,
      uri: `${origin}/users/bench/statuses/${id}`,
      url: `${origin}/@bench/${id}`,
      created_at: new Date().toISOString(),
      edited_at: null,
      account,
      content: `<p>${escapeHtml(body.status)}</p>`,
      visibility: typeof body.visibility === 'string' ? body.visibility : 'public',
      sensitive: false,
      spoiler_text: '',
      media_attachments: [],
      application: { name: 'Chorus', website: null },
      mentions: [],
      tags: [],
      emojis: [],
      reblogs_count: 0,
      favourites_count: 0,
      replies_count: 0,
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      reblog: null,
      poll: null,
      card: null,
      language: 'en',
    };
    if (keyText) byKey.set(keyText, status);
    counts.created++;
    createdByText.set(body.status, (createdByText.get(body.status) ?? 0) + 1);
    lastCreatedAt = performance.now();
    firstCreatedAt ??= lastCreatedAt;
    later(() => send(res, 200, status));
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}` && path !== '/api/v2/instance') {
      counts.other++;
      req.resume();
      return later(() => send(res, 401, { error: 'The access token is invalid' }));
    }
    if (req.method === 'POST' && path === '/api/v1/statuses') {
      postStatus(req, res).catch(() => send(res, 500, { error: 'fake server failure' }));
      return;
    }
    counts.other++;
    req.resume();
    if (req.method === 'GET' && path === '/api/v1/accounts/verify_credentials') return later(() => send(res, 200, account));
    if (req.method === 'GET' && path === '/api/v2/instance') {
      return later(() => send(res, 200, { domain: new URL(origin).host, version: '4.3.0', configuration: { statuses: { max_characters: 500, max_media_attachments: 4 } } }));
    }
    later(() => send(res, 404, { error: 'Record not found' }));
  });
  // Keep connections open between a worker's requests, as a real instance behind nginx would.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  origin = `http://${HOST}:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    createdByText,
    stats: () => ({
      ...counts,
      duplicateTexts: [...createdByText.values()].filter((n) => n > 1).length,
      firstCreatedAt,
      lastCreatedAt,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
