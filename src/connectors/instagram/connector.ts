/**
 * Instagram connector: the Instagram Graph API with Facebook Login (graph.facebook.com, Graph API
 * v26.0) for Business and Creator accounts linked to a Facebook Page. The account id is the
 * ig-user-id; calls use the linked Page's token (it does not expire, unlike the user token).
 *
 * Media must be public URLs: Instagram fetches them. Publishing is container -> wait -> publish
 * (./publish.ts); there is no idempotency key, so `publishIdempotency` is 'none'.
 */
import type { ConnectResult, Connector, ConnectorContext, ConnectorInfo, ConversationItem, Credentials, OAuth2Flow, OAuthApp, PostMetrics, RemotePost } from '../connector.ts';
import { NotSupported, PermissionDenied, Rejected } from '../errors.ts';
import { pageSince } from '../time-cursor.ts';
import { DM_THREAD, fetchDirectMessages, sendDirectMessage } from './messages.ts';
import { Created, GRAPH_API_VERSION, GRAPH_BASE, GraphClient, Insights, insightNumbers, isoTime } from '../meta/graph.ts';
import { FacebookLogin, otherPagesJson, type PageAccountT } from '../meta/login.ts';
import { InstagramPublisher } from './publish.ts';
import { type CommentT, HashtagSearch, IgUser, Media, MediaList, MediaWithComments, type MediaT } from './schemas.ts';

const NETWORK = 'instagram';

export const INSTAGRAM_SCOPES = [
  'instagram_basic',
  'instagram_content_publish',
  'instagram_manage_comments',
  'instagram_manage_insights',
  'instagram_manage_messages',
  'pages_show_list',
  'pages_read_engagement',
] as const;
// What content publishing needs (IG Container reference); comments and insights degrade alone.
const REQUIRED_SCOPES = ['instagram_basic', 'instagram_content_publish', 'pages_show_list', 'pages_read_engagement'];

export const instagramInfo: ConnectorInfo = {
  network: 'instagram',
  displayName: 'Instagram',
  apiVersion: `Instagram Graph API (Facebook Login) ${GRAPH_API_VERSION}`,
  auth: 'oauth2',
  // No publish.text (every post needs media), no delete (see `delete`). DMs through the Page's Messenger Platform conversations.
  capabilities: ['publish.images', 'publish.video', 'reply', 'comments', 'mentions', 'dms', 'search', 'metrics.post', 'metrics.profile'],
  limits: {
    text: { maxLength: 2200, counting: 'utf16', maxHashtags: 30, maxMentions: 20 },
    media: {
      maxCount: 10,
      // Feed images must be between 4:5 (portrait) and 1.91:1 (landscape), or the API refuses them.
      image: { maxBytes: 8 * 1024 * 1024, mimeTypes: ['image/jpeg'], minAspectRatio: 0.8, maxAspectRatio: 1.91 },
      video: { maxBytes: 300 * 1024 * 1024, mimeTypes: ['video/mp4', 'video/quicktime'], maxCount: 10, maxDurationSeconds: 900, minDurationSeconds: 3 },
      mixed: true,
      // alt_text (images only) has no documented maximum; this is Chorus's cap.
      altTextMaxLength: 1000,
      requiresPublicUrl: true,
    },
  },
  publishIdempotency: 'none',
  checkpoints: true,
};

const PAGE_FIELDS = 'id,name,access_token,tasks,instagram_business_account{id,username,name,profile_picture_url}';
const MEDIA_FIELDS = 'id,caption,media_type,permalink,timestamp,username,like_count,comments_count,children{id}';
const COMMENT_FIELDS = 'id,text,timestamp,username,from{id,username}';
// `impressions` is gone for media since v22.0; `views` replaced it.
const MEDIA_INSIGHTS = 'reach,saved,shares,views';

export interface InstagramConnector extends Connector {
  /** The container steps, for a publisher that records the container id and resumes with it. */
  publisher: InstagramPublisher;
  /** Switch to the Instagram account of another Page (by Page id, from `extra.otherPages`). */
  selectAccount(app: OAuthApp, credentials: Credentials, pageId: string): Promise<ConnectResult>;
}

export function createInstagramConnector(ctx: ConnectorContext = {}): InstagramConnector {
  const graph = new GraphClient(NETWORK, GRAPH_BASE, ctx.http);
  const login = new FacebookLogin(graph, graph.http.options.now);
  const publisher = new InstagramPublisher(graph, graph.http.options.sleep, graph.http.options.now);

  const getProfile = async (c: Credentials) => {
    const u = await graph.get(c, c.accountId, IgUser, { fields: 'id,username,name,profile_picture_url' });
    return {
      id: u.id,
      handle: u.username,
      ...(u.name ? { displayName: u.name } : {}),
      ...(u.profile_picture_url ? { avatarUrl: u.profile_picture_url } : {}),
      url: `https://www.instagram.com/${u.username}/`,
    };
  };

  /** Credentials for the Instagram account linked to `page`, acting with the checked Page token. */
  const connectAccount = async (app: OAuthApp, page: PageAccountT, grant: { userToken: string; userTokenExpiresAt?: string | undefined; scopes?: string[] | undefined; linked: PageAccountT[] }): Promise<ConnectResult> => {
    const ig = page.instagram_business_account;
    if (!ig) throw new Rejected(NETWORK, `the Page "${page.name}" has no Instagram professional account linked.`);
    const checked = await login.assertPageToken(app, page);
    const credentials: Credentials = {
      network: 'instagram',
      accountId: ig.id,
      accessToken: page.access_token!,
      ...(grant.scopes ? { scopes: grant.scopes } : {}),
      extra: {
        tokenType: 'PAGE',
        appSecretProof: checked.appSecretProof,
        pageId: page.id,
        userAccessToken: grant.userToken,
        ...(grant.userTokenExpiresAt ? { userAccessTokenExpiresAt: grant.userTokenExpiresAt } : {}),
        ...(checked.dataAccessExpiresAt ? { dataAccessExpiresAt: checked.dataAccessExpiresAt } : {}),
        otherPages: otherPagesJson(grant.linked, page.id),
      },
    };
    return { credentials, profile: await getProfile(credentials) };
  };

  const flow: OAuth2Flow = {
    kind: 'oauth2',
    scopes: INSTAGRAM_SCOPES,
    authorizationUrl: (app, opts) => login.authorizationUrl(app, INSTAGRAM_SCOPES, opts),
    async completeAuthorization(app, { code }) {
      const result = await login.connect(app, code, REQUIRED_SCOPES, PAGE_FIELDS);
      const linked = result.pages.filter((p) => p.instagram_business_account);
      if (linked.length === 0) {
        throw new PermissionDenied(
          NETWORK,
          'None of the Facebook Pages shared with Chorus has an Instagram Business or Creator account linked. Link one in Meta Business Suite, then reconnect and select that Page.',
        );
      }
      // One profile per connect (the interface's shape): the first linked account the user may
      // post to; `selectAccount` switches to another listed in `extra.otherPages`.
      const page = linked.find((p) => p.tasks?.includes('CREATE_CONTENT')) ?? linked[0]!;
      return connectAccount(app, page, { ...result, linked });
    },
  };

  const toRemote = (m: MediaT): RemotePost => ({
    id: m.id,
    ...(m.permalink ? { url: m.permalink } : {}),
    text: m.caption ?? '',
    createdAt: isoTime(m.timestamp),
    ...(m.username ? { author: { id: m.username, handle: m.username } } : {}),
    mediaCount: m.children?.data.length ?? 1,
    metrics: countsOf(m),
  });

  const connector: InstagramConnector = {
    info: instagramInfo,
    auth: flow,
    publisher,
    async selectAccount(app, c, pageId) {
      const { page, pages, userToken } = await login.page(app, c, PAGE_FIELDS, pageId);
      const linked = pages.filter((p) => p.instagram_business_account);
      return connectAccount(app, page, { userToken, userTokenExpiresAt: c.extra?.userAccessTokenExpiresAt, scopes: c.scopes, linked });
    },
    needsRefresh: () => false, // a Page token from a long-lived user token does not expire
    async refresh(c) {
      await getProfile(c);
      return c;
    },
    getProfile,

    async publish(c, input) {
      if (input.thread?.length) throw new NotSupported(NETWORK, 'publish.thread', 'Instagram has no threads.');
      if (input.replyTo) return { posts: [await connector.reply(c, { inReplyTo: input.replyTo, text: input.text, idempotencyKey: input.idempotencyKey })] };
      return publisher.publish(c, input);
    },

    async delete() {
      // The IG Media reference documents reading and updating media, not deleting it, for the API
      // with Facebook Login that this connector speaks.
      throw new NotSupported(NETWORK, 'delete', 'Instagram does not let apps delete posts through this API; delete it in the Instagram app.');
    },

    async getPost(c, postId) {
      const m = await graph.find(c, postId, Media, { fields: MEDIA_FIELDS });
      return m ? toRemote(m) : null;
    },

    /**
     * threadId decides where the answer goes: "dm:<conversation-id>" answers in the DM;
     * "mention:<media-id>" comments on media that
     * mentioned the account (POST /{ig-user-id}/mentions); a comment id answers under that comment
     * (POST /{comment-id}/replies; Instagram nests one level); none comments on our own media.
     */
    async reply(c, { inReplyTo, text, threadId }) {
      if (threadId?.startsWith(DM_THREAD)) return sendDirectMessage(graph, c, threadId, text);
      if (threadId?.startsWith('mention:')) {
        const created = await graph.post(c, `${c.accountId}/mentions`, Created, { media_id: threadId.slice('mention:'.length), message: text });
        return { id: created.id };
      }
      const path = threadId ? `${threadId}/replies` : `${inReplyTo}/comments`;
      return { id: (await graph.post(c, path, Created, { message: text })).id };
    },

    async fetchPostMetrics(c, postIds) {
      const out: PostMetrics[] = [];
      for (const id of postIds) {
        const m = await graph.find(c, id, Media, { fields: 'id,timestamp,like_count,comments_count' });
        if (!m) continue;
        const metrics = countsOf(m);
        try {
          const n = insightNumbers(await graph.get(c, `${id}/insights`, Insights, { metric: MEDIA_INSIGHTS }));
          if (n.views !== undefined) metrics.views = n.views;
          if (n.saved !== undefined) metrics.bookmarks = n.saved;
          if (n.shares !== undefined) metrics.shares = n.shares;
          // `reach` (unique accounts) has no PostMetrics field yet; it is not impressions.
        } catch (e) {
          if (!(e instanceof Rejected) && !(e instanceof PermissionDenied)) throw e;
        }
        out.push(metrics);
      }
      return out;
    },

    async fetchProfileMetrics(c) {
      const u = await graph.get(c, c.accountId, IgUser, { fields: 'id,username,followers_count,follows_count,media_count' });
      return {
        ...(u.followers_count !== undefined ? { followers: u.followers_count } : {}),
        ...(u.follows_count !== undefined ? { following: u.follows_count } : {}),
        ...(u.media_count !== undefined ? { posts: u.media_count } : {}),
      };
    },

    async fetchConversations(c, opts = {}) {
      const limit = Math.min(opts.limit ?? 50, 50);
      const items: ConversationItem[] = [];
      const recent = await graph.get(c, `${c.accountId}/media`, MediaWithComments, {
        fields: `id,permalink,comments.limit(${limit}){${COMMENT_FIELDS},replies{${COMMENT_FIELDS}}}`,
        limit: 25,
      });
      for (const media of recent.data) {
        for (const cm of media.comments?.data ?? []) {
          if (cm.from?.id !== c.accountId) items.push(commentItem(cm, media.id, cm.id, 'comment', media.id, media.permalink));
          for (const r of cm.replies?.data ?? []) {
            if (r.from?.id !== c.accountId) items.push(commentItem(r, cm.id, cm.id, 'reply', media.id, media.permalink));
          }
        }
      }
      // Media where others tagged the account. Caption @mentions arrive only by webhook.
      let tagged: MediaT[] = [];
      try {
        tagged = (await graph.get(c, `${c.accountId}/tags`, MediaList, { fields: 'id,caption,permalink,timestamp,username', limit: 25 })).data;
      } catch (e) {
        // Tags need instagram_manage_comments; comments alone are still worth syncing.
        if (!(e instanceof PermissionDenied)) throw e;
      }
      for (const m of tagged) {
        items.push({
          id: m.id,
          kind: 'mention',
          text: m.caption ?? '',
          createdAt: isoTime(m.timestamp),
          author: { id: m.username ?? 'unknown', handle: m.username ?? 'Instagram user' },
          ...(m.permalink ? { url: m.permalink } : {}),
          threadId: `mention:${m.id}`,
        });
      }
      items.push(...(await fetchDirectMessages(graph, c)));
      return pageSince(items, opts.since);
    },

    /** The account's own media since an instant, newest first: how an unknown publish is reconciled. */
    async findRecentPosts(c, { since, limit }) {
      const from = Date.parse(since);
      const media = await graph.get(c, `${c.accountId}/media`, MediaList, { fields: MEDIA_FIELDS, limit: Math.min(limit ?? 25, 100) });
      return media.data.filter((m) => Date.parse(m.timestamp) >= from).map(toRemote).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },

    /** Hashtag search: the only search Instagram offers (30 distinct hashtags per 7 days). */
    async search(c, { q, cursor, limit }) {
      const tag = q.trim().replace(/^#/, '');
      if (!/^[\p{L}\p{N}_]+$/u.test(tag)) throw new Rejected(NETWORK, 'Instagram searches one hashtag at a time (letters, digits and _ only).');
      const found = await graph.get(c, 'ig_hashtag_search', HashtagSearch, { user_id: c.accountId, q: tag });
      const hashtag = found.data[0];
      if (!hashtag) return { items: [], cursor: null };
      const page = await graph.get(c, `${hashtag.id}/recent_media`, MediaList, {
        user_id: c.accountId,
        fields: 'id,caption,media_type,permalink,timestamp,like_count,comments_count',
        limit: Math.min(limit ?? 25, 50),
        ...(cursor ? { after: cursor } : {}),
      });
      return { items: page.data.map(toRemote), cursor: page.paging?.next ? (page.paging.cursors?.after ?? null) : null };
    },
  };
  return connector;
}

function commentItem(cm: Omit<CommentT, 'replies'>, inReplyTo: string, threadId: string, kind: 'comment' | 'reply', mediaId: string, permalink?: string): ConversationItem {
  const handle = cm.from?.username ?? cm.username ?? 'Instagram user';
  return {
    id: cm.id,
    kind,
    text: cm.text ?? '',
    createdAt: isoTime(cm.timestamp),
    author: { id: cm.from?.id ?? handle, handle },
    ...(permalink ? { url: permalink } : {}),
    inReplyTo: kind === 'comment' ? mediaId : inReplyTo,
    threadId,
  };
}

function countsOf(m: MediaT): PostMetrics {
  return {
    postId: m.id,
    ...(m.like_count !== undefined ? { likes: m.like_count } : {}),
    ...(m.comments_count !== undefined ? { replies: m.comments_count } : {}),
  };
}
