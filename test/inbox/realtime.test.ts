/**
 * The real-time inbox against a local server speaking Mastodon's REST and streaming APIs: a
 * notification pushed on the stream brings the profile's sync forward (the polling interval is a
 * minute, so polling cannot explain a message arriving in seconds), a dropped stream is reopened,
 * a refused token is not retried, and stop() closes every stream.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait.ts';
import { fixture } from '../connectors/fake-fetch.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { createMastodonConnector } from '../../src/connectors/mastodon/connector.ts';
import { SYNC_PROFILE_JOB } from '../../src/inbox/jobs.ts';
import { startRealtimeInbox, type RealtimeInbox } from '../../src/inbox/realtime.ts';
import { inboxCursors } from '../../src/inbox/schema.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { workspaces } from '../../src/workspaces/schema.ts';

const ACCOUNT_ID = '109372865447212345';

/** One Mastodon instance: its notifications, and the streams open on it, by access token. */
function fakeMastodon() {
  const published: Record<string, unknown>[] = [];
  const streams = new Set<ServerResponse>();
  const streamRequests = new Map<string, number>();
  const template = fixture('mastodon', 'notifications_since_page2').body[0];
  let url = '';
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url!, 'http://x');
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path.pathname === '/api/v2/instance') {
      const instance = fixture('mastodon', 'instance').body;
      // Streaming "elsewhere", as large instances advertise it: here the same server on ws://.
      return json(200, { ...instance, configuration: { ...instance.configuration, urls: { streaming: url.replace(/^http/, 'ws') } } });
    }
    if (path.pathname === '/api/v1/streaming/user/notification') streamRequests.set(token, (streamRequests.get(token) ?? 0) + 1);
    if (token !== 'good-token') return json(401, { error: 'The access token is invalid' });
    if (path.pathname === '/api/v1/notifications') {
      const since = path.searchParams.get('min_id');
      return json(200, published.filter((n) => !since || BigInt(n.id as string) > BigInt(since)).reverse());
    }
    if (path.pathname === '/api/v1/streaming/user/notification') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(':)\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    json(404, { error: 'Record not found' });
  });
  return {
    streams,
    streamRequests,
    get url() {
      return url;
    },
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    /** A mention lands on the instance and is pushed to every open stream (DMs are mentions too). */
    mention(n: number) {
      const statusId = `1135123456789${String(n).padStart(5, '0')}`;
      const notification = { ...template, id: String(990000 + n), status: { ...template.status, id: statusId, in_reply_to_id: null, content: `<p>@chorusteam question ${n}</p>` } };
      published.push(notification);
      for (const stream of streams) stream.write(`event: notification\r\ndata: ${JSON.stringify(notification)}\r\n\r\n`);
    },
    dropStreams() {
      for (const stream of streams) stream.end();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(BACKENDS)('real-time inbox (%s)', (backend) => {
  const mastodon = fakeMastodon();
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  let realtime: RealtimeInbox | undefined;
  const total = async () => (await owner.request('GET', `/api/v1/workspaces/${workspaceId}/inbox/counts`)).json().all.total as number;

  async function connect(accountId: string, accessToken: string) {
    const [workspace] = await t.database.db.select().from(workspaces);
    const actor = { userId: null, orgId: workspace!.orgId, label: 'test' };
    const credentials = { network: 'mastodon' as const, accountId, accessToken, serviceUrl: mastodon.url };
    return (await saveConnection(t.database.db, actor, t.chorus.config.secretKey, workspaceId, { credentials, profile: { id: accountId, handle: `brand${accountId.slice(-2)}@social.example` } })).id;
  }

  beforeAll(async () => {
    await mastodon.listen();
    t = await createTestApp(backend, { work: true, connectors: connectorsFrom([createMastodonConnector()]), config: { inboxSyncSeconds: 60 } });
    ({ owner, workspaceId } = await setupOwner(t.app));
    profileId = await connect(ACCOUNT_ID, 'good-token');
    // A first sync, so the polling chain's next read is a minute away.
    await t.chorus.jobs.send(SYNC_PROFILE_JOB, { profileId }, { singletonKey: profileId });
    await waitFor(async () => (await t.database.db.select().from(inboxCursors).where(eq(inboxCursors.profileId, profileId)))[0]?.lastSyncedAt != null, 15_000);
  });
  afterAll(async () => {
    await realtime?.stop();
    await t?.close();
    await mastodon.close();
  });

  it('files a pushed mention within seconds, reopens a dropped stream, and closes its streams on stop', async () => {
    realtime = startRealtimeInbox(t.chorus, { debounceMs: 200, baseBackoffMs: 200 });
    await waitFor(async () => mastodon.streams.size === 1, 5000);

    let started = Date.now();
    mastodon.mention(1);
    await waitFor(async () => (await total()) === 1, 5000);
    expect(Date.now() - started).toBeLessThan(2500);

    mastodon.dropStreams();
    await waitFor(async () => mastodon.streamRequests.get('good-token') === 2 && mastodon.streams.size === 1, 5000);
    started = Date.now();
    mastodon.mention(2);
    await waitFor(async () => (await total()) === 2, 5000);
    expect(Date.now() - started).toBeLessThan(2500);

    // A profile whose token the instance refuses: one attempt, then nothing until it is reconnected.
    const refused = await connect('109372865447299999', 'revoked-token');
    await realtime.refresh();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(mastodon.streamRequests.get('revoked-token')).toBe(1);
    expect(mastodon.streams.size).toBe(1);
    expect(refused).toBeTruthy();

    await realtime.stop();
    realtime = undefined;
    await waitFor(async () => mastodon.streams.size === 0, 2000);
  });
});
