/**
 * OAuth 2.0 pieces shared by the networks that use it (RFC 6749 + PKCE, RFC 7636): state and
 * verifier generation, authorization URLs, code exchange and refresh, and turning a token answer
 * into Credentials without ever dropping a stored refresh token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Credentials, NetworkId } from './connector.ts';
import { AuthExpired, InvalidCredentials } from './errors.ts';
import { HttpClient, type ErrorMapper, type HttpOptions } from './http.ts';

export const randomState = (): string => randomBytes(24).toString('base64url');

/** A PKCE verifier (43–128 chars of [A-Za-z0-9-._~]) and its S256 challenge. */
export function createPkce(verifier = randomBytes(48).toString('base64url')): { codeVerifier: string; codeChallenge: string } {
  return { codeVerifier: verifier, codeChallenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizationParams {
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  /** Omit for networks without PKCE (Meta); then `codeVerifier` is only a placeholder. */
  codeChallenge?: string;
  /** X and Mastodon separate scopes with a space, Meta with a comma. */
  scopeSeparator?: string;
  extra?: Record<string, string>;
}

export function buildAuthorizationUrl(endpoint: string, p: AuthorizationParams): string {
  const url = new URL(endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('scope', p.scopes.join(p.scopeSeparator ?? ' '));
  url.searchParams.set('state', p.state);
  if (p.codeChallenge) {
    url.searchParams.set('code_challenge', p.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(p.extra ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

export const TokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().optional(),
  refresh_token: z.string().optional(),
  refresh_token_expires_in: z.coerce.number().optional(),
  scope: z.string().optional(),
});
export type TokenAnswerT = z.infer<typeof TokenAnswer>;

/** Token endpoints answer 400 with { error: "invalid_grant" } for dead codes and refresh tokens. */
const tokenErrors: ErrorMapper = (network, ctx) => {
  const body = (ctx.body ?? {}) as { error?: unknown; error_description?: unknown };
  const code = typeof body.error === 'string' ? body.error : undefined;
  const description = typeof body.error_description === 'string' ? body.error_description : code;
  if (code === 'invalid_grant') return new AuthExpired(network, `${network} refused the grant: ${description}. Reconnect the account.`, { status: ctx.status, networkCode: code });
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return new InvalidCredentials(network, `${network} refused Chorus's client id/secret (${code}): check the app settings.`, { status: ctx.status, networkCode: code });
  }
  return undefined;
};

export interface TokenRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  /** `basic`: HTTP Basic client auth (X); `body`: client_id/secret in the form (most others). */
  clientAuth: 'basic' | 'body';
  params: Record<string, string | undefined>;
}

export class OAuthClient {
  readonly http: HttpClient;

  constructor(network: string, options: Partial<HttpOptions> = {}) {
    this.http = new HttpClient(network, options, tokenErrors);
  }

  async token(req: TokenRequest): Promise<TokenAnswerT> {
    const headers: Record<string, string> = {};
    const form: Record<string, string | undefined> = { ...req.params };
    if (req.clientAuth === 'basic' && req.clientSecret) {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(req.clientId)}:${encodeURIComponent(req.clientSecret)}`).toString('base64')}`;
      form.client_id = req.clientId;
    } else {
      form.client_id = req.clientId;
      form.client_secret = req.clientSecret;
    }
    // A code can be redeemed once and a refresh token may rotate: never replay these blindly.
    return this.http.json({ method: 'POST', url: req.tokenUrl, form, headers, schema: TokenAnswer, idempotent: false });
  }
}

/**
 * Credentials from a token answer. `previous` keeps the stored refresh token (and its expiry)
 * when the network sends none: an empty value must never overwrite a stored secret.
 */
export function credentialsFromToken(
  network: NetworkId,
  accountId: string,
  t: TokenAnswerT,
  now: Date,
  previous?: Credentials,
  rest: Partial<Credentials> = {},
): Credentials {
  const refreshToken = t.refresh_token || previous?.refreshToken;
  const refreshExpiresAt = t.refresh_token
    ? t.refresh_token_expires_in
      ? new Date(now.getTime() + t.refresh_token_expires_in * 1000).toISOString()
      : undefined
    : previous?.refreshExpiresAt;
  const scopes = t.scope ? t.scope.split(/[ ,]+/).filter(Boolean) : previous?.scopes;
  return {
    ...previous,
    ...rest,
    network,
    accountId,
    accessToken: t.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    ...(t.expires_in ? { expiresAt: new Date(now.getTime() + t.expires_in * 1000).toISOString() } : {}),
    ...(refreshExpiresAt ? { refreshExpiresAt } : {}),
    ...(scopes ? { scopes } : {}),
  };
}

/** True when the access token expires within `skewSeconds`. Tokens without expiry never need it. */
export const expiresSoon = (creds: Credentials, now: Date, skewSeconds = 300): boolean =>
  creds.expiresAt !== undefined && Date.parse(creds.expiresAt) - now.getTime() < skewSeconds * 1000;

/** The granted scopes lack some that Chorus needs: say which, at connect time. */
export function missingScopes(granted: readonly string[] | undefined, required: readonly string[]): string[] {
  if (!granted) return [];
  return required.filter((s) => !granted.includes(s));
}
