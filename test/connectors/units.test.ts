/**
 * Small pure pieces: derived record keys, PKCE and token handling, post validation, the registry.
 */
import { TID } from '@atproto/common-web';
import { isValidTid } from '@atproto/syntax';
import { describe, expect, it } from 'vitest';
import { blueskyInfo } from '../../src/connectors/bluesky/connector.ts';
import { encodeTid, tidFromKey } from '../../src/connectors/bluesky/tid.ts';
import { mastodonInfo } from '../../src/connectors/mastodon/connector.ts';
import { buildAuthorizationUrl, createPkce, credentialsFromToken, expiresSoon, missingScopes } from '../../src/connectors/oauth.ts';
import { connectorFactories, createConnector } from '../../src/connectors/registry.ts';
import { validatePost } from '../../src/connectors/validate.ts';
import { xInfo } from '../../src/connectors/x/connector.ts';

describe('record keys derived from idempotency keys', () => {
  it('are valid TIDs, the same for the same key and different for different keys', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `post-${i}`);
    const tids = keys.map(tidFromKey);
    for (const t of tids) expect(isValidTid(t)).toBe(true);
    expect(new Set(tids).size).toBe(keys.length);
    expect(tidFromKey('post-7')).toBe(tids[7]);
  });

  it('encode a plausible past instant (2023 to early 2024)', () => {
    for (const key of ['a', 'b', 'c', 'a-much-longer-key-0123456789']) {
      const micros = TID.fromStr(tidFromKey(key)).timestamp();
      const at = new Date(micros / 1000);
      expect(at.getTime()).toBeGreaterThanOrEqual(Date.parse('2023-01-01T00:00:00Z'));
      expect(at.getTime()).toBeLessThan(Date.parse('2024-02-12T00:00:00Z'));
    }
  });

  it('encode exactly like the AT Protocol reference', () => {
    const micros = 1_700_000_000_123_456;
    expect(encodeTid(BigInt(micros), 42)).toBe(TID.fromTime(micros, 42).toString());
  });
});

describe('OAuth helpers', () => {
  it('computes the RFC 7636 S256 challenge', () => {
    expect(createPkce('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk').codeChallenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(createPkce().codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
  });

  it('builds an authorization URL with comma-separated scopes when asked', () => {
    const url = new URL(buildAuthorizationUrl('https://auth.example/authorize', { clientId: 'c', redirectUri: 'https://r/cb', scopes: ['a', 'b'], state: 's', scopeSeparator: ',' }));
    expect(url.searchParams.get('scope')).toBe('a,b');
    expect(url.searchParams.has('code_challenge')).toBe(false);
  });

  it('never drops a stored refresh token when the network sends none', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    const previous = { network: 'x' as const, accountId: '1', accessToken: 'old', refreshToken: 'keep-me', refreshExpiresAt: '2027-01-01T00:00:00.000Z', scopes: ['a'] };
    const next = credentialsFromToken('x', '1', { access_token: 'new', expires_in: 3600, refresh_token: '' }, now, previous);
    expect(next).toMatchObject({ accessToken: 'new', refreshToken: 'keep-me', refreshExpiresAt: '2027-01-01T00:00:00.000Z', expiresAt: '2026-11-23T13:00:00.000Z', scopes: ['a'] });
    expect(expiresSoon(next, now)).toBe(false);
    expect(expiresSoon(next, new Date('2026-11-23T12:56:00Z'))).toBe(true);
    expect(missingScopes(['tweet.read'], ['tweet.read', 'tweet.write'])).toEqual(['tweet.write']);
  });
});

describe('validatePost', () => {
  const png = (bytes: number, altText?: string) => ({ kind: 'image' as const, mimeType: 'image/png', data: new Uint8Array(bytes), ...(altText ? { altText } : {}) });

  it('accepts a post within limits', () => {
    expect(validatePost(blueskyInfo, { text: 'hello 👋', media: [png(1000, 'alt')] })).toEqual([]);
  });

  it('reports every problem at once, per post of a thread', () => {
    const problems = validatePost(blueskyInfo, {
      text: 'x'.repeat(301),
      media: [png(2_000_000), { kind: 'image', mimeType: 'image/tiff', data: new Uint8Array(10) }, png(1), png(1), png(1)],
      thread: [{ text: '' }],
    });
    expect(problems.map((p) => [p.post, p.field, p.code])).toEqual([
      [0, 'text', 'too_long'],
      [0, 'media', 'too_many'],
      [0, 'media', 'too_large'],
      [0, 'media', 'type_not_allowed'],
      [1, 'text', 'empty'],
    ]);
  });

  it('counts with each network’s rule', () => {
    const url = 'https://example.com/' + 'a'.repeat(300);
    expect(validatePost(xInfo, { text: url })).toEqual([]);
    expect(validatePost(mastodonInfo, { text: url })).toEqual([]);
    expect(validatePost(blueskyInfo, { text: url })[0]?.code).toBe('too_long');
    expect(validatePost(xInfo, { text: '字'.repeat(141) })[0]?.code).toBe('too_long');
  });

  it('refuses what a network cannot take', () => {
    const video = { kind: 'video' as const, mimeType: 'video/mp4', data: new Uint8Array(10) };
    expect(validatePost(blueskyInfo, { text: 'v', media: [video] })).toEqual([]);
    expect(validatePost(blueskyInfo, { text: 'v', media: [video, video] }).map((p) => p.code)).toEqual(['too_many']);
    expect(validatePost(mastodonInfo, { text: 'mix', media: [video, png(10)] }).map((p) => p.code)).toContain('not_supported');
  });
});

describe('registry', () => {
  it('builds every shipped connector, each declaring its network, API version and limits', () => {
    for (const network of Object.keys(connectorFactories) as (keyof typeof connectorFactories)[]) {
      const c = createConnector(network);
      expect(c.info.network).toBe(network);
      expect(c.info.apiVersion).toBeTruthy();
      expect(c.info.limits.text.maxLength).toBeGreaterThan(0);
      expect(c.info.capabilities.length).toBeGreaterThan(0);
    }
  });
});
