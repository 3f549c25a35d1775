import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/db.ts';
import { client, createTestApp, memberWithRole, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { isPermission } from '../../src/http/access.ts';
import { roleCan, WORKSPACE_ROLES, type Permission, type WorkspaceRole } from '../../src/workspaces/roles.ts';

const SOME_UUID = '00000000-0000-4000-8000-000000000000';

/** Fills route parameters: the real workspace, and a made-up id for everything else. */
const urlFor = (url: string, workspaceId: string) =>
  url.replace(':workspaceId', workspaceId).replace(/:[a-zA-Z]+/g, SOME_UUID);

describe.each(BACKENDS)('every route × every role (%s)', (backend) => {
  let t: TestApp;
  let workspaceId: string;
  let owner: Client;
  const byRole = new Map<WorkspaceRole, Client>();
  let orgMember: Client;

  beforeAll(async () => {
    t = await createTestApp(backend);
    ({ owner, workspaceId } = await setupOwner(t.app));
    for (const role of WORKSPACE_ROLES) {
      byRole.set(role, (await memberWithRole(t.app, owner, workspaceId, role)).api);
    }
    orgMember = byRole.get('analyst')!;
  });
  afterAll(() => t?.close());

  it('declares an access rule on every API route', () => {
    expect(t.app.apiRoutes.length).toBeGreaterThan(20);
    for (const route of t.app.apiRoutes) expect(route.access, `${route.method} ${route.url}`).toBeTruthy();
  });

  it('answers 401 to anonymous callers on every non-public route', async () => {
    for (const route of t.app.apiRoutes.filter((r) => r.access !== 'public')) {
      const response = await client(t.app).request(route.method, urlFor(route.url, workspaceId), route.method === 'GET' ? undefined : {});
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('allows or forbids each workspace route exactly as the role table says', async () => {
    const workspaceRoutes = t.app.apiRoutes.filter((r) => isPermission(r.access as Permission));
    expect(workspaceRoutes.length).toBeGreaterThan(10);
    for (const route of workspaceRoutes) {
      for (const role of WORKSPACE_ROLES) {
        const response = await byRole.get(role)!.request(route.method, urlFor(route.url, workspaceId), route.method === 'GET' ? undefined : {});
        const label = `${role} ${route.method} ${route.url} -> ${response.statusCode} ${response.body.slice(0, 120)}`;
        if (roleCan(role, route.access as Permission)) {
          expect([401, 403], label).not.toContain(response.statusCode);
          expect(response.statusCode, label).toBeLessThan(500);
        } else {
          expect(response.statusCode, label).toBe(403);
          expect(response.json().error.code, label).toBe('forbidden');
        }
      }
    }
  });

  it('lets organisation admins through org-admin routes and refuses members', async () => {
    for (const route of t.app.apiRoutes.filter((r) => r.access === 'org-admin')) {
      const url = urlFor(route.url, workspaceId);
      const body = route.method === 'GET' ? undefined : {};
      expect((await orgMember.request(route.method, url, body)).statusCode, url).toBe(403);
      expect([401, 403], url).not.toContain((await owner.request(route.method, url, body)).statusCode);
    }
  });

  it('lets any signed-in user through signed-in routes', async () => {
    for (const route of t.app.apiRoutes.filter((r) => r.access === 'signed-in')) {
      if (route.url.endsWith('/logout')) continue; // would end the session other checks use
      const response = await orgMember.request(route.method, urlFor(route.url, workspaceId), route.method === 'GET' ? undefined : {});
      expect([401, 403], `${route.method} ${route.url}`).not.toContain(response.statusCode);
    }
  });

  it('hides workspaces from people who are not their members', async () => {
    const other = await owner.request('POST', '/api/v1/workspaces', { name: 'Second brand' });
    expect(other.statusCode).toBe(201);
    const otherId = other.json().workspace.id;
    for (const role of WORKSPACE_ROLES) {
      const response = await byRole.get(role)!.request('GET', `/api/v1/workspaces/${otherId}/members`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('workspace_not_found');
    }
    const listed = await byRole.get('publisher')!.request('GET', '/api/v1/workspaces');
    expect(listed.json().workspaces.map((w: { id: string }) => w.id)).toEqual([workspaceId]);
  });
});
