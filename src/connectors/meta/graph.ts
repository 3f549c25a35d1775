/**
 * A thin Graph API client over the shared HttpClient, for graph.facebook.com (Facebook Pages,
 * Instagram) and graph.threads.net (Threads): versioned base URL, the token in the Authorization
 * header (never in URLs, which end up in proxy logs), form bodies, and Meta's error mapping.
 */
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

  private auth(token: string) {
    return { authorization: `Bearer ${token}` };
  }

  get<T>(token: string, path: string, schema: z.ZodType<T>, query?: Query): Promise<T> {
    return this.http.json({ method: 'GET', url: this.url(path), headers: this.auth(token), schema, ...(query ? { query } : {}) });
  }

  /** A GET answering null for an object that does not exist (or is not visible to this token). */
  async find<T>(token: string, path: string, schema: z.ZodType<T>, query?: Query): Promise<T | null> {
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
  async post<T>(token: string, path: string, schema: z.ZodType<T>, form: Form | FormData, opts: { idempotent?: boolean } = {}): Promise<T> {
    const idempotent = opts.idempotent ?? false;
    const body = form instanceof FormData ? { body: form } : { form };
    try {
      return await this.http.json({ method: 'POST', url: this.url(path), headers: this.auth(token), schema, idempotent, ...body });
    } catch (e) {
      if (!idempotent && e instanceof InvalidResponse && e.status !== undefined && e.status >= 200 && e.status < 300) {
        throw new OutcomeUnknown(this.network, `${e.message}; the request may or may not have been applied`, { status: e.status, cause: e });
      }
      throw e;
    }
  }

  /** DELETE; an object that is already gone counts as deleted. */
  async delete(token: string, path: string): Promise<void> {
    try {
      await this.http.json({ method: 'DELETE', url: this.url(path), headers: this.auth(token), schema: Success });
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
