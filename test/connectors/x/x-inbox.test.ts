/**
 * The X inbox against recorded API v2 answers: the mention timeline paged with next_token from a
 * since_id cursor, mentions, replies and quotes told apart with their authors, DM events paged back
 * to the last one seen, and answers to a tweet or in a DM conversation.
 */
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/connectors/connector.ts';
import { createXConnector } from '../../../src/connectors/x/connector.ts';
import { FakeFetch, fixture } from '../fake-fetch.ts';

const fx = (name: string) => fixture('x', name);
const API = 'https://api.x.com/2';
const ME = '1460000000000000001';
const creds: Credentials = { network: 'x', accountId: ME, accessToken: 'tok', scopes: ['tweet.read', 'users.read', 'tweet.write', 'dm.read', 'dm.write', 'offline.access'] };

function setup() {
  const fake = new FakeFetch();
  return { fake, x: createXConnector({ http: fake.options() }) };
}

describe('X inbox', () => {
  it('pages the mention timeline from the cursor, and reads DMs back to the last one seen', async () => {
    const { fake, x } = setup();
    fake
      .on(`GET ${API}/users/${ME}/mentions`, fx('mentions_since_page1'))
      .on(`GET ${API}/users/${ME}/mentions`, fx('mentions_since_page2'))
      .on(`GET ${API}/dm_events`, fx('dm_events_page1'))
      .on(`GET ${API}/dm_events`, fx('dm_events_page2'));
    const cursor = JSON.stringify({ m: '1861000000000000012', d: '1861000000000000031' });
    const page = await x.fetchConversations(creds, { since: cursor });
    const [first, second] = fake.sent;
    expect(first!.url.searchParams.get('since_id')).toBe('1861000000000000012');
    expect(first!.url.searchParams.get('expansions')).toBe('author_id');
    expect(second!.url.searchParams.get('pagination_token')).toBe('7140dibdnow9c7btw481s8m561gat797rboud5r80xvzm');
    expect(fake.sent[3]!.url.searchParams.get('pagination_token')).toBe('18LAA581J5II7LA00C00ZZZZ');
    expect(page.items.map((i) => [i.id, i.kind, i.text, i.author.handle, i.inReplyTo, i.threadId])).toEqual([
      ['dm:1861000000000000040', 'dm', 'hello again', 'bob', undefined, 'dm:2244994945-1460000000000000001'],
      ['dm:1861000000000000045', 'dm', 'any update?', 'bob', undefined, 'dm:2244994945-1460000000000000001'],
      ['1861000000000000050', 'reply', '@chorusteam hello?', 'bob', '1861000000000000012', '1861000000000000001'],
      ['1861000000000000051', 'reply', '@chorusteam still waiting on my refund', 'bob', '1861000000000000013', '1861000000000000001'],
      ['1861000000000000052', 'quote', '@chorusteam this, but in oat milk? https://t.co/abc', 'danasky', undefined, '1861000000000000052'],
    ]);
    expect(first!.url.searchParams.get('user.fields')).toContain('public_metrics');
    expect(page.items[4]!.author).toEqual({ id: '3300000001', handle: 'danasky', displayName: 'Dana Sky', avatarUrl: 'https://pbs.twimg.com/profile_images/2/dana_normal.jpg', followers: 5120 });
    expect(page.items[0]!.author).toEqual({ id: '2244994945', handle: 'bob', displayName: 'Bob' });
    expect(page.items[4]!.url).toBe('https://x.com/danasky/status/1861000000000000052');
    expect(JSON.parse(page.cursor!)).toEqual({ m: '1861000000000000052', d: '1861000000000000045' });
  });

  it('leaves DMs out when the token may not read them, and keeps the DM cursor', async () => {
    const { fake, x } = setup();
    fake.on(`GET ${API}/users/${ME}/mentions`, fx('mentions_empty'));
    const page = await x.fetchConversations({ ...creds, scopes: ['tweet.read', 'users.read', 'tweet.write'] }, { since: JSON.stringify({ m: '5', d: '7' }) });
    expect(fake.sent).toHaveLength(1);
    expect(page.items).toEqual([]);
    expect(JSON.parse(page.cursor!)).toEqual({ m: '5', d: '7' });
  });

  it('answers a tweet as a reply to it, and a DM in its conversation', async () => {
    const { fake, x } = setup();
    fake.reply(fx('tweet_created')).reply(fx('dm_sent'));
    await x.reply(creds, { inReplyTo: '1861000000000000051', threadId: '1861000000000000001', text: 'Refund sent today.', idempotencyKey: 'a' });
    expect(`${fake.sent[0]!.method} ${fake.sent[0]!.url.pathname}`).toBe('POST /2/tweets');
    expect(fake.sent[0]!.json()).toEqual({ text: 'Refund sent today.', reply: { in_reply_to_tweet_id: '1861000000000000051' } });
    await x.reply(creds, { inReplyTo: 'dm:1861000000000000045', threadId: 'dm:2244994945-1460000000000000001', text: 'Shipped!', idempotencyKey: 'b' });
    expect(fake.sent[1]!.url.pathname).toBe('/2/dm_conversations/2244994945-1460000000000000001/messages');
  });
});
