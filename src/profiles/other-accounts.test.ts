import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../test/helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../../test/helpers/app.ts';
import { connectorsFrom } from '../core/chorus.ts';
import type { Connector, Credentials, OAuthApp } from '../connectors/connector.ts';

const pages = [
  { id: 'p1', name: 'Acme' },
  { id: 'p2', name: 'Acme Support' },
  { id: 'p3', name: 'Acme Careers' },
];
const connectPage = (id: string): { credentials: Credentials; profile: { id: string; handle: string } } => ({
  credentials: { network: 'facebook', accountId: id, accessToken: `page-token-${id}`, extra: { otherPages: JSON.stringify(pages.filter((p) => p.id !== id)) } },
  profile: { id, handle: pages.find((p) => p.id === id)!.name },
});

/** A Facebook-like network: one sign-in grants several Pages; `selectPage` switches between them. */
const facebookLike = {
  info: { network: 'facebook', displayName: 'Facebook', apiVersion: 'v26.0', auth: 'oauth2', capabilities: ['publish.text'], limits: {}, publishIdempotency: 'none' },
  auth: {
    kind: 'oauth2',
    scopes: [],
    authorizationUrl: (app: OAuthApp) => ({ url: `https://fb.example/dialog?client_id=${app.clientId}&state=s1`, state: 's1', codeVerifier: 'v1' }),
    completeAuthorization: async () => connectPage('p1'),
  },
  needsRefresh: () => false,
  selectPage: async (_app: OAuthApp, credentials: Credentials, pageId: string) => {
    expect(credentials.accessToken).toBe('page-token-p1');
    return connectPage(pageId);
  },
} as unknown as Connector;

describe.each(BACKENDS)('several Pages from one sign-in (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([facebookLike]) });
    ({ owner, workspaceId } = await setupOwner(t.app));
  });
  afterAll(() => t?.close());

  it('offers the other Pages after connecting one, and connects them without a new sign-in', async () => {
    await owner.request('PUT', '/api/v1/settings/network-apps/facebook', { clientId: 'app', clientSecret: 's' });
    await owner.request('POST', ws('/profiles/oauth'), { network: 'facebook' });
    const done = await owner.request('GET', '/api/v1/oauth/callback/facebook?code=c&state=s1');
    const first = new URL(String(done.headers.location), 'http://x').searchParams.get('connected')!;
    const others = await owner.request('GET', ws(`/profiles/${first}/other-accounts`));
    expect(others.json().accounts).toEqual([{ id: 'p2', name: 'Acme Support' }, { id: 'p3', name: 'Acme Careers' }]);
    const second = await owner.request('POST', ws(`/profiles/${first}/other-accounts`), { accountId: 'p2' });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().profile).toMatchObject({ network: 'facebook', accountId: 'p2', handle: 'Acme Support' });
    expect((await owner.request('GET', ws(`/profiles/${first}/other-accounts`))).json().accounts).toEqual([{ id: 'p3', name: 'Acme Careers' }]);
    expect((await owner.request('POST', ws(`/profiles/${first}/other-accounts`), { accountId: 'p9' })).statusCode).toBe(404);
    expect((await owner.request('GET', ws('/profiles'))).json().profiles).toHaveLength(2);
  });
});
