/**
 * Bluesky (AT Protocol) connector: handle + app password against any PDS, posts as records whose
 * keys come from Chorus's idempotency keys, reads through the PDS (which proxies to its AppView).
 */
import type {
  AppPasswordFlow,
  ConnectResult,
  Connector,
  ConnectorContext,
  ConnectorInfo,
  ConversationItem,
  ConversationPage,
  Credentials,
  PostMetrics,
  ProfileMetrics,
  RemotePost,
  RemoteProfile,
  SearchPage,
} from '../connector.ts';
import { AuthExpired, InvalidCredentials, InvalidResponse, NotSupported, PermissionDenied, Rejected, Transient, WrongService } from '../errors.ts';
import { BLUESKY_MAX_GRAPHEMES } from '../text/bluesky.ts';
import { BlueskyChat, canUseChat } from './chat.ts';
import { toConversationItem, toRemotePost } from './read.ts';
import { BlueskyPublisher, service } from './publish.ts';
import { ActorsTypeahead, Notifications, Posts, PostRecordValue, ProfileDetailed, ProfilesAnswer, SearchAnswer, Session } from './schemas.ts';
import { jwtExpiry, NETWORK, parseAtUri, postUrl, Xrpc } from './xrpc.ts';
import type { z } from 'zod';

export const blueskyInfo: ConnectorInfo = {
  network: 'bluesky',
  displayName: 'Bluesky',
  apiVersion: 'AT Protocol XRPC (com.atproto.*, app.bsky.* lexicons)',
  auth: 'app-password',
  capabilities: ['publish.text', 'publish.images', 'publish.video', 'publish.linkCard', 'publish.thread', 'delete', 'reply', 'dms', 'mentions', 'comments', 'search', 'metrics.post', 'metrics.profile'],
  limits: {
    text: { maxLength: BLUESKY_MAX_GRAPHEMES, counting: 'graphemes' },
    media: {
      maxCount: 4,
      // app.bsky.embed.images caps each image blob at 1,000,000 bytes.
      image: { maxBytes: 1_000_000, mimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] },
      // app.bsky.embed.video: one mp4 up to 100 MB; Bluesky plays up to 3 minutes.
      video: { maxBytes: 100_000_000, mimeTypes: ['video/mp4'], maxCount: 1, maxDurationSeconds: 180 },
      mixed: false,
      altTextMaxLength: 2000,
    },
  },
  publishIdempotency: 'client-key',
  linkCards: 'poster',
};

export function createBlueskyConnector(ctx: ConnectorContext = {}): Connector {
  const xrpc = new Xrpc(ctx.http);
  const now = xrpc.http.options.now;
  const publisher = new BlueskyPublisher(xrpc, now);
  const chat = new BlueskyChat(xrpc);
  const token = (c: Credentials) => c.accessToken;

  const fromSession = (serviceUrl: string, s: z.infer<typeof Session>): Credentials => {
    // The account may live on another PDS than the one asked (an entryway such as bsky.social):
    // data calls go to the DID document's PDS, session calls to the server signed in with,
    // as the official client does.
    const pds = s.didDoc?.service?.find((x) => x.id.endsWith('#atproto_pds'))?.serviceEndpoint;
    const expiresAt = jwtExpiry(s.accessJwt);
    const refreshExpiresAt = jwtExpiry(s.refreshJwt);
    return {
      network: 'bluesky',
      accountId: s.did,
      accessToken: s.accessJwt,
      refreshToken: s.refreshJwt,
      serviceUrl: typeof pds === 'string' ? pds : serviceUrl,
      ...(expiresAt ? { expiresAt } : {}),
      ...(refreshExpiresAt ? { refreshExpiresAt } : {}),
      // Whether the app password grants DMs, so the UI can say so at connect time.
      extra: { handle: s.handle, sessionServiceUrl: serviceUrl, dms: canUseChat(s.accessJwt) ? 'allowed' : 'not-allowed' },
    };
  };

  const getProfile = async (creds: Credentials): Promise<RemoteProfile> => {
    const p = await xrpc.query(service(creds), 'app.bsky.actor.getProfile', { query: { actor: creds.accountId }, token: token(creds), schema: ProfileDetailed });
    return { id: p.did, handle: p.handle, ...(p.displayName ? { displayName: p.displayName } : {}), ...(p.avatar ? { avatarUrl: p.avatar } : {}), url: `https://bsky.app/profile/${p.handle}` };
  };

  const auth: AppPasswordFlow = {
    kind: 'app-password',
    async connect({ serviceUrl, identifier, password }): Promise<ConnectResult> {
      const base = normaliseServiceUrl(serviceUrl);
      let session: z.infer<typeof Session>;
      try {
        session = await xrpc.procedure(base, 'com.atproto.server.createSession', {
          input: { identifier: identifier.replace(/^@/, ''), password },
          schema: Session,
          // Creating a session has no lasting effect: safe to retry.
          idempotent: true,
        });
      } catch (e) {
        throw connectError(e, base);
      }
      if (session.active === false) throw new InvalidCredentials(NETWORK, `The Bluesky account ${session.handle} is not active (${session.status ?? 'deactivated'}).`);
      const credentials = fromSession(base, session);
      const profile = await getProfile(credentials).catch(() => ({ id: session.did, handle: session.handle, url: `https://bsky.app/profile/${session.handle}` }));
      return { credentials, profile };
    },
  };

  return {
    info: blueskyInfo,
    auth,
    needsRefresh(creds, at = now()) {
      return creds.expiresAt !== undefined && Date.parse(creds.expiresAt) - at.getTime() < 300_000;
    },
    async refresh(creds) {
      if (!creds.refreshToken) throw new AuthExpired(NETWORK, 'No Bluesky refresh token stored: reconnect the account.');
      const sessionService = creds.extra?.sessionServiceUrl ?? service(creds);
      const s = await xrpc.procedure(sessionService, 'com.atproto.server.refreshSession', { token: creds.refreshToken, schema: Session });
      return fromSession(sessionService, s);
    },
    getProfile,
    publish: (creds, input) => publisher.publish(creds, input),
    async delete(creds, postId) {
      const { repo, collection, rkey } = parseAtUri(postId);
      // Deleting a missing record succeeds on the PDS, so this is idempotent.
      await xrpc.procedure(service(creds), 'com.atproto.repo.deleteRecord', { input: { repo, collection, rkey }, token: token(creds), idempotent: true });
    },
    async getPost(creds, postId): Promise<RemotePost | null> {
      const { repo, collection, rkey } = parseAtUri(postId);
      const found = await publisher.getRecord(creds, repo, collection, rkey);
      if (!found) return null;
      const value = PostRecordValue.parse(found.value);
      const embed = value.embed as { $type?: string; images?: unknown[]; external?: { uri?: string } } | undefined;
      return {
        id: found.uri,
        url: postUrl(found.uri),
        text: value.text,
        createdAt: value.createdAt,
        ...(value.reply ? { replyTo: value.reply.parent.uri } : {}),
        ...(embed?.images ? { mediaCount: embed.images.length } : {}),
        ...(embed?.external?.uri ? { linkUrl: embed.external.uri } : {}),
      };
    },
    async reply(creds, { inReplyTo, text, idempotencyKey, threadId }) {
      if (inReplyTo.startsWith('chat:')) {
        const convoId = threadId?.startsWith('chat:') ? threadId.slice(5) : undefined;
        if (!convoId) throw new Rejected(NETWORK, 'Answering a Bluesky DM needs its conversation (threadId "chat:<convoId>").');
        if (!canUseChat(creds.accessToken)) throw new PermissionDenied(NETWORK, 'This app password does not allow direct messages: create one with DM access and reconnect.');
        return chat.send(service(creds), creds, convoId, text);
      }
      const result = await publisher.publish(creds, { text, idempotencyKey, replyTo: inReplyTo });
      return result.posts[0]!;
    },
    async fetchPostMetrics(creds, postIds): Promise<PostMetrics[]> {
      const out: PostMetrics[] = [];
      for (let i = 0; i < postIds.length; i += 25) {
        const { posts } = await xrpc.query(service(creds), 'app.bsky.feed.getPosts', { query: { uris: postIds.slice(i, i + 25) }, token: token(creds), schema: Posts });
        for (const p of posts) out.push({ postId: p.uri, likes: p.likeCount ?? 0, reposts: p.repostCount ?? 0, replies: p.replyCount ?? 0, quotes: p.quoteCount ?? 0, ...(p.bookmarkCount !== undefined ? { bookmarks: p.bookmarkCount } : {}) });
      }
      return out;
    },
    async searchAccounts(creds, { q, limit }) {
      const { actors } = await xrpc.query(service(creds), 'app.bsky.actor.searchActorsTypeahead', { query: { q, limit: Math.min(limit ?? 8, 25) }, token: token(creds), schema: ActorsTypeahead });
      return actors.map((a) => ({ id: a.did, handle: a.handle, ...(a.displayName ? { displayName: a.displayName } : {}), ...(a.avatar ? { avatarUrl: a.avatar } : {}) }));
    },
    async fetchProfileMetrics(creds): Promise<ProfileMetrics> {
      const p = await xrpc.query(service(creds), 'app.bsky.actor.getProfile', { query: { actor: creds.accountId }, token: token(creds), schema: ProfileDetailed });
      return { followers: p.followersCount ?? 0, following: p.followsCount ?? 0, posts: p.postsCount ?? 0 };
    },
    async fetchConversations(creds, opts = {}): Promise<ConversationPage> {
      // Notifications come newest first: walk back to the stored instant, return oldest first.
      const since = decodeCursor(opts.since);
      const notifSince = since?.at ? { at: since.at, ids: since.ids } : null;
      const limit = opts.limit ?? 50;
      const items: ConversationItem[] = [];
      const seen = new Set<string>();
      let newest = notifSince;
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await xrpc.query(service(creds), 'app.bsky.notification.listNotifications', { query: { limit, cursor }, token: token(creds), schema: Notifications });
        let reachedSince = false;
        for (const n of res.notifications) {
          if (!newest || n.indexedAt > newest.at) newest = { at: n.indexedAt, ids: [n.uri] };
          else if (n.indexedAt === newest.at && !newest.ids.includes(n.uri)) newest.ids.push(n.uri);
          if (notifSince && (n.indexedAt < notifSince.at || (n.indexedAt === notifSince.at && notifSince.ids.includes(n.uri)))) {
            if (n.indexedAt < notifSince.at) reachedSince = true;
            if (reachedSince) break;
            continue;
          }
          const item = toConversationItem(n);
          if (item && !seen.has(item.id)) {
            seen.add(item.id);
            items.push(item);
          }
        }
        cursor = res.cursor;
        // Without a cursor this is a first sync: one page of recent items, not the whole history.
        if (reachedSince || !cursor || !notifSince) break;
      }
      items.reverse();
      await addFollowerCounts(items, (actors) =>
        xrpc.query(service(creds), 'app.bsky.actor.getProfiles', { query: { actors }, token: token(creds), schema: ProfilesAnswer }).then((r) => r.profiles),
      );
      // DMs, when the app password allows them.
      let chatCursor = since?.chat;
      if (canUseChat(creds.accessToken)) {
        const dms = await chat.sync(service(creds), creds, chatCursor);
        items.push(...dms.items);
        chatCursor = dms.cursor;
        items.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      }
      const next = { ...(newest ?? { ids: [] }), ...(chatCursor ? { chat: chatCursor } : {}) };
      return { items, cursor: newest || chatCursor ? JSON.stringify(next) : null };
    },
    async search(creds, { q, cursor, limit }): Promise<SearchPage> {
      const res = await xrpc.query(service(creds), 'app.bsky.feed.searchPosts', { query: { q, cursor, limit: limit ?? 25 }, token: token(creds), schema: SearchAnswer });
      return { items: res.posts.map(toRemotePost), cursor: res.cursor ?? null };
    },
  };
}

/**
 * Notifications carry basic profiles without follower counts; getProfiles (25 actors a call) has
 * them. Best effort: a failed lookup leaves the counts out, never the messages.
 */
async function addFollowerCounts(items: ConversationItem[], lookup: (actors: string[]) => Promise<{ did: string; followersCount?: number | undefined }[]>) {
  const dids = [...new Set(items.map((i) => i.author.id))];
  const counts = new Map<string, number>();
  for (let i = 0; i < dids.length; i += 25) {
    const profiles = await lookup(dids.slice(i, i + 25)).catch(() => []);
    for (const p of profiles) if (p.followersCount !== undefined) counts.set(p.did, p.followersCount);
  }
  for (const item of items) {
    const followers = counts.get(item.author.id);
    if (followers !== undefined) item.author.followers = followers;
  }
}

/** The cursor is the newest indexedAt seen plus the ids seen at that instant (ties). */
function decodeCursor(raw: string | null | undefined): { at?: string; ids: string[]; chat?: string } | null {
  if (!raw) return null;
  try {
    const c = JSON.parse(raw) as { at?: unknown; ids?: unknown; chat?: unknown };
    if (Array.isArray(c.ids)) {
      return {
        ids: c.ids.filter((x): x is string => typeof x === 'string'),
        ...(typeof c.at === 'string' ? { at: c.at } : {}),
        ...(typeof c.chat === 'string' ? { chat: c.chat } : {}),
      };
    }
  } catch {
    // fall through
  }
  throw new Rejected(NETWORK, 'Unreadable Bluesky conversation cursor.');
}

function normaliseServiceUrl(raw: string): string {
  const withScheme = /^https?:\/\//i.test(raw.trim()) ? raw.trim() : `https://${raw.trim()}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new WrongService(NETWORK, `"${raw}" is not a valid server address.`);
  }
  return url.origin;
}

/** Connect-time errors say what the person got wrong. */
function connectError(e: unknown, base: string): unknown {
  if (e instanceof AuthExpired || (e instanceof Rejected && e.status === 401)) {
    return new InvalidCredentials(NETWORK, 'Wrong handle or app password for this Bluesky server.', { status: 401, cause: e });
  }
  if (e instanceof Rejected && /password|identifier|AuthenticationRequired/i.test(`${e.reason} ${e.networkCode ?? ''}`)) {
    return new InvalidCredentials(NETWORK, `Bluesky refused the sign-in: ${e.reason}`, { cause: e });
  }
  if (e instanceof InvalidResponse || e instanceof WrongService) {
    return new WrongService(NETWORK, `${base} does not answer like an AT Protocol PDS (${e.message}).`, { cause: e });
  }
  if (e instanceof Transient && /ENOTFOUND|EAI_AGAIN|ERR_INVALID_URL/.test(e.message)) {
    return new WrongService(NETWORK, `No server found at ${base}.`, { cause: e });
  }
  if (e instanceof NotSupported) return e;
  return e;
}
