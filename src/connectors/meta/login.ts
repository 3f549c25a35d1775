/**
 * Facebook Login for Business, shared by the Facebook Pages and Instagram connectors:
 * code -> short-lived user token -> long-lived user token (fb_exchange_token, ~60 days) ->
 * GET /me/accounts for the Pages and their Page tokens. Page tokens got from a long-lived user
 * token do not expire, which is why Chorus stores the Page token and keeps the user token as extra.
 *
 * Meta's Login has no PKCE for server-side apps here; `codeVerifier` is only a placeholder.
 */
import { z } from 'zod';
import type { AuthorizationRequest, Credentials, OAuthApp } from '../connector.ts';
import { ConnectorError, InvalidCredentials, PermissionDenied, Rejected } from '../errors.ts';
import { buildAuthorizationUrl, randomState } from '../oauth.ts';
import { appSecretProof, FACEBOOK_DIALOG, type GraphClient, type GraphToken, listOf } from './graph.ts';

const TokenAnswer = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), expires_in: z.coerce.number().optional() });

const Permissions = listOf(z.object({ permission: z.string(), status: z.string() }));

export const PageAccount = z.object({
  id: z.string(),
  name: z.string(),
  access_token: z.string().optional(),
  tasks: z.array(z.string()).optional(),
  category: z.string().optional(),
  link: z.string().optional(),
  username: z.string().optional(),
  picture: z.object({ data: z.object({ url: z.string().optional() }) }).optional(),
  instagram_business_account: z
    .object({ id: z.string(), username: z.string().optional(), name: z.string().optional(), profile_picture_url: z.string().optional() })
    .optional(),
});
export type PageAccountT = z.infer<typeof PageAccount>;

export const DebugToken = z.object({
  data: z.object({
    type: z.string().optional(),
    is_valid: z.boolean(),
    app_id: z.string().optional(),
    profile_id: z.string().optional(),
    user_id: z.string().optional(),
    scopes: z.array(z.string()).optional(),
    expires_at: z.number().optional(),
    data_access_expires_at: z.number().optional(),
  }),
});

export interface LoginResult {
  userToken: string;
  /** ISO instant; long-lived user tokens last about 60 days. */
  userTokenExpiresAt?: string;
  scopes: string[];
  pages: PageAccountT[];
}

export class FacebookLogin {
  constructor(
    private readonly graph: GraphClient,
    private readonly now: () => Date,
  ) {}

  authorizationUrl(app: OAuthApp, scopes: readonly string[], opts: { state?: string; codeVerifier?: string } = {}): AuthorizationRequest {
    const state = opts.state ?? randomState();
    const url = buildAuthorizationUrl(FACEBOOK_DIALOG, { clientId: app.clientId, redirectUri: app.redirectUri, scopes, state, scopeSeparator: ',' });
    return { url, state, codeVerifier: opts.codeVerifier ?? randomState() };
  }

  /** The whole connect flow up to the list of Pages; the caller picks and validates a Page. */
  async connect(app: OAuthApp, code: string, requiredScopes: readonly string[], pageFields: string): Promise<LoginResult> {
    if (!app.clientSecret) throw new InvalidCredentials(this.graph.network, 'The Meta app has no client secret configured: set it in settings.');
    const short = await this.token(app, { code, redirect_uri: app.redirectUri }, false);
    const long = await this.token(app, { grant_type: 'fb_exchange_token', fb_exchange_token: short.access_token }, true);
    const userToken = long.access_token;
    const user = { accessToken: userToken, extra: { appSecretProof: appSecretProof(userToken, app.clientSecret) } };
    const granted = await this.grantedScopes(user);
    const missing = requiredScopes.filter((s) => !granted.includes(s));
    if (missing.length) {
      throw new PermissionDenied(this.graph.network, `Facebook Login did not grant ${missing.join(', ')}. Reconnect and allow every requested permission.`);
    }
    return {
      userToken,
      ...(long.expires_in ? { userTokenExpiresAt: new Date(this.now().getTime() + long.expires_in * 1000).toISOString() } : {}),
      scopes: granted,
      pages: await this.pages(user, pageFields),
    };
  }

  /** The Pages the user shared with the app, each with its Page token (GET /me/accounts). */
  async pages(user: GraphToken, pageFields: string): Promise<PageAccountT[]> {
    return (await this.graph.get(user, 'me/accounts', listOf(PageAccount), { fields: pageFields, limit: 100 })).data;
  }

  /**
   * One Page of an existing connection, by id, from the user token kept in `extra`: how a user
   * who manages several Pages picks another one without signing in again.
   */
  async page(app: OAuthApp, credentials: Credentials, pageFields: string, pageId: string): Promise<{ page: PageAccountT; pages: PageAccountT[]; userToken: string }> {
    const userToken = credentials.extra?.userAccessToken;
    if (!userToken) throw new PermissionDenied(this.graph.network, 'This connection keeps no Facebook user token; reconnect to choose another Page.');
    const pages = await this.pages({ accessToken: userToken, extra: { appSecretProof: appSecretProof(userToken, app.clientSecret ?? '') } }, pageFields);
    const page = pages.find((p) => p.id === pageId);
    if (!page) throw new Rejected(this.graph.network, `the Page ${pageId} is not among the Pages shared with Chorus; reconnect and select it in the Facebook dialog.`);
    return { page, pages, userToken };
  }

  /**
   * GET /oauth/access_token, as documented (credentials in the query). A code can be redeemed
   * once, so that call is never repeated; a refused code or secret is the connect-time error.
   */
  private async token(app: OAuthApp, params: Record<string, string>, idempotent: boolean) {
    try {
      return await this.graph.http.json({
        method: 'GET',
        url: this.graph.url('oauth/access_token'),
        query: { client_id: app.clientId, client_secret: app.clientSecret, ...params },
        schema: TokenAnswer,
        idempotent,
      });
    } catch (e) {
      if (e instanceof ConnectorError && e.status === 400) {
        throw new InvalidCredentials(this.graph.network, `Facebook refused the sign-in: ${e.message}`, { status: 400, cause: e });
      }
      throw e;
    }
  }

  async grantedScopes(user: GraphToken): Promise<string[]> {
    const p = await this.graph.get(user, 'me/permissions', Permissions);
    return p.data.filter((x) => x.status === 'granted').map((x) => x.permission);
  }

  /** GET /debug_token with the app token: what kind of token this is and for whom. */
  async debugToken(app: OAuthApp, inputToken: string) {
    const appToken = `${app.clientId}|${app.clientSecret ?? ''}`;
    return (await this.graph.get(appToken, 'debug_token', DebugToken, { input_token: inputToken })).data;
  }

  /**
   * The classic bug is a user token where a Page token is needed: posts then fail or land on the
   * wrong profile. Refuse at connect time unless the token is a valid PAGE token for this Page and
   * the user may create content on it.
   */
  async assertPageToken(app: OAuthApp, page: PageAccountT): Promise<{ appSecretProof: string; dataAccessExpiresAt?: string }> {
    const network = this.graph.network;
    if (!page.access_token) throw new PermissionDenied(network, `Facebook gave no Page token for "${page.name}"; reconnect and select the Page.`);
    if (!(page.tasks ?? []).some((t) => t === 'CREATE_CONTENT' || t === 'MANAGE')) {
      throw new PermissionDenied(network, `You cannot create content on the Page "${page.name}" (your tasks: ${(page.tasks ?? []).join(', ') || 'none'}). Ask a Page admin for content rights.`);
    }
    const info = await this.debugToken(app, page.access_token);
    if (!info.is_valid) throw new PermissionDenied(network, `The Page token for "${page.name}" is not valid; reconnect.`);
    if (info.app_id !== undefined && info.app_id !== app.clientId) {
      throw new PermissionDenied(network, `The Page token for "${page.name}" was issued to another app (${info.app_id}); check the Meta app id in settings and reconnect.`);
    }
    if (info.type !== 'PAGE' || (info.profile_id !== undefined && info.profile_id !== page.id)) {
      throw new PermissionDenied(network, `Facebook gave a ${info.type ?? 'unknown'} token where a Page token for "${page.name}" is needed; reconnect and select the Page.`);
    }
    return {
      appSecretProof: appSecretProof(page.access_token, app.clientSecret ?? ''),
      ...(info.data_access_expires_at ? { dataAccessExpiresAt: new Date(info.data_access_expires_at * 1000).toISOString() } : {}),
    };
  }
}

/** The other Pages of a multi-Page login, as `extra.otherPages` (JSON: [{ id, name }]). */
export const otherPagesJson = (pages: PageAccountT[], chosen: string): string =>
  JSON.stringify(pages.filter((p) => p.id !== chosen).map((p) => ({ id: p.id, name: p.name })));
