/**
 * Turning Bluesky views (AppView JSON) into Chorus's plain connector types.
 */
import type { ConversationItem, ConversationKind, RemotePost } from '../connector.ts';
import { PostRecordValue, type NotificationT, type PostViewT } from './schemas.ts';
import { postUrl } from './xrpc.ts';

const KINDS: Record<string, ConversationKind> = { mention: 'mention', reply: 'reply', quote: 'quote' };

/** Mentions, replies and quotes become conversation items; likes, follows and reposts do not. */
export function toConversationItem(n: NotificationT): ConversationItem | null {
  const kind = KINDS[n.reason];
  if (!kind) return null;
  const record = PostRecordValue.safeParse(n.record);
  const reply = record.success ? record.data.reply : undefined;
  return {
    id: n.uri,
    kind,
    text: record.success ? record.data.text : '',
    createdAt: record.success ? record.data.createdAt : n.indexedAt,
    author: { id: n.author.did, handle: n.author.handle, ...(n.author.displayName ? { displayName: n.author.displayName } : {}), ...(n.author.avatar ? { avatarUrl: n.author.avatar } : {}) },
    url: postUrl(n.uri, n.author.handle),
    ...(reply ? { inReplyTo: reply.parent.uri, threadId: reply.root.uri } : n.reasonSubject ? { inReplyTo: n.reasonSubject } : {}),
  };
}

export function toRemotePost(p: PostViewT): RemotePost {
  const record = PostRecordValue.safeParse(p.record);
  return {
    id: p.uri,
    url: postUrl(p.uri, p.author.handle),
    text: record.success ? record.data.text : '',
    createdAt: record.success ? record.data.createdAt : p.indexedAt,
    author: { id: p.author.did, handle: p.author.handle, ...(p.author.displayName ? { displayName: p.author.displayName } : {}) },
    ...(record.success && record.data.reply ? { replyTo: record.data.reply.parent.uri } : {}),
    metrics: { postId: p.uri, likes: p.likeCount ?? 0, reposts: p.repostCount ?? 0, replies: p.replyCount ?? 0, quotes: p.quoteCount ?? 0 },
  };
}
