/**
 * LinkedIn connector (REST API, https://api.linkedin.com/rest, LinkedIn-Version in ./api.ts, Rest.li
 * protocol 2.0.0). Posts as a member (urn:li:person) or a Page (urn:li:organization): the account
 * id is the author URN.
 *
 * OAuth: 3-legged authorization code. LinkedIn offers PKCE only to native apps, not to web apps
 * with a client secret, so Chorus sends no code_challenge; the callback is bound to the user by
 * `state` and the code can only be redeemed with the client secret. `codeVerifier` is an unused
 * placeholder kept for the shared flow shape. Refresh tokens exist only for apps LinkedIn enabled
 * for them; without one, an access token lives 60 days and then the account needs reconnecting.
 *
 * No idempotency key: POST /rest/posts is sent once; an unclear failure is OutcomeUnknown, and
 * findRecentPosts lets the publisher look for the post before trying again.
 */
import type { Connector, ConnectorContext, ConnectorInfo, Credentials, MediaInput, OAuth2Flow, OAuthApp, PublishedPost, RemoteProfile } from '../connector.ts';
import { AuthExpired, InvalidCredentials, NotSupported, OutcomeUnknown, PermissionDenied, Rejected } from '../errors.ts';
import { buildAuthorizationUrl, createPkce, credentialsFromToken, expiresSoon, missingScopes, OAuthClient, randomState } from '../oauth.ts';
import { enc, isOrganization, LINKEDIN_AUTHORIZE_URL, LINKEDIN_TOKEN_URL, LINKEDIN_VERSION, LINKEDIN_USERINFO, LinkedInApi, NETWORK, parseCommentUrn, personUrn, postUrl, requireMemberScope } from './api.ts';
import { toLittleText } from './little-text.ts';
import { uploadMedia } from './media.ts';
import { fetchComments, fetchPostMetrics, fetchProfileMetrics, findRecentPosts, toRemotePost } from './read.ts';
import { Organization, OrganizationAcls, Post, UserInfo } from './schemas.ts';

export const LINKEDIN_MEMBER_SCOPES = ['openid', 'profile', 'w_member_social'] as const;
/** Pages need the Community Management API product; ask for these only when the app has it. */
export const LINKEDIN_ORGANIZATION_SCOPES = ['r_organization_social', 'w_organization_social', 'rw_organization_admin'] as const;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif'];
const VIDEO_TYPES = ['video/mp4'];

export const linkedinInfo: ConnectorInfo = {
  network: 'linkedin',
  displayName: 'LinkedIn',
  apiVersion: `LinkedIn REST API ${LINKEDIN_VERSION} (Rest.li 2.0.0)`,
  auth: 'oauth2',
  capabilities: ['publish.text', 'publish.images', 'publish.video', 'publish.linkCard', 'delete', 'reply', 'comments', 'metrics.post', 'metrics.profile'],
  limits: {
    text: { maxLength: 3000, counting: 'utf16' },
    media: {
      maxCount: 20,
      // LinkedIn documents a pixel ceiling (36,152,320 px), not a byte one; 10 MB keeps uploads sane.
      image: { maxBytes: 10 * 1024 * 1024, mimeTypes: IMAGE_TYPES, maxPixels: 36_152_320 },
      // Videos API: MP4, 75 KB to 500 MB, 3 seconds to 30 minutes.
      video: { maxBytes: 500 * 1024 * 1024, mimeTypes: VIDEO_TYPES, maxDurationSeconds: 30 * 60, minDurationSeconds: 3, maxCount: 1 },
      mixed: false,
      altTextMaxLength: 4086,
    },
  },
  publishIdempotency: 'none',
  linkCards: 'poster',
};

export interface LinkedInOptions {
  /** Also ask for Page scopes (the app must have the Community Management API product). */
  organizations?: boolean;
  /** More scopes the app was granted, e.g. r_member_postAnalytics for member post metrics. */
  extraScopes?: string[];
  /** LinkedIn-Version header; defaults to LINKEDIN_VERSION. */
  version?: string;
}

export interface LinkedInConnector extends Connector {
  /** Pages the connected member administers (organizationAcls), to offer as accounts. */
  listOrganizations(credentials: Credentials): Promise<RemoteProfile[]>;
  /** The same token, acting as one of those Pages. */
  asOrganization(credentials: Credentials, organizationUrn: string): Credentials;
}

export function createLinkedInConnector(ctx: ConnectorContext = {}, options: LinkedInOptions = {}): LinkedInConnector {
  const api = new LinkedInApi(ctx.http, options.version);
  const oauth = new OAuthClient(NETWORK, ctx.http);
  const now = api.http.options.now;
  const scopes = [...LINKEDIN_MEMBER_SCOPES, ...(options.organizations ? LINKEDIN_ORGANIZATION_SCOPES : []), ...(options.extraScopes ?? [])];
  const memberOf = (c: Credentials) => c.extra?.memberUrn ?? c.accountId;

  const getProfile = async (c: Credentials): Promise<RemoteProfile> => {
    if (isOrganization(c.accountId)) {
      const org = await api.get(c, `/organizations/${c.accountId.split(':').pop()}`, Organization);
      const name = org.localizedName ?? org.vanityName ?? c.accountId;
      return { id: c.accountId, handle: org.vanityName ?? name, displayName: name, ...(org.vanityName ? { url: `https://www.linkedin.com/company/${org.vanityName}/` } : {}) };
    }
    // OpenID userinfo lives on the unversioned /v2 base and takes no LinkedIn-Version header.
    const me = await api.http.json({ method: 'GET', url: LINKEDIN_USERINFO, headers: { authorization: `Bearer ${c.accessToken}` }, schema: UserInfo });
    const name = me.name ?? [me.given_name, me.family_name].filter(Boolean).join(' ');
    return { id: personUrn(me.sub), handle: name || me.sub, ...(name ? { displayName: name } : {}), ...(me.picture ? { avatarUrl: me.picture } : {}) };
  };

  const flow: OAuth2Flow = {
    kind: 'oauth2',
    scopes,
    authorizationUrl(app, opts = {}) {
      const state = opts.state ?? randomState();
      const url = buildAuthorizationUrl(LINKEDIN_AUTHORIZE_URL, { clientId: app.clientId, redirectUri: app.redirectUri, scopes, state });
      return { url, state, codeVerifier: opts.codeVerifier ?? createPkce().codeVerifier };
    },
    async completeAuthorization(app, { code }) {
      const token = await oauth.token({ tokenUrl: LINKEDIN_TOKEN_URL, clientId: app.clientId, ...(app.clientSecret ? { clientSecret: app.clientSecret } : {}), clientAuth: 'body', params: { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri } });
      const missing = missingScopes(token.scope?.split(/[ ,]+/), ['w_member_social']);
      if (missing.length) throw new PermissionDenied(NETWORK, `The LinkedIn token lacks ${missing.join(', ')}: reconnect and allow posting.`);
      const partial = credentialsFromToken('linkedin', '', token, now());
      const profile = await getProfile(partial);
      return { credentials: { ...partial, accountId: profile.id, extra: { memberUrn: profile.id } }, profile };
    },
  };

  const refresh = async (c: Credentials, app?: OAuthApp): Promise<Credentials> => {
    if (!c.refreshToken) {
      if (c.expiresAt && Date.parse(c.expiresAt) <= now().getTime()) throw new AuthExpired(NETWORK, 'The LinkedIn access token has expired and LinkedIn gave no refresh token: reconnect the account.');
      return c;
    }
    if (!app) throw new InvalidCredentials(NETWORK, 'Refreshing a LinkedIn token needs the OAuth app (client id and secret).');
    try {
      const token = await oauth.token({ tokenUrl: LINKEDIN_TOKEN_URL, clientId: app.clientId, ...(app.clientSecret ? { clientSecret: app.clientSecret } : {}), clientAuth: 'body', params: { grant_type: 'refresh_token', refresh_token: c.refreshToken } });
      return credentialsFromToken('linkedin', c.accountId, token, now(), c);
    } catch (e) {
      // LinkedIn answers a dead refresh token with 400 invalid_request rather than invalid_grant.
      if (e instanceof Rejected && e.status === 400) throw new AuthExpired(NETWORK, `LinkedIn refused the refresh token (${e.reason}): reconnect the account.`, { status: 400, cause: e });
      throw e;
    }
  };

  const contentFor = async (c: Credentials, input: { media?: MediaInput[]; link?: { url: string; title?: string; description?: string; thumbnail?: MediaInput } }) => {
    const media = input.media ?? [];
    // One image or one video is `media`; several images are `multiImage`. Videos take no alt text.
    if (media.length === 1) return { media: { id: await uploadMedia(api, c, media[0]!), ...(media[0]!.altText && media[0]!.kind === 'image' ? { altText: media[0]!.altText } : {}) } };
    if (media.length > 1) {
      if (media.some((m) => m.kind !== 'image')) throw new Rejected(NETWORK, 'A LinkedIn post carries one video alone, or images only.');
      const images = [];
      for (const m of media) images.push({ id: await uploadMedia(api, c, m), ...(m.altText ? { altText: m.altText } : {}) });
      return { multiImage: { images } };
    }
    if (input.link) {
      const thumbnail = input.link.thumbnail?.data ? await uploadMedia(api, c, { ...input.link.thumbnail, kind: 'image' }) : undefined;
      // An article needs a title; LinkedIn does not scrape one for API posts.
      return { article: { source: input.link.url, title: input.link.title ?? input.link.url, ...(input.link.description ? { description: input.link.description } : {}), ...(thumbnail ? { thumbnail } : {}) } };
    }
    return undefined;
  };

  const reply: Connector['reply'] = async (c, { inReplyTo, text, threadId }) => {
    // LinkedIn nests one level: an answer to an answer goes under the comment that starts the thread.
    const on = threadId && parseCommentUrn(threadId) ? threadId : inReplyTo;
    const parent = parseCommentUrn(on);
    const target = parent?.target ?? on;
    const actor = c.accountId;
    // Comments take plain text (mentions go in attributes), not the little format of posts.
    const body = { actor, object: target, message: { text }, ...(parent ? { parentComment: on } : {}) };
    const res = await api.send(c, 'POST', `/socialActions/${enc(on)}/comments`, { json: body, idempotent: false });
    const id = res.headers.get('x-restli-id');
    if (!id) throw new OutcomeUnknown(NETWORK, 'LinkedIn accepted the comment but named no id (x-restli-id); look for it before retrying.');
    return { id: id.startsWith('urn:li:comment:') ? id : `urn:li:comment:(${target},${id})`, url: postUrl(target) };
  };

  const connector: LinkedInConnector = {
    info: linkedinInfo,
    auth: flow,
    needsRefresh: (c, at = now()) => c.refreshToken !== undefined && expiresSoon(c, at),
    refresh,
    getProfile,
    async publish(c, input) {
      if (input.thread?.length) throw new NotSupported(NETWORK, 'publish.thread', 'LinkedIn has no threads; publish the parts as separate posts.');
      if (input.replyTo) return { posts: [await reply(c, { inReplyTo: input.replyTo, text: input.text, idempotencyKey: input.idempotencyKey })] };
      const content = await contentFor(c, input);
      // A post carries either media or an article; with both, the link goes in the text.
      const text = input.link && content && !('article' in content) && !input.text.includes(input.link.url) ? `${input.text}\n\n${input.link.url}`.trim() : input.text;
      const body = {
        author: c.accountId,
        commentary: toLittleText(text),
        visibility: 'PUBLIC',
        distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
        ...(content ? { content } : {}),
        lifecycleState: 'PUBLISHED',
        isReshareDisabledByAuthor: false,
      };
      const res = await api.send(c, 'POST', '/posts', { json: body, idempotent: false });
      const id = res.headers.get('x-restli-id') ?? res.headers.get('x-linkedin-id');
      if (!id) throw new OutcomeUnknown(NETWORK, 'LinkedIn accepted the post but named no id (x-restli-id); look for it before retrying.');
      return { posts: [{ id, url: postUrl(id) } satisfies PublishedPost] };
    },
    async delete(c, postId) {
      const comment = parseCommentUrn(postId);
      try {
        if (comment) await api.send(c, 'DELETE', `/socialActions/${enc(comment.target)}/comments/${comment.id}`, { query: { actor: c.accountId } });
        else await api.send(c, 'DELETE', `/posts/${enc(postId)}`, { headers: { 'x-restli-method': 'DELETE' } });
      } catch (e) {
        // Already gone is what a delete wants.
        if (!(e instanceof Rejected && (e.status === 404 || e.status === 410))) throw e;
      }
    },
    async getPost(c, postId) {
      requireMemberScope(c, 'r_member_social', 'getPost');
      try {
        return toRemotePost(await api.get(c, `/posts/${enc(postId)}`, Post));
      } catch (e) {
        if (e instanceof Rejected && (e.status === 404 || e.status === 410)) return null;
        throw e;
      }
    },
    reply,
    fetchPostMetrics: (c, postIds) => fetchPostMetrics(api, c, postIds),
    fetchProfileMetrics: (c) => fetchProfileMetrics(api, c),
    fetchConversations: (c, opts = {}) => fetchComments(api, c, opts),
    findRecentPosts: (c, opts) => findRecentPosts(api, c, opts),
    async search() {
      throw new NotSupported(NETWORK, 'search', 'LinkedIn offers no post search to third-party apps.');
    },
    async listOrganizations(c) {
      const acls = await api.get(c, '/organizationAcls', OrganizationAcls, { q: 'roleAssignee', role: 'ADMINISTRATOR', state: 'APPROVED' });
      const out: RemoteProfile[] = [];
      for (const acl of acls.elements) out.push(await getProfile({ ...c, accountId: acl.organization }));
      return out;
    },
    asOrganization(c, organizationUrn) {
      if (!isOrganization(organizationUrn)) throw new Rejected(NETWORK, `${organizationUrn} is not an organization URN.`);
      return { ...c, accountId: organizationUrn, extra: { ...c.extra, memberUrn: memberOf(c) } };
    },
  };
  return connector;
}
