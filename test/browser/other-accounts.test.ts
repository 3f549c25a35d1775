import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorsFrom } from '../../src/core/chorus.ts';
import type { Connector, Credentials, OAuthApp } from '../../src/connectors/connector.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { workspaces } from '../../src/workspaces/schema.ts';
import { startChorusWithBrowser, type BrowserSetup } from '../helpers/browser.ts';

const PAGES = [
  { id: 'p1', name: 'Acme' },
  { id: 'p2', name: 'Acme Support' },
  { id: 'p3', name: 'Acme Careers' },
];
const page = (id: string) => ({
  credentials: { network: 'facebook', accountId: id, accessToken: `page-token-${id}`, extra: { otherPages: JSON.stringify(PAGES.filter((p) => p.id !== id)) } } as Credentials,
  profile: { id, handle: PAGES.find((p) => p.id === id)!.name, displayName: PAGES.find((p) => p.id === id)!.name },
});

/** Facebook as the accounts layer sees it: one sign-in, several Pages, `selectPage` to switch. */
const facebookLike = {
  info: {
    network: 'facebook',
    displayName: 'Facebook',
    apiVersion: 'v26.0',
    auth: 'oauth2',
    capabilities: ['publish.text'],
    limits: { text: { maxLength: 63206, counting: 'utf16' }, media: { maxCount: 10, mixed: false, altTextMaxLength: 1000 } },
    publishIdempotency: 'none',
  },
  auth: { kind: 'oauth2', scopes: [], authorizationUrl: () => ({ url: 'https://facebook.example', state: 's', codeVerifier: 'v' }), completeAuthorization: async () => page('p1') },
  needsRefresh: () => false,
  selectPage: async (_app: OAuthApp, _credentials: Credentials, pageId: string) => page(pageId),
} as unknown as Connector;

const OWNER = { organizationName: 'Acme', name: 'Olivia Owner', email: 'olivia@example.com', password: 'correct horse battery' };

describe('connecting the other Pages of a Facebook sign-in from the web app', () => {
  let setup: BrowserSetup;
  let workspaceId: string;

  beforeAll(async () => {
    setup = await startChorusWithBrowser({ connectors: connectorsFrom([facebookLike]) });
    const created = await fetch(`${setup.url}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
    const session = (await created.json()) as { csrfToken: string; workspaces: { id: string }[] };
    workspaceId = session.workspaces[0]!.id;
    const cookie = created.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const app = await fetch(`${setup.url}/api/v1/settings/network-apps/facebook`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ clientId: 'app-id', clientSecret: 'app-secret' }),
    });
    expect(app.status).toBe(204);
    const { chorus } = setup.instance;
    const [workspace] = await chorus.db.select().from(workspaces);
    await saveConnection(chorus.db, { userId: null, orgId: workspace!.orgId, label: 'test' }, chorus.config.secretKey, workspaceId, page('p1'));
  }, 120_000);
  afterAll(() => setup?.close());

  it('offers the other Pages and connects one with a click', async () => {
    const context = await setup.browser.newContext({ viewport: { width: 1280, height: 860 } });
    const browserPage = await context.newPage();
    await browserPage.goto(`${setup.url}/login`);
    await browserPage.getByLabel('Email').fill(OWNER.email);
    await browserPage.getByLabel('Password').fill(OWNER.password);
    await browserPage.getByRole('button', { name: 'Sign in' }).click();
    await browserPage.waitForURL(/\/w\//);
    await browserPage.goto(`${setup.url}/w/${workspaceId}/settings/profiles`);
    const group = browserPage.getByRole('group', { name: "Other accounts from Acme's sign-in", exact: true });
    await group.getByRole('button', { name: 'Connect Acme Support' }).click();
    await browserPage.getByText('Acme Support connected.').waitFor();
    await browserPage.locator('.profile-row__name', { hasText: 'Acme Support' }).waitFor();
    // Connected Pages are no longer offered; the rest still are.
    await group.getByRole('button', { name: 'Connect Acme Careers' }).waitFor();
    expect(await group.getByRole('button', { name: 'Connect Acme Support' }).count()).toBe(0);
    await context.close();
  });
});
