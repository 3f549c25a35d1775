/**
 * The shared Meta error mapper (src/connectors/meta/errors.ts), used by Facebook, Instagram and
 * Threads: Graph error codes and usage headers to typed errors.
 */
import { describe, expect, it } from 'vitest';
import {
  AuthExpired,
  InvalidResponse,
  OutcomeUnknown,
  PermissionDenied,
  RateLimited,
  Rejected,
  Transient,
} from '../../../src/connectors/errors.ts';
import type { ErrorContext } from '../../../src/connectors/http.ts';
import { graphCause, isGraphNotFound, mapGraphError, usageWaitSeconds } from '../../../src/connectors/meta/errors.ts';

const ctx = (status: number, error: Record<string, unknown> | undefined, opts: Partial<ErrorContext> = {}): ErrorContext => {
  const body = error ? { error: { type: 'OAuthException', fbtrace_id: 'T1', ...error } } : undefined;
  return { status, headers: new Headers(), body, text: body ? JSON.stringify(body) : '', idempotent: true, retryAfterSeconds: undefined, ...opts };
};

describe('Graph API error mapping', () => {
  it('maps token errors (190 and its subcodes) to AuthExpired with a reason a human can act on', () => {
    for (const [sub, reason] of [[463, /the token expired/], [467, /invalid \(logged out or revoked\)/], [460, /password changed/], [undefined, /Malformed access token/]] as const) {
      const e = mapGraphError('facebook', ctx(400, { code: 190, error_subcode: sub, message: 'Malformed access token' }));
      expect(e).toBeInstanceOf(AuthExpired);
      expect(e!.message).toMatch(reason);
      expect(e!.networkCode).toBe(190);
    }
  });

  it('maps 10, 3 and 200-299 to PermissionDenied', () => {
    for (const code of [3, 10, 200, 230, 299]) expect(mapGraphError('facebook', ctx(403, { code, message: 'no' }))).toBeInstanceOf(PermissionDenied);
  });

  it('maps 4, 17, 32, 613, business use-case codes and HTTP 429 to RateLimited with the best wait', () => {
    for (const code of [4, 17, 32, 613, 80001, 80002]) expect(mapGraphError('instagram', ctx(400, { code, message: 'slow down' }))).toBeInstanceOf(RateLimited);
    const withRetryAfter = mapGraphError('threads', ctx(429, { code: 4, message: 'x' }, { retryAfterSeconds: 7 })) as RateLimited;
    expect(withRetryAfter.retryAfterSeconds).toBe(7);
    const bare = mapGraphError('threads', ctx(429, undefined, { text: 'Too Many Requests' })) as RateLimited;
    expect(bare).toBeInstanceOf(RateLimited);
    expect(bare.retryAfterSeconds).toBe(60);
  });

  it('reads estimated_time_to_regain_access (minutes) from the usage headers', () => {
    const headers = new Headers({
      'x-business-use-case-usage': JSON.stringify({ '101': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 3 }], '202': [{ type: 'pages', estimated_time_to_regain_access: 12 }] }),
      'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 5, total_time: 9 }),
    });
    expect(usageWaitSeconds(headers)).toBe(720);
    expect(usageWaitSeconds(new Headers({ 'x-app-usage': '{"call_count":100}' }))).toBeUndefined();
    expect(usageWaitSeconds(new Headers({ 'x-business-use-case-usage': 'not json' }))).toBeUndefined();
    const e = mapGraphError('facebook', ctx(400, { code: 32, message: 'Page request limit reached' }, { headers, retryAfterSeconds: 5 })) as RateLimited;
    expect(e.retryAfterSeconds).toBe(720);
  });

  it('maps 1 and 2 to Transient for reads and OutcomeUnknown for publishes', () => {
    for (const code of [1, 2]) {
      expect(mapGraphError('facebook', ctx(500, { code, message: 'Please retry' }))).toBeInstanceOf(Transient);
      const publish = mapGraphError('facebook', ctx(500, { code, message: 'Please retry' }, { idempotent: false }));
      expect(publish).toBeInstanceOf(OutcomeUnknown);
      expect(publish!.retryable).toBe(false);
    }
  });

  it('maps 100 (invalid parameter) and 368 (policy block) to Rejected with the message, preferring error_user_msg', () => {
    const invalid = mapGraphError('facebook', ctx(400, { code: 100, message: '(#100) Invalid parameter' })) as Rejected;
    expect(invalid).toBeInstanceOf(Rejected);
    expect(invalid.reason).toBe('(#100) Invalid parameter');
    const policy = mapGraphError('facebook', ctx(400, { code: 368, message: 'blocked', error_user_msg: 'You have been temporarily blocked.' })) as Rejected;
    expect(policy.reason).toBe('blocked by policy: You have been temporarily blocked.');
    expect(graphCause(policy)).toMatchObject({ code: 368, fbtrace_id: 'T1' });
  });

  it('recognises "does not exist" (100/33) as not found, and nothing else', () => {
    expect(isGraphNotFound(mapGraphError('facebook', ctx(400, { code: 100, error_subcode: 33, message: 'Unsupported get request.' })))).toBe(true);
    expect(isGraphNotFound(mapGraphError('facebook', ctx(400, { code: 100, message: 'Invalid parameter' })))).toBe(false);
    expect(isGraphNotFound(mapGraphError('facebook', ctx(400, { code: 190, message: 'x' })))).toBe(false);
  });

  it('treats HTML on a 4xx as InvalidResponse and leaves non-Graph 5xx to the default (retry or OutcomeUnknown)', () => {
    const page = '<!DOCTYPE html><html><body>Log in to Facebook</body></html>';
    expect(mapGraphError('facebook', ctx(400, undefined, { text: page }))).toBeInstanceOf(InvalidResponse);
    expect(mapGraphError('facebook', ctx(502, undefined, { text: page }))).toBeUndefined();
    expect(mapGraphError('facebook', ctx(404, undefined, { body: { message: 'not graph' }, text: '{"message":"not graph"}' }))).toBeUndefined();
  });
});
