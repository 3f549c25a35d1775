/**
 * Bluesky direct messages (chat.bsky.convo.*), reached through the PDS, which proxies to Bluesky's
 * chat service named in the `atproto-proxy` header. Only app passwords created with "allow access
 * to your direct messages" may use them: their access token's scope is
 * `com.atproto.appPassPrivileged`. Not testable on the local network (no chat service there):
 * covered by recorded exchanges.
 */
import { z } from 'zod';
import type { ConversationItem, Credentials, PublishedPost } from '../connector.ts';
import type { Xrpc } from './xrpc.ts';

export const CHAT_PROXY = 'did:web:api.bsky.chat#bsky_chat';

const Sender = z.object({ did: z.string() });
const Message = z.object({ $type: z.string().optional(), id: z.string(), rev: z.string(), text: z.string().optional(), sender: Sender, sentAt: z.string() });
const Profile = z.object({ did: z.string(), handle: z.string(), displayName: z.string().optional(), avatar: z.string().optional() });
const Log = z.object({
  $type: z.string(),
  rev: z.string(),
  convoId: z.string().optional(),
  message: Message.optional(),
  relatedProfiles: z.array(Profile).optional(),
});
const LogPage = z.object({ logs: z.array(z.unknown()), cursor: z.string().optional() });

/** Whether this session may read and send DMs, from the access token's scope. */
export function canUseChat(accessJwt: string): boolean {
  const payload = accessJwt.split('.')[1];
  if (!payload) return false;
  try {
    const { scope } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { scope?: unknown };
    return scope === 'com.atproto.access' || scope === 'com.atproto.appPassPrivileged';
  } catch {
    return false;
  }
}

export class BlueskyChat {
  constructor(private readonly xrpc: Xrpc) {}

  /**
   * New messages from others since the chat log cursor (chat.bsky.convo.getLog, made for syncing).
   * Returns the items and the log cursor to store.
   */
  async sync(service: string, creds: Credentials, cursor: string | undefined): Promise<{ items: ConversationItem[]; cursor: string | undefined }> {
    const items: ConversationItem[] = [];
    let next = cursor;
    for (let page = 0; page < 10; page++) {
      const res = await this.xrpc.query(service, 'chat.bsky.convo.getLog', { query: { cursor: next }, token: creds.accessToken, proxy: CHAT_PROXY, schema: LogPage });
      for (const raw of res.logs) {
        const log = Log.safeParse(raw);
        if (!log.success || log.data.$type !== 'chat.bsky.convo.defs#logCreateMessage') continue;
        const { message, convoId, relatedProfiles } = log.data;
        if (!message || !convoId || message.sender.did === creds.accountId || message.text === undefined) continue;
        const author = relatedProfiles?.find((p) => p.did === message.sender.did);
        items.push({
          id: `chat:${message.id}`,
          kind: 'dm',
          text: message.text,
          createdAt: message.sentAt,
          author: { id: message.sender.did, handle: author?.handle ?? message.sender.did, ...(author?.displayName ? { displayName: author.displayName } : {}), ...(author?.avatar ? { avatarUrl: author.avatar } : {}) },
          threadId: `chat:${convoId}`,
        });
      }
      const advanced = res.cursor !== undefined && res.cursor !== next;
      if (res.cursor !== undefined) next = res.cursor;
      if (!advanced || res.logs.length === 0) break;
    }
    return { items, cursor: next };
  }

  async send(service: string, creds: Credentials, convoId: string, text: string): Promise<PublishedPost> {
    const sent = await this.xrpc.procedure(service, 'chat.bsky.convo.sendMessage', {
      input: { convoId, message: { text } },
      token: creds.accessToken,
      proxy: CHAT_PROXY,
      schema: Message,
    });
    return { id: `chat:${sent.id}` };
  }
}
