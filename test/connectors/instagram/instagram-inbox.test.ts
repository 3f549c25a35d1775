/**
 * Instagram DMs (Messenger Platform conversations of the linked Page, platform=instagram) and the
 * time cursor of the inbox, against recorded Graph API v26.0 answers.
 */
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/connectors/connector.ts';
import { createInstagramConnector, instagramInfo } from '../../../src/connectors/instagram/connector.ts';
import { FakeFetch, type Reply, fixture } from '../fake-fetch.ts';

const IG = '17841400008460056';
const CONV = 'aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6MTc4NDE0MDAwMDg0NjAwNTY6MzQwMjgyMzY2ODQxNzEwMzAx';
const rec = (name: string): Reply => {
  const f = fixture('instagram', name);
  return { status: f.status, body: f.body };
};
const creds: Credentials = { network: 'instagram', accountId: IG, accessToken: 'EAAPageToken101', extra: { pageId: '101' } };
const empty = { body: { data: [] } };

function setup() {
  const fake = new FakeFetch();
  return { fake, ig: createInstagramConnector({ http: fake.options() }) };
}

describe('Instagram inbox', () => {
  it('reads DMs from the Page’s Instagram conversations, each in its conversation, without its own messages', async () => {
    const { fake, ig } = setup();
    fake.reply(empty).reply(empty).reply(rec('dm_conversations'));
    const page = await ig.fetchConversations(creds);
    const dms = fake.sent[2]!;
    expect(dms.url.pathname).toBe('/v26.0/101/conversations');
    expect(dms.url.searchParams.get('platform')).toBe('instagram');
    expect(dms.url.searchParams.get('fields')).toBe('id,updated_time,messages.limit(20){id,message,created_time,from}');
    expect(page.items.map((i) => [i.kind, i.text, i.author.handle, i.author.id, i.threadId])).toEqual([
      ['dm', 'Do you ship to Lyon?', 'grace.h', '6754312900000001', 'dm:aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6MTc4NDE0MDAwMDg0NjAwNTY6OTk5'],
      ['dm', 'Hi!', 'ada.l', '6754312987654321', `dm:${CONV}`],
      ['dm', 'Can I pick up my order at 5?', 'ada.l', '6754312987654321', `dm:${CONV}`],
    ]);
    expect(page.items[1]!.createdAt).toBe('2026-11-23T11:39:58.000Z');
    expect(page.cursor).toBe('2026-11-23T11:40:00.000Z');
    expect(instagramInfo.capabilities).toContain('dms');
  });

  it('returns again what was stamped in the cursor’s second, so a message that arrived late in that second is not lost', async () => {
    const { fake, ig } = setup();
    fake.reply(empty).reply(empty).reply(rec('dm_conversations'));
    const page = await ig.fetchConversations(creds, { since: '2026-11-23T11:40:00.000Z' });
    expect(page.items.map((i) => i.text)).toEqual(['Can I pick up my order at 5?']);
    expect(page.cursor).toBe('2026-11-23T11:40:00.000Z');
  });

  it('answers a DM through the Send API, to the person in the conversation', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('dm_participants')).reply(rec('dm_sent'));
    const sent = await ig.reply(creds, { inReplyTo: 'aWdfZAG06MTpJR01lc3NhZA2VJZAGVudGlmaWVyOjE3ODQxNDAwMDA4NDYwMDU2OjAwMg', threadId: `dm:${CONV}`, text: 'Yes, see you at 5!', idempotencyKey: 'k' });
    expect(sent.id).toBe('aWdfZAG06MTpJR01lc3NhZA2VJZAGVudGlmaWVyOjE3ODQxNDAwMDA4NDYwMDU2OjAwNA');
    expect(fake.sent.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([`GET /v26.0/${CONV}`, 'POST /v26.0/101/messages']);
    expect(Object.fromEntries(fake.sent[1]!.form())).toEqual({ recipient: JSON.stringify({ id: '6754312987654321' }), message: JSON.stringify({ text: 'Yes, see you at 5!' }) });
  });

  it('keeps reading comments when the Page may not read its Instagram messages', async () => {
    const { fake, ig } = setup();
    fake.reply(rec('media_with_comments')).reply(empty).reply(rec('error_10_permission'));
    const page = await ig.fetchConversations(creds);
    expect(page.items.map((i) => i.kind)).toEqual(['comment', 'comment', 'reply']);
  });
});
