/**
 * Threads connector, Threads API v1.0 (graph.threads.net). OAuth 2.0 via threads.net; the
 * short-lived token (1 hour) is exchanged at once for a long-lived one (th_exchange_token, 60
 * days), which refreshes itself (th_refresh_token) while it is still valid and at least a day old.
 * There is no refresh token: the access token is what gets refreshed.
 */
import type { Connector, ConnectorContext, ConnectorInfo, ConversationItem, Credentials, OAuth2Flow, PostMetrics, RemotePost } from '../connector.ts';
import { ConnectorError, InvalidCredentials, PermissionDenied, Rejected } from '../errors.ts';
import { GraphClient, Insights, insightNumbers, isoTime } from '../meta/graph.ts';
import { buildAuthorizationUrl, expiresSoon, randomState } from '../oauth.ts';
import { ThreadsPublisher } from './publish.ts';
import { pageSince } from '../time-cursor.ts';
import { LongToken, MediaList, ShortToken, ThreadsMedia, ThreadsUser, type ThreadsMediaT } from './schemas.ts';

const NETWORK = 'threads';
export const THREADS_API_VERSION = 'v1.0';
export const THREADS_ORIGIN = 'https://graph.threads.net';
// The Authorization Window moved to threads.com (threads.net redirects there); the API answers on
// both graph.threads.net and graph.threads.com.
const AUTHORIZE_URL = 'https://threads.com/oauth/authorize';

export const THREADS_SCOPES = [
  'threads_basic',
  'threads_content_publish',
  'threads_manage_replies',
  'threads_read_replies',
  'threads_manage_insights',
  'threads_keyword_search',
  // Needed for DELETE /{media-id} and GET /{user-id}/mentions respectively.
  'threads_delete',
  'threads_manage_mentions',
] as const;

/** Refresh ten days ahead: a Threads token that has expired cannot be refreshed at all. */
const REFRESH_AHEAD_SECONDS = 10 * 24 * 3600;

export const threadsInfo: ConnectorInfo = {
  network: 'threads',
  displayName: 'Threads',
  apiVersion: `Threads API ${THREADS_API_VERSION}`,
  auth: 'oauth2',
  capabilities: ['publish.text', 'publish.images', 'publish.video', 'publish.linkCard', 'publish.thread', 'delete', 'reply', 'mentions', 'comments', 'search', 'metrics.post', 'metrics.profile'],
  limits: {
    text: { maxLength: 500, counting: 'threads', maxLinks: 5 },
    media: {
      maxCount: 20,
      image: { maxBytes: 8 * 1024 * 1024, mimeTypes: ['image/jpeg', 'image/png'] },
      video: { maxBytes: 1024 * 1024 * 1024, mimeTypes: ['video/mp4', 'video/quicktime'], maxCount: 20, maxDurationSeconds: 300 },
      mixed: true,
      altTextMaxLength: 1000,
      requiresPublicUrl: true,
    },
  },
  publishIdempotency: 'none',
  checkpoints: true,
};

const MEDIA_FIELDS = 'id,text,media_type,permalink,timestamp,username,is_reply,replied_to,root_post,link_attachment_url,children';
const REPLY_FIELDS = 'id,text,timestamp,username,permalink,is_reply,replied_to,root_post';

export interface ThreadsConnector extends Connector {
  /** The container steps, for a publisher that records the container id and resumes with it. */
  publisher: ThreadsPublisher;
}

export function createThreadsConnector(ctx: ConnectorContext = {}): ThreadsConnector {
  const graph = new GraphClient(NETWORK, `${THREADS_ORIGIN}/${THREADS_API_VERSION}`, ctx.http);
  const http = graph.http;
  const now = http.options.now;
  const publisher = new ThreadsPublisher(graph, http.options.sleep, now);

  const getProfile = async (c: Credentials) => {
    const u = await graph.get(c, 'me', ThreadsUser, { fields: 'id,username,name,threads_profile_picture_url' });
    return {
      id: u.id,
      handle: u.username,
      ...(u.name ? { displayName: u.name } : {}),
      ...(u.threads_profile_picture_url ? { avatarUrl: u.threads_profile_picture_url } : {}),
      url: `https://www.threads.net/@${u.username}`,
    };
  };

  /** A refused code or client secret at connect time is the user's or admin's to fix. */
  const atConnect = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (e) {
      if (e instanceof ConnectorError && e.status === 400) throw new InvalidCredentials(NETWORK, `Threads refused the sign-in: ${e.message}`, { status: 400, cause: e });
      throw e;
    }
  };

  const flow: OAuth2Flow = {
    kind: 'oauth2',
    scopes: THREADS_SCOPES,
    authorizationUrl(app, opts = {}) {
      const state = opts.state ?? randomState();
      const url = buildAuthorizationUrl(AUTHORIZE_URL, { clientId: app.clientId, redirectUri: app.redirectUri, scopes: THREADS_SCOPES, state, scopeSeparator: ',' });
      return { url, state, codeVerifier: opts.codeVerifier ?? randomState() };
    },
    async completeAuthorization(app, { code }) {
      if (!app.clientSecret) throw new InvalidCredentials(NETWORK, 'The Threads app has no client secret configured: set it in settings.');
      // The code is single-use: this call is never repeated.
      const short = await atConnect(() =>
        http.json({
          method: 'POST',
          url: `${THREADS_ORIGIN}/oauth/access_token`,
          form: { client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'authorization_code', redirect_uri: app.redirectUri, code },
          schema: ShortToken,
          idempotent: false,
        }),
      );
      const long = await atConnect(() =>
        http.json({
          method: 'GET',
          url: `${THREADS_ORIGIN}/access_token`,
          query: { grant_type: 'th_exchange_token', client_secret: app.clientSecret, access_token: short.access_token },
          schema: LongToken,
        }),
      );
      const partial: Credentials = {
        network: 'threads',
        accountId: '',
        accessToken: long.access_token,
        expiresAt: new Date(now().getTime() + long.expires_in * 1000).toISOString(),
        scopes: [...THREADS_SCOPES],
      };
      // The token answer's user_id is a JSON number too long for a double; /me gives it as a string.
      const profile = await getProfile(partial);
      // The username is kept so the inbox can leave out the account's own replies without a lookup.
      return { credentials: { ...partial, accountId: profile.id, extra: { username: profile.handle } }, profile };
    },
  };

  const toRemote = (m: ThreadsMediaT): RemotePost => ({
    id: m.id,
    ...(m.permalink ? { url: m.permalink } : {}),
    text: m.text ?? '',
    createdAt: isoTime(m.timestamp),
    ...(m.username ? { author: { id: m.username, handle: m.username } } : {}),
    ...(m.replied_to ? { replyTo: m.replied_to.id } : {}),
    mediaCount: m.children?.data.length ?? (m.media_type && m.media_type !== 'TEXT_POST' ? 1 : 0),
    ...(m.link_attachment_url ? { linkUrl: m.link_attachment_url } : {}),
  });

  const item = (m: ThreadsMediaT, kind: ConversationItem['kind']): ConversationItem => ({
    id: m.id,
    kind,
    text: m.text ?? '',
    createdAt: isoTime(m.timestamp),
    author: { id: m.username ?? 'unknown', handle: m.username ?? 'Threads user' },
    ...(m.permalink ? { url: m.permalink } : {}),
    ...(m.replied_to ? { inReplyTo: m.replied_to.id } : {}),
    threadId: m.root_post?.id ?? m.id,
  });

  const connector: ThreadsConnector = {
    info: threadsInfo,
    auth: flow,
    publisher,
    needsRefresh: (c, at = now()) => expiresSoon(c, at, REFRESH_AHEAD_SECONDS),
    async refresh(c) {
      const t = await http.json({
        method: 'GET',
        url: `${THREADS_ORIGIN}/refresh_access_token`,
        query: { grant_type: 'th_refresh_token', access_token: c.accessToken },
        schema: LongToken,
      });
      return { ...c, accessToken: t.access_token, expiresAt: new Date(now().getTime() + t.expires_in * 1000).toISOString() };
    },
    getProfile,

    async publish(c, input) {
      const posts = await publisher.publishThread(c, [input, ...(input.thread ?? [])], input.replyTo, { onCheckpoint: input.onCheckpoint, resume: input.resume });
      return { posts };
    },

    delete: (c, postId) => graph.delete(c, postId),

    async getPost(c, postId) {
      const m = await graph.find(c, postId, ThreadsMedia, { fields: MEDIA_FIELDS });
      return m ? toRemote(m) : null;
    },

    async reply(c, { inReplyTo, text }) {
      // Threads nests replies to any depth: answer the message itself.
      const [post] = await publisher.publishThread(c, [{ text }], inReplyTo);
      return post!;
    },

    async fetchPostMetrics(c, postIds) {
      const out: PostMetrics[] = [];
      for (const id of postIds) {
        let n: Record<string, number>;
        try {
          n = insightNumbers(await graph.get(c, `${id}/insights`, Insights, { metric: 'views,likes,replies,reposts,quotes,shares' }));
        } catch (e) {
          if (e instanceof Rejected) continue; // deleted, or not ours
          throw e;
        }
        out.push({
          postId: id,
          ...(n.views !== undefined ? { views: n.views } : {}),
          ...(n.likes !== undefined ? { likes: n.likes } : {}),
          ...(n.replies !== undefined ? { replies: n.replies } : {}),
          ...(n.reposts !== undefined ? { reposts: n.reposts } : {}),
          ...(n.quotes !== undefined ? { quotes: n.quotes } : {}),
          ...(n.shares !== undefined ? { shares: n.shares } : {}),
        });
      }
      return out;
    },

    async fetchProfileMetrics(c) {
      const n = insightNumbers(await graph.get(c, `${c.accountId}/threads_insights`, Insights, { metric: 'followers_count' }));
      return n.followers_count !== undefined ? { followers: n.followers_count } : {};
    },

    async fetchConversations(c, opts = {}) {
      const myHandle = c.extra?.username ?? (await getProfile(c)).handle;
      const items: ConversationItem[] = [];
      // Replies at every depth under our ten newest posts (GET /{media-id}/conversation), newest
      // first: in chronological order a busy post's first page would never reach new replies.
      const own = await graph.get(c, `${c.accountId}/threads`, MediaList, { fields: 'id,timestamp', limit: 10 });
      for (const post of own.data) {
        const conv = await graph.get(c, `${post.id}/conversation`, MediaList, { fields: REPLY_FIELDS, reverse: 'true', limit: Math.min(opts.limit ?? 50, 100) });
        for (const r of conv.data) if (r.username !== myHandle) items.push(item(r, 'reply'));
      }
      try {
        const mentions = await graph.get(c, `${c.accountId}/mentions`, MediaList, { fields: REPLY_FIELDS, limit: 25 });
        for (const m of mentions.data) if (m.username !== myHandle) items.push(item(m, 'mention'));
      } catch (e) {
        // Mentions need threads_manage_mentions; an account connected without it still gets replies.
        if (!(e instanceof PermissionDenied)) throw e;
      }
      return pageSince(items, opts.since);
    },

    /**
     * The account's own posts since an instant, newest first: how an unknown publish is
     * reconciled. Replies Chorus sent live under /replies, not /threads, so both are read.
     */
    async findRecentPosts(c, { since, limit }) {
      const from = Date.parse(since);
      const query = { fields: MEDIA_FIELDS, since: Math.floor(from / 1000), limit: Math.min(limit ?? 25, 100) };
      const posts = await graph.get(c, `${c.accountId}/threads`, MediaList, query);
      const replies = await graph.get(c, `${c.accountId}/replies`, MediaList, query);
      return [...posts.data, ...replies.data]
        .filter((m) => Date.parse(m.timestamp) >= from)
        .map(toRemote)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },

    /** GET /keyword_search: public posts once the app has threads_keyword_search approved. */
    async search(c, { q, cursor, limit }) {
      const page = await graph.get(c, 'keyword_search', MediaList, {
        q,
        search_type: 'RECENT',
        fields: 'id,text,media_type,permalink,timestamp,username,is_reply,replied_to,root_post',
        limit: Math.min(limit ?? 25, 100),
        ...(cursor ? { after: cursor } : {}),
      });
      return { items: page.data.map(toRemote), cursor: page.paging?.next ? (page.paging.cursors?.after ?? null) : null };
    },
  };
  return connector;
}
