/**
 * XRPC over the shared HTTP helper, with AT Protocol's error body ({ error, message }) mapped to
 * typed errors. Every call goes to the account's PDS, which proxies app.bsky.* reads to its AppView.
 */
import type { z } from 'zod';
import { AuthExpired, PermissionDenied, Rejected, WrongService } from '../errors.ts';
import { HttpClient, type ErrorMapper, type HttpOptions } from '../http.ts';

export const NETWORK = 'bluesky';

const mapError: ErrorMapper = (network, ctx) => {
  const body = (ctx.body ?? {}) as { error?: unknown; message?: unknown };
  const code = typeof body.error === 'string' ? body.error : undefined;
  const message = typeof body.message === 'string' ? body.message : code;
  const details = { status: ctx.status, ...(code ? { networkCode: code } : {}) };
  if (code === 'ExpiredToken' || code === 'InvalidToken') {
    return new AuthExpired(network, `Bluesky session is no longer valid (${code}): reconnect the account.`, details);
  }
  if (code === 'AccountTakedown' || code === 'AccountDeactivated') {
    return new PermissionDenied(network, `Bluesky account unavailable (${code}): ${message}`, details);
  }
  if (ctx.status === 404 && (code === 'XRPCNotSupported' || code === 'MethodNotImplemented')) {
    return new WrongService(network, `This server does not implement the AT Protocol method (${code}); is it a PDS?`, details);
  }
  if (ctx.status === 400 && code) return new Rejected(network, message ?? code, details);
  return undefined;
};

export interface CallSpec<T> {
  query?: Record<string, string | number | boolean | undefined | readonly string[]>;
  input?: unknown;
  bytes?: { data: Uint8Array; mimeType: string };
  token?: string;
  schema?: z.ZodType<T>;
  idempotent?: boolean;
  /** `atproto-proxy` target: the PDS forwards the call to that service (e.g. chat). */
  proxy?: string;
}

export class Xrpc {
  readonly http: HttpClient;

  constructor(options: Partial<HttpOptions> = {}) {
    this.http = new HttpClient(NETWORK, options, mapError);
  }

  private url(service: string, nsid: string): string {
    return `${service.replace(/\/+$/, '')}/xrpc/${nsid}`;
  }

  async query<T>(service: string, nsid: string, spec: CallSpec<T> & { schema: z.ZodType<T> }): Promise<T> {
    const res = await this.http.request({
      method: 'GET',
      url: this.url(service, nsid),
      ...(spec.query ? { query: spec.query } : {}),
      headers: { ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}), ...(spec.proxy ? { 'atproto-proxy': spec.proxy } : {}) },
      schema: spec.schema,
    });
    return res.data;
  }

  async procedure<T>(service: string, nsid: string, spec: CallSpec<T>): Promise<T> {
    const headers: Record<string, string> = spec.token ? { authorization: `Bearer ${spec.token}` } : {};
    if (spec.proxy) headers['atproto-proxy'] = spec.proxy;
    if (spec.bytes) headers['content-type'] = spec.bytes.mimeType;
    const res = await this.http.request<T>({
      method: 'POST',
      url: this.url(service, nsid),
      headers,
      ...(spec.bytes ? { body: spec.bytes.data } : spec.input !== undefined ? { json: spec.input } : {}),
      ...(spec.schema ? { schema: spec.schema } : {}),
      idempotent: spec.idempotent ?? false,
    });
    return res.data;
  }
}

/** at://did/collection/rkey -> parts. */
export function parseAtUri(uri: string): { repo: string; collection: string; rkey: string } {
  const m = /^at:\/\/([^/]+)\/([^/]+)\/([^/?#]+)$/.exec(uri);
  if (!m) throw new Rejected(NETWORK, `Not a Bluesky post id: ${uri}`);
  return { repo: m[1]!, collection: m[2]!, rkey: m[3]! };
}

/** The bsky.app web address of a post (what a person can open). */
export const postUrl = (uri: string, handle?: string): string => {
  const { repo, rkey } = parseAtUri(uri);
  return `https://bsky.app/profile/${handle ?? repo}/post/${rkey}`;
};

/** `exp` of a JWT as an ISO instant; undefined if the token is not a readable JWT. */
export function jwtExpiry(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp === 'number' ? new Date(exp * 1000).toISOString() : undefined;
  } catch {
    return undefined;
  }
}
