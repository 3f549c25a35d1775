/**
 * An injected fetch that answers from a script of recorded responses and records what was sent,
 * so connector tests assert both sides of each exchange without any network.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FetchLike, HttpOptions } from '../../src/connectors/http.ts';

export interface SentRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** Body as text (JSON or form), undefined when none; binary bodies as `<N bytes>`. */
  body: string | undefined;
  json(): any;
  form(): URLSearchParams;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string. */
  body?: unknown;
}

export type Responder = Reply | ((req: SentRequest) => Reply) | Error;

export class FakeFetch {
  readonly sent: SentRequest[] = [];
  private readonly queue: { match?: string | RegExp; respond: Responder }[] = [];

  /** Queue an answer for the next request (optionally only one whose "METHOD url" matches). */
  on(match: string | RegExp | undefined, respond: Responder): this {
    this.queue.push({ ...(match === undefined ? {} : { match }), respond });
    return this;
  }

  reply(respond: Responder): this {
    return this.on(undefined, respond);
  }

  readonly fetch: FetchLike = async (input, init = {}) => {
    const url = new URL(String(input));
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    let body: string | undefined;
    if (typeof init.body === 'string') body = init.body;
    else if (init.body instanceof URLSearchParams) body = init.body.toString();
    else if (init.body instanceof Uint8Array) body = `<${init.body.byteLength} bytes>`;
    else if (init.body instanceof FormData) {
      // Multipart parts as "name=value" lines; files as <N bytes type>.
      body = [...init.body.entries()].map(([k, v]) => `${k}=${typeof v === 'string' ? v : `<${v.size} bytes ${v.type}>`}`).join('\n');
    }
    const req: SentRequest = {
      method: init.method ?? 'GET',
      url,
      headers,
      body,
      json: () => JSON.parse(body ?? 'null'),
      form: () => new URLSearchParams(body ?? ''),
    };
    this.sent.push(req);
    const key = `${req.method} ${url.toString()}`;
    const index = this.queue.findIndex((q) => q.match === undefined || (typeof q.match === 'string' ? key.startsWith(q.match) : q.match.test(key)));
    if (index < 0) throw new Error(`FakeFetch: no answer queued for ${key}`);
    const [entry] = this.queue.splice(index, 1);
    const respond = entry!.respond;
    if (respond instanceof Error) throw respond;
    const reply = typeof respond === 'function' ? respond(req) : respond;
    const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const contentType = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
    return new Response(reply.status === 204 ? null : text, {
      status: reply.status ?? 200,
      headers: { 'content-type': contentType, ...reply.headers },
    });
  };

  get pending(): number {
    return this.queue.length;
  }

  /** HTTP options for a connector under test: this fetch, no real sleeping, fixed clock. */
  options(now = new Date('2026-11-23T12:00:00Z')): Partial<HttpOptions> & { slept: number[] } {
    const slept: number[] = [];
    return { fetch: this.fetch, sleep: async (ms) => void slept.push(ms), random: () => 0.5, now: () => now, slept };
  }
}

/** A network error as undici raises it (TypeError with a coded cause). */
export const networkError = (code: string): Error => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });

/** Load a recorded fixture: test/connectors/fixtures/<network>/<name>.json */
export function fixture<T = any>(network: string, name: string): T {
  const path = fileURLToPath(new URL(`./fixtures/${network}/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
