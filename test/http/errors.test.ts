import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { auditEvents, workspaces } from '../../src/workspaces/schema.ts';

describe.each(BACKENDS)('bad input gets a clear error and changes nothing (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let headers: Record<string, string>;
  const snapshot = async () => ({
    audit: (await t.database.db.select({ n: count() }).from(auditEvents))[0]!.n,
    workspaces: (await t.database.db.select({ n: count() }).from(workspaces))[0]!.n,
  });

  beforeAll(async () => {
    t = await createTestApp(backend);
    ({ owner, workspaceId } = await setupOwner(t.app));
    headers = { cookie: owner.cookie!, 'x-csrf-token': owner.csrfToken!, 'content-type': 'application/json' };
  });
  afterAll(() => t?.close());

  it('answers malformed JSON with 400 invalid_json', async () => {
    const before = await snapshot();
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/workspaces', headers, payload: '{"name": "Oops",' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_json', message: expect.any(String), requestId: expect.any(String) });
    expect(await snapshot()).toEqual(before);
  });

  it('answers an oversized body with 413', async () => {
    const before = await snapshot();
    const huge = JSON.stringify({ name: 'x'.repeat(t.chorus.config.bodyLimitBytes + 10) });
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/workspaces', headers, payload: huge });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
    expect(await snapshot()).toEqual(before);
  });

  it('answers a body that is not JSON with 415', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/workspaces',
      headers: { ...headers, 'content-type': 'text/plain' },
      payload: 'name=Oops',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
  });

  it('names every field at fault with 422', async () => {
    const before = await snapshot();
    const response = await owner.request('POST', '/api/v1/workspaces', { name: '', timezone: 42 });
    expect(response.statusCode).toBe(422);
    const error = response.json().error;
    expect(error.code).toBe('validation_failed');
    expect(error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.name', 'body.timezone']);
    expect(await snapshot()).toEqual(before);
  });

  it('answers unknown workspaces, malformed ids and unknown routes with 404', async () => {
    const unknown = await owner.request('GET', '/api/v1/workspaces/00000000-0000-4000-8000-00000000abcd/members');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('workspace_not_found');
    const malformed = await owner.request('GET', '/api/v1/workspaces/not-a-uuid/members');
    expect(malformed.statusCode).toBe(404);
    expect(malformed.json().error.code).toBe('workspace_not_found');
    const route = await owner.request('GET', '/api/v1/nothing-here');
    expect(route.statusCode).toBe(404);
    expect(route.json().error.code).toBe('route_not_found');
    const member = await owner.request('PATCH', `/api/v1/workspaces/${workspaceId}/members/not-a-uuid`, { role: 'admin' });
    expect(member.statusCode).toBe(422);
    expect(member.json().error.field).toBe('params.userId');
  });

  it('serves the OpenAPI document with the v1 routes', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/workspaces/{workspaceId}/members']));
    expect(doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['email', 'password']),
    );
    expect((await t.app.inject({ url: '/api/docs' })).statusCode).toBeLessThan(400);
  });

  it('sets protective headers and a request id on every answer', async () => {
    const response = await t.app.inject({ url: '/api/v1/health' });
    expect(response.json()).toEqual({ status: 'ok', database: backend });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-request-id']).toBeTruthy();
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('serves the web app under a content security policy that allows no foreign scripts', async () => {
    const response = await t.app.inject({ url: '/w/some-workspace/publish' });
    expect(response.statusCode).toBe(200);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });
});
