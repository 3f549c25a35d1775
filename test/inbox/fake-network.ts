import type { Connector, ConversationItem, Credentials } from '../../src/connectors/connector.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { workspaces } from '../../src/workspaces/schema.ts';
import type { TestApp } from '../helpers/app.ts';

/**
 * A network whose mentions and DMs the test writes, account by account, and which keeps every
 * reply it was asked to send: enough to drive the inbox without a real network.
 */
export function fakeInboxNetwork() {
  const waiting = new Map<string, ConversationItem[]>();
  const replies: { accountId: string; inReplyTo: string; text: string; threadId?: string | undefined }[] = [];
  let counter = 0;
  /** Errors the next replies throw, in order (a network refusing or timing out). */
  const failures: Error[] = [];
  const connector = {
    info: {
      network: 'mastodon',
      displayName: 'Mastodon',
      apiVersion: 'v1',
      auth: 'oauth2',
      capabilities: ['publish.text', 'reply', 'mentions', 'dms'],
      limits: { text: { maxLength: 500, counting: 'graphemes' }, media: { maxCount: 4, mixed: false, altTextMaxLength: 1500 } },
      publishIdempotency: 'idempotency-header',
    },
    auth: { kind: 'oauth2' },
    needsRefresh: () => false,
    async fetchConversations(credentials: Credentials) {
      const items = waiting.get(credentials.accountId) ?? [];
      waiting.set(credentials.accountId, []);
      return { items, cursor: `c${++counter}` };
    },
    async reply(credentials: Credentials, input: { inReplyTo: string; text: string; threadId?: string }) {
      const failure = failures.shift();
      if (failure) throw failure;
      replies.push({ accountId: credentials.accountId, inReplyTo: input.inReplyTo, text: input.text, threadId: input.threadId });
      const id = `sent-${replies.length}`;
      return { id, url: `https://social.example/@brand/${id}` };
    },
  } as unknown as Connector;

  /** A customer's message to this account, filed by the next sync. */
  function says(accountId: string, item: { id: string; text: string; from?: string; authorId?: string; name?: string | null; threadId?: string; inReplyTo?: string; kind?: ConversationItem['kind']; at?: Date }) {
    const from = item.from ?? 'carla';
    const list = waiting.get(accountId) ?? [];
    list.push({
      id: item.id,
      kind: item.kind ?? 'mention',
      text: item.text,
      createdAt: (item.at ?? new Date()).toISOString(),
      author: {
        id: item.authorId ?? `user-${from}`,
        handle: `${from}@social.example`,
        ...(item.name === null ? {} : { displayName: item.name ?? from[0]!.toUpperCase() + from.slice(1) }),
      },
      threadId: item.threadId ?? item.id,
      ...(item.inReplyTo ? { inReplyTo: item.inReplyTo } : {}),
    });
    waiting.set(accountId, list);
  }
  return { connector, replies, says, failures };
}

/** Connects a profile of the fake network to the workspace, as if through OAuth. */
export async function connectFakeProfile(t: TestApp, workspaceId: string, accountId: string, handle: string): Promise<string> {
  const [workspace] = await t.database.db.select().from(workspaces);
  const actor = { userId: null, orgId: workspace!.orgId, label: 'test' };
  const profile = await saveConnection(t.database.db, actor, t.chorus.config.secretKey, workspaceId, {
    credentials: { network: 'mastodon', accountId, accessToken: 'token', serviceUrl: 'https://social.example' },
    profile: { id: accountId, handle },
  });
  return profile.id;
}
