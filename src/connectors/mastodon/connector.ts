/**
 * Mastodon connector (REST API v1/v2 as of Mastodon 4.3), for any instance: Chorus registers itself
 * as an app on each instance (POST /api/v1/apps), then users sign in with OAuth 2.0 + PKCE.
 * Statuses are posted with an Idempotency-Key header, which Mastodon honours for an hour.
 */
import type { Connector, ConnectorContext, ConnectorInfo, ConnectorLimits, ConversationItem, Credentials, OAuth2Flow, PostContent, PostMetrics, PublishedPost, RemotePost, RemoteProfile } from '../connector.ts';
import { ConnectorError, InvalidResponse, PermissionDenied, Rejected, Transient, WrongService } from '../errors.ts';
import { HttpClient } from '../http.ts';
import { buildAuthorizationUrl, createPkce, credentialsFromToken, missingScopes, OAuthClient, randomState } from '../oauth.ts';
import { htmlToText } from '../text/html.ts';
import { MASTODON_DEFAULT_MAX } from '../text/mastodon.ts';
import { streamingOrigin, watchNotifications } from './streaming.ts';
import { Account, AccountResults, Instance, MediaAttachment, Notifications, RegisteredApp, SearchResults, Status, Statuses, type StatusT } from './schemas.ts';

const NETWORK = 'mastodon';
export const MASTODON_SCOPES = ['read', 'write'] as const;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic', 'image/heif', 'image/avif'];
const VIDEO_TYPES = ['video/mp4', 'video/webm', 'video/quicktime'];

export const mastodonInfo: ConnectorInfo = {
  network: 'mastodon',
  displayName: 'Mastodon',
  apiVersion: 'Mastodon REST API v1/v2 (Mastodon 4.3)',
  auth: 'oauth2',
  capabilities: ['publish.text', 'publish.images', 'publish.video', 'publish.linkCard', 'publish.thread', 'delete', 'reply', 'dms', 'mentions', 'comments', 'search', 'metrics.post', 'metrics.profile'],
  limits: {
    // Defaults of a stock instance; `limitsFor` reads the real ones from /api/v2/instance.
    text: { maxLength: MASTODON_DEFAULT_MAX, counting: 'mastodon', urlLength: 23 },
    media: {
      maxCount: 4,
      image: { maxBytes: 16 * 1024 * 1024, mimeTypes: IMAGE_TYPES },
      video: { maxBytes: 99 * 1024 * 1024, mimeTypes: VIDEO_TYPES, maxCount: 1 },
      mixed: false,
      altTextMaxLength: 1500,
    },
  },
  publishIdempotency: 'idempotency-header',
};

export function normaliseInstanceUrl(raw: string): string {
  const trimmed = raw.trim().replace(/^@?[^@\s]+@(?=[^@\s]+$)/, ''); // "@me@mastodon.social" -> host
  try {
    return new URL(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`).origin;
  } catch {
    throw new WrongService(NETWORK, `"${raw}" is not a valid server address.`);
  }
}

export function createMastodonConnector(ctx: ConnectorContext = {}): Connector {
  const http = new HttpClient(NETWORK, ctx.http);
  const oauth = new OAuthClient(NETWORK, ctx.http);
  const now = http.options.now;
  const base = (c: Credentials) => {
    if (!c.serviceUrl) throw new Rejected(NETWORK, 'Mastodon credentials have no instance URL (serviceUrl).');
    return c.serviceUrl;
  };
  const auth = (c: Credentials) => ({ authorization: `Bearer ${c.accessToken}` });
  const get = <T>(c: Credentials, path: string, schema: import('zod').ZodType<T>, query?: Record<string, string | number | boolean | undefined | readonly string[]>) =>
    http.json({ method: 'GET', url: `${base(c)}${path}`, headers: auth(c), schema, ...(query ? { query } : {}) });

  /** The instance's own description; anything else means the URL is not a Mastodon server. */
  const describe = async (instanceUrl: string) => {
    try {
      return await http.json({ method: 'GET', url: `${instanceUrl}/api/v2/instance`, schema: Instance });
    } catch (e) {
      if (e instanceof InvalidResponse || e instanceof Rejected) {
        throw new WrongService(NETWORK, `${instanceUrl} does not answer like a Mastodon server (${e.message}).`, { cause: e });
      }
      throw e;
    }
  };

  const profileOf = (a: import('zod').infer<typeof Account>): RemoteProfile => ({
    id: a.id,
    handle: a.acct,
    ...(a.display_name ? { displayName: a.display_name } : {}),
    ...(a.avatar ? { avatarUrl: a.avatar } : {}),
    ...(a.url ? { url: a.url } : {}),
  });
  const getProfile = async (c: Credentials) => profileOf(await get(c, '/api/v1/accounts/verify_credentials', Account));

  const flow: OAuth2Flow = {
    kind: 'oauth2',
    scopes: MASTODON_SCOPES,
    async registerApp(instanceUrl, { clientName, redirectUri, website }) {
      const origin = normaliseInstanceUrl(instanceUrl);
      await describe(origin);
      const app = await http.json({
        method: 'POST',
        url: `${origin}/api/v1/apps`,
        form: { client_name: clientName, redirect_uris: redirectUri, scopes: MASTODON_SCOPES.join(' '), website },
        schema: RegisteredApp,
      });
      return { clientId: app.client_id, clientSecret: app.client_secret, redirectUri, instanceUrl: origin };
    },
    authorizationUrl(app, opts = {}) {
      if (!app.instanceUrl) throw new Rejected(NETWORK, 'A Mastodon app belongs to one instance: instanceUrl is required.');
      const state = opts.state ?? randomState();
      const pkce = createPkce(opts.codeVerifier);
      const url = buildAuthorizationUrl(`${app.instanceUrl}/oauth/authorize`, { clientId: app.clientId, redirectUri: app.redirectUri, scopes: MASTODON_SCOPES, state, codeChallenge: pkce.codeChallenge });
      return { url, state, codeVerifier: pkce.codeVerifier };
    },
    async completeAuthorization(app, { code, codeVerifier }) {
      if (!app.instanceUrl) throw new Rejected(NETWORK, 'A Mastodon app belongs to one instance: instanceUrl is required.');
      const token = await oauth.token({
        tokenUrl: `${app.instanceUrl}/oauth/token`,
        clientId: app.clientId,
        ...(app.clientSecret ? { clientSecret: app.clientSecret } : {}),
        clientAuth: 'body',
        params: { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: codeVerifier, scope: MASTODON_SCOPES.join(' ') },
      });
      const missing = missingScopes(token.scope?.split(' '), MASTODON_SCOPES);
      if (missing.length) throw new PermissionDenied(NETWORK, `The Mastodon token lacks the scopes ${missing.join(', ')}: reconnect and allow them.`);
      const partial = credentialsFromToken('mastodon', '', token, now(), undefined, { serviceUrl: app.instanceUrl });
      const profile = await getProfile(partial);
      return { credentials: { ...partial, accountId: profile.id }, profile };
    },
  };

  const uploadMedia = async (c: Credentials, m: NonNullable<PostContent['media']>[number]): Promise<string> => {
    if (!m.data) throw new Rejected(NETWORK, 'Mastodon needs the media bytes to upload; only a URL was given.');
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(m.data)], { type: m.mimeType }), m.kind === 'image' ? 'image' : 'video');
    if (m.altText) form.set('description', m.altText);
    // An upload that is repeated only leaves an unattached file, which Mastodon cleans up.
    let media = await http.json({ method: 'POST', url: `${base(c)}/api/v2/media`, headers: auth(c), body: form, schema: MediaAttachment, idempotent: true });
    // 202: still processing (video); statuses refuse unprocessed media, so wait before posting.
    for (let i = 0; media.url === null && i < 30; i++) {
      await http.options.sleep(1000);
      media = await get(c, `/api/v1/media/${media.id}`, MediaAttachment);
    }
    if (media.url === null) throw new Transient(NETWORK, 'Mastodon is still processing the media; try again later.');
    return media.id;
  };

  const postStatus = async (c: Credentials, body: Record<string, unknown>, idempotencyKey: string): Promise<StatusT> =>
    http.json({
      method: 'POST',
      url: `${base(c)}/api/v1/statuses`,
      headers: { ...auth(c), 'idempotency-key': idempotencyKey },
      json: body,
      schema: Status,
      // Mastodon returns the first status again for a repeated Idempotency-Key (for one hour).
      idempotent: true,
    });

  const publishPart = async (c: Credentials, part: PostContent, o: { replyTo: string | undefined; key: string; language: string | undefined }): Promise<StatusT> => {
    const mediaIds = [];
    for (const m of part.media ?? []) mediaIds.push(await uploadMedia(c, m));
    // Mastodon builds link cards itself from the first URL in the text.
    const text = part.link && !part.text.includes(part.link.url) ? `${part.text}\n\n${part.link.url}`.trim() : part.text;
    return postStatus(
      c,
      {
        status: text,
        visibility: 'public',
        ...(mediaIds.length ? { media_ids: mediaIds } : {}),
        ...(o.replyTo ? { in_reply_to_id: o.replyTo } : {}),
        ...(o.language ? { language: o.language } : {}),
      },
      o.key,
    );
  };

  const toPublished = (s: StatusT): PublishedPost => ({ id: s.id, ...(s.url ? { url: s.url } : { url: s.uri }) });

  const toRemote = (s: StatusT): RemotePost => ({
    id: s.id,
    url: s.url ?? s.uri,
    text: htmlToText(s.content),
    createdAt: s.created_at,
    author: { id: s.account.id, handle: s.account.acct, ...(s.account.display_name ? { displayName: s.account.display_name } : {}) },
    ...(s.in_reply_to_id ? { replyTo: s.in_reply_to_id } : {}),
    mediaCount: s.media_attachments.length,
    ...(s.card?.url ? { linkUrl: s.card.url } : {}),
    metrics: metricsOf(s),
  });

  const getStatus = async (c: Credentials, id: string): Promise<StatusT | null> => {
    try {
      return await get(c, `/api/v1/statuses/${encodeURIComponent(id)}`, Status);
    } catch (e) {
      if (e instanceof Rejected && e.status === 404) return null;
      throw e;
    }
  };

  const connector: Connector = {
    info: mastodonInfo,
    auth: flow,
    // Mastodon access tokens do not expire; they live until revoked.
    needsRefresh: () => false,
    async refresh(c) {
      await getProfile(c); // throws AuthExpired when revoked
      return c;
    },
    getProfile,
    async limitsFor(c): Promise<ConnectorLimits> {
      const conf = (await describe(base(c))).configuration;
      const d = mastodonInfo.limits;
      const m = conf?.media_attachments;
      return {
        text: { ...d.text, maxLength: conf?.statuses?.max_characters ?? d.text.maxLength },
        media: {
          ...d.media,
          maxCount: conf?.statuses?.max_media_attachments ?? d.media.maxCount,
          image: { maxBytes: m?.image_size_limit ?? d.media.image!.maxBytes, mimeTypes: m?.supported_mime_types?.filter((t) => t.startsWith('image/')) ?? IMAGE_TYPES },
          video: { maxCount: 1, maxBytes: m?.video_size_limit ?? d.media.video!.maxBytes, mimeTypes: m?.supported_mime_types?.filter((t) => t.startsWith('video/')) ?? VIDEO_TYPES },
          altTextMaxLength: m?.description_limit ?? d.media.altTextMaxLength,
        },
      };
    },
    async publish(c, input) {
      const parts = [input, ...(input.thread ?? [])];
      const posts: PublishedPost[] = [];
      let replyTo = input.replyTo;
      for (const [i, part] of parts.entries()) {
        const key = i === 0 ? input.idempotencyKey : `${input.idempotencyKey}#${i}`;
        try {
          const status = await publishPart(c, part, { replyTo, key, language: input.languages?.[0] });
          posts.push(toPublished(status));
          replyTo = status.id;
        } catch (e) {
          // Tell the caller which posts of the thread exist, so a later retry can continue it.
          if (e instanceof ConnectorError && posts.length) e.published = posts;
          throw e;
        }
      }
      return { posts };
    },
    async delete(c, postId) {
      try {
        await http.request({ method: 'DELETE', url: `${base(c)}/api/v1/statuses/${encodeURIComponent(postId)}`, headers: auth(c) });
      } catch (e) {
        if (!(e instanceof Rejected && e.status === 404)) throw e;
      }
    },
    async getPost(c, postId) {
      const s = await getStatus(c, postId);
      return s ? toRemote(s) : null;
    },
    async reply(c, { inReplyTo, text, idempotencyKey }) {
      const parent = await getStatus(c, inReplyTo);
      if (!parent) throw new Rejected(NETWORK, 'The status being replied to no longer exists.');
      // Mastodon notifies only those mentioned, and a DM must stay a DM. In a DM or a
      // followers-only thread the mentions ARE the audience: keep everyone the message named, or
      // the others in a group conversation would stop seeing it.
      const restricted = parent.visibility === 'direct' || parent.visibility === 'private';
      const people = [parent.account, ...(restricted ? parent.mentions : [])].filter((a) => a.id !== c.accountId).map((a) => `@${a.acct}`);
      const missing = [...new Set(people)].filter((m) => !text.includes(m));
      const body = missing.length > 0 ? `${missing.join(' ')} ${text}` : text;
      // The answer is never more public than the message (an unlisted toot gets an unlisted answer).
      const visibility = restricted || parent.visibility === 'unlisted' ? parent.visibility : 'public';
      return toPublished(await postStatus(c, { status: body, in_reply_to_id: inReplyTo, visibility }, idempotencyKey));
    },
    async fetchPostMetrics(c, postIds) {
      const out: PostMetrics[] = [];
      for (const id of postIds) {
        const s = await getStatus(c, id);
        if (s) out.push(metricsOf(s));
      }
      return out;
    },
    async fetchProfileMetrics(c) {
      const a = await get(c, '/api/v1/accounts/verify_credentials', Account);
      return { followers: a.followers_count ?? 0, following: a.following_count ?? 0, posts: a.statuses_count ?? 0 };
    },
    async fetchConversations(c, opts = {}) {
      const limit = Math.min(opts.limit ?? 40, 80);
      const items: ConversationItem[] = [];
      let cursor = opts.since ?? null;
      // min_id walks forward from the cursor without gaps; a first sync takes the newest page only.
      for (let page = 0; page < 10; page++) {
        const batch = await get(c, '/api/v1/notifications', Notifications, { 'types[]': ['mention'], limit, ...(cursor ? { min_id: cursor } : {}) });
        for (const n of batch) if (n.status) items.push(conversationItem(n.status, c.accountId));
        const maxId = batch.map((n) => n.id).reduce<string | null>((a, b) => (a === null || compareIds(b, a) > 0 ? b : a), cursor);
        const advanced = maxId !== cursor;
        cursor = maxId;
        if (!opts.since || batch.length < limit || !advanced) break;
      }
      items.sort((a, b) => compareIds(a.id, b.id));
      return { items, cursor };
    },
    async watchInbox(c, { onActivity }, signal) {
      const instanceUrl = base(c);
      const origin = streamingOrigin(instanceUrl, (await describe(instanceUrl)).configuration?.urls?.streaming);
      await watchNotifications(http.options, origin, c.accessToken, onActivity, signal);
    },
    async findRecentPosts(c, { since, limit }) {
      const statuses = await get(c, `/api/v1/accounts/${encodeURIComponent(c.accountId)}/statuses`, Statuses, { limit: Math.min(limit ?? 40, 40), exclude_reblogs: true });
      return statuses.filter((s) => s.created_at >= new Date(since).toISOString()).map(toRemote);
    },
    async search(c, { q, cursor, limit }) {
      const offset = cursor ? Number(cursor) : 0;
      const size = limit ?? 20;
      const res = await get(c, '/api/v2/search', SearchResults, { q, type: 'statuses', resolve: false, limit: size, offset });
      return { items: res.statuses.map(toRemote), cursor: res.statuses.length < size ? null : String(offset + res.statuses.length) };
    },
    async searchAccounts(c, { q, limit }) {
      // resolve=false: only accounts the instance already knows, so typing never makes it fetch remote servers.
      const res = await get(c, '/api/v2/search', AccountResults, { q, type: 'accounts', resolve: false, limit: Math.min(limit ?? 8, 40) });
      const host = new URL(base(c)).host;
      // Local accounts have a bare `acct`; a mention from elsewhere needs the full user@instance.
      return res.accounts.map((a) => ({
        id: a.id,
        handle: a.acct.includes('@') ? a.acct : `${a.acct}@${host}`,
        ...(a.display_name ? { displayName: a.display_name } : {}),
        ...(a.avatar ? { avatarUrl: a.avatar } : {}),
      }));
    },
  };
  return connector;
}

const metricsOf = (s: StatusT): PostMetrics => ({
  postId: s.id,
  likes: s.favourites_count,
  reposts: s.reblogs_count,
  replies: s.replies_count,
  ...(s.quotes_count !== undefined ? { quotes: s.quotes_count } : {}),
});

function conversationItem(s: StatusT, me: string): ConversationItem {
  const kind = s.visibility === 'direct' ? 'dm' : s.in_reply_to_account_id === me ? 'reply' : 'mention';
  return {
    id: s.id,
    kind,
    text: htmlToText(s.content),
    createdAt: s.created_at,
    author: {
      id: s.account.id,
      handle: s.account.acct,
      ...(s.account.display_name ? { displayName: s.account.display_name } : {}),
      ...(s.account.avatar ? { avatarUrl: s.account.avatar } : {}),
      ...(s.account.followers_count !== undefined ? { followers: s.account.followers_count } : {}),
    },
    url: s.url ?? s.uri,
    ...(s.in_reply_to_id ? { inReplyTo: s.in_reply_to_id } : {}),
  };
}

/** Mastodon ids are numeric strings (snowflake-like): compare by length, then lexically. */
const compareIds = (a: string, b: string): number => (a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0);

