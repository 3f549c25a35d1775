/**
 * The LinkedIn inbox of an organisation Page against recorded REST API answers (LinkedIn-Version
 * 202605): comments on its posts, the answers under a comment (comments on comments), one thread
 * per top-level comment, and where a reply goes.
 */
import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../src/connectors/connector.ts';
import { createLinkedInConnector } from '../../../src/connectors/linkedin/connector.ts';
import { FakeFetch, fixture } from '../fake-fetch.ts';

const REST = 'https://api.linkedin.com/rest';
const POST = 'urn:li:share:7266000000000000100';
const ACTIVITY = 'urn:li:activity:7266000000000000101';
const GRACE = `urn:li:comment:(${ACTIVITY},7266100000000000001)`;
const org: Credentials = { network: 'linkedin', accountId: 'urn:li:organization:2414183', accessToken: 'li-tok', extra: { memberUrn: 'urn:li:person:782bbtaQ' } };
const fx = (name: string) => fixture('linkedin', name);

function setup() {
  const fake = new FakeFetch();
  return { fake, linkedin: createLinkedInConnector({ http: fake.options() }) };
}

describe('LinkedIn inbox', () => {
  it('reads comments and the answers under them, one thread per top-level comment, without its own', async () => {
    const { fake, linkedin } = setup();
    fake.reply(fx('org_posts')).reply(fx('org_post_comments')).reply(fx('comments_on_comment'));
    const page = await linkedin.fetchConversations(org);
    expect(fake.sent.map((r) => r.url.pathname)).toEqual([
      '/rest/posts',
      `/rest/socialActions/${encodeURIComponent(POST)}/comments`,
      // Only Grace's comment has answers: Alan's is not read twice for nothing.
      `/rest/socialActions/${encodeURIComponent(GRACE)}/comments`,
    ]);
    expect(page.items.map((i) => [i.kind, i.text, i.author.id, i.inReplyTo, i.threadId])).toEqual([
      ['comment', 'Will you ship to Lyon?', 'urn:li:person:9Xy1Grace', POST, GRACE],
      ['comment', 'Is it available in beans?', 'urn:li:person:Q1zAlan', POST, `urn:li:comment:(${ACTIVITY},7266100000000000002)`],
      ['reply', 'Great, ordering now!', 'urn:li:person:9Xy1Grace', GRACE, GRACE],
    ]);
    expect(page.items[2]!.id).toBe(`urn:li:comment:(${ACTIVITY},7266100000000000004)`);
    expect(page.cursor).toBe('1795434000000');
  });

  it('returns a comment stamped in the cursor’s millisecond again, and nothing older', async () => {
    const { fake, linkedin } = setup();
    fake.reply(fx('org_posts')).reply(fx('org_post_comments')).reply(fx('comments_on_comment'));
    const page = await linkedin.fetchConversations(org, { since: '1795434000000' });
    expect(page.items.map((i) => i.text)).toEqual(['Great, ordering now!']);
  });

  it('answers an answer under the comment that starts its thread (LinkedIn nests one level)', async () => {
    const { fake, linkedin } = setup();
    fake.reply(fx('comment_created'));
    await linkedin.reply(org, { inReplyTo: `urn:li:comment:(${ACTIVITY},7266100000000000004)`, threadId: GRACE, text: 'Thank you Grace!', idempotencyKey: 'k' });
    expect(fake.sent[0]!.url.toString()).toBe(`${REST}/socialActions/${encodeURIComponent(GRACE)}/comments`);
    expect(fake.sent[0]!.json()).toEqual({ actor: org.accountId, object: ACTIVITY, parentComment: GRACE, message: { text: 'Thank you Grace!' } });
  });
});
