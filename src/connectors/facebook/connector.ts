/**
 * Facebook Pages connector, Graph API v26.0 (graph.facebook.com). The connected profile is a
 * Page, acting with its Page access token; the long-lived user token behind it is kept in
 * `extra.userAccessToken` (it is what could list the user's other Pages again).
 *
 * Facebook has no idempotency key for posts (`publishIdempotency: 'none'`): publishes are sent
 * once and an unreadable answer is OutcomeUnknown, for the publisher to reconcile.
 */
import type { ConnectResult, Connector, ConnectorContext, ConnectorInfo, Credentials, MediaInput, OAuth2Flow, OAuthApp, PostMetrics, PublishedPost, RemotePost, RemoteProfile } from '../connector.ts';
import { NotSupported, PermissionDenied, Rejected } from '../errors.ts';
import { Created, type Form, GRAPH_API_VERSION, GRAPH_BASE, GraphClient, Insights, insightNumbers, listOf } from '../meta/graph.ts';
import { FacebookLogin, otherPagesJson, type PageAccountT } from '../meta/login.ts';
import { fetchPageConversations } from './inbox.ts';
import { MessageSent, Page, Participants, PhotoCreated, Post, PostsById, type PostT } from './schemas.ts';

const NETWORK = 'facebook';

export const FACEBOOK_SCOPES = [
  'pages_show_list',
  'pages_manage_posts',
  'pages_read_engagement',
  'pages_manage_engagement',
  'pages_read_user_content',
  'read_insights',
  'pages_messaging',
] as const;
/** Without these the account is useless; the others (insights, DMs) degrade one feature each. */
const REQUIRED_SCOPES = ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement'];

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/tiff', 'image/webp', 'image/heif'];

export const facebookInfo: ConnectorInfo = {
  network: 'facebook',
  displayName: 'Facebook Pages',
  apiVersion: `Graph API ${GRAPH_API_VERSION}`,
  auth: 'oauth2',
  capabilities: ['publish.text', 'publish.images', 'publish.linkCard', 'delete', 'reply', 'dms', 'comments', 'metrics.post', 'metrics.profile'],
  limits: {
    text: { maxLength: 63206, counting: 'utf16' },
    media: {
      // Multi-photo posts attach unpublished photos; ten keeps the post readable and well within the API.
      maxCount: 10,
      image: { maxBytes: 10 * 1024 * 1024, mimeTypes: IMAGE_TYPES },
      mixed: false,
      // `alt_text_custom` on photos has no documented maximum; this is Chorus's cap.
      altTextMaxLength: 1000,
    },
  },
  publishIdempotency: 'none',
};

const PAGE_FIELDS = 'id,name,access_token,tasks,category,link,username,picture{url}';
const POST_FIELDS =
  'id,message,created_time,permalink_url,from{id,name},parent_id,attachments{media_type,unshimmed_url,url,subattachments},likes.summary(true).limit(0),comments.summary(true).limit(0),shares';
const METRIC_FIELDS = 'id,created_time,likes.summary(true).limit(0),comments.summary(true).limit(0),reactions.summary(true).limit(0),shares';
// Impressions were retired from Page Insights on 2025-11-15; "media views" replaced them.
const POST_INSIGHTS = 'post_media_view,post_clicks';

/** "123_456" -> https://www.facebook.com/123/posts/456 */
export const postUrl = (id: string): string => {
  const [page, post] = id.split('_');
  return post ? `https://www.facebook.com/${page}/posts/${post}` : `https://www.facebook.com/${id}`;
};

export interface FacebookConnector extends Connector {
  /** Act as another of the user's Pages (listed in `extra.otherPages`), without a new sign-in. */
  selectPage(app: OAuthApp, credentials: Credentials, pageId: string): Promise<ConnectResult>;
}

export function createFacebookConnector(ctx: ConnectorContext = {}): FacebookConnector {
  const graph = new GraphClient(NETWORK, GRAPH_BASE, ctx.http);
  const login = new FacebookLogin(graph, graph.http.options.now);

  const profileOf = (p: { id: string; name: string; username?: string | undefined; link?: string | undefined; picture?: { data: { url?: string | undefined } } | undefined }): RemoteProfile => ({
    id: p.id,
    handle: p.username ?? p.name,
    displayName: p.name,
    ...(p.picture?.data.url ? { avatarUrl: p.picture.data.url } : {}),
    url: p.link ?? `https://www.facebook.com/${p.id}`,
  });
  const getProfile = async (c: Credentials) => profileOf(await graph.get(c, c.accountId, Page, { fields: 'id,name,username,link,picture{url}' }));

  /** Credentials acting as one Page; the user token behind it stays in `extra`. */
  const connectPage = async (app: OAuthApp, page: PageAccountT, grant: { userToken: string; userTokenExpiresAt?: string | undefined; scopes?: string[] | undefined; pages?: PageAccountT[] }): Promise<ConnectResult> => {
    const checked = await login.assertPageToken(app, page);
    const credentials: Credentials = {
      network: 'facebook',
      accountId: page.id,
      accessToken: page.access_token!,
      ...(grant.scopes ? { scopes: grant.scopes } : {}),
      extra: {
        tokenType: 'PAGE',
        appSecretProof: checked.appSecretProof,
        userAccessToken: grant.userToken,
        ...(grant.userTokenExpiresAt ? { userAccessTokenExpiresAt: grant.userTokenExpiresAt } : {}),
        ...(checked.dataAccessExpiresAt ? { dataAccessExpiresAt: checked.dataAccessExpiresAt } : {}),
        pageTasks: (page.tasks ?? []).join(','),
        ...(grant.pages ? { otherPages: otherPagesJson(grant.pages, page.id) } : {}),
      },
    };
    return { credentials, profile: profileOf(page) };
  };

  const flow: OAuth2Flow = {
    kind: 'oauth2',
    scopes: FACEBOOK_SCOPES,
    authorizationUrl: (app, opts) => login.authorizationUrl(app, FACEBOOK_SCOPES, opts),
    async completeAuthorization(app, { code }) {
      const result = await login.connect(app, code, REQUIRED_SCOPES, PAGE_FIELDS);
      if (result.pages.length === 0) {
        throw new PermissionDenied(NETWORK, 'No Facebook Page was shared with Chorus. Reconnect and select at least one Page you manage.');
      }
      // The interface returns one profile: take the first Page the user can post to. The others
      // are listed in `extra.otherPages`, and `selectPage` switches to one of them.
      const page = result.pages.find((p) => p.tasks?.includes('CREATE_CONTENT')) ?? result.pages[0]!;
      return connectPage(app, page, result);
    },
  };

  /** One photo: by URL when public, else the bytes as multipart `source`. */
  const photoForm = (m: MediaInput, fields: Form): Form | FormData => {
    if (m.kind !== 'image') throw new NotSupported(NETWORK, 'publish.video', 'Chorus does not publish Facebook videos yet; post images, text or links.');
    const extra: Form = { ...fields, ...(m.altText ? { alt_text_custom: m.altText } : {}) };
    if (m.url) return { ...extra, url: m.url };
    if (!m.data) throw new Rejected(NETWORK, 'an image needs either its bytes or a public URL.');
    const form = new FormData();
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) form.set(k, v);
    form.set('source', new Blob([new Uint8Array(m.data)], { type: m.mimeType }), 'image');
    return form;
  };

  const published = (id: string): PublishedPost => ({ id, url: postUrl(id) });

  const toRemote = (p: PostT): RemotePost => {
    const attachment = p.attachments?.data[0];
    const mediaCount = attachment?.subattachments?.data.length ?? (attachment && attachment.media_type !== 'link' ? 1 : 0);
    return {
      id: p.id,
      url: p.permalink_url ?? postUrl(p.id),
      text: p.message ?? '',
      createdAt: new Date(Date.parse(p.created_time)).toISOString(),
      ...(p.from ? { author: { id: p.from.id, handle: p.from.name ?? p.from.id, ...(p.from.name ? { displayName: p.from.name } : {}) } } : {}),
      ...(p.parent_id ? { replyTo: p.parent_id } : {}),
      mediaCount,
      ...(attachment?.media_type === 'link' && (attachment.unshimmed_url ?? attachment.url) ? { linkUrl: attachment.unshimmed_url ?? attachment.url } : {}),
      metrics: countsOf(p),
    };
  };

  const connector: FacebookConnector = {
    info: facebookInfo,
    auth: flow,
    async selectPage(app, c, pageId) {
      const { page, pages, userToken } = await login.page(app, c, PAGE_FIELDS, pageId);
      return connectPage(app, page, { userToken, userTokenExpiresAt: c.extra?.userAccessTokenExpiresAt, scopes: c.scopes, pages });
    },
    // Page tokens made from a long-lived user token do not expire; they die only when revoked.
    needsRefresh: () => false,
    async refresh(c) {
      await getProfile(c); // AuthExpired when the token was revoked or the user lost the Page
      return c;
    },
    getProfile,

    async publish(c, input) {
      if (input.thread?.length) throw new NotSupported(NETWORK, 'publish.thread', 'Facebook Pages have no threads; publish the posts separately.');
      if (input.replyTo) return { posts: [await connector.reply(c, { inReplyTo: input.replyTo, text: input.text, idempotencyKey: input.idempotencyKey })] };
      const media = input.media ?? [];
      const page = c.accountId;
      if (media.length === 0) {
        const post = await graph.post(c, `${page}/feed`, Created, { message: input.text || undefined, link: input.link?.url });
        return { posts: [published(post.id)] };
      }
      // A photo post has no link preview: keep the link, in the text.
      const text = input.link && !input.text.includes(input.link.url) ? `${input.text}\n\n${input.link.url}`.trim() : input.text;
      if (media.length === 1) {
        const photo = await graph.post(c, `${page}/photos`, PhotoCreated, photoForm(media[0]!, { caption: text || undefined, published: 'true' }));
        return { posts: [published(photo.post_id ?? `${page}_${photo.id}`)] };
      }
      // Several photos: upload each unpublished (invisible; a repeat only leaves an orphan upload,
      // so these may be retried), then one feed post attaches them all. Only that post is sent once.
      const ids: string[] = [];
      for (const m of media) {
        const photo = await graph.post(c, `${page}/photos`, PhotoCreated, photoForm(m, { published: 'false' }), { idempotent: true });
        ids.push(photo.id);
      }
      const form: Form = { message: text || undefined };
      ids.forEach((id, i) => (form[`attached_media[${i}]`] = JSON.stringify({ media_fbid: id })));
      const post = await graph.post(c, `${page}/feed`, Created, form);
      return { posts: [published(post.id)] };
    },

    delete: (c, postId) => graph.delete(c, postId),

    async getPost(c, postId) {
      const p = await graph.find(c, postId, Post, { fields: POST_FIELDS });
      return p ? toRemote(p) : null;
    },

    async reply(c, { inReplyTo, text, threadId }) {
      // Messenger conversation ids start with "t_": a DM answer goes through the Send API.
      if (threadId?.startsWith('t_')) {
        const conv = await graph.get(c, threadId, Participants, { fields: 'participants' });
        const recipient = conv.participants.data.find((p) => p.id !== c.accountId);
        if (!recipient) throw new Rejected(NETWORK, 'the conversation has no one to answer.');
        const sent = await graph.post(c, `${c.accountId}/messages`, MessageSent, {
          recipient: JSON.stringify({ id: recipient.id }),
          messaging_type: 'RESPONSE',
          message: JSON.stringify({ text }),
        });
        return { id: sent.message_id };
      }
      // A comment on a post, or an answer under a comment: both are POST /{id}/comments. Facebook
      // nests one level, so an answer to a reply goes under its top-level comment (the threadId).
      const created = await graph.post(c, `${threadId ?? inReplyTo}/comments`, Created, { message: text });
      return { id: created.id, url: `https://www.facebook.com/${created.id}` };
    },

    async fetchPostMetrics(c, postIds) {
      const out: PostMetrics[] = [];
      // ?ids= reads up to 50 objects in one call.
      for (let i = 0; i < postIds.length; i += 50) {
        const chunk = postIds.slice(i, i + 50);
        let posts: Record<string, PostT>;
        try {
          posts = await graph.get(c, '', PostsById, { ids: chunk.join(','), fields: METRIC_FIELDS });
        } catch (e) {
          // One deleted post fails the whole ids= read: read the chunk one by one, skipping the gone.
          if (!(e instanceof Rejected)) throw e;
          posts = {};
          for (const id of chunk) {
            const p = await graph.find(c, id, Post, { fields: METRIC_FIELDS });
            if (p) posts[id] = p;
          }
        }
        for (const id of chunk) {
          const p = posts[id];
          if (!p) continue;
          const metrics = countsOf(p);
          try {
            const n = insightNumbers(await graph.get(c, `${id}/insights`, Insights, { metric: POST_INSIGHTS }));
            if (n.post_media_view !== undefined) metrics.views = n.post_media_view;
            if (n.post_clicks !== undefined) metrics.clicks = n.post_clicks;
          } catch (e) {
            // Insights need read_insights and a Page with 100+ likes; counts alone are still worth having.
            if (!(e instanceof Rejected) && !(e instanceof PermissionDenied)) throw e;
          }
          out.push(metrics);
        }
      }
      return out;
    },

    async fetchProfileMetrics(c) {
      const p = await graph.get(c, c.accountId, Page, { fields: 'id,name,followers_count,fan_count' });
      return { ...(p.followers_count !== undefined ? { followers: p.followers_count } : p.fan_count !== undefined ? { followers: p.fan_count } : {}) };
    },

    fetchConversations: (c, opts = {}) => fetchPageConversations(graph, c, opts),

    /** The Page's own posts since an instant, newest first: how an unknown publish is reconciled. */
    async findRecentPosts(c, { since, limit }) {
      const from = Date.parse(since);
      const posts = await graph.get(c, `${c.accountId}/posts`, listOf(Post), {
        fields: POST_FIELDS,
        since: Math.floor(from / 1000),
        limit: Math.min(limit ?? 25, 100),
      });
      return posts.data.filter((p) => Date.parse(p.created_time) >= from).map(toRemote).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },

    async search() {
      throw new NotSupported(NETWORK, 'search', 'The Graph API offers no search of Facebook posts.');
    },
  };
  return connector;
}

function countsOf(p: PostT): PostMetrics {
  return {
    postId: p.id,
    ...(p.likes?.summary?.total_count !== undefined ? { likes: p.likes.summary.total_count } : {}),
    ...(p.comments?.summary?.total_count !== undefined ? { replies: p.comments.summary.total_count } : {}),
    ...(p.shares ? { shares: p.shares.count } : {}),
  };
}
