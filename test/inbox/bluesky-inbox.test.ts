import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, memberWithRole, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { startAtprotoNetwork, type LocalAtprotoNetwork, type TestAccount } from '../connectors/atproto-network.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { createLogger } from '../../src/core/logger.ts';
import { createBlueskyConnector } from '../../src/connectors/bluesky/connector.ts';
import type { Credentials } from '../../src/connectors/connector.ts';
import { inboxSchedulerJob } from '../../src/inbox/jobs.ts';
import { inboxCursors, messages } from '../../src/inbox/schema.ts';

const bsky = createBlueskyConnector();
let net: LocalAtprotoNetwork;
let customer: TestAccount;
let customerCreds: Credentials;
const brands: Record<string, TestAccount> = {};

beforeAll(async () => {
  net = await startAtprotoNetwork('inbox');
  customer = await net.createAccount('customer');
  if (bsky.auth.kind !== 'app-password') throw new Error('Bluesky connects with an app password');
  customerCreds = (await bsky.auth.connect({ serviceUrl: net.pdsUrl, identifier: customer.handle, password: customer.appPassword })).credentials;
  for (const backend of BACKENDS) brands[backend] = await net.createAccount(`brand${backend}`);
}, 180_000);
afterAll(() => net?.close());

describe.each(BACKENDS)('the inbox on a real AT Protocol network (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  let supportTeamId: string;
  let brand: TestAccount;
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;
  const sync = async () => {
    await net.processAll();
    const response = await owner.request('POST', ws(`/profiles/${profileId}/sync`));
    expect(response.statusCode, response.body).toBe(200);
    return response.json().result;
  };
  const says = (text: string) => bsky.publish(customerCreds, { text, idempotencyKey: `customer-${backend}-${text.length}-${text.slice(0, 12)}` });

  beforeAll(async () => {
    brand = brands[backend]!;
    t = await createTestApp(backend, { connectors: connectorsFrom([bsky]) });
    ({ owner, workspaceId } = await setupOwner(t.app));
    const connected = await owner.request('POST', ws('/profiles/app-password'), { network: 'bluesky', serviceUrl: net.pdsUrl, identifier: brand.handle, password: brand.appPassword });
    profileId = connected.json().profile.id;
    supportTeamId = (await owner.request('POST', ws('/teams'), { name: 'Support' })).json().team.id;
    const rule = await owner.request('POST', ws('/routing-rules'), {
      name: 'Problems go to Support',
      conditions: { keywords: ['refund', 'broken', 'not working'] },
      actions: { teamId: supportTeamId, priority: 'high', tags: ['problem'] },
    });
    expect(rule.statusCode, rule.body).toBe(201);
  });
  afterAll(() => t?.close());

  it('files mentions once, routes problems to Support with high priority, and finds them by search', async () => {
    await says(`@${brand.handle} my order arrived BROKEN, I want a réfund`);
    await says(`@${brand.handle} love the new colours!`);
    expect((await sync()).added).toBe(2);
    expect((await sync()).added).toBe(0); // seen before: nothing new
    const inbox = (await owner.request('GET', ws('/inbox?status=open'))).json().conversations;
    expect(inbox).toHaveLength(2);
    const problem = inbox.find((c: { lastText: string }) => c.lastText.includes('BROKEN'));
    expect(problem).toMatchObject({ kind: 'mention', priority: 'high', assigneeTeamId: supportTeamId, tags: ['problem'], unread: 1, authorHandle: customer.handle });
    // The author's follower count, looked up with getProfiles (no one follows the new account yet).
    expect(problem.authorFollowers).toBe(0);
    const praise = inbox.find((c: { lastText: string }) => c.lastText.includes('colours'));
    expect(praise).toMatchObject({ priority: 'normal', assigneeTeamId: null });
    expect((await owner.request('GET', ws('/inbox?q=broken'))).json().conversations.map((c: { id: string }) => c.id)).toEqual([problem.id]);
    expect((await owner.request('GET', ws('/inbox?assignee=unassigned'))).json().conversations.map((c: { id: string }) => c.id)).toEqual([praise.id]);
    expect((await owner.request('GET', ws(`/inbox?teamId=${supportTeamId}`))).json().conversations).toHaveLength(1);
  });

  it('replies on the network to the exact message, and records who answered', async () => {
    const [problem] = (await owner.request('GET', ws(`/inbox?teamId=${supportTeamId}`))).json().conversations;
    const opened = (await owner.request('GET', ws(`/inbox/${problem.id}`))).json();
    expect(opened.conversation.unread).toBe(0);
    expect(opened.messages).toHaveLength(1);
    expect((await owner.request('POST', ws(`/inbox/${problem.id}/notes`), { body: 'Customer since 2019, be generous.' })).statusCode).toBe(201);
    const replied = await owner.request('POST', ws(`/inbox/${problem.id}/reply`), { text: 'So sorry! Send us your order number and we will refund you today.' });
    expect(replied.statusCode, replied.body).toBe(201);
    await net.processAll();
    const thread = await customer.agent.app.bsky.feed.getPostThread({ uri: opened.messages[0].remoteId });
    const replies = (thread.data.thread as { replies?: { post: { author: { handle: string }; record: { text: string } } }[] }).replies ?? [];
    expect(replies.map((r) => [r.post.author.handle, r.post.record.text])).toEqual([[brand.handle, 'So sorry! Send us your order number and we will refund you today.']]);
    const after = (await owner.request('GET', ws(`/inbox/${problem.id}`))).json();
    expect(after.conversation).toMatchObject({ status: 'pending' });
    expect(after.conversation.firstResponseAt).toBeTruthy();
    expect(after.messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound', 'outbound']);
    expect(after.notes[0]).toMatchObject({ body: 'Customer since 2019, be generous.', authorName: 'Olive Owner' });
    const log = (await owner.request('GET', ws(`/audit?targetId=${problem.id}`))).json().events.map((e: { action: string }) => e.action);
    expect(log).toEqual(['conversation.replied', 'conversation.note_added']);
    // Our own reply coming back through sync is not a new customer message.
    await sync();
    const inbound = await t.database.db.select().from(messages).where(eq(messages.conversationId, problem.id));
    expect(inbound.filter((m) => m.direction === 'inbound')).toHaveLength(1);
  });

  it('works the queue: assign, bulk close, and reopen when the customer writes again', async () => {
    const agent = await memberWithRole(t.app, owner, workspaceId, 'contributor');
    const all = (await owner.request('GET', ws('/inbox'))).json().conversations;
    const assigned = await owner.request('PATCH', ws(`/inbox/${all[0].id}`), { assigneeUserId: agent.userId });
    expect(assigned.statusCode).toBe(200);
    expect((await agent.api.request('GET', ws('/inbox?assignee=me'))).json().conversations.map((c: { id: string }) => c.id)).toEqual([all[0].id]);
    const analyst = await memberWithRole(t.app, owner, workspaceId, 'analyst');
    expect((await analyst.api.request('POST', ws('/inbox/bulk'), { ids: [all[0].id], change: { status: 'closed' } })).statusCode).toBe(403);
    const closed = await agent.api.request('POST', ws('/inbox/bulk'), { ids: all.map((c: { id: string }) => c.id), change: { status: 'closed' } });
    expect(closed.json().updated).toBe(2);
    expect((await owner.request('GET', ws('/inbox?status=open'))).json().conversations).toHaveLength(0);
    const [problem] = (await owner.request('GET', ws(`/inbox?teamId=${supportTeamId}`))).json().conversations;
    const first = (await owner.request('GET', ws(`/inbox/${problem.id}`))).json().messages[0];
    await bsky.reply(customerCreds, { inReplyTo: first.remoteId, text: `@${brand.handle} order 1234, thanks`, idempotencyKey: `customer-again-${backend}` });
    await sync();
    const reopened = (await owner.request('GET', ws(`/inbox/${problem.id}`))).json();
    expect(reopened.conversation.status).toBe('open');
    expect(reopened.messages.filter((m: { direction: string }) => m.direction === 'inbound')).toHaveLength(2);
    expect((await owner.request('PATCH', ws(`/inbox/${problem.id}`), { assigneeTeamId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(422);
  });

  it('the scheduler queues one sync per profile that is due, and none for one synced just now', async () => {
    const job = inboxSchedulerJob(t.chorus);
    const run = () => job.handler({}, { id: 'x', name: job.name, workerId: 'test', retryCount: 0, logger: createLogger('silent') });
    const queued = async () => (await t.database.executeSql(`select data->>'profileId' as profile from pgboss.job where name = 'inbox.sync-profile' and state = 'created'`)).rows;
    await run();
    expect(await queued()).toEqual([]); // synced moments ago: not due
    await t.database.db.update(inboxCursors).set({ nextSyncAt: new Date(Date.now() - 1000) }).where(eq(inboxCursors.profileId, profileId));
    await run();
    await run(); // a second tick while the first sync is still queued adds nothing
    expect(await queued()).toEqual([{ profile: profileId }]);
  });
});
