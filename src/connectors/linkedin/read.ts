/**
 * LinkedIn reads: posts back as RemotePost, comments as conversation items, and metrics, which
 * LinkedIn serves from two different APIs depending on who wrote the post.
 */
import type { ConversationItem, ConversationPage, Credentials, PostMetrics, ProfileMetrics, RemotePost } from '../connector.ts';
import { enc, isOrganization, type LinkedInApi, postUrl, requireMemberScope } from './api.ts';
import { fromLittleText } from './little-text.ts';
import { Comments, MemberFollowersCount, MemberPostAnalytics, NetworkSize, Posts, ShareStatistics, type CommentT, type PostT } from './schemas.ts';

export function toRemotePost(p: PostT): RemotePost {
  const media = p.content?.multiImage?.images.length ?? (p.content?.media ? 1 : 0);
  const created = p.publishedAt ?? p.createdAt;
  return {
    id: p.id,
    url: postUrl(p.id),
    text: fromLittleText(p.commentary),
    createdAt: created !== undefined ? new Date(created).toISOString() : '',
    author: { id: p.author, handle: p.author },
    mediaCount: media,
    ...(p.content?.article ? { linkUrl: p.content.article.source } : {}),
  };
}

const recentPosts = (api: LinkedInApi, c: Credentials, count: number) => {
  requireMemberScope(c, 'r_member_social', 'comments');
  return api.get(c, '/posts', Posts, { author: c.accountId, q: 'author', count, sortBy: 'LAST_MODIFIED' }, { 'x-restli-method': 'FINDER' });
};

/**
 * The author's own posts since an instant, newest first, for reconciling a publish that ended in
 * OutcomeUnknown (LinkedIn has no idempotency key). Drafts and deleted posts are left out.
 */
export async function findRecentPosts(api: LinkedInApi, c: Credentials, opts: { since: string; limit?: number }): Promise<RemotePost[]> {
  const since = Date.parse(opts.since);
  const posts = await recentPosts(api, c, Math.min(opts.limit ?? 20, 100));
  return posts.elements
    .filter((p) => (p.lifecycleState ?? 'PUBLISHED') === 'PUBLISHED' && (p.publishedAt ?? p.createdAt ?? 0) >= since)
    .sort((a, b) => (b.publishedAt ?? b.createdAt ?? 0) - (a.publishedAt ?? a.createdAt ?? 0))
    .map(toRemotePost);
}

export const commentUrnOf = (c: CommentT, target: string) => c.commentUrn ?? c.$URN ?? `urn:li:comment:(${target},${c.id})`;

/**
 * LinkedIn has no "comments on my posts since X" feed for members, so Chorus reads the author's
 * most recent posts (finder q=author, needs r_member_social or r_organization_social), the
 * comments on each, and the answers under comments that have some (comments on comments). The
 * cursor is the newest comment time seen (epoch ms); a comment stamped in that very millisecond is
 * returned again rather than risk losing one, and the inbox files each once.
 * A comment and the answers under it are one thread: LinkedIn nests one level.
 */
export async function fetchComments(api: LinkedInApi, c: Credentials, opts: { since?: string | null; limit?: number; posts?: number }): Promise<ConversationPage> {
  const since = opts.since ? Number(opts.since) : 0;
  const posts = await recentPosts(api, c, opts.posts ?? 10);
  const found = new Map<string, ConversationItem & { time: number }>();
  const own = (comment: CommentT) => comment.actor === c.accountId || comment.actor === c.extra?.memberUrn;
  const keep = (comment: CommentT, postId: string) => {
    const id = commentUrnOf(comment, postId);
    // Chorus's own comments (replies sent from here) are not conversations to answer.
    if (comment.created.time < since || own(comment) || found.has(id)) return;
    found.set(id, {
      id,
      kind: comment.parentComment ? 'reply' : 'comment',
      text: comment.message?.text ?? '',
      createdAt: new Date(comment.created.time).toISOString(),
      author: { id: comment.actor, handle: comment.actor },
      url: postUrl(postId),
      inReplyTo: comment.parentComment ?? postId,
      threadId: comment.parentComment ?? id,
      time: comment.created.time,
    });
  };
  for (const post of posts.elements) {
    const page = await api.get(c, `/socialActions/${enc(post.id)}/comments`, Comments, { count: 100 });
    for (const comment of page.elements) {
      keep(comment, post.id);
      const answers = comment.commentsSummary?.aggregatedTotalComments ?? comment.commentsSummary?.totalFirstLevelComments ?? 0;
      if (comment.parentComment || answers === 0) continue;
      const nested = await api.get(c, `/socialActions/${enc(commentUrnOf(comment, post.id))}/comments`, Comments, { count: 100 });
      for (const answer of nested.elements) keep({ ...answer, parentComment: answer.parentComment ?? commentUrnOf(comment, post.id) }, post.id);
    }
  }
  const items = [...found.values()].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
  const limited = items.slice(0, opts.limit ?? items.length);
  const newest = limited.at(-1)?.time;
  return { items: limited.map(({ time: _time, ...item }) => item), cursor: newest !== undefined ? String(newest) : (opts.since ?? null) };
}

/**
 * Organization posts: organizationalEntityShareStatistics (lifetime totals, one call for many
 * posts, rw_organization_admin). Member posts: memberCreatorPostAnalytics (r_member_postAnalytics),
 * which answers one metric of one post per call, so four calls per post.
 */
export async function fetchPostMetrics(api: LinkedInApi, c: Credentials, postIds: string[]): Promise<PostMetrics[]> {
  if (postIds.length === 0) return [];
  if (isOrganization(c.accountId)) {
    const shares = postIds.filter((id) => id.startsWith('urn:li:share:'));
    const ugcPosts = postIds.filter((id) => id.startsWith('urn:li:ugcPost:'));
    // Rest.li 2.0 lists are written List(a,b) with each URN encoded; URLSearchParams would encode the parentheses too.
    const list = (ids: string[]) => `List(${ids.map(enc).join(',')})`;
    const query = [`q=organizationalEntity`, `organizationalEntity=${enc(c.accountId)}`, ...(shares.length ? [`shares=${list(shares)}`] : []), ...(ugcPosts.length ? [`ugcPosts=${list(ugcPosts)}`] : [])];
    const stats = await api.get(c, `/organizationalEntityShareStatistics?${query.join('&')}`, ShareStatistics);
    return stats.elements.flatMap((e) => {
      const postId = e.share ?? e.ugcPost;
      if (!postId) return [];
      const t = e.totalShareStatistics;
      return [{ postId, likes: t.likeCount ?? 0, replies: t.commentCount ?? 0, reposts: t.shareCount ?? 0, impressions: t.impressionCount ?? 0, clicks: t.clickCount ?? 0 }];
    });
  }
  requireMemberScope(c, 'r_member_postAnalytics', 'metrics.post');
  const out: PostMetrics[] = [];
  for (const postId of postIds) {
    const kind = postId.startsWith('urn:li:ugcPost:') ? 'ugcPost' : 'share';
    const count = async (queryType: string) => {
      const res = await api.get(c, `/memberCreatorPostAnalytics?q=entity&entity=(${kind}:${enc(postId)})&queryType=${queryType}&aggregation=TOTAL`, MemberPostAnalytics);
      return res.elements.reduce((sum, e) => sum + e.count, 0);
    };
    out.push({ postId, impressions: await count('IMPRESSION'), likes: await count('REACTION'), replies: await count('COMMENT'), reposts: await count('RESHARE') });
  }
  return out;
}

/** Followers: networkSizes for a Page, memberFollowersCount (r_member_profileAnalytics) for a member. */
export async function fetchProfileMetrics(api: LinkedInApi, c: Credentials): Promise<ProfileMetrics> {
  if (isOrganization(c.accountId)) {
    const size = await api.get(c, `/networkSizes/${enc(c.accountId)}`, NetworkSize, { edgeType: 'COMPANY_FOLLOWED_BY_MEMBER' });
    return { followers: size.firstDegreeSize };
  }
  requireMemberScope(c, 'r_member_profileAnalytics', 'metrics.profile');
  const res = await api.get(c, '/memberFollowersCount', MemberFollowersCount, { q: 'me' });
  return { followers: res.elements[0]?.memberFollowersCount ?? 0 };
}
