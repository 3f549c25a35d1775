/**
 * X connector (X API v2, api.x.com/2): OAuth 2.0 Authorization Code with PKCE (confidential client,
 * HTTP Basic at the token endpoint, rotating refresh tokens with offline.access), posts, media
 * upload v2 with alt text, mentions and DMs, public metrics and recent search.
 *
 * X has no idempotency key: a publish is sent once; after an unclear failure the publisher must
 * look at `findRecentPosts` before trying again.
 */
import type { Connector, ConnectorContext, ConnectorInfo, ConversationItem, Credentials, OAuth2Flow, PostMetrics, PublishedPost, RemotePost } from '../connector.ts';
import { ConnectorError, PermissionDenied, Rejected } from '../errors.ts';
import { errorReason, HttpClient, type ErrorMapper } from '../http.ts';
import { buildAuthorizationUrl, createPkce, credentialsFromToken, expiresSoon, missingScopes, OAuthClient, randomState } from '../oauth.ts';
import { X_MAX_WEIGHTED_LENGTH, X_URL_LENGTH } from '../text/x.ts';
import { XMedia } from './media.ts';
import { CreatedTweet, Deleted, DmPage, Me, SentDm, TweetLookup, TweetPage, TweetsLookup, type TweetT } from './schemas.ts';
import type { z } from 'zod';

const NETWORK = 'x';
export const X_API = 'https://api.x.com/2';
export const X_AUTHORIZE_URL = 'https://x.com/i/oauth2/authorize';
export const X_TOKEN_URL = 'https://api.x.com/2/oauth2/token';
export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'like.read', 'media.write', 'dm.read', 'dm.write', 'offline.access'] as const;
const REQUIRED_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'offline.access'];
const TWEET_FIELDS = 'created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,attachments,entities,public_metrics';

export const xInfo: ConnectorInfo = {
  network: 'x',
  displayName: 'X',
  apiVersion: 'X API v2',
  auth: 'oauth2',
  capabilities: ['publish.text', 'publish.images', 'publish.video', 'publish.linkCard', 'publish.thread', 'delete', 'reply', 'dms', 'mentions', 'search', 'metrics.post', 'metrics.profile'],
  limits: {
    text: { maxLength: X_MAX_WEIGHTED_LENGTH, counting: 'x-weighted', urlLength: X_URL_LENGTH },
    media: {
      maxCount: 4,
      image: { maxBytes: 5 * 1024 * 1024, mimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] },
      video: { maxBytes: 512 * 1024 * 1024, mimeTypes: ['video/mp4', 'video/quicktime'], maxCount: 1, maxDurationSeconds: 140 },
      mixed: false,
      altTextMaxLength: 1000,
    },
  },
  publishIdempotency: 'none',
};

const mapError: ErrorMapper = (network, ctx) => {
  const body = (ctx.body ?? {}) as { detail?: string; errors?: { message?: string }[] };
  const reason = body.errors?.[0]?.message ?? body.detail ?? errorReason(ctx.body, ctx.text);
  // X answers some refusals of the content itself with 403 (a duplicate post; a reply or quote the
  // author does not allow): the token is fine, so these must not send the account to "reconnect".
  if (ctx.status === 403 && /duplicate|is not allowed because/i.test(reason)) return new Rejected(network, reason, { status: 403 });
  if (ctx.status === 400) return new Rejected(network, reason, { status: 400 });
  return undefined;
};

export function createXConnector(ctx: ConnectorContext = {}): Connector {
  const http = new HttpClient(NETWORK, ctx.http, mapError);
  const oauth = new OAuthClient(NETWORK, ctx.http);
  const now = http.options.now;
  const auth = (c: Credentials) => ({ authorization: `Bearer ${c.accessToken}` });
  const get = <T>(c: Credentials, path: string, schema: z.ZodType<T>, query?: Record<string, string | number | undefined>) =>
    http.json({ method: 'GET', url: `${X_API}${path}`, headers: auth(c), schema, ...(query ? { query } : {}) });
  const post = <T>(c: Credentials, path: string, json: unknown, schema: z.ZodType<T>, idempotent = false) =>
    http.json({ method: 'POST', url: `${X_API}${path}`, headers: auth(c), json, schema, idempotent });

  const me = (c: Credentials) => get(c, '/users/me', Me, { 'user.fields': 'profile_image_url,public_metrics' });

  const flow: OAuth2Flow = {
    kind: 'oauth2',
    scopes: X_SCOPES,
    authorizationUrl(app, opts = {}) {
      const state = opts.state ?? randomState();
      const pkce = createPkce(opts.codeVerifier);
      return { url: buildAuthorizationUrl(X_AUTHORIZE_URL, { clientId: app.clientId, redirectUri: app.redirectUri, scopes: X_SCOPES, state, codeChallenge: pkce.codeChallenge }), state, codeVerifier: pkce.codeVerifier };
    },
    async completeAuthorization(app, { code, codeVerifier }) {
      const token = await oauth.token({
        tokenUrl: X_TOKEN_URL,
        clientId: app.clientId,
        ...(app.clientSecret ? { clientSecret: app.clientSecret } : {}),
        clientAuth: 'basic',
        params: { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri, code_verifier: codeVerifier },
      });
      const missing = missingScopes(token.scope?.split(' '), REQUIRED_SCOPES);
      if (missing.length) throw new PermissionDenied(NETWORK, `X did not grant ${missing.join(', ')}: reconnect and allow them.`);
      const partial = credentialsFromToken('x', '', token, now());
      const { data: user } = await me(partial);
      return { credentials: { ...partial, accountId: user.id, extra: { username: user.username } }, profile: profileOf(user) };
    },
  };

  const media = new XMedia(http, X_API);

  const createTweet = async (c: Credentials, body: Record<string, unknown>): Promise<PublishedPost> => {
    const { data } = await post(c, '/tweets', body, CreatedTweet);
    return { id: data.id, url: tweetUrl(data.id, c.extra?.username) };
  };

  const tweetsByIds = async (c: Credentials, ids: string[]): Promise<TweetT[]> => {
    const out: TweetT[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const res = await get(c, '/tweets', TweetsLookup, { ids: ids.slice(i, i + 100).join(','), 'tweet.fields': TWEET_FIELDS });
      out.push(...(res.data ?? []));
    }
    return out;
  };

  return {
    info: xInfo,
    auth: flow,
    needsRefresh: (c, at = now()) => expiresSoon(c, at),
    async refresh(c, app) {
      if (!app) throw new Rejected(NETWORK, 'Refreshing an X token needs the OAuth app (client id and secret).');
      if (!c.refreshToken) throw new PermissionDenied(NETWORK, 'No X refresh token stored (offline.access missing): reconnect the account.');
      const token = await oauth.token({
        tokenUrl: X_TOKEN_URL,
        clientId: app.clientId,
        ...(app.clientSecret ? { clientSecret: app.clientSecret } : {}),
        clientAuth: 'basic',
        params: { grant_type: 'refresh_token', refresh_token: c.refreshToken },
      });
      return credentialsFromToken('x', c.accountId, token, now(), c);
    },
    getProfile: async (c) => profileOf((await me(c)).data),
    async publish(c, input) {
      const parts = [input, ...(input.thread ?? [])];
      const published: PublishedPost[] = [];
      let replyTo = input.replyTo;
      for (const part of parts) {
        try {
          const mediaIds = [];
          for (const m of part.media ?? []) mediaIds.push(await media.upload(c, m));
          // X builds the card from the last URL in the text.
          const text = part.link && !part.text.includes(part.link.url) ? `${part.text} ${part.link.url}`.trim() : part.text;
          const tweet = await createTweet(c, {
            text,
            ...(mediaIds.length ? { media: { media_ids: mediaIds } } : {}),
            ...(replyTo ? { reply: { in_reply_to_tweet_id: replyTo } } : {}),
          });
          published.push(tweet);
          replyTo = tweet.id;
        } catch (e) {
          if (e instanceof ConnectorError && published.length) e.published = published;
          throw e;
        }
      }
      return { posts: published };
    },
    async delete(c, postId) {
      try {
        await http.json({ method: 'DELETE', url: `${X_API}/tweets/${encodeURIComponent(postId)}`, headers: auth(c), schema: Deleted });
      } catch (e) {
        if (!(e instanceof Rejected && e.status === 404)) throw e;
      }
    },
    async getPost(c, postId) {
      const res = await get(c, `/tweets/${encodeURIComponent(postId)}`, TweetLookup, { 'tweet.fields': TWEET_FIELDS });
      return res.data ? toRemote(res.data) : null;
    },
    async reply(c, { inReplyTo, text, threadId }) {
      if (inReplyTo.startsWith('dm:')) {
        const conversation = (threadId ?? '').replace(/^dm:/, '');
        if (!conversation) throw new Rejected(NETWORK, 'Replying to an X DM needs its conversation id (threadId).');
        const { data } = await post(c, `/dm_conversations/${encodeURIComponent(conversation)}/messages`, { text }, SentDm);
        return { id: `dm:${data.dm_event_id}` };
      }
      return createTweet(c, { text, reply: { in_reply_to_tweet_id: inReplyTo } });
    },
    async fetchPostMetrics(c, postIds) {
      return (await tweetsByIds(c, postIds)).map(metricsOf);
    },
    async fetchProfileMetrics(c) {
      const m = (await me(c)).data.public_metrics;
      return { followers: m?.followers_count ?? 0, following: m?.following_count ?? 0, posts: m?.tweet_count ?? 0 };
    },
    async fetchConversations(c, opts = {}) {
      const since = parseCursor(opts.since);
      const items: ConversationItem[] = [];
      // Mentions: since_id gives everything newer; next_token pages through it.
      let newestMention = since.m;
      let token: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await get(c, `/users/${c.accountId}/mentions`, TweetPage, {
          max_results: Math.min(Math.max(opts.limit ?? 100, 5), 100),
          'tweet.fields': TWEET_FIELDS,
          expansions: 'author_id',
          'user.fields': 'username,name,profile_image_url,public_metrics',
          since_id: since.m,
          pagination_token: token,
        });
        const users = new Map((res.includes?.users ?? []).map((u) => [u.id, u]));
        for (const t of res.data ?? []) items.push(mentionItem(t, c.accountId, users));
        if (res.meta.newest_id && (!newestMention || compareIds(res.meta.newest_id, newestMention) > 0)) newestMention = res.meta.newest_id;
        token = res.meta.next_token;
        if (!token || !since.m) break;
      }
      // DMs, when the token allows them: newest first with no since_id, so page back until the last
      // one seen (a first sync takes the newest page only).
      let newestDm = since.d;
      if (!c.scopes || c.scopes.includes('dm.read')) {
        let dmToken: string | undefined;
        let reachedSeen = false;
        for (let page = 0; page < 10 && !reachedSeen; page++) {
          const res = await get(c, '/dm_events', DmPage, { event_types: 'MessageCreate', 'dm_event.fields': 'id,text,event_type,created_at,sender_id,dm_conversation_id', expansions: 'sender_id', 'user.fields': 'username,name', max_results: 100, pagination_token: dmToken });
          const users = new Map((res.includes?.users ?? []).map((u) => [u.id, u]));
          for (const e of res.data ?? []) {
            if (since.d && compareIds(e.id, since.d) <= 0) {
              reachedSeen = true;
              break;
            }
            if (!newestDm || compareIds(e.id, newestDm) > 0) newestDm = e.id;
            if (e.sender_id === c.accountId) continue;
            const u = e.sender_id ? users.get(e.sender_id) : undefined;
            items.push({ id: `dm:${e.id}`, kind: 'dm', text: e.text ?? '', createdAt: e.created_at ?? now().toISOString(), author: { id: e.sender_id ?? '', handle: u?.username ?? e.sender_id ?? '', ...(u?.name ? { displayName: u.name } : {}) }, ...(e.dm_conversation_id ? { threadId: `dm:${e.dm_conversation_id}` } : {}) });
          }
          dmToken = res.meta.next_token;
          if (!dmToken || !since.d) break;
        }
      }
      items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return { items, cursor: newestMention || newestDm ? JSON.stringify({ ...(newestMention ? { m: newestMention } : {}), ...(newestDm ? { d: newestDm } : {}) }) : null };
    },
    async findRecentPosts(c, { since, limit }) {
      const res = await get(c, `/users/${c.accountId}/tweets`, TweetPage, { start_time: new Date(since).toISOString(), max_results: Math.min(Math.max(limit ?? 20, 5), 100), 'tweet.fields': TWEET_FIELDS });
      return (res.data ?? []).map((t) => toRemote(t));
    },
    async search(c, { q, cursor, limit }) {
      const res = await get(c, '/tweets/search/recent', TweetPage, { query: q, max_results: Math.min(Math.max(limit ?? 25, 10), 100), 'tweet.fields': TWEET_FIELDS, expansions: 'author_id', 'user.fields': 'username,name', next_token: cursor });
      const users = new Map((res.includes?.users ?? []).map((u) => [u.id, u]));
      return { items: (res.data ?? []).map((t) => toRemote(t, users)), cursor: res.meta.next_token ?? null };
    },
  };
}

const profileOf = (u: z.infer<typeof Me>['data']) => ({
  id: u.id,
  handle: u.username,
  displayName: u.name,
  ...(u.profile_image_url ? { avatarUrl: u.profile_image_url } : {}),
  url: `https://x.com/${u.username}`,
});

const tweetUrl = (id: string, username?: string) => `https://x.com/${username ?? 'i/web'}/status/${id}`;

const metricsOf = (t: TweetT): PostMetrics => {
  const m = t.public_metrics;
  return {
    postId: t.id,
    likes: m?.like_count ?? 0,
    reposts: m?.retweet_count ?? 0,
    replies: m?.reply_count ?? 0,
    quotes: m?.quote_count ?? 0,
    ...(m?.bookmark_count !== undefined ? { bookmarks: m.bookmark_count } : {}),
    ...(m?.impression_count !== undefined ? { impressions: m.impression_count } : {}),
  };
};

type Users = Map<string, { username: string; name: string; profile_image_url?: string | undefined; public_metrics?: { followers_count: number } | undefined }>;

function toRemote(t: TweetT, users?: Users): RemotePost {
  const u = t.author_id ? users?.get(t.author_id) : undefined;
  const parent = t.referenced_tweets?.find((r) => r.type === 'replied_to');
  const link = t.entities?.urls?.at(-1)?.expanded_url;
  return {
    id: t.id,
    url: tweetUrl(t.id, u?.username),
    text: t.text,
    createdAt: t.created_at ?? '',
    ...(t.author_id ? { author: { id: t.author_id, handle: u?.username ?? t.author_id, ...(u ? { displayName: u.name } : {}) } } : {}),
    ...(parent ? { replyTo: parent.id } : {}),
    mediaCount: t.attachments?.media_keys?.length ?? 0,
    ...(link ? { linkUrl: link } : {}),
    metrics: metricsOf(t),
  };
}

function mentionItem(t: TweetT, me: string, users: Users): ConversationItem {
  const u = t.author_id ? users.get(t.author_id) : undefined;
  const parent = t.referenced_tweets?.find((r) => r.type === 'replied_to');
  const quoted = t.referenced_tweets?.find((r) => r.type === 'quoted');
  return {
    id: t.id,
    kind: parent && t.in_reply_to_user_id === me ? 'reply' : quoted ? 'quote' : 'mention',
    text: t.text,
    createdAt: t.created_at ?? '',
    author: {
      id: t.author_id ?? '',
      handle: u?.username ?? t.author_id ?? '',
      ...(u ? { displayName: u.name } : {}),
      ...(u?.profile_image_url ? { avatarUrl: u.profile_image_url } : {}),
      ...(u?.public_metrics?.followers_count !== undefined ? { followers: u.public_metrics.followers_count } : {}),
    },
    url: tweetUrl(t.id, u?.username),
    ...(parent ? { inReplyTo: parent.id } : {}),
    ...(t.conversation_id ? { threadId: t.conversation_id } : {}),
  };
}

function parseCursor(raw: string | null | undefined): { m?: string; d?: string } {
  if (!raw) return {};
  try {
    const c = JSON.parse(raw) as { m?: unknown; d?: unknown };
    return { ...(typeof c.m === 'string' ? { m: c.m } : {}), ...(typeof c.d === 'string' ? { d: c.d } : {}) };
  } catch {
    throw new Rejected(NETWORK, 'Unreadable X conversation cursor.');
  }
}

/** Snowflake ids: longer is newer, then lexical. */
const compareIds = (a: string, b: string) => (a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0);
