import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { connectFakeProfile, fakeInboxNetwork } from './fake-network.ts';

/** Working the queue: bulk tagging that keeps each conversation's own tags, what counts as open, active and pending. */
describe.each(BACKENDS)('working the inbox queue (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  const network = fakeInboxNetwork();
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;
  const list = async (query = '') => (await owner.request('GET', ws(`/inbox${query}`))).json().conversations as { id: string; authorHandle: string; tags: string[]; status: string }[];
  const byAuthor = async () => Object.fromEntries((await list()).map((c) => [c.authorHandle.split('@')[0]!, c]));

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([network.connector]) });
    ({ owner, workspaceId } = await setupOwner(t.app));
    const profileId = await connectFakeProfile(t, workspaceId, 'acct', 'brand@social.example');
    for (const from of ['ana', 'bo', 'cy']) network.says('acct', { id: `m-${from}`, text: `hi from ${from}`, from });
    await owner.request('POST', ws(`/profiles/${profileId}/sync`));
  });
  afterAll(() => t?.close());

  it('adds and removes tags on many conversations at once, keeping the tags each one had', async () => {
    const c = await byAuthor();
    await owner.request('PATCH', ws(`/inbox/${c.ana!.id}`), { tags: ['refund'] });
    await owner.request('PATCH', ws(`/inbox/${c.bo!.id}`), { tags: ['shipping', 'vip'] });
    const ids = [c.ana!.id, c.bo!.id];
    const added = await owner.request('POST', ws('/inbox/bulk'), { ids, change: { addTags: ['vip', 'q4'] } });
    expect(added.statusCode).toBe(200);
    let now = await byAuthor();
    expect(now.ana!.tags).toEqual(['refund', 'vip', 'q4']);
    expect(now.bo!.tags).toEqual(['shipping', 'vip', 'q4']);
    await owner.request('POST', ws('/inbox/bulk'), { ids, change: { removeTags: ['vip'] } });
    now = await byAuthor();
    expect(now.ana!.tags).toEqual(['refund', 'q4']);
    expect(now.bo!.tags).toEqual(['shipping', 'q4']);
    const both = await owner.request('POST', ws('/inbox/bulk'), { ids, change: { tags: ['x'], addTags: ['y'] } });
    expect(both.statusCode).toBe(422);
    const audit = (await owner.request('GET', ws('/audit?action=conversation.updated'))).json().events;
    expect(audit.some((e: { before: { tags?: string[] }; after: { tags?: string[] } }) => e.before.tags?.includes('vip') && !e.after.tags?.includes('vip'))).toBe(true);
  });

  it('lists active conversations: open and pending, not closed', async () => {
    const c = await byAuthor();
    await owner.request('PATCH', ws(`/inbox/${c.bo!.id}`), { status: 'pending' });
    await owner.request('PATCH', ws(`/inbox/${c.cy!.id}`), { status: 'closed' });
    const active = (await list('?status=active')).map((x) => x.authorHandle.split('@')[0]).sort();
    expect(active).toEqual(['ana', 'bo']);
    // The counts of the built-in views count what is open: they match the lists the app shows.
    expect((await owner.request('GET', ws('/inbox/counts'))).json().all.total).toBe((await list('?status=open')).length);
  });

  it('opens a pending conversation again when the customer answers', async () => {
    const c = await byAuthor();
    expect(c.bo!.status).toBe('pending');
    network.says('acct', { id: 'm-bo-2', text: 'still nothing arrived', from: 'bo', threadId: 'm-bo', inReplyTo: 'm-bo' });
    const profileId = (await owner.request('GET', ws(`/inbox/${c.bo!.id}`))).json().conversation.profileId;
    await owner.request('POST', ws(`/profiles/${profileId}/sync`));
    expect((await byAuthor()).bo!.status).toBe('open');
  });
});
