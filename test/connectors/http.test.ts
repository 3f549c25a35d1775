import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AuthExpired,
  InvalidResponse,
  OutcomeUnknown,
  PermissionDenied,
  RateLimited,
  Rejected,
  Transient,
} from '../../src/connectors/errors.ts';
import { HttpClient, retryAfterSeconds } from '../../src/connectors/http.ts';
import { FakeFetch, networkError } from './fake-fetch.ts';

const Thing = z.object({ id: z.string() });
const NOW = new Date('2026-11-23T12:00:00Z');

function client(fake: FakeFetch) {
  const opts = fake.options(NOW);
  return { http: new HttpClient('testnet', opts), slept: opts.slept };
}

describe('HttpClient', () => {
  it('sends JSON, query and headers and validates the answer', async () => {
    const fake = new FakeFetch().reply({ body: { id: 'a1' } });
    const { http } = client(fake);
    const data = await http.json({ method: 'POST', url: 'https://api.test/things', query: { x: 1, tags: ['a', 'b'] }, json: { hi: 1 }, headers: { authorization: 'Bearer t' }, schema: Thing });
    expect(data).toEqual({ id: 'a1' });
    const req = fake.sent[0]!;
    expect(req.url.toString()).toBe('https://api.test/things?x=1&tags=a&tags=b');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBe('Bearer t');
    expect(req.json()).toEqual({ hi: 1 });
  });

  it('retries idempotent calls on 5xx and network errors with growing, jittered delays', async () => {
    const fake = new FakeFetch()
      .reply({ status: 502, body: '<html>bad gateway</html>' })
      .reply(networkError('ECONNRESET'))
      .reply({ status: 200, body: { id: 'ok' } });
    const opts = fake.options(NOW);
    const events: unknown[] = [];
    const http = new HttpClient('testnet', { ...opts, onRetry: (e) => events.push([e.attempt, e.delayMs, e.url, e.error.code]) });
    const slept = opts.slept;
    await expect(http.json({ method: 'GET', url: 'https://api.test/x?token=secret', schema: Thing })).resolves.toEqual({ id: 'ok' });
    expect(fake.sent).toHaveLength(3);
    expect(events).toEqual([[1, 375, 'https://api.test/x', 'transient'], [2, 750, 'https://api.test/x', 'transient']]);
    // base 500 ms: attempt 1 -> 500 * (0.5 + 0.5 * 0.5), attempt 2 -> 1000 * 0.75
    expect(slept).toEqual([375, 750]);
  });

  it('gives up after the configured retries with a Transient error', async () => {
    const fake = new FakeFetch();
    for (let i = 0; i < 4; i++) fake.reply({ status: 500, body: { error: 'boom' } });
    const { http } = client(fake);
    const err = await http.json({ method: 'GET', url: 'https://api.test/x', schema: Thing }).catch((e) => e);
    expect(err).toBeInstanceOf(Transient);
    expect(err.status).toBe(500);
    expect(fake.sent).toHaveLength(4);
  });

  it('never retries a non-idempotent call whose outcome is unknown', async () => {
    for (const failure of [{ status: 500, body: { error: 'x' } }, networkError('ECONNRESET')] as const) {
      const fake = new FakeFetch().reply(failure).reply({ body: { id: 'dup' } });
      const { http } = client(fake);
      const err = await http.json({ method: 'POST', url: 'https://api.test/posts', json: {}, schema: Thing }).catch((e) => e);
      expect(err).toBeInstanceOf(OutcomeUnknown);
      expect(err.retryable).toBe(false);
      expect(fake.sent).toHaveLength(1);
    }
  });

  it('treats a refused connection as Transient even for a publish: nothing was sent', async () => {
    const fake = new FakeFetch().reply(networkError('ECONNREFUSED'));
    const { http } = client(fake);
    const err = await http.json({ method: 'POST', url: 'https://api.test/posts', json: {}, schema: Thing }).catch((e) => e);
    expect(err).toBeInstanceOf(Transient);
    expect(err.message).toContain('ECONNREFUSED');
    expect(fake.sent).toHaveLength(1);
  });

  it('waits out a short 429 Retry-After on idempotent calls', async () => {
    const fake = new FakeFetch().reply({ status: 429, headers: { 'retry-after': '3' } }).reply({ body: { id: 'ok' } });
    const { http, slept } = client(fake);
    await expect(http.json({ method: 'GET', url: 'https://api.test/x', schema: Thing })).resolves.toEqual({ id: 'ok' });
    expect(slept).toEqual([3000]);
  });

  it('throws RateLimited with the reset time for long waits and for publishes', async () => {
    const reset = String(NOW.getTime() / 1000 + 900);
    const fake = new FakeFetch().reply({ status: 429, headers: { 'x-rate-limit-reset': reset }, body: { title: 'Too Many Requests' } });
    const { http } = client(fake);
    const err = await http.json({ method: 'GET', url: 'https://api.test/x', schema: Thing }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect(err.retryAfterSeconds).toBe(900);

    const fake2 = new FakeFetch().reply({ status: 429, headers: { 'retry-after': '2' } });
    const err2 = await client(fake2).http.json({ method: 'POST', url: 'https://api.test/p', json: {}, schema: Thing }).catch((e) => e);
    expect(err2).toBeInstanceOf(RateLimited);
    expect(fake2.sent).toHaveLength(1);
  });

  it('reads reset headers in every form networks use', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(retryAfterSeconds(h({ 'retry-after': '120' }), NOW)).toBe(120);
    expect(retryAfterSeconds(h({ 'retry-after': 'Mon, 23 Nov 2026 12:01:00 GMT' }), NOW)).toBe(60);
    expect(retryAfterSeconds(h({ 'ratelimit-reset': String(NOW.getTime() / 1000 + 30) }), NOW)).toBe(30);
    expect(retryAfterSeconds(h({ 'x-ratelimit-reset': '2026-11-23T12:05:00.000Z' }), NOW)).toBe(300);
    expect(retryAfterSeconds(h({}), NOW)).toBeUndefined();
  });

  it('maps 401, 403 and 4xx to typed errors with the network reason', async () => {
    const cases = [
      [{ status: 401, body: { error: 'invalid_token', error_description: 'The access token expired' } }, AuthExpired, 'The access token expired'],
      [{ status: 403, body: { errors: [{ message: 'missing scope' }] } }, PermissionDenied, 'missing scope'],
      [{ status: 422, body: { error: 'Validation failed: Text character limit of 500 exceeded' } }, Rejected, 'character limit'],
    ] as const;
    for (const [reply, Type, text] of cases) {
      const fake = new FakeFetch().reply(reply);
      const err = await client(fake).http.json({ method: 'POST', url: 'https://api.test/p', json: {}, schema: Thing }).catch((e) => e);
      expect(err).toBeInstanceOf(Type);
      expect(err.message).toContain(text);
    }
  });

  it('names an HTML answer clearly instead of failing on JSON.parse', async () => {
    const fake = new FakeFetch();
    for (let i = 0; i < 4; i++) fake.reply({ status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>Welcome to nginx</body></html>' });
    const err = await client(fake).http.json({ method: 'GET', url: 'https://not-an-api.test/api/v1/instance', schema: Thing }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidResponse);
    expect(err.message).toMatch(/HTML page instead of JSON/);
  });

  it('treats an unreadable 2xx answer to a publish as OutcomeUnknown: the server acted', async () => {
    const fake = new FakeFetch().reply({ status: 201, body: '<html>ok</html>' });
    const err = await client(fake).http.json({ method: 'POST', url: 'https://api.test/posts', json: {}, schema: Thing }).catch((e) => e);
    expect(err).toBeInstanceOf(OutcomeUnknown);
    expect(err.message).toContain('HTML page instead of JSON');
    expect(fake.sent).toHaveLength(1);
  });

  it('reports the path of a schema mismatch', async () => {
    const fake = new FakeFetch().reply({ body: { id: 42 } }).reply({ body: { id: 42 } }).reply({ body: { id: 42 } }).reply({ body: { id: 42 } });
    const err = await client(fake).http.json({ method: 'GET', url: 'https://api.test/x', schema: Thing }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidResponse);
    expect(err.message).toContain('at id');
  });

  it('times out a hung request', async () => {
    const hang: FakeFetch['fetch'] = (_u, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const http = new HttpClient('testnet', { fetch: hang, timeoutMs: 20, retries: 0 });
    const err = await http.json({ method: 'GET', url: 'https://api.test/x', schema: Thing }).catch((e) => e);
    expect(err).toBeInstanceOf(Transient);
    expect(err.message).toContain('timed out');
    const http2 = new HttpClient('testnet', { fetch: hang, timeoutMs: 20 });
    const err2 = await http2.json({ method: 'POST', url: 'https://api.test/x', json: {}, schema: Thing }).catch((e) => e);
    expect(err2).toBeInstanceOf(OutcomeUnknown);
  });
});
