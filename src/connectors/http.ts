/**
 * The one HTTP helper every connector uses: timeout, retries with exponential backoff and jitter
 * for idempotent calls, rate-limit headers honoured, JSON validated with zod, and every failure
 * turned into a typed ConnectorError.
 *
 * Native fetch is enough here; what a library would add (retry, timeout) is a few lines and the
 * rules that matter (never retry a publish blindly, OutcomeUnknown vs Transient) are ours anyway.
 */
import type { z } from 'zod';
import {
  AuthExpired,
  ConnectorError,
  InvalidResponse,
  OutcomeUnknown,
  PermissionDenied,
  RateLimited,
  Rejected,
  Transient,
} from './errors.ts';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface HttpOptions {
  fetch: FetchLike;
  timeoutMs: number;
  /** Extra attempts for idempotent calls. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A 429/503 asking to wait longer than this is thrown as RateLimited instead of waited out. */
  maxWaitSeconds: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => Date;
  userAgent: string;
  /** Told about every retry (for logs and metrics); never about request bodies or tokens. */
  onRetry?: (event: { network: string; method: Method; url: string; attempt: number; delayMs: number; error: ConnectorError }) => void;
}

export const defaultHttpOptions = (): HttpOptions => ({
  fetch: (input, init) => globalThis.fetch(input, init),
  timeoutMs: 20_000,
  retries: 3,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxWaitSeconds: 20,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: () => new Date(),
  userAgent: 'Chorus (+https://github.com/chorus-social/chorus)',
});

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSpec<T> {
  method: Method;
  url: string | URL;
  query?: Record<string, string | number | boolean | undefined | readonly string[]>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string | undefined>;
  /** Raw body (uploads); set content-type in headers. */
  body?: Uint8Array | FormData;
  /** Validates a JSON answer. Without it, the body is ignored. */
  schema?: z.ZodType<T>;
  /**
   * May this call be repeated without effect? Defaults to true for GET/PUT/DELETE, false for
   * POST/PATCH. A non-idempotent call is never retried after it may have reached the server.
   */
  idempotent?: boolean;
  timeoutMs?: number;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

export interface ErrorContext {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: unknown;
  text: string;
  idempotent: boolean;
  retryAfterSeconds: number | undefined;
}

/** A connector's own reading of an error answer; return undefined to fall back to the default. */
export type ErrorMapper = (network: string, ctx: ErrorContext) => ConnectorError | undefined;

// Errors raised before a byte was sent: a publish can be retried after these.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_INVALID_URL']);

export class HttpClient {
  readonly options: HttpOptions;

  constructor(
    readonly network: string,
    options: Partial<HttpOptions> = {},
    private readonly mapError?: ErrorMapper,
  ) {
    this.options = { ...defaultHttpOptions(), ...options };
  }

  async json<T>(spec: RequestSpec<T> & { schema: z.ZodType<T> }): Promise<T> {
    return (await this.request(spec)).data;
  }

  async request<T = undefined>(spec: RequestSpec<T>): Promise<HttpResponse<T>> {
    const idempotent = spec.idempotent ?? ['GET', 'PUT', 'DELETE'].includes(spec.method);
    const maxAttempts = idempotent ? this.options.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(spec, idempotent);
      } catch (error) {
        const wait = attempt < maxAttempts ? this.retryDelay(error, attempt) : undefined;
        if (wait === undefined) throw error;
        const url = new URL(spec.url);
        this.options.onRetry?.({ network: this.network, method: spec.method, url: `${url.origin}${url.pathname}`, attempt, delayMs: wait, error: error as ConnectorError });
        await this.options.sleep(wait);
      }
    }
  }

  /** Milliseconds to wait before the next attempt, or undefined when this error is final. */
  private retryDelay(error: unknown, attempt: number): number | undefined {
    if (error instanceof RateLimited) {
      return error.retryAfterSeconds <= this.options.maxWaitSeconds ? error.retryAfterSeconds * 1000 : undefined;
    }
    if (!(error instanceof Transient) && !(error instanceof InvalidResponse)) return undefined;
    const exp = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the backoff, so retries never bunch up at zero.
    return Math.round(exp / 2 + (this.options.random() * exp) / 2);
  }

  private async once<T>(spec: RequestSpec<T>, idempotent: boolean): Promise<HttpResponse<T>> {
    const url = buildUrl(spec.url, spec.query);
    const where = `${spec.method} ${url.origin}${url.pathname}`;
    const headers: Record<string, string> = { 'user-agent': this.options.userAgent, accept: 'application/json', ...spec.headers };
    let body: BodyInit | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] ??= 'application/json';
    } else if (spec.form !== undefined) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(spec.form)) if (v !== undefined) form.set(k, v);
      body = form;
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (spec.body !== undefined) {
      body = spec.body as BodyInit;
    }

    let res: Response;
    let text: string;
    try {
      res = await this.options.fetch(url, {
        method: spec.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(spec.timeoutMs ?? this.options.timeoutMs),
        redirect: 'follow',
      });
      text = await res.text();
    } catch (error) {
      throw this.networkError(error, where, idempotent);
    }

    const parsed = parseJson(text);
    if (res.status >= 200 && res.status < 300) {
      if (!spec.schema) return { status: res.status, headers: res.headers, data: undefined as T };
      let problem: string | undefined;
      if (!parsed.ok) problem = notJsonMessage(this.network, where, res, text);
      else {
        const result = spec.schema.safeParse(parsed.value);
        if (result.success) return { status: res.status, headers: res.headers, data: result.data };
        const issue = result.error.issues[0];
        problem = `${this.network} answered ${where} with an unexpected shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
      }
      // A 2xx means the server acted: for a publish, an unreadable answer is not a failure to retry.
      if (!idempotent) throw new OutcomeUnknown(this.network, `${problem}; the request was accepted but its result is unknown`, { status: res.status });
      throw new InvalidResponse(this.network, problem, { status: res.status });
    }

    const ctx: ErrorContext = {
      status: res.status,
      headers: res.headers,
      body: parsed.ok ? parsed.value : undefined,
      text,
      idempotent,
      retryAfterSeconds: retryAfterSeconds(res.headers, this.options.now()),
    };
    throw this.mapError?.(this.network, ctx) ?? defaultError(this.network, where, ctx);
  }

  private networkError(error: unknown, where: string, idempotent: boolean): ConnectorError {
    const e = error as { name?: string; code?: string; cause?: { code?: string; message?: string } };
    const code = e.cause?.code ?? e.code;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    const what = timedOut ? 'timed out' : `failed (${code ?? e.cause?.message ?? (error as Error).message ?? 'network error'})`;
    const message = `${this.network}: ${where} ${what}`;
    if (!timedOut && code !== undefined && NOT_SENT_CODES.has(code)) return new Transient(this.network, message, { cause: error });
    return idempotent
      ? new Transient(this.network, message, { cause: error })
      : new OutcomeUnknown(this.network, `${message}; the request may or may not have been applied`, { cause: error });
  }
}

export function buildUrl(base: string | URL, query?: RequestSpec<unknown>['query']): URL {
  const url = new URL(base);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, item);
    else url.searchParams.set(k, String(v));
  }
  return url;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const looksLikeHtml = (res: Response, text: string) =>
  (res.headers.get('content-type') ?? '').includes('html') || /^\s*<(!doctype|html|head|body)/i.test(text);

function notJsonMessage(network: string, where: string, res: Response, text: string): string {
  if (looksLikeHtml(res, text)) return `${network} answered ${where} with an HTML page instead of JSON (HTTP ${res.status}); is the server URL right?`;
  if (text.trim() === '') return `${network} answered ${where} with an empty body (HTTP ${res.status})`;
  return `${network} answered ${where} with a body that is not JSON (HTTP ${res.status})`;
}

/**
 * Seconds to wait, from Retry-After (seconds or HTTP date) or the reset headers networks use:
 * x-rate-limit-reset (X, epoch seconds), ratelimit-reset (atproto, epoch seconds),
 * x-ratelimit-reset (Mastodon, ISO 8601).
 */
export function retryAfterSeconds(headers: Headers, now: Date): number | undefined {
  const fromValue = (raw: string | null): number | undefined => {
    if (raw === null || raw.trim() === '') return undefined;
    const value = raw.trim();
    if (/^\d+(\.\d+)?$/.test(value)) {
      const n = Number(value);
      // Values this large are instants (epoch seconds), smaller ones are delays.
      return n > 1_000_000_000 ? Math.max(0, Math.ceil(n - now.getTime() / 1000)) : Math.ceil(n);
    }
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
  };
  return (
    fromValue(headers.get('retry-after')) ??
    fromValue(headers.get('x-rate-limit-reset')) ??
    fromValue(headers.get('ratelimit-reset')) ??
    fromValue(headers.get('x-ratelimit-reset'))
  );
}

/** The network's human-readable reason, from the error body shapes the supported APIs use. */
export function errorReason(body: unknown, text: string): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const nested = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
    const errors = Array.isArray(b.errors) ? (b.errors[0] as Record<string, unknown> | undefined) : undefined;
    const candidates = [
      nested?.error_user_msg,
      nested?.message,
      b.error_description,
      b.message,
      b.detail,
      errors?.message,
      errors?.detail,
      b.title,
      typeof b.error === 'string' ? b.error : undefined,
    ];
    for (const c of candidates) if (typeof c === 'string' && c.trim()) return c.trim();
  }
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.slice(0, 200) || 'no reason given';
}

export function defaultError(network: string, where: string, ctx: ErrorContext): ConnectorError {
  const { status } = ctx;
  const reason = errorReason(ctx.body, ctx.text);
  const details = { status };
  if (status === 401) return new AuthExpired(network, `${network} refused the credentials (HTTP 401): ${reason}`, details);
  if (status === 403) return new PermissionDenied(network, `${network} denied ${where} (HTTP 403): ${reason}`, details);
  if (status === 429) {
    return new RateLimited(network, `${network} rate limit reached on ${where}`, ctx.retryAfterSeconds ?? 60, details);
  }
  if (status >= 500 || status === 408) {
    const message = `${network} failed on ${where} (HTTP ${status}): ${reason}`;
    if (ctx.idempotent) {
      // A 503 with Retry-After is the server asking to come back later: wait as asked.
      return ctx.retryAfterSeconds !== undefined && status === 503
        ? new RateLimited(network, message, ctx.retryAfterSeconds, details)
        : new Transient(network, message, details);
    }
    // Even a 503 may come from a proxy after the origin acted: a publish is never assumed undone.
    return new OutcomeUnknown(network, `${message}; the request may or may not have been applied`, details);
  }
  if (ctx.body === undefined && ctx.text.trim() !== '') {
    return new InvalidResponse(network, `${network} answered ${where} with HTTP ${status} and a non-JSON body; is the server URL right?`, details);
  }
  return new Rejected(network, reason, details);
}
