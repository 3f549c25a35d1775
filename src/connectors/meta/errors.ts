/**
 * One reading of Meta's error answers, shared by Facebook Pages, Instagram and Threads: all three
 * speak the Graph API error shape `{ error: { message, type, code, error_subcode, fbtrace_id } }`.
 * Codes as documented under "Graph API > Using the Graph API > Handling Errors".
 */
import {
  AuthExpired,
  type ConnectorError,
  InvalidResponse,
  OutcomeUnknown,
  PermissionDenied,
  RateLimited,
  Rejected,
  Transient,
} from '../errors.ts';
import type { ErrorContext, ErrorMapper } from '../http.ts';

export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
  fbtrace_id?: string;
}

/** The `error` object of a Graph answer, when the body has one. */
export function graphErrorOf(body: unknown): GraphErrorBody | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const e = (body as { error?: unknown }).error;
  return e && typeof e === 'object' ? (e as GraphErrorBody) : undefined;
}

/** The Graph error object a ConnectorError was made from (kept as its `cause`). */
export const graphCause = (e: unknown): GraphErrorBody | undefined =>
  e instanceof Error && e.cause && typeof e.cause === 'object' && 'code' in e.cause ? (e.cause as GraphErrorBody) : undefined;

/**
 * "Object does not exist, cannot be loaded due to missing permissions, or does not support this
 * operation" (code 100, subcode 33) and "unknown path components" (803): the usual way Graph says 404.
 */
export function isGraphNotFound(e: unknown): boolean {
  if (!(e instanceof Rejected)) return false;
  const g = graphCause(e);
  return e.status === 404 || (g?.code === 100 && g.error_subcode === 33) || g?.code === 803;
}

// Code 190 subcodes, for a message a human can act on.
const TOKEN_SUBCODES: Record<number, string> = {
  458: 'the app was removed from the account',
  459: 'the account is checkpointed; log in to Facebook to fix it',
  460: 'the password changed',
  463: 'the token expired',
  464: 'the account is not confirmed',
  467: 'the token is invalid (logged out or revoked)',
  492: 'the user is no longer an admin of the Page',
};

const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613]);
// Business Use Case limits: 80001 Pages, 80002 Instagram, 80004-80014 other products.
const isBucCode = (code: number) => code >= 80000 && code < 80100;

/**
 * Minutes until access comes back, from X-Business-Use-Case-Usage (per business, per use case) or
 * X-App-Usage / X-Page-Usage. Only the BUC header carries `estimated_time_to_regain_access`.
 */
export function usageWaitSeconds(headers: Headers): number | undefined {
  let best: number | undefined;
  for (const name of ['x-business-use-case-usage', 'x-app-usage', 'x-page-usage', 'x-ad-account-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    try {
      const parsed: unknown = JSON.parse(raw);
      const entries: unknown[] = [];
      if (Array.isArray(parsed)) entries.push(...parsed);
      else if (parsed && typeof parsed === 'object') {
        entries.push(parsed);
        for (const v of Object.values(parsed)) if (Array.isArray(v)) entries.push(...v);
      }
      for (const entry of entries) {
        const minutes = (entry as { estimated_time_to_regain_access?: unknown }).estimated_time_to_regain_access;
        if (typeof minutes === 'number' && minutes > 0) best = Math.max(best ?? 0, minutes * 60);
      }
    } catch {
      // A malformed usage header only loses the hint, never the error.
    }
  }
  return best;
}

/** Seconds to wait: the usage headers' estimate, then Retry-After, then one minute. */
function waitFor(ctx: ErrorContext): number {
  return usageWaitSeconds(ctx.headers) ?? ctx.retryAfterSeconds ?? 60;
}

/** A mapper for HttpClient: Graph error bodies to typed errors; anything else to the default. */
export const graphErrorMapper: ErrorMapper = (network, ctx) => mapGraphError(network, ctx);

export function mapGraphError(network: string, ctx: ErrorContext): ConnectorError | undefined {
  const g = graphErrorOf(ctx.body);
  const details = (code?: number) => ({ status: ctx.status, ...(code !== undefined ? { networkCode: code } : {}), ...(g ? { cause: g } : {}) });
  if (!g) {
    // HTML from a proxy or a login wall on a 4xx: not the API. 5xx keeps the default, which tells a
    // retryable read (Transient) from a publish whose fate is unknown (OutcomeUnknown).
    if (ctx.status === 429) return new RateLimited(network, `${network} rate limit reached (HTTP 429)`, waitFor(ctx), details());
    if (ctx.status < 500 && ctx.body === undefined && ctx.text.trim() !== '') {
      return new InvalidResponse(network, `${network} answered HTTP ${ctx.status} with a body that is not the Graph API (HTML or text)`, details());
    }
    return undefined;
  }
  const code = g.code ?? 0;
  const sub = g.error_subcode;
  const reason = (g.error_user_msg || g.message || 'no reason given').trim();
  const trace = g.fbtrace_id ? ` (fbtrace_id ${g.fbtrace_id})` : '';

  if (code === 190 || code === 102) {
    const why = (sub !== undefined && TOKEN_SUBCODES[sub]) || reason;
    return new AuthExpired(network, `${network} refused the access token: ${why}. Reconnect the account.${trace}`, details(code));
  }
  // Messenger: outside the 24-hour window / user unavailable. The input is the problem, not the token.
  if (code === 10 && sub === 2018278) return new Rejected(network, `the person last wrote more than 24 hours ago; Messenger allows no reply now (${reason})`, details(code));
  if (code === 551) return new Rejected(network, reason, details(code));
  if (code === 3 || code === 10 || (code >= 200 && code <= 299)) {
    return new PermissionDenied(network, `${network} denied the request: ${reason}. Reconnect and grant the missing permission.${trace}`, details(code));
  }
  if (ctx.status === 429 || RATE_LIMIT_CODES.has(code) || isBucCode(code)) {
    return new RateLimited(network, `${network} rate limit reached (code ${code}): ${reason}`, waitFor(ctx), details(code));
  }
  // Instagram: "the account reached its publishing limit" (code 9, subcode 2207042).
  if (code === 9 && sub === 2207042) return new RateLimited(network, `${network} publishing limit reached: ${reason}`, waitFor(ctx), details(code));
  if (code === 1 || code === 2 || g.is_transient === true || ctx.status >= 500) {
    const message = `${network} had a temporary failure (code ${code}): ${reason}${trace}`;
    return ctx.idempotent
      ? new Transient(network, message, details(code))
      : new OutcomeUnknown(network, `${message}; the request may or may not have been applied`, details(code));
  }
  // 100 invalid parameter, 368 policy block, 506 duplicate post, and the rest: the input is refused.
  const prefix = code === 368 ? 'blocked by policy: ' : code === 506 ? 'duplicate post: ' : '';
  return new Rejected(network, `${prefix}${reason}`, details(code));
}
