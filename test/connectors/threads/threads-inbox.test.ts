/**
 * The Threads inbox against recorded Threads API v1.0 answers: a busy post's replies read newest
 * first, and the time cursor that returns its own second again rather than lose a reply.
 */
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/connectors/connector.ts';
import { createThreadsConnector } from '../../../src/connectors/threads/connector.ts';
import { FakeFetch, type Reply, fixture } from '../fake-fetch.ts';

const UID = '25025320703804740';
const ROOT = '18050206876707110';
const rec = (name: string): Reply => {
  const f = fixture('threads', name);
  return { status: f.status, body: f.body };
};
const creds: Credentials = { network: 'threads', accountId: UID, accessToken: 'THQVJlongLivedToken', extra: { username: 'choruscoffee' } };

function setup() {
  const fake = new FakeFetch();
  return { fake, th: createThreadsConnector({ http: fake.options() }) };
}

describe('Threads inbox', () => {
  it('asks for the newest replies first, so a post with many replies still shows the new ones', async () => {
    const { fake, th } = setup();
    fake.reply(rec('own_threads')).reply(rec('conversation_newest_first')).reply({ body: { data: [] } });
    const page = await th.fetchConversations(creds, { since: '2026-11-23T11:50:00Z' });
    const conversation = fake.sent[1]!.url.searchParams;
    expect(fake.sent[1]!.url.pathname).toBe(`/v1.0/${ROOT}/conversation`);
    expect(conversation.get('reverse')).toBe('true');
    expect(conversation.get('limit')).toBe('50');
    // 11:50:00 is the cursor's second: both replies stamped then come back (the inbox files each once).
    expect(page.items.map((i) => [i.id, i.author.handle, i.inReplyTo, i.threadId, i.createdAt])).toEqual([
      ['18000000000000203', 'ada.l', '18000000000000202', ROOT, '2026-11-23T11:50:00.000Z'],
      ['18000000000000206', 'ada.l', '18000000000000202', ROOT, '2026-11-23T11:50:00.000Z'],
      ['18000000000000207', 'grace.h', ROOT, ROOT, '2026-11-23T11:58:00.000Z'],
    ]);
    expect(page.items.every((i) => i.kind === 'reply')).toBe(true);
    expect(page.cursor).toBe('2026-11-23T11:58:00.000Z');
  });

  it('keeps the cursor when nothing is new', async () => {
    const { fake, th } = setup();
    fake.reply(rec('own_threads')).reply(rec('conversation_newest_first')).reply({ body: { data: [] } });
    const page = await th.fetchConversations(creds, { since: '2026-11-23T12:00:00Z' });
    expect(page).toEqual({ items: [], cursor: '2026-11-23T12:00:00Z' });
  });

  it('answers the exact reply, at any depth', async () => {
    const { fake, th } = setup();
    fake.reply(rec('container_created')).reply(rec('container_finished')).reply(rec('published')).reply(rec('permalink'));
    await th.reply(creds, { inReplyTo: '18000000000000206', threadId: ROOT, text: 'Yes, fair trade.', idempotencyKey: 'k' });
    expect(fake.sent[0]!.url.pathname).toBe(`/v1.0/${UID}/threads`);
    expect(Object.fromEntries(fake.sent[0]!.form())).toMatchObject({ media_type: 'TEXT', text: 'Yes, fair trade.', reply_to_id: '18000000000000206' });
  });
});
