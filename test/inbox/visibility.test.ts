import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, memberWithRole, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { connectFakeProfile, fakeInboxNetwork } from './fake-network.ts';

type Member = Awaited<ReturnType<typeof memberWithRole>>;
const ids = (response: { json(): { conversations: { id: string }[] } }) => response.json().conversations.map((c) => c.id).sort();

/**
 * Two teams, each holding one profile's inbox, and a third profile nobody claims: members see
 * their team's inbox and the unclaimed one, never the other team's, whichever route they take.
 */
describe.each(BACKENDS)('inbox visibility by team (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let support: Member;
  let sales: Member;
  let loner: Member;
  const profiles: Record<'support' | 'sales' | 'open', string> = { support: '', sales: '', open: '' };
  const convs: Record<'support' | 'sales' | 'open', string> = { support: '', sales: '', open: '' };
  const network = fakeInboxNetwork();
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([network.connector]) });
    ({ owner, workspaceId } = await setupOwner(t.app));
    support = await memberWithRole(t.app, owner, workspaceId, 'contributor');
    sales = await memberWithRole(t.app, owner, workspaceId, 'publisher');
    loner = await memberWithRole(t.app, owner, workspaceId, 'contributor');
    const supportTeam = (await owner.request('POST', ws('/teams'), { name: 'Support' })).json().team.id;
    const salesTeam = (await owner.request('POST', ws('/teams'), { name: 'Sales' })).json().team.id;
    await owner.request('PUT', ws(`/teams/${supportTeam}/members/${support.userId}`));
    await owner.request('PUT', ws(`/teams/${salesTeam}/members/${sales.userId}`));
    profiles.support = await connectFakeProfile(t, workspaceId, 'acct-support', 'help@social.example');
    profiles.sales = await connectFakeProfile(t, workspaceId, 'acct-sales', 'deals@social.example');
    profiles.open = await connectFakeProfile(t, workspaceId, 'acct-open', 'brand@social.example');
    // The same customer writes to all three: their history must not leak across teams either.
    network.says('acct-support', { id: 'm-support', text: 'my parcel is lost' });
    network.says('acct-sales', { id: 'm-sales', text: 'price for 500 seats?' });
    network.says('acct-open', { id: 'm-open', text: 'nice launch' });
    for (const id of Object.values(profiles)) expect((await owner.request('POST', ws(`/profiles/${id}/sync`))).json().result.added).toBe(1);
    for (const key of Object.keys(profiles) as (keyof typeof profiles)[]) {
      convs[key] = (await owner.request('GET', ws(`/inbox?profileId=${profiles[key]}`))).json().conversations[0].id;
    }
    expect((await support.api.request('PUT', ws(`/teams/${supportTeam}/inbox-profiles`), { profileIds: [profiles.support] })).statusCode).toBe(403);
    const claimed = await owner.request('PUT', ws(`/teams/${supportTeam}/inbox-profiles`), { profileIds: [profiles.support, profiles.support] });
    expect(claimed.json()).toEqual({ profileIds: [profiles.support] });
    await owner.request('PUT', ws(`/teams/${salesTeam}/inbox-profiles`), { profileIds: [profiles.sales] });
    expect((await support.api.request('GET', ws(`/teams/${salesTeam}/inbox-profiles`))).json()).toEqual({ profileIds: [profiles.sales] });
  });
  afterAll(() => t?.close());

  it('lists, searches and counts only what each person may see', async () => {
    expect(ids(await owner.request('GET', ws('/inbox')))).toEqual(Object.values(convs).sort());
    expect(ids(await support.api.request('GET', ws('/inbox')))).toEqual([convs.support, convs.open].sort());
    expect(ids(await sales.api.request('GET', ws('/inbox')))).toEqual([convs.sales, convs.open].sort());
    expect(ids(await loner.api.request('GET', ws('/inbox')))).toEqual([convs.open]);
    // Keyset pages: newest activity first, nothing twice, nothing hidden.
    const first = (await owner.request('GET', ws('/inbox?limit=2'))).json();
    const rest = (await owner.request('GET', ws(`/inbox?limit=2&before=${encodeURIComponent(first.nextBefore)}`))).json();
    expect([...first.conversations, ...rest.conversations].map((c: { id: string }) => c.id).sort()).toEqual(Object.values(convs).sort());
    expect(rest.nextBefore).toBeNull();
    expect((await owner.request('GET', ws('/inbox?before=yesterday'))).statusCode).toBe(422);
    // A search that would match the hidden conversation finds nothing, as if it did not exist.
    expect(ids(await support.api.request('GET', ws('/inbox?q=seats')))).toEqual([]);
    expect(ids(await sales.api.request('GET', ws('/inbox?q=seats')))).toEqual([convs.sales]);
    expect(ids(await support.api.request('GET', ws(`/inbox?profileId=${profiles.sales}`)))).toEqual([]);
    expect((await support.api.request('GET', ws('/inbox/counts'))).json().all).toEqual({ total: 2, unread: 2 });
    expect((await owner.request('GET', ws('/inbox/counts'))).json().all).toEqual({ total: 3, unread: 3 });
    const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
    expect((await loner.api.request('GET', ws(`/inbox/stats?${range}`))).json().conversations).toBe(1);
    expect((await owner.request('GET', ws(`/inbox/stats?${range}`))).json().conversations).toBe(3);
  });

  it('answers 404 for a hidden conversation on every route, and changes nothing', async () => {
    const hidden = convs.sales;
    const base = ws(`/inbox/${hidden}`);
    const attempts: [string, string, unknown?][] = [
      ['GET', base],
      ['PATCH', base, { status: 'closed' }],
      ['POST', ws('/inbox/bulk'), { ids: [convs.open, hidden], change: { status: 'closed' } }],
      ['POST', `${base}/notes`, { body: 'peeking' }],
      ['POST', `${base}/reply`, { text: 'hello from the wrong team' }],
      ['POST', `${base}/presence`, { state: 'viewing' }],
      ['DELETE', `${base}/presence`],
      ['POST', ws(`/profiles/${profiles.sales}/sync`)],
    ];
    for (const [method, url, body] of attempts) {
      const response = await support.api.request(method, url, body);
      expect([url, response.statusCode]).toEqual([url, 404]);
    }
    expect(network.replies).toEqual([]);
    const seen = (await sales.api.request('GET', base)).json();
    expect(seen.conversation.status).toBe('open');
    expect(seen.notes).toEqual([]);
    // The open conversation was not closed either: the bulk change was all or nothing.
    expect((await owner.request('GET', ws(`/inbox/${convs.open}`))).json().conversation.status).toBe('open');
  });

  it('shows the author’s history only in inboxes the viewer may see', async () => {
    const history = async (who: Client) => (await who.request('GET', ws(`/inbox/${convs.open}`))).json().authorHistory.map((h: { id: string }) => h.id).sort();
    expect(await history(owner)).toEqual([convs.support, convs.sales].sort());
    expect(await history(support.api)).toEqual([convs.support]);
    expect(await history(loner.api)).toEqual([]);
  });

  it('lets the team work its own inbox, and records visibility changes in the audit log', async () => {
    const replied = await support.api.request('POST', ws(`/inbox/${convs.support}/reply`), { text: 'Looking into it now.' });
    expect(replied.statusCode, replied.body).toBe(201);
    expect(network.replies).toEqual([{ accountId: 'acct-support', inReplyTo: 'm-support', text: 'Looking into it now.', threadId: 'm-support' }]);
    const log = (await owner.request('GET', ws('/audit?action=team.inbox_profiles_updated'))).json().events;
    expect(log).toHaveLength(2);
    expect(log[1]).toMatchObject({ before: { profileIds: [] }, after: { profileIds: [profiles.support] } });
    const unknown = await owner.request('PUT', ws(`/teams/${log[1].targetId}/inbox-profiles`), { profileIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknown.statusCode).toBe(422);
  });
});
