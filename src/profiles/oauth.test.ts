import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../../test/helpers/db.ts';
import { createTestApp, memberWithRole, setupOwner, type Client, type TestApp } from '../../test/helpers/app.ts';
import { connectorsFrom } from '../core/chorus.ts';
import { resetClock, setClock } from '../core/clock.ts';
import type { Connector, Credentials, OAuthApp } from '../connectors/connector.ts';
import { AuthExpired } from '../connectors/errors.ts';
import { mergeCredentials, openCredentials } from './credentials.ts';
import { networkApps, socialProfiles } from './schema.ts';
import { credentialsFor } from './service.ts';

/**
 * An OAuth network as the accounts layer sees it through the connector interface. It records
 * what Chorus hands it, and answers like a network would: a token for the right code+verifier.
 */
function scriptedOAuthConnector() {
  const seen: { app?: OAuthApp; code?: string; verifier?: string; refreshes: number } = { refreshes: 0 };
  let refreshOutcome: 'ok' | 'no-refresh-token' | 'dead' = 'ok';
  const connector = {
    info: { network: 'x', displayName: 'X', apiVersion: '2', auth: 'oauth2', capabilities: ['publish.text'], limits: {} as never, publishIdempotency: 'none' },
    auth: {
      kind: 'oauth2',
      scopes: ['tweet.read', 'tweet.write', 'offline.access'],
      authorizationUrl(app: OAuthApp) {
        seen.app = app;
        const state = `state-${Math.random().toString(36).slice(2)}`;
        return { url: `https://x.example/authorize?client_id=${app.clientId}&state=${state}&redirect_uri=${encodeURIComponent(app.redirectUri)}`, state, codeVerifier: `verifier-for-${state}` };
      },
      async completeAuthorization(app: OAuthApp, input: { code: string; codeVerifier: string }) {
        seen.code = input.code;
        seen.verifier = input.codeVerifier;
        return {
          credentials: { network: 'x', accountId: '42', accessToken: `access-${input.code}`, refreshToken: 'refresh-1', expiresAt: new Date(Date.now() + 7200_000).toISOString() },
          profile: { id: '42', handle: 'acme', displayName: 'Acme' },
        };
      },
    },
    needsRefresh: (c: Credentials, now = new Date()) => !!c.expiresAt && new Date(c.expiresAt).getTime() - now.getTime() < 300_000,
    async refresh(c: Credentials) {
      seen.refreshes++;
      if (refreshOutcome === 'dead') throw new AuthExpired('x', 'The refresh token was revoked.');
      const next: Credentials = { ...c, accessToken: `access-refreshed-${seen.refreshes}`, expiresAt: new Date(Date.now() + 7200_000).toISOString() };
      if (refreshOutcome === 'no-refresh-token') delete next.refreshToken;
      return next;
    },
    async getProfile() {
      return { id: '42', handle: 'acme' };
    },
  } as unknown as Connector;
  return { connector, seen, setRefresh: (o: typeof refreshOutcome) => (refreshOutcome = o) };
}

describe('credentials', () => {
  it('never lets an empty refresh token overwrite the stored one', () => {
    const stored: Credentials = { network: 'x', accountId: '1', accessToken: 'a', refreshToken: 'keep-me', extra: { page: 'p1' } };
    expect(mergeCredentials(stored, { network: 'x', accountId: '1', accessToken: 'b' }).refreshToken).toBe('keep-me');
    expect(mergeCredentials(stored, { network: 'x', accountId: '1', accessToken: 'b', refreshToken: '' }).refreshToken).toBe('keep-me');
    expect(mergeCredentials(stored, { network: 'x', accountId: '1', accessToken: 'b', refreshToken: 'new' }).refreshToken).toBe('new');
    expect(mergeCredentials(stored, { network: 'x', accountId: '1', accessToken: 'b', extra: { page: '' } }).extra).toEqual({ page: 'p1' });
  });
});

describe.each(BACKENDS)('connecting through OAuth (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  const network = scriptedOAuthConnector();
  const start = (as: Client = owner) => as.request('POST', `/api/v1/workspaces/${workspaceId}/profiles/oauth`, { network: 'x' });
  const callback = (as: Client, query: string) => as.request('GET', `/api/v1/oauth/callback/x?${query}`);
  const stateOf = (url: string) => new URL(url).searchParams.get('state')!;
  const redirectParams = (location: string | string[] | number | undefined) => new URL(String(location), 'http://chorus').searchParams;

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([network.connector]) });
    ({ owner, workspaceId } = await setupOwner(t.app));
  });
  afterAll(() => t?.close());

  it('needs the organisation to configure its app first; secrets are sealed and never shown', async () => {
    const early = await start();
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('network_not_configured');
    expect((await owner.request('PUT', '/api/v1/settings/network-apps/x', { clientId: 'client-1', clientSecret: 'very-secret' })).statusCode).toBe(204);
    // Saving again without a secret keeps the secret.
    expect((await owner.request('PUT', '/api/v1/settings/network-apps/x', { clientId: 'client-2' })).statusCode).toBe(204);
    const listed = (await owner.request('GET', '/api/v1/settings/network-apps')).json().apps;
    expect(listed).toEqual([expect.objectContaining({ network: 'x', clientId: 'client-2', hasSecret: true })]);
    expect(JSON.stringify(listed)).not.toContain('very-secret');
    const [row] = await t.database.db.select().from(networkApps);
    expect(row!.clientSecretSealed).not.toContain('very-secret');
    expect((await owner.request('PUT', '/api/v1/settings/network-apps/nowhere', { clientId: 'c' })).statusCode).toBe(404);
  });

  it('completes for the person who started it, with the PKCE verifier it was issued', async () => {
    const started = await start();
    expect(started.statusCode).toBe(200);
    const url: string = started.json().authorizationUrl;
    expect(url).toContain('client_id=client-2');
    expect(network.seen.app).toMatchObject({ clientId: 'client-2', clientSecret: 'very-secret', redirectUri: 'http://localhost:0/api/v1/oauth/callback/x' });
    const state = stateOf(url);
    const done = await callback(owner, `code=abc&state=${state}`);
    expect(done.statusCode).toBe(302);
    const params = redirectParams(done.headers.location);
    expect(params.get('connected')).toBeTruthy();
    expect(network.seen).toMatchObject({ code: 'abc', verifier: `verifier-for-${state}` });
    const [row] = await t.database.db.select().from(socialProfiles);
    expect(row).toMatchObject({ network: 'x', accountId: '42', handle: 'acme', status: 'active' });
    expect(openCredentials(row!.credentialsSealed, t.chorus.config.secretKey).refreshToken).toBe('refresh-1');
    // A state works once.
    const again = redirectParams((await callback(owner, `code=abc&state=${state}`)).headers.location);
    expect(again.get('error')).toBe('oauth_state_invalid');
  });

  it('refuses a callback carrying someone else\'s state, an expired state, or a denial', async () => {
    const admin = await memberWithRole(t.app, owner, workspaceId, 'admin');
    const state = stateOf((await start()).json().authorizationUrl);
    const stolen = redirectParams((await callback(admin.session, `code=evil&state=${state}`)).headers.location);
    expect(stolen.get('error')).toBe('oauth_state_invalid');
    const expiring = stateOf((await start()).json().authorizationUrl);
    setClock(() => new Date(Date.now() + 16 * 60_000));
    try {
      expect(redirectParams((await callback(owner, `code=late&state=${expiring}`)).headers.location).get('error')).toBe('oauth_state_invalid');
    } finally {
      resetClock();
    }
    const denied = redirectParams((await callback(owner, 'error=access_denied&error_description=User+said+no')).headers.location);
    expect(denied.get('error')).toBe('access_denied');
    expect(denied.get('message')).toBe('User said no');
  });

  it('refreshes tokens before they expire without losing the refresh token, and flags dead accounts', async () => {
    const [row] = await t.database.db.select().from(socialProfiles);
    setClock(() => new Date(Date.now() + 7200_000 - 60_000)); // a minute before expiry
    try {
      network.setRefresh('no-refresh-token');
      const fresh = await credentialsFor(t.chorus, row!);
      expect(fresh.accessToken).toMatch(/^access-refreshed-/);
      expect(fresh.refreshToken).toBe('refresh-1');
      const [stored] = await t.database.db.select().from(socialProfiles).where(eq(socialProfiles.id, row!.id));
      expect(openCredentials(stored!.credentialsSealed, t.chorus.config.secretKey)).toMatchObject({ accessToken: fresh.accessToken, refreshToken: 'refresh-1' });
    } finally {
      resetClock();
    }
    setClock(() => new Date(Date.now() + 4 * 3600_000));
    try {
      network.setRefresh('dead');
      const [current] = await t.database.db.select().from(socialProfiles).where(eq(socialProfiles.id, row!.id));
      await expect(credentialsFor(t.chorus, current!)).rejects.toBeInstanceOf(AuthExpired);
    } finally {
      resetClock();
    }
    const listed = (await owner.request('GET', `/api/v1/workspaces/${workspaceId}/profiles`)).json().profiles[0];
    expect(listed).toMatchObject({ status: 'needs_reconnect', statusReason: 'The refresh token was revoked.' });
    const log = (await owner.request('GET', `/api/v1/workspaces/${workspaceId}/audit?action=profile.needs_reconnect`)).json().events;
    expect(log[0]).toMatchObject({ actorLabel: 'Chorus', targetId: row!.id });
    // Connecting again (the reconnect button) makes it active again.
    const state = stateOf((await start()).json().authorizationUrl);
    await callback(owner, `code=again&state=${state}`);
    const back = (await owner.request('GET', `/api/v1/workspaces/${workspaceId}/profiles`)).json().profiles;
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({ id: row!.id, status: 'active', statusReason: null });
  });
});
