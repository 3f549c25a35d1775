/**
 * The one interface every network connector implements.
 *
 * Connectors know networks, not Chorus: they take plain inputs, return plain results and throw the
 * typed errors of ./errors.ts. They keep no state between calls: credentials go in with every call
 * and come back out of `connect`/`refresh`, so the caller (accounts) can encrypt and store them.
 */
import type { HttpOptions } from './http.ts';

export type NetworkId = 'bluesky' | 'mastodon' | 'x' | 'linkedin' | 'facebook' | 'instagram' | 'threads';

// ---------------------------------------------------------------- capabilities and limits (data)

export type Capability =
  | 'publish.text'
  | 'publish.images'
  | 'publish.video'
  | 'publish.linkCard'
  | 'publish.thread'
  | 'delete'
  | 'reply'
  | 'dms'
  | 'mentions'
  | 'comments'
  | 'search'
  | 'metrics.post'
  | 'metrics.profile';

/**
 * How a network counts the length of a post's text:
 * - `graphemes`: user-perceived characters (Intl.Segmenter), Bluesky.
 * - `x-weighted`: twitter-text v3 weighted length (URLs 23, CJK and emoji 2).
 * - `mastodon`: graphemes, URLs with a scheme count 23, `@user@domain` counts as `@user`.
 * - `threads`: graphemes, but an emoji counts as its UTF-8 byte length.
 * - `utf16`: UTF-16 code units (JavaScript string length): LinkedIn, Facebook, Instagram.
 */
export type TextCounting = 'graphemes' | 'x-weighted' | 'mastodon' | 'threads' | 'utf16';

export interface TextLimits {
  maxLength: number;
  counting: TextCounting;
  /** Length a URL counts for, when the network shortens links. */
  urlLength?: number;
  maxHashtags?: number;
  maxMentions?: number;
  maxLinks?: number;
}

export interface MediaKindLimits {
  maxBytes: number;
  mimeTypes: readonly string[];
  /** Video length, in seconds. */
  maxDurationSeconds?: number;
  minDurationSeconds?: number;
  /** Width / height, as displayed, where the network refuses other shapes (Instagram: 4:5 to 1.91:1). */
  minAspectRatio?: number;
  maxAspectRatio?: number;
  /** Width × height ceiling, where the network counts pixels rather than bytes. */
  maxPixels?: number;
}

export interface MediaLimits {
  /** Attachments per post, all kinds together. */
  maxCount: number;
  image?: MediaKindLimits;
  video?: MediaKindLimits & { maxCount: number };
  /** Whether images and videos may be mixed in one post. */
  mixed: boolean;
  /** Maximum alt-text length (same counting as `TextLimits.counting` unless noted); 0 = no alt text. */
  altTextMaxLength: number;
  /** True when media must be given as public URLs (the network fetches them), not bytes. */
  requiresPublicUrl?: boolean;
}

export interface ConnectorLimits {
  text: TextLimits;
  media: MediaLimits;
  /** Posts in one thread, the first included. */
  maxThreadLength?: number;
}

/**
 * How safe a publish retry is:
 * - `client-key`: the post id is derived from the idempotency key (AT Protocol rkey): retry freely.
 * - `idempotency-header`: the network de-duplicates on a key for a time window (Mastodon, 1 hour).
 * - `none`: the publisher must look for the post on the network before retrying.
 */
export type PublishIdempotency = 'client-key' | 'idempotency-header' | 'none';

export interface ConnectorInfo {
  network: NetworkId;
  displayName: string;
  /** The API version this connector speaks, as the network names it. */
  apiVersion: string;
  auth: 'oauth2' | 'app-password';
  capabilities: readonly Capability[];
  limits: ConnectorLimits;
  publishIdempotency: PublishIdempotency;
  /**
   * True when `publish` calls `onCheckpoint` before every step that can make a post visible and
   * resumes from `resume`: an attempt that stopped without a checkpoint made no post, and one
   * that stopped after a checkpoint can be resumed without posting twice.
   */
  checkpoints?: boolean;
  /**
   * Who makes a link's card: 'poster' when the network shows only what the poster sends (title,
   * description, thumbnail: Bluesky, LinkedIn); otherwise the network reads the page itself and
   * needs nothing but the URL.
   */
  linkCards?: 'poster' | 'network';
}

// ---------------------------------------------------------------- credentials and connecting

/**
 * Credentials as a plain object; the caller encrypts it at rest. Never overwrite a stored
 * refresh token with an empty one: `refresh` returns the old one when the network sends none.
 */
export interface Credentials {
  network: NetworkId;
  /** The remote account id: a DID, a numeric user id, a LinkedIn URN, a Page id. */
  accountId: string;
  accessToken: string;
  refreshToken?: string;
  /** ISO 8601 instant the access token expires, when known. */
  expiresAt?: string;
  /** ISO 8601 instant the refresh token expires, when known. */
  refreshExpiresAt?: string;
  scopes?: string[];
  /** API base for networks that have many servers: the PDS (Bluesky), the instance (Mastodon). */
  serviceUrl?: string;
  /** Network-specific extras (e.g. `userAccessToken` behind a Page token). Strings only. */
  extra?: Record<string, string>;
}

export interface RemoteProfile {
  id: string;
  handle: string;
  displayName?: string;
  avatarUrl?: string;
  url?: string;
}

export interface ConnectResult {
  credentials: Credentials;
  profile: RemoteProfile;
}

/** An OAuth client registered with the network (or with one Mastodon instance). From settings. */
export interface OAuthApp {
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  /** Mastodon: the instance this app was registered on. */
  instanceUrl?: string;
}

export interface AuthorizationRequest {
  url: string;
  state: string;
  /** Keep server-side until the callback; send it to `completeAuthorization`. */
  codeVerifier: string;
}

export interface OAuth2Flow {
  kind: 'oauth2';
  scopes: readonly string[];
  /** Build the URL to send the user to. `state` and the PKCE verifier are generated unless given. */
  authorizationUrl(app: OAuthApp, opts?: { state?: string; codeVerifier?: string }): AuthorizationRequest;
  /** Exchange the callback's code, then read the connected profile (validating what was granted). */
  completeAuthorization(app: OAuthApp, input: { code: string; codeVerifier: string }): Promise<ConnectResult>;
  /** Mastodon only: register Chorus as an app on an instance (once per instance). */
  registerApp?(instanceUrl: string, input: { clientName: string; redirectUri: string; website?: string }): Promise<OAuthApp>;
}

export interface AppPasswordFlow {
  kind: 'app-password';
  /** `serviceUrl` is the PDS (any); `identifier` a handle, DID or email. */
  connect(input: { serviceUrl: string; identifier: string; password: string }): Promise<ConnectResult>;
}

// ---------------------------------------------------------------- posts

export interface MediaInput {
  kind: 'image' | 'video';
  mimeType: string;
  /** The bytes, for networks that take uploads. */
  data?: Uint8Array;
  /** A public URL, for networks that fetch media themselves (Instagram, Threads). */
  url?: string;
  altText?: string;
  width?: number;
  height?: number;
  /** Video length, when known, for checking against the network's limits. */
  durationSeconds?: number;
}

export interface LinkCardInput {
  url: string;
  title?: string;
  description?: string;
  thumbnail?: MediaInput;
}

export interface PostContent {
  text: string;
  media?: MediaInput[];
  link?: LinkCardInput;
}

export interface PublishInput extends PostContent {
  /**
   * Chorus's key for this publish attempt. The same key on a retry must never make a second post:
   * connectors derive client-chosen ids from it or send it as an idempotency header.
   */
  idempotencyKey: string;
  /** Remote id of the post this one replies to. */
  replyTo?: string;
  /** Further posts chained under the first one (a thread). */
  thread?: PostContent[];
  /** BCP 47 language tags, where the network takes them. */
  languages?: string[];
  /**
   * Called by connectors that publish in several steps (Meta's media containers, threads), with
   * how far they got, before each step that makes a post visible. The caller stores it durably
   * and the connector waits for that, so a crash at any point leaves a checkpoint to resume from.
   */
  onCheckpoint?: (checkpoint: PublishCheckpoint) => Promise<void>;
  /** The last checkpoint of an earlier attempt at this very content: continue from it. */
  resume?: PublishCheckpoint;
}

/**
 * Progress of a multi-step publish, as plain JSON. A connector that takes `resume` never makes a
 * second post from it: it asks the network what became of `containerId` first.
 */
export interface PublishCheckpoint {
  /** Posts of a thread already published, in order (the first post first). */
  published?: PublishedPost[];
  /** A media container made for the next post, which may or may not have been published. */
  containerId?: string;
  /** When that container was made (ISO 8601): unpublished containers expire after 24 hours. */
  containerCreatedAt?: string;
}

export interface PublishedPost {
  /** Remote id (AT URI, status id, URN …): what getPost/delete/metrics take. */
  id: string;
  url?: string;
  /** Network-specific handle needed to refer to the post (atproto CID). */
  cid?: string;
}

export interface PublishResult {
  /** The first post, then the thread's posts in order. */
  posts: PublishedPost[];
  /** True when the post already existed (a retried publish found it). */
  alreadyExisted?: boolean;
}

export interface RemoteAuthor {
  id: string;
  handle: string;
  displayName?: string;
  avatarUrl?: string;
  /** When the network says (the inbox shows it beside the conversation). */
  followers?: number;
}

export interface RemotePost {
  id: string;
  url?: string;
  text: string;
  createdAt: string;
  author?: RemoteAuthor;
  replyTo?: string;
  mediaCount?: number;
  linkUrl?: string;
  metrics?: PostMetrics;
}

export interface PostMetrics {
  postId: string;
  likes?: number;
  reposts?: number;
  replies?: number;
  quotes?: number;
  impressions?: number;
  views?: number;
  clicks?: number;
  bookmarks?: number;
  shares?: number;
}

export interface ProfileMetrics {
  followers?: number;
  following?: number;
  posts?: number;
}

// ---------------------------------------------------------------- conversations

export type ConversationKind = 'mention' | 'reply' | 'comment' | 'quote' | 'dm';

export interface ConversationItem {
  /** Remote id of the message (post, comment or DM). Stable: use it to de-duplicate. */
  id: string;
  kind: ConversationKind;
  text: string;
  createdAt: string;
  author: RemoteAuthor;
  url?: string;
  /** Remote id of the post this answers, if any. */
  inReplyTo?: string;
  /** Remote id of the thread root or the DM conversation: what a reply attaches to. */
  threadId?: string;
}

export interface ConversationPage {
  items: ConversationItem[];
  /** Store it and pass it back as `since` next time. Opaque. */
  cursor: string | null;
}

export interface SearchPage {
  items: RemotePost[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  cursor: string | null;
}

// ---------------------------------------------------------------- the connector

export interface Connector {
  readonly info: ConnectorInfo;
  readonly auth: OAuth2Flow | AppPasswordFlow;
  /** True when the access token expires within `skewSeconds` (default 300) and should be refreshed. */
  needsRefresh(credentials: Credentials, now?: Date): boolean;
  /** New credentials; throws AuthExpired when the refresh token is dead. */
  refresh(credentials: Credentials, app?: OAuthApp): Promise<Credentials>;
  /** The connected profile; also a cheap "are these credentials alive?" check. */
  getProfile(credentials: Credentials): Promise<RemoteProfile>;

  publish(credentials: Credentials, input: PublishInput): Promise<PublishResult>;
  /** Deleting a post that is already gone succeeds. */
  delete(credentials: Credentials, postId: string): Promise<void>;
  /** null when the post does not exist (deleted or never made). */
  getPost(credentials: Credentials, postId: string): Promise<RemotePost | null>;
  reply(credentials: Credentials, input: { inReplyTo: string; text: string; idempotencyKey: string; threadId?: string }): Promise<PublishedPost>;

  fetchPostMetrics(credentials: Credentials, postIds: string[]): Promise<PostMetrics[]>;
  fetchProfileMetrics(credentials: Credentials): Promise<ProfileMetrics>;
  /** Items newer than `since` (a cursor from the previous call), oldest first. */
  fetchConversations(credentials: Credentials, opts?: { since?: string | null; limit?: number }): Promise<ConversationPage>;
  /**
   * Real time, where the network pushes: holds the account's event stream open and calls
   * `onActivity` whenever something `fetchConversations` would return may have arrived (the caller
   * then fetches; the stream itself files nothing). Resolves when the network ends the stream,
   * rejects with a ConnectorError when it cannot be opened or breaks, and ends quietly on `signal`.
   */
  watchInbox?(credentials: Credentials, handlers: { onActivity(): void }, signal: AbortSignal): Promise<void>;
  search(credentials: Credentials, query: { q: string; cursor?: string; limit?: number }): Promise<SearchPage>;
  /**
   * The account's own posts since an instant, newest first: how the publisher reconciles a publish
   * that ended in OutcomeUnknown on networks without idempotency (compare text, then decide).
   */
  findRecentPosts?(credentials: Credentials, opts: { since: string; limit?: number }): Promise<RemotePost[]>;
  /** Limits of this account's server when they differ from `info.limits` (a Mastodon instance's). */
  limitsFor?(credentials: Credentials): Promise<ConnectorLimits>;
  /**
   * Accounts whose handle or name starts like `q`, for @mention autocomplete. Present only where
   * the network has a people search (Bluesky typeahead, Mastodon account search). Each handle is
   * in the form the network's text takes after the `@` (`alice.bsky.social`, `bob@other.example`).
   */
  searchAccounts?(credentials: Credentials, query: { q: string; limit?: number }): Promise<RemoteAuthor[]>;
}

/** Everything a connector needs from its surroundings; tests inject a fake fetch and clock. */
export interface ConnectorContext {
  http?: Partial<HttpOptions>;
}

export const hasCapability = (info: ConnectorInfo, capability: Capability): boolean =>
  info.capabilities.includes(capability);
