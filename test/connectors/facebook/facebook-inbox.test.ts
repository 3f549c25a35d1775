/**
 * The Facebook Page inbox against recorded Graph API v26.0 answers: one thread per top-level
 * comment (Facebook nests one level), comments whose author Graph hides, and the time cursor that
 * returns its own second again rather than lose a comment.
 */
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/connectors/connector.ts';
import { createFacebookConnector } from '../../../src/connectors/facebook/connector.ts';
import { FakeFetch, type Reply, fixture } from '../fake-fetch.ts';

const rec = (name: string): Reply => {
  const f = fixture('facebook', name);
  return { status: f.status, body: f.body };
};
const page: Credentials = { network: 'facebook', accountId: '101', accessToken: 'EAAPageToken101' };

function setup() {
  const fake = new FakeFetch();
  return { fake, fb: createFacebookConnector({ http: fake.options() }) };
}

describe('Facebook inbox', () => {
  it('files each top-level comment as its own thread and answers under it, keeping what came in the cursor’s second', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('feed_comments_same_second')).reply({ body: { data: [] } });
    const res = await fb.fetchConversations(page, { since: '2026-11-23T10:50:00.000Z' });
    expect(fake.sent[0]!.url.searchParams.get('fields')).toBe('id,comments.filter(stream).order(reverse_chronological).limit(50){id,message,created_time,from{id,name},parent{id},permalink_url}');
    expect(res.items.map((i) => [i.id, i.kind, i.author.handle, i.inReplyTo, i.threadId])).toEqual([
      ['9001_5506', 'comment', 'Grace Hopper', '101_9001', '9001_5506'],
      ['9001_5507', 'reply', 'Ada Lovelace', '9001_5502', '9001_5502'],
    ]);
    expect(res.cursor).toBe('2026-11-23T10:50:00.000Z');
  });

  it('keeps a comment whose author Graph hides, naming no one, and never the Page’s own answers', async () => {
    const { fake, fb } = setup();
    fake.reply(rec('feed_comments_same_second')).reply({ body: { data: [] } });
    const res = await fb.fetchConversations(page);
    expect(res.items.map((i) => [i.id, i.author])).toEqual([
      ['9001_5505', { id: 'unknown', handle: 'Facebook user' }],
      ['9001_5506', { id: '7001', handle: 'Grace Hopper', displayName: 'Grace Hopper' }],
      ['9001_5507', { id: '3001', handle: 'Ada Lovelace', displayName: 'Ada Lovelace' }],
    ]);
  });
});
