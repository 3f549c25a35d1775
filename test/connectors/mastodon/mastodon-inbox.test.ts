/**
 * The Mastodon inbox against recorded REST API answers (Mastodon 4.3): mention notifications
 * walked forward from the cursor page by page, DMs (statuses with visibility "direct"), and
 * answers that keep the audience of the message they answer.
 */
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/connectors/connector.ts';
import { createMastodonConnector } from '../../../src/connectors/mastodon/connector.ts';
import { FakeFetch, fixture } from '../fake-fetch.ts';

const fx = (name: string) => fixture('mastodon', name);
const creds: Credentials = { network: 'mastodon', accountId: '109372865447212345', accessToken: 'tok-123', serviceUrl: 'https://social.example' };

function setup() {
  const fake = new FakeFetch();
  return { fake, mastodon: createMastodonConnector({ http: fake.options() }) };
}

describe('Mastodon inbox', () => {
  it('walks forward from the cursor until a page is short, oldest first, DMs and replies told apart', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('notifications_since_page1')).reply(fx('notifications_since_page2'));
    const page = await mastodon.fetchConversations(creds, { since: '987003', limit: 2 });
    expect(fake.sent.map((r) => r.url.searchParams.get('min_id'))).toEqual(['987003', '987012']);
    expect(fake.sent[0]!.url.searchParams.getAll('types[]')).toEqual(['mention']);
    expect(page.items.map((i) => [i.id, i.kind, i.text, i.author.handle, i.inReplyTo])).toEqual([
      ['113512345678900111', 'dm', '@chorusteam thanks, got it', 'bob@other.example', '113512345678900030'],
      ['113512345678900112', 'mention', '@chorusteam is the shop open on Sunday?', 'dana@other.example', undefined],
      ['113512345678900113', 'reply', '@chorusteam one more thing', 'bob@other.example', '113512345678900031'],
    ]);
    expect(page.items[0]!.author.followers).toBe(1520);
    // No thread id: the inbox continues the conversation of the message answered.
    expect(page.items.every((i) => i.threadId === undefined)).toBe(true);
    expect(page.cursor).toBe('987013');
  });

  it('answers a group DM to everyone in it, still as a DM', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('status_group_dm')).reply(fx('status_reply_dm'));
    await mastodon.reply(creds, { inReplyTo: '113512345678900111', text: 'glad it arrived', idempotencyKey: 'k1' });
    expect(fake.sent[1]!.json()).toEqual({ status: '@bob@other.example @carol glad it arrived', in_reply_to_id: '113512345678900111', visibility: 'direct' });
    expect(fake.sent[1]!.headers['idempotency-key']).toBe('k1');
  });

  it('answers an unlisted toot unlisted, mentioning its author once', async () => {
    const { fake, mastodon } = setup();
    fake.reply(fx('status_unlisted')).reply(fx('status_reply_dm'));
    await mastodon.reply(creds, { inReplyTo: '113512345678900113', text: '@bob@other.example sure, go ahead', idempotencyKey: 'k2' });
    expect(fake.sent[1]!.json()).toEqual({ status: '@bob@other.example sure, go ahead', in_reply_to_id: '113512345678900113', visibility: 'unlisted' });
  });
});
