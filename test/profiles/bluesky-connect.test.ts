import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, memberWithRole, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { startAtprotoNetwork, type LocalAtprotoNetwork, type TestAccount } from '../connectors/atproto-network.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { createBlueskyConnector } from '../../src/connectors/bluesky/connector.ts';
import { socialProfiles } from '../../src/profiles/schema.ts';
import { openCredentials } from '../../src/profiles/credentials.ts';
import { auditEvents } from '../../src/workspaces/schema.ts';

let net: LocalAtprotoNetwork;
let alice: TestAccount;
let htmlServer: Server;
let htmlUrl: string;

beforeAll(async () => {
  net = await startAtprotoNetwork('profiles');
  alice = await net.createAccount('alice');
  htmlServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to my blog</body></html>'));
  await new Promise<void>((resolve) => htmlServer.listen(0, '127.0.0.1', resolve));
  htmlUrl = `http://127.0.0.1:${(htmlServer.address() as { port: number }).port}`;
}, 180_000);
afterAll(async () => {
  htmlServer?.close();
  await net?.close();
});

describe.each(BACKENDS)('connecting a Bluesky account (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  const connect = (body: Record<string, string>, as: Client = owner) =>
    as.request('POST', `/api/v1/workspaces/${workspaceId}/profiles/app-password`, { network: 'bluesky', serviceUrl: net.pdsUrl, ...body });
  const profileCount = async () => (await t.database.db.select().from(socialProfiles)).length;

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([createBlueskyConnector()]) });
    ({ owner, workspaceId } = await setupOwner(t.app));
  });
  afterAll(() => t?.close());

  it('refuses a wrong app password with a clear error and saves nothing', async () => {
    const response = await connect({ identifier: alice.handle, password: 'wrong-wrong-wrong' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('invalid_credentials');
    expect(await profileCount()).toBe(0);
  });

  it('refuses a server that is not a PDS', async () => {
    const response = await connect({ identifier: alice.handle, password: alice.appPassword, serviceUrl: htmlUrl });
    expect([422, 502]).toContain(response.statusCode);
    expect(['wrong_service', 'invalid_response']).toContain(response.json().error.code);
    expect(response.json().error.message).toMatch(/\S{10,}/);
    expect(await profileCount()).toBe(0);
  });

  it('connects with an app password, keeping the credentials sealed', async () => {
    const response = await connect({ identifier: alice.handle, password: alice.appPassword });
    expect(response.statusCode).toBe(201);
    const profile = response.json().profile;
    expect(profile).toMatchObject({ network: 'bluesky', accountId: alice.did, handle: alice.handle, status: 'active', serviceUrl: net.pdsUrl });
    expect(profile).not.toHaveProperty('credentialsSealed');
    const [row] = await t.database.db.select().from(socialProfiles).where(eq(socialProfiles.id, profile.id));
    expect(row!.credentialsSealed).toMatch(/^v1\./);
    expect(row!.credentialsSealed).not.toContain(alice.appPassword);
    const credentials = openCredentials(row!.credentialsSealed, t.chorus.config.secretKey);
    expect(credentials.accessToken.length).toBeGreaterThan(20);
    expect(row!.credentialsSealed).not.toContain(credentials.accessToken);
    const listed = (await owner.request('GET', `/api/v1/workspaces/${workspaceId}/profiles`)).json().profiles;
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(credentials.accessToken);
  });

  it('reconnecting the same account updates it in place', async () => {
    const before = (await owner.request('GET', `/api/v1/workspaces/${workspaceId}/profiles`)).json().profiles[0];
    const response = await connect({ identifier: alice.handle, password: alice.appPassword });
    expect(response.json().profile.id).toBe(before.id);
    expect(await profileCount()).toBe(1);
    const actions = (await t.database.db.select().from(auditEvents).where(eq(auditEvents.targetId, before.id))).map((e) => e.action);
    expect(actions.sort()).toEqual(['profile.connected', 'profile.reconnected']);
  });

  it('checks a profile against the network, and disconnects it', async () => {
    const [profile] = (await owner.request('GET', `/api/v1/workspaces/${workspaceId}/profiles`)).json().profiles;
    const checked = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/profiles/${profile.id}/check`);
    expect(checked.statusCode).toBe(200);
    expect(checked.json().profile).toMatchObject({ status: 'active', handle: alice.handle });
    const publisher = await memberWithRole(t.app, owner, workspaceId, 'publisher');
    expect((await connect({ identifier: alice.handle, password: alice.appPassword }, publisher.api)).statusCode).toBe(403);
    expect((await publisher.api.request('DELETE', `/api/v1/workspaces/${workspaceId}/profiles/${profile.id}`)).statusCode).toBe(403);
    expect((await owner.request('DELETE', `/api/v1/workspaces/${workspaceId}/profiles/${profile.id}`)).statusCode).toBe(204);
    // Gone from the list and its credentials wiped, but the row stays for the posts it published.
    expect((await owner.request('GET', `/api/v1/workspaces/${workspaceId}/profiles`)).json().profiles).toEqual([]);
    const [row] = await t.database.db.select().from(socialProfiles).where(eq(socialProfiles.id, profile.id));
    expect(row!.status).toBe('disconnected');
    expect(openCredentials(row!.credentialsSealed, t.chorus.config.secretKey).accessToken).toBe('');
    expect((await owner.request('DELETE', `/api/v1/workspaces/${workspaceId}/profiles/${profile.id}`)).statusCode).toBe(404);
    // Connecting the same account again brings the same profile back.
    const again = await connect({ identifier: alice.handle, password: alice.appPassword });
    expect(again.json().profile).toMatchObject({ id: profile.id, status: 'active' });
    expect(await profileCount()).toBe(1);
  });
});
