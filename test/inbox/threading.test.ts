import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { connectFakeProfile, fakeInboxNetwork } from './fake-network.ts';

/** Which conversation a message lands in: one per person under a public post, one per DM. */
describe.each(BACKENDS)('inbox threading (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  const network = fakeInboxNetwork();
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 9, minute));
  const sync = async () => (await owner.request('POST', ws(`/profiles/${profileId}/sync`))).json().result.added;
  const byAuthor = async () => {
    const list = (await owner.request('GET', ws('/inbox'))).json().conversations as { id: string; authorHandle: string }[];
    const out: Record<string, { id: string; inbound: string[] }> = {};
    for (const c of list) {
      const detail = (await owner.request('GET', ws(`/inbox/${c.id}`))).json();
      out[c.authorHandle.split('@')[0]!] = { id: c.id, inbound: detail.messages.filter((m: { direction: string }) => m.direction === 'inbound').map((m: { remoteId: string }) => m.remoteId) };
    }
    return out;
  };

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([network.connector]) });
    ({ owner, workspaceId } = await setupOwner(t.app));
    profileId = await connectFakeProfile(t, workspaceId, 'acct', 'brand@social.example');
  });
  afterAll(() => t?.close());

  it('gives each person answering the same post a conversation of their own, and replies in the network’s thread', async () => {
    network.says('acct', { id: 'a1', text: 'love it', from: 'ana', threadId: 'post-1', inReplyTo: 'post-1', kind: 'reply', at: at(1) });
    network.says('acct', { id: 'b1', text: 'when in stock?', from: 'bo', threadId: 'post-1', inReplyTo: 'post-1', kind: 'reply', at: at(2) });
    expect(await sync()).toBe(2);
    const first = await byAuthor();
    expect(Object.keys(first).sort()).toEqual(['ana', 'bo']);
    const replied = await owner.request('POST', ws(`/inbox/${first.bo!.id}/reply`), { text: 'Next week!' });
    expect(replied.statusCode, replied.body).toBe(201);
    expect(network.replies.at(-1)).toEqual({ accountId: 'acct', inReplyTo: 'b1', text: 'Next week!', threadId: 'post-1' });
    const sentId = replied.json().message.remoteId;
    // Bo answers our answer; Ana answers it too (a public thread: anyone may): each stays in their own conversation.
    network.says('acct', { id: 'b2', text: 'thanks!', from: 'bo', threadId: 'post-1', inReplyTo: sentId, kind: 'reply', at: at(3) });
    network.says('acct', { id: 'a2', text: 'me too please', from: 'ana', threadId: 'post-1', inReplyTo: sentId, kind: 'reply', at: at(4) });
    // A network that names no thread: the answer to a message filed before continues its conversation.
    network.says('acct', { id: 'a3', text: 'and in blue?', from: 'ana', inReplyTo: 'a2', kind: 'reply', at: at(5) });
    expect(await sync()).toBe(3);
    const after = await byAuthor();
    expect(after).toEqual({ ana: { id: first.ana!.id, inbound: ['a1', 'a2', 'a3'] }, bo: { id: first.bo!.id, inbound: ['b1', 'b2'] } });
  });

  it('keeps a group DM in one conversation whoever writes', async () => {
    network.says('acct', { id: 'd1', text: 'hi both', from: 'cy', threadId: 'dm-7', kind: 'dm', at: at(6) });
    network.says('acct', { id: 'd2', text: 'hello', from: 'di', threadId: 'dm-7', kind: 'dm', at: at(7) });
    expect(await sync()).toBe(2);
    const dms = (await owner.request('GET', ws('/inbox?kind=dm'))).json().conversations;
    expect(dms).toHaveLength(1);
    expect(dms[0].unread).toBe(2);
  });
});
