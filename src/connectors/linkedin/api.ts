/**
 * LinkedIn REST plumbing: the versioned base, the headers every call carries, URN helpers and the
 * reading of LinkedIn's error bodies ({ status, serviceErrorCode, code, message }).
 */
import type { z } from 'zod';
import type { Credentials } from '../connector.ts';
import { AuthExpired, NotSupported, RateLimited } from '../errors.ts';
import { HttpClient, type ErrorMapper, type HttpOptions, type Method, type RequestSpec } from '../http.ts';

export const NETWORK = 'linkedin';
export const LINKEDIN_REST = 'https://api.linkedin.com/rest';
export const LINKEDIN_USERINFO = 'https://api.linkedin.com/v2/userinfo';
export const LINKEDIN_AUTHORIZE_URL = 'https://www.linkedin.com/oauth/v2/authorization';
export const LINKEDIN_TOKEN_URL = 'https://www.linkedin.com/oauth/v2/accessToken';
/**
 * LinkedIn versions its REST API by month and sunsets each version about a year after release;
 * a sunset version answers 426. 202605 is the newest version documented when this was written.
 */
export const LINKEDIN_VERSION = '202605';

export const isOrganization = (urn: string) => urn.startsWith('urn:li:organization:');
export const personUrn = (memberId: string) => `urn:li:person:${memberId}`;
/** A URN as one Rest.li path segment or query value (":" and "," and "()" percent-encoded). */
export const enc = (urn: string) => encodeURIComponent(urn);
export const postUrl = (urn: string) => `https://www.linkedin.com/feed/update/${urn}/`;

/** "urn:li:comment:(urn:li:activity:123,456)" -> its post (activity/share/ugcPost) and its id. */
export function parseCommentUrn(urn: string): { target: string; id: string } | undefined {
  const m = /^urn:li:comment:\((urn:li:[A-Za-z]+:[^,]+),([^)]+)\)$/.exec(urn);
  return m ? { target: m[1]!, id: m[2]! } : undefined;
}

/**
 * Member reads need scopes LinkedIn grants to selected partners only (r_member_social,
 * r_member_postAnalytics, r_member_profileAnalytics). When the token's scopes are known and lack
 * one, say so instead of calling: reconnecting would not help, so this is NotSupported, not
 * PermissionDenied. Page reads are covered by the organization scopes.
 */
export function requireMemberScope(c: Credentials, scope: string, capability: string): void {
  if (isOrganization(c.accountId) || !c.scopes || c.scopes.includes(scope)) return;
  throw new NotSupported(NETWORK, capability, `Reading this on LinkedIn needs the ${scope} permission, which LinkedIn grants to selected apps only; this connection does not have it.`);
}

const errorMapper = (now: () => Date): ErrorMapper => (network, ctx) => {
  const body = (ctx.body ?? {}) as { code?: unknown; serviceErrorCode?: unknown; message?: unknown };
  const networkCode = typeof body.code === 'string' ? body.code : typeof body.serviceErrorCode === 'number' ? body.serviceErrorCode : undefined;
  const message = typeof body.message === 'string' ? body.message : undefined;
  const details = { status: ctx.status, ...(networkCode !== undefined ? { networkCode } : {}) };
  if (ctx.status === 401) return new AuthExpired(network, `LinkedIn refused the access token (${networkCode ?? 401}): ${message ?? 'reconnect the account'}.`, details);
  if (ctx.status === 429) {
    // LinkedIn throttles per application and member per day and rarely sends Retry-After; its
    // daily counters reset at midnight UTC, so a "DAY" limit waits until then.
    const daily = /\bDAY\b/i.test(message ?? '');
    const t = now();
    const untilMidnight = Math.ceil((Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1) - t.getTime()) / 1000);
    const retryAfter = ctx.retryAfterSeconds ?? (daily ? untilMidnight : 60);
    return new RateLimited(network, `LinkedIn rate limit reached: ${message ?? 'too many requests'}`, retryAfter, details);
  }
  return undefined;
};

export type Query = RequestSpec<unknown>['query'];

export class LinkedInApi {
  readonly http: HttpClient;

  constructor(options: Partial<HttpOptions> = {}, readonly version = LINKEDIN_VERSION) {
    this.http = new HttpClient(NETWORK, options, errorMapper(() => this.http.options.now()));
  }

  headers(c: Credentials, extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${c.accessToken}`, 'linkedin-version': this.version, 'x-restli-protocol-version': '2.0.0', ...extra };
  }

  /** GET a JSON resource. `path` may carry a hand-built Rest.li query (List(...), (key:value)). */
  get<T>(c: Credentials, path: string, schema: z.ZodType<T>, query?: Query, extraHeaders?: Record<string, string>): Promise<T> {
    return this.http.json({ method: 'GET', url: `${LINKEDIN_REST}${path}`, headers: this.headers(c, extraHeaders), schema, ...(query ? { query } : {}) });
  }

  /** A call whose answer is read from headers (x-restli-id) or not at all. */
  send(c: Credentials, method: Method, path: string, opts: { json?: unknown; query?: Query; idempotent?: boolean; headers?: Record<string, string> } = {}) {
    return this.http.request({
      method,
      url: `${LINKEDIN_REST}${path}`,
      headers: this.headers(c, opts.headers),
      ...(opts.json !== undefined ? { json: opts.json } : {}),
      ...(opts.query ? { query: opts.query } : {}),
      ...(opts.idempotent !== undefined ? { idempotent: opts.idempotent } : {}),
    });
  }
}
