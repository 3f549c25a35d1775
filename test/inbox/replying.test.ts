import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, memberWithRole, OWNER, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { newId } from '../../src/core/crypto.ts';
import { addSeconds, now, resetClock, setClock } from '../../src/core/clock.ts';
import { complianceRules } from '../../src/approvals/schema.ts';
import { messages } from '../../src/inbox/schema.ts';
import { OutcomeUnknown, Rejected } from '../../src/connectors/errors.ts';
import { connectFakeProfile, fakeInboxNetwork } from './fake-network.ts';

type Member = Awaited<ReturnType<typeof memberWithRole>>;

/** Replying from the inbox: saved replies, presence, collisions between two agents, compliance rules. */
describe.each(BACKENDS)('replying from the inbox (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let ana: Member;
  let ben: Member;
  let teamId: string;
  let conversationId: string;
  let unnamedId: string;
  const network = fakeInboxNetwork();
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([network.connector]) });
    ({ owner, workspaceId } = await setupOwner(t.app));
    ana = await memberWithRole(t.app, owner, workspaceId, 'contributor');
    ben = await memberWithRole(t.app, owner, workspaceId, 'publisher');
    for (const [who, name] of [[ana, 'Ana Lima'], [ben, 'Ben Okafor']] as const) {
      await t.database.db.execute(`update users set name = '${name}' where id = '${who.userId}'`);
    }
    teamId = (await owner.request('POST', ws('/teams'), { name: 'Care' })).json().team.id;
    await owner.request('PUT', ws(`/teams/${teamId}/members/${ben.userId}`));
    const profileId = await connectFakeProfile(t, workspaceId, 'acct', 'brand@social.example');
    network.says('acct', { id: 'm-1', text: 'where is my order?', from: 'carla', name: 'Carla Diaz' });
    network.says('acct', { id: 'm-2', text: 'hello?', from: 'dmitri', name: null, kind: 'dm', threadId: 'dm-9' });
    await owner.request('POST', ws(`/profiles/${profileId}/sync`));
    const list = (await owner.request('GET', ws('/inbox'))).json().conversations;
    conversationId = list.find((c: { authorHandle: string }) => c.authorHandle.startsWith('carla')).id;
    unnamedId = list.find((c: { authorHandle: string }) => c.authorHandle.startsWith('dmitri')).id;
  });
  afterAll(async () => {
    resetClock();
    await t?.close();
  });

  it('keeps saved replies with known variables only, and fills them in for a conversation', async () => {
    const bad = await owner.request('POST', ws('/saved-replies'), { name: 'Bad', body: 'Hi {{author.nickname}} and {{ order.id }}, {{author.name}}' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'unknown_variables', field: 'body', unknown: ['author.nickname', 'order.id'] });
    expect((await ana.api.request('POST', ws('/saved-replies'), { name: 'Mine', body: 'hi' })).statusCode).toBe(403);
    const body = 'Hi {{author.name}} (@{{ author.handle }}), {{agent.first_name}} of {{workspace.name}} here on {{profile.handle}}. Ref {{conversation.id}}. — {{agent.name}}';
    const general = await owner.request('POST', ws('/saved-replies'), { name: 'Apology', body });
    expect(general.statusCode, general.body).toBe(201);
    const team = await owner.request('POST', ws('/saved-replies'), { name: 'Care greeting', body: 'Hello {{author.name}}!', teamId });
    expect((await owner.request('POST', ws('/saved-replies'), { name: 'apology', body: 'x' })).statusCode).toBe(409);
    // Ben is in Care: its replies come first for him; Ana sees the general ones first.
    const order = async (who: Client) => (await who.request('GET', ws('/saved-replies'))).json().savedReplies.map((r: { name: string }) => r.name);
    expect(await order(ben.api)).toEqual(['Care greeting', 'Apology']);
    expect(await order(ana.api)).toEqual(['Apology', 'Care greeting']);
    const render = async (who: Client, conversation: string, replyId: string) => (await who.request('POST', ws(`/inbox/${conversation}/saved-replies/${replyId}/render`))).json().text;
    expect(await render(ana.api, conversationId, general.json().savedReply.id)).toBe(
      `Hi Carla Diaz (@carla@social.example), Ana of Main here on brand@social.example. Ref ${conversationId}. — Ana Lima`,
    );
    // No display name: the handle stands in.
    expect(await render(ben.api, unnamedId, team.json().savedReply.id)).toBe('Hello dmitri@social.example!');
    const edited = await owner.request('PUT', ws(`/saved-replies/${team.json().savedReply.id}`), { name: 'Care greeting', body: 'Hey {{author.name}}', teamId: null });
    expect(edited.json().savedReply).toMatchObject({ body: 'Hey {{author.name}}', teamId: null });
    expect((await owner.request('PUT', ws(`/saved-replies/${team.json().savedReply.id}`), { name: 'Apology', body: 'x' })).statusCode).toBe(409);
    expect((await owner.request('DELETE', ws(`/saved-replies/${team.json().savedReply.id}`))).statusCode).toBe(204);
    const log = (await owner.request('GET', ws('/audit?targetType=saved_reply'))).json().events.map((e: { action: string }) => e.action);
    expect(log).toEqual(['saved_reply.deleted', 'saved_reply.updated', 'saved_reply.created', 'saved_reply.created']);
  });

  it('shows who else is viewing or replying, and forgets them when they leave or go quiet', async () => {
    const beat = async (who: Client, state: string) => {
      const response = await who.request('POST', ws(`/inbox/${conversationId}/presence`), { state });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().others.map((o: { name: string; state: string }) => [o.name, o.state]);
    };
    expect(await beat(ana.api, 'viewing')).toEqual([]);
    expect(await beat(ben.api, 'replying')).toEqual([['Ana Lima', 'viewing']]);
    expect(await beat(ana.api, 'viewing')).toEqual([['Ben Okafor', 'replying']]);
    const detail = (await owner.request('GET', ws(`/inbox/${conversationId}`))).json();
    expect(detail.presence.map((p: { name: string }) => p.name)).toEqual(['Ana Lima', 'Ben Okafor']);
    expect((await ben.api.request('DELETE', ws(`/inbox/${conversationId}/presence`))).statusCode).toBe(204);
    expect(await beat(ana.api, 'replying')).toEqual([]);
    expect((await owner.request('POST', ws(`/inbox/${conversationId}/presence`), { state: 'typing' })).statusCode).toBe(422);
    // A closed tab sends nothing more: after 15 seconds it no longer counts.
    setClock(() => addSeconds(new Date(), 16));
    expect(await beat(ben.api, 'viewing')).toEqual([]);
    resetClock();
  });

  it('refuses a reply when someone else answered since it was loaded, unless forced', async () => {
    const loaded = (await ana.api.request('GET', ws(`/inbox/${conversationId}`))).json();
    const lastSeenMessageId = loaded.messages.at(-1).id;
    expect((await ben.api.request('POST', ws(`/inbox/${conversationId}/reply`), { text: 'Ben here: it ships today.', lastSeenMessageId })).statusCode).toBe(201);
    const clash = await ana.api.request('POST', ws(`/inbox/${conversationId}/reply`), { text: 'Ana here: checking now.', lastSeenMessageId });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error).toMatchObject({ code: 'collision', replies: [{ text: 'Ben here: it ships today.', sentByName: 'Ben Okafor' }] });
    expect(network.replies.map((r) => r.text)).toEqual(['Ben here: it ships today.']);
    const forced = await ana.api.request('POST', ws(`/inbox/${conversationId}/reply`), { text: 'Ana here: and a discount code.', lastSeenMessageId, force: true });
    expect(forced.statusCode, forced.body).toBe(201);
    // Her own reply is no collision for her next one.
    const again = await ana.api.request('POST', ws(`/inbox/${conversationId}/reply`), { text: 'Ana again.', lastSeenMessageId: forced.json().message.id });
    expect(again.statusCode, again.body).toBe(201);
    expect(network.replies.map((r) => [r.inReplyTo, r.text])).toEqual([
      ['m-1', 'Ben here: it ships today.'],
      ['m-1', 'Ana here: and a discount code.'],
      ['m-1', 'Ana again.'],
    ]);
    const foreign = await ana.api.request('POST', ws(`/inbox/${conversationId}/reply`), { text: 'x', lastSeenMessageId: (await ana.api.request('GET', ws(`/inbox/${unnamedId}`))).json().messages[0].id });
    expect(foreign.statusCode).toBe(422);
    const audit = (await owner.request('GET', ws(`/audit?targetId=${conversationId}&action=conversation.replied`))).json().events;
    expect(audit.map((e: { actorLabel: string; after: { text: string; forced: boolean } }) => [e.actorLabel.split(' ')[0], e.after.text, e.after.forced])).toEqual([
      [ana.email, 'Ana again.', false],
      [ana.email, 'Ana here: and a discount code.', true],
      [ben.email, 'Ben here: it ships today.', false],
    ]);
  });

  it('lets only one of two people answering at the same moment through, and forgets a reply the network refused', async () => {
    const loaded = (await ana.api.request('GET', ws(`/inbox/${conversationId}`))).json();
    const lastSeenMessageId = loaded.messages.at(-1).id;
    const before = network.replies.length;
    const [a, b] = await Promise.all([
      ana.api.request('POST', ws(`/inbox/${conversationId}/reply`), { text: 'Ana: same time', lastSeenMessageId }),
      ben.api.request('POST', ws(`/inbox/${conversationId}/reply`), { text: 'Ben: same time', lastSeenMessageId }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expect(network.replies.length).toBe(before + 1);
    network.failures.push(new Rejected('mastodon', 'the status being replied to no longer exists'));
    const latest = (await ana.api.request('GET', ws(`/inbox/${conversationId}`))).json().messages.at(-1).id;
    const refused = await ana.api.request('POST', ws(`/inbox/${conversationId}/reply`), { text: 'lost in the void', lastSeenMessageId: latest });
    expect(refused.statusCode).toBe(422);
    const thread = await t.database.db.select().from(messages).where(eq(messages.conversationId, conversationId));
    expect(thread.map((m) => m.text)).not.toContain('lost in the void');
    expect(thread.filter((m) => m.remoteId.startsWith('sending:'))).toEqual([]);
    // Nothing is left claiming the conversation: the next answer goes through.
    expect((await ben.api.request('POST', ws(`/inbox/${conversationId}/reply`), { text: 'Ben: all good', lastSeenMessageId: latest })).statusCode).toBe(201);
  });

  it('keeps a reply the network did not confirm, and the sync that reads it back confirms it without a copy', async () => {
    const latest = (await ana.api.request('GET', ws(`/inbox/${conversationId}`))).json().messages.at(-1).id;
    network.failures.push(new OutcomeUnknown('mastodon', 'the request timed out'));
    const unsure = await ana.api.request('POST', ws(`/inbox/${conversationId}/reply`), { text: 'Sorry, checking now', lastSeenMessageId: latest });
    expect(unsure.statusCode).toBe(503);
    expect(unsure.json().error.code).toBe('reply_unconfirmed');
    const pending = (await t.database.db.select().from(messages).where(eq(messages.conversationId, conversationId))).filter((m) => m.text === 'Sorry, checking now');
    expect(pending).toHaveLength(1);
    expect(pending[0]!.remoteId).toMatch(/^sending:/);
    // It did go out: the next sync reads it back from the brand's own account.
    network.says('acct', { id: 'sent-late', text: 'Sorry, checking now', authorId: 'acct', from: 'brand', threadId: 'm-1', inReplyTo: 'm-1', kind: 'reply' });
    const profileId = (await ana.api.request('GET', ws(`/inbox/${conversationId}`))).json().conversation.profileId;
    await owner.request('POST', ws(`/profiles/${profileId}/sync`));
    const after = (await t.database.db.select().from(messages).where(eq(messages.conversationId, conversationId))).filter((m) => m.text === 'Sorry, checking now');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: pending[0]!.id, remoteId: 'sent-late', sentByUserId: ana.userId });
  });

  it('never sends a reply that a blocking compliance rule refuses', async () => {
    await t.database.db.insert(complianceRules).values([
      { id: newId(), workspaceId, name: 'No promises', description: 'Legal asked.', kind: 'banned_terms', config: { kind: 'banned_terms', terms: ['guarantee'] }, effect: 'block', createdAt: now(), updatedAt: now() },
      { id: newId(), workspaceId, name: 'Prices', kind: 'banned_terms', config: { kind: 'banned_terms', terms: ['price'] }, effect: 'sensitive', createdAt: now(), updatedAt: now() },
    ]);
    const before = network.replies.length;
    const blocked = await owner.request('POST', ws(`/inbox/${unnamedId}/reply`), { text: 'We guarantee it arrives tomorrow.' });
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json().error).toMatchObject({ code: 'compliance_blocked', violations: [{ ruleName: 'No promises', effect: 'block' }] });
    expect(network.replies.length).toBe(before);
    const stored = await t.database.db.select().from(messages).where(eq(messages.conversationId, unnamedId));
    expect(stored.map((m) => m.direction)).toEqual(['inbound']);
    const sensitive = await owner.request('POST', ws(`/inbox/${unnamedId}/reply`), { text: 'The price is on our site.' });
    expect(sensitive.statusCode, sensitive.body).toBe(201);
    expect(network.replies.at(-1)).toMatchObject({ inReplyTo: 'm-2', threadId: 'dm-9', text: 'The price is on our site.' });
    const audit = (await owner.request('GET', ws(`/audit?targetId=${unnamedId}`))).json().events;
    expect(audit[0]).toMatchObject({ action: 'conversation.replied', actorLabel: OWNER.email, after: { text: 'The price is on our site.', sensitive: true } });
  });

  it('saves personal and shared views, and counts each view’s waiting and unread conversations', async () => {
    expect((await ana.api.request('POST', ws('/inbox/views'), { name: 'Team', filters: { team: 'mine' }, shared: true })).statusCode).toBe(403);
    expect((await ana.api.request('POST', ws('/inbox/views'), { name: 'Bad', filters: { status: 'snoozed' } })).statusCode).toBe(422);
    const mine = await ana.api.request('POST', ws('/inbox/views'), { name: 'My DMs', filters: { kind: 'dm', assignee: 'me' } });
    expect(mine.statusCode, mine.body).toBe(201);
    const shared = await owner.request('POST', ws('/inbox/views'), { name: 'DMs', filters: { kind: 'dm' }, shared: true });
    expect(shared.json().view).toMatchObject({ name: 'DMs', shared: true });
    const views = async (who: Client) => (await who.request('GET', ws('/inbox/views'))).json().views.map((v: { name: string }) => v.name);
    expect(await views(ana.api)).toEqual(['DMs', 'My DMs']);
    expect(await views(ben.api)).toEqual(['DMs']);
    expect((await ben.api.request('DELETE', ws(`/inbox/views/${mine.json().view.id}`))).statusCode).toBe(404);
    expect((await ben.api.request('DELETE', ws(`/inbox/views/${shared.json().view.id}`))).statusCode).toBe(403);
    await owner.request('PATCH', ws(`/inbox/${unnamedId}`), { assigneeUserId: ana.userId, status: 'open' });
    const counts = (await ana.api.request('GET', ws('/inbox/counts'))).json();
    // Built-in views count what waits for an answer (open); Carla's conversation, answered, is pending.
    expect(counts).toMatchObject({ all: { total: 1 }, mine: { total: 1 }, myTeam: { total: 0, unread: 0 }, unassigned: { total: 0 } });
    expect(counts.views.map((v: { name: string; total: number }) => [v.name, v.total])).toEqual([['DMs', 1], ['My DMs', 1]]);
    expect((await ana.api.request('DELETE', ws(`/inbox/views/${mine.json().view.id}`))).statusCode).toBe(204);
    expect(await views(ana.api)).toEqual(['DMs']);
  });
});
