/**
 * A stand-in Mastodon instance that produces mentions at a steady rate for many accounts and
 * answers GET /api/v1/notifications as Mastodon does (types[]=mention, limit, min_id: the page
 * right after min_id, newest first; without min_id the newest page), so that Chorus's own
 * Mastodon connector reads it. Each status's created_at is the instant it became available: the
 * sync's lag is then received_at − sent_at of the stored message.
 *
 * Four in ten messages start a thread; the others answer one of the account's recent threads; one
 * in ten is a direct message.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HOST } from '../lib/servers.ts';
import { messageText } from './text.ts';

interface Item {
  id: string;
  json: string;
}

export interface Feed {
  url: string;
  /** Token of the account at `index`: the instance tells its accounts apart by token. */
  tokenFor(index: number): string;
  /** Starts producing `perMinute` messages a minute spread over the first `accounts` accounts. */
  start(accounts: number, perMinute: number): void;
  /** Stops producing; what was produced stays readable. */
  stop(): void;
  produced(): number;
  /** Notifications requests answered, and the items they carried. */
  stats(): { requests: number; served: number };
  close(): Promise<void>;
}

/** The first id handed out; ids grow by one, all of the same length, so they compare as numbers do. */
export const FIRST_ID = 200_000_000_000_000_000n;

export async function startFeed(): Promise<Feed> {
  const byToken = new Map<string, Item[]>();
  const roots = new Map<string, string[]>();
  let nextId = FIRST_ID;
  let produced = 0;
  let requests = 0;
  let served = 0;
  let timer: NodeJS.Timeout | null = null;
  const tokenFor = (index: number) => `feed-${index}`;

  const account = (n: number) => ({ id: `cust-${n}`, username: `customer${n}`, acct: `customer${n}@example.social`, display_name: `Customer ${n}`, avatar: '' });

  const produce = (token: string, at: Date) => {
    const id = String(++nextId);
    const threads = roots.get(token) ?? [];
    const reply = threads.length > 0 && Math.random() < 0.6 ? threads[Math.floor(Math.random() * threads.length)]! : null;
    if (!reply) {
      threads.push(id);
      if (threads.length > 200) threads.shift();
      roots.set(token, threads);
    }
    const author = Math.floor(Math.random() * 50_000);
    const status = {
      id,
      uri: `https://feed.example/statuses/${id}`,
      url: `https://feed.example/@customer${author}/${id}`,
      created_at: at.toISOString(),
      content: `<p>${messageText()}</p>`,
      visibility: Math.random() < 0.1 ? 'direct' : 'public',
      in_reply_to_id: reply,
      in_reply_to_account_id: reply ? `cust-${author}` : null,
      account: account(author),
      media_attachments: [],
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
    };
    const notification = { id, type: 'mention', created_at: status.created_at, account: status.account, status };
    const list = byToken.get(token) ?? [];
    list.push({ id, json: JSON.stringify(notification) });
    byToken.set(token, list);
    produced++;
  };

  const send = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const server = createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://feed');
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (req.method !== 'GET' || url.pathname !== '/api/v1/notifications') return send(res, 404, '{"error":"Record not found"}');
    requests++;
    const items = byToken.get(token) ?? [];
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 40), 80);
    const minId = url.searchParams.get('min_id');
    let page: Item[];
    if (minId) {
      // Ids are produced in increasing order: find the first one above min_id.
      const min = BigInt(minId);
      let lo = 0;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (BigInt(items[mid]!.id) <= min) lo = mid + 1;
        else hi = mid;
      }
      page = items.slice(lo, lo + limit);
    } else {
      page = items.slice(Math.max(0, items.length - limit));
    }
    served += page.length;
    send(res, 200, `[${page.reverse().map((i) => i.json).join(',')}]`);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const origin = `http://${HOST}:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    tokenFor,
    start(accounts, perMinute) {
      const started = Date.now();
      let made = 0;
      // Every 20 ms, produce what is due by now, each stamped with its exact due instant.
      timer = setInterval(() => {
        const due = Math.floor(((Date.now() - started) * perMinute) / 60_000);
        for (; made < due; made++) produce(tokenFor(Math.floor(Math.random() * accounts)), new Date(started + (made * 60_000) / perMinute));
      }, 20);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    produced: () => produced,
    stats: () => ({ requests, served }),
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
