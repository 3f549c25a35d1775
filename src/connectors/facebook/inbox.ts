/**
 * The Page's inbox: comments on its recent posts, and Messenger conversations where the token
 * has pages_messaging. The cursor is the newest item's time (ISO 8601): the Graph API has no
 * single "everything since" feed for a Page, so Chorus re-reads recent posts and filters by time.
 */
import type { ConversationItem, ConversationPage, Credentials } from '../connector.ts';
import { PermissionDenied } from '../errors.ts';
import { type GraphClient, isoTime } from '../meta/graph.ts';
import { Conversations, type CommentT, FeedWithComments } from './schemas.ts';
import { pageSince } from '../time-cursor.ts';

const COMMENT_FIELDS = 'id,message,created_time,from{id,name},parent{id},permalink_url';

export async function fetchPageConversations(graph: GraphClient, c: Credentials, opts: { since?: string | null; limit?: number }): Promise<ConversationPage> {
  const limit = Math.min(opts.limit ?? 50, 100);
  const items: ConversationItem[] = [];
  const author = (from: { id: string; name?: string | undefined } | undefined) =>
    // Without pages_read_user_content, Graph hides who commented: keep the item, name no one.
    from ? { id: from.id, handle: from.name ?? from.id, ...(from.name ? { displayName: from.name } : {}) } : { id: 'unknown', handle: 'Facebook user' };

  const feed = await graph.get(c, `${c.accountId}/feed`, FeedWithComments, {
    fields: `id,comments.filter(stream).order(reverse_chronological).limit(${limit}){${COMMENT_FIELDS}}`,
    limit: 25,
  });
  for (const post of feed.data) {
    for (const cm of post.comments?.data ?? []) {
      if (cm.from?.id === c.accountId) continue; // the Page's own answers
      items.push(commentItem(cm, post.id, author(cm.from)));
    }
  }

  try {
    const convs = await graph.get(c, `${c.accountId}/conversations`, Conversations, {
      platform: 'messenger',
      fields: 'id,updated_time,link,messages.limit(20){id,message,created_time,from}',
      limit: 25,
    });
    for (const conv of convs.data) {
      for (const m of conv.messages?.data ?? []) {
        if (m.from?.id === c.accountId) continue;
        items.push({
          id: m.id,
          kind: 'dm',
          text: m.message ?? '',
          createdAt: isoTime(m.created_time),
          author: author(m.from),
          threadId: conv.id,
          ...(conv.link ? { url: `https://www.facebook.com${conv.link}` } : {}),
        });
      }
    }
  } catch (e) {
    // DMs are "where permitted": a Page connected without pages_messaging still gets its comments.
    if (!(e instanceof PermissionDenied)) throw e;
  }

  return pageSince(items, opts.since);
}

function commentItem(cm: CommentT, postId: string, author: ConversationItem['author']): ConversationItem {
  return {
    id: cm.id,
    kind: cm.parent ? 'reply' : 'comment',
    text: cm.message ?? '',
    createdAt: isoTime(cm.created_time),
    author,
    ...(cm.permalink_url ? { url: cm.permalink_url } : {}),
    inReplyTo: cm.parent?.id ?? postId,
    // Answers go under the top-level comment (Facebook nests one level).
    threadId: cm.parent?.id ?? cm.id,
  };
}
