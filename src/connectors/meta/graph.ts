/**
 * A thin Graph API client over the shared HttpClient, for graph.facebook.com (Facebook Pages,
 * Instagram) and graph.threads.net (Threads): versioned base URL, the token in the Authorization
 * header (never in URLs, which end up in proxy logs), form bodies, and Meta's error mapping.
 */
import { createHmac } from 'node:crypto';
import type { z } from 'zod';
import { z as zod } from 'zod';
import { InvalidResponse, OutcomeUnknown } from '../errors.ts';
import { HttpClient, type HttpOptions } from '../http.ts';
import { graphErrorMapper, isGraphNotFound } from './errors.ts';

/** The newest Graph API version (released 2026-07-29); every Facebook/Instagram call names it. */
export const GRAPH_API_VERSION = 'v26.0';
export const GRAPH_ORIGIN = 'https://graph.facebook.com';
export const GRAPH_BASE = `${GRAPH_ORIGIN}/${GRAPH_API_VERSION}`;
/** Facebook Login's dialog lives on www.facebook.com, versioned like the API. */
export const FACEBOOK_DIALOG = `https://www.facebook.com/${GRAPH_API_VERSION}/dialog/oauth`;

export type Query = Record<string, string | number | boolean | undefined | readonly string[]>;

/** A raw token (user or app token at connect time) or stored credentials (token + extras). */
export type GraphToken = string | { accessToken: string; extra?: Record<string, string> | undefined };

/** appsecret_proof for a token: HMAC-SHA256 keyed with the app secret, hex. */
export const appSecretProof = (token: string, appSecret: string): string => createHmac('sha256', appSecret).update(token).digest('hex');
export type Form = Record<string, string | undefined>;

/** `{ success: true }` answers of deletes (older Graph versions answered a bare `true`). */
export const Success = zod.union([zod.boolean(), zod.object({ success: zod.boolean().optional() }).passthrough()]);
/** `{ id }` answers of creates. */
export const Created = zod.object({ id: zod.string() }).passthrough();

export class GraphClient {
  readonly http: HttpClient;

  constructor(
    readonly network: string,
    /** Versioned base, e.g. https://graph.facebook.com/v26.0 */
    readonly base: string,
    options: Partial<HttpOptions> = {},
  ) {
    this.http = new HttpClient(network, options, graphErrorMapper);
  }

  url(path: string): string {
    return `${this.base}/${path.replace(/^\//, '')}`;
  }

  private headers(token: GraphToken) {
    return { authorization: `Bearer ${typeof token === 'string' ? token : token.accessToken}` };
  }

  /**
   * Apps with "Require App Secret" refuse calls without appsecret_proof (HMAC-SHA256 of the token
   * with the app secret). Connectors have no secret at call time, so the proof is made at connect
   * time and travels in `extra.appSecretProof`; it is useless without the token itself.
   */
  private proof(token: GraphToken): Query {
    const proof = typeof token === 'string' ? undefined : token.extra?.appSecretProof;
    return proof ? { appsecret_proof: proof } : {};
  }

  get<T>(token: GraphToken, path: string, schema: z.ZodType<T>, query?: Query): Promise<T> {
    return this.http.json({ method: 'GET', url: this.url(path), headers: this.headers(token), schema, query: { ...query, ...this.proof(token) } });
  }

  /** A GET answering null for an object that does not exist (or is not visible to this token). */
  async find<T>(token: GraphToken, path: string, schema: z.ZodType<T>, query?: Query): Promise<T | null> {
    try {
      return await this.get(token, path, schema, query);
    } catch (e) {
      if (isGraphNotFound(e)) return null;
      throw e;
    }
  }

  /**
   * POST a form. A non-idempotent POST (the default: publishing) is sent once; if its answer
   * cannot be read, the post may exist all the same, so that is OutcomeUnknown, never retryable.
   */
  async post<T>(token: GraphToken, path: string, schema: z.ZodType<T>, form: Form | FormData, opts: { idempotent?: boolean } = {}): Promise<T> {
    const idempotent = opts.idempotent ?? false;
    const body = form instanceof FormData ? { body: form } : { form };
    try {
      return await this.http.json({ method: 'POST', url: this.url(path), query: this.proof(token), headers: this.headers(token), schema, idempotent, ...body });
    } catch (e) {
      if (!idempotent && e instanceof InvalidResponse && e.status !== undefined && e.status >= 200 && e.status < 300) {
        throw new OutcomeUnknown(this.network, `${e.message}; the request may or may not have been applied`, { status: e.status, cause: e });
      }
      throw e;
    }
  }

  /** DELETE; an object that is already gone counts as deleted. */
  async delete(token: GraphToken, path: string): Promise<void> {
    try {
      await this.http.json({ method: 'DELETE', url: this.url(path), query: this.proof(token), headers: this.headers(token), schema: Success });
    } catch (e) {
      if (!isGraphNotFound(e)) throw e;
    }
  }
}

/** Graph timestamps ("2026-11-23T11:00:00+0000") as ISO 8601 UTC. */
export const isoTime = (t: string): string => {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
};

/** Lists: `{ data: [...], paging?: { cursors?: { before, after }, next? } }`. */
export const listOf = <T extends z.ZodTypeAny>(item: T) =>
  zod.object({
    data: zod.array(item),
    paging: zod
      .object({ cursors: zod.object({ before: zod.string().optional(), after: zod.string().optional() }).optional(), next: zod.string().optional() })
      .optional(),
  });

/** Insights: `{ data: [{ name, period, values: [{ value }] | total_value: { value } }] }`. */
export const Insights = zod.object({
  data: zod.array(
    zod.object({
      name: zod.string(),
      period: zod.string().optional(),
      values: zod.array(zod.object({ value: zod.unknown() })).optional(),
      total_value: zod.object({ value: zod.unknown() }).optional(),
    }),
  ),
});

/** Metric name -> number, from an insights answer (last value of a series, or the total). */
export function insightNumbers(answer: z.infer<typeof Insights>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of answer.data) {
    const v = m.total_value?.value ?? m.values?.at(-1)?.value;
    if (typeof v === 'number') out[m.name] = v;
  }
  return out;
}
