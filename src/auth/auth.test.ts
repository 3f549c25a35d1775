import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../../test/helpers/db.ts';
import { client, createTestApp, OWNER, sessionCookie, setupOwner, type Client, type TestApp } from '../../test/helpers/app.ts';
import { resetClock, setClock } from '../core/clock.ts';
import { apiTokens, sessions, users } from './schema.ts';
import { auditEvents } from '../workspaces/schema.ts';
import { LOGIN_LIMITS } from './sessions.ts';

describe.each(BACKENDS)('authentication (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;

  const login = (email: string, password: string, ip = '10.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip });

  beforeAll(async () => {
    t = await createTestApp(backend);
    expect((await t.app.inject({ url: '/api/v1/setup' })).json()).toEqual({ needsSetup: true });
    ({ owner } = await setupOwner(t.app));
  });
  afterAll(() => t?.close());
  afterEach(() => resetClock());

  it('runs first-run setup once, and stores the password as argon2id', async () => {
    expect((await t.app.inject({ url: '/api/v1/setup' })).json()).toEqual({ needsSetup: false });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { organizationName: 'Evil', name: 'Eve', email: 'eve@example.com', password: 'eve password 1' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_set_up');
    const all = await t.database.db.select().from(users);
    expect(all).toHaveLength(1);
    expect(all[0]!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(all[0]!.passwordHash).not.toContain(OWNER.password);
  });

  it('signs in with a secure, HTTP-only session cookie and reports the session', async () => {
    const response = await login(OWNER.email.toUpperCase(), OWNER.password);
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'chorus_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.path).toBe('/');
    const session = await client(t.app, { cookie: sessionCookie(response) }).request('GET', '/api/v1/auth/session');
    expect(session.json().user.email).toBe(OWNER.email);
    expect(session.json().csrfToken).toBe(response.json().csrfToken);
    expect(session.json().user).not.toHaveProperty('passwordHash');
  });

  it('refuses a wrong password with a clear error and records the attempt', async () => {
    const response = await login(OWNER.email, 'wrong password', '10.0.0.2');
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toMatchObject({ code: 'invalid_credentials' });
    const failed = await t.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.login_failed'));
    expect(failed.length).toBeGreaterThan(0);
    expect((await login('nobody@example.com', 'whatever pass', '10.0.0.2')).statusCode).toBe(401);
  });

  it('throttles repeated failures per email, then lets the user in after the window', async () => {
    const start = new Date(Date.now() + 24 * 3600 * 1000);
    setClock(() => start);
    const email = 'throttle@example.com';
    await owner.request('POST', `/api/v1/workspaces/${(await owner.request('GET', '/api/v1/workspaces')).json().workspaces[0].id}/members`, {
      email,
      role: 'analyst',
    });
    for (let i = 0; i < LOGIN_LIMITS.perEmail; i++) expect((await login(email, `wrong ${i} password`, `10.1.0.${i}`)).statusCode).toBe(401);
    const blocked = await login(email, 'wrong again pass', '10.1.0.99');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(LOGIN_LIMITS.windowSeconds);
    // The owner, from another address, is not affected by someone else's failures.
    expect((await login(OWNER.email, OWNER.password, '10.9.9.9')).statusCode).toBe(200);
    setClock(() => new Date(start.getTime() + (LOGIN_LIMITS.windowSeconds + 1) * 1000));
    expect((await login(email, 'wrong later pass', '10.1.0.100')).statusCode).toBe(401);
  });

  it('throttles one address trying many accounts', async () => {
    setClock(() => new Date(Date.now() + 2 * 24 * 3600 * 1000));
    for (let i = 0; i < LOGIN_LIMITS.perIp; i++) await login(`spray${i}@example.com`, 'spray password', '10.66.0.1');
    expect((await login(OWNER.email, OWNER.password, '10.66.0.1')).statusCode).toBe(429);
  });

  it('requires the CSRF header for cookie-authenticated writes and changes nothing without it', async () => {
    const workspaceId = (await owner.request('GET', '/api/v1/workspaces')).json().workspaces[0].id;
    const noCsrf = client(t.app, { cookie: owner.cookie });
    const response = await noCsrf.request('POST', '/api/v1/workspaces', { name: 'Sneaky' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('csrf_failed');
    const forged = client(t.app, { cookie: owner.cookie, csrfToken: 'not-the-token' });
    expect((await forged.request('PATCH', `/api/v1/workspaces/${workspaceId}`, { name: 'Forged' })).statusCode).toBe(403);
    const names = (await owner.request('GET', '/api/v1/workspaces')).json().workspaces.map((w: { name: string }) => w.name);
    expect(names).not.toContain('Sneaky');
    expect(names).not.toContain('Forged');
  });

  it('expires sessions and says so', async () => {
    const response = await login(OWNER.email, OWNER.password, '10.0.0.3');
    const session = client(t.app, { cookie: sessionCookie(response) });
    setClock(() => new Date(Date.now() + (t.chorus.config.sessionTtlHours + 1) * 3600 * 1000));
    const expired = await session.request('GET', '/api/v1/auth/session');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('session_expired');
    resetClock();
    expect((await session.request('GET', '/api/v1/auth/session')).json().error.code).toBe('session_invalid');
  });

  it('signs out: the session no longer works', async () => {
    const response = await login(OWNER.email, OWNER.password, '10.0.0.4');
    const session = client(t.app, { cookie: sessionCookie(response), csrfToken: response.json().csrfToken });
    expect((await session.request('POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await session.request('GET', '/api/v1/auth/session')).statusCode).toBe(401);
  });

  it('issues API tokens shown once, stored hashed, usable as Bearer, revocable', async () => {
    const created = await owner.request('POST', '/api/v1/me/tokens', { name: 'BI export' });
    expect(created.statusCode).toBe(201);
    const secret: string = created.json().secret;
    expect(secret).toMatch(/^chorus_pat_/);
    const stored = await t.database.db.select().from(apiTokens).where(eq(apiTokens.id, created.json().token.id));
    expect(stored[0]!.tokenHash).not.toContain(secret);
    expect(JSON.stringify(stored)).not.toContain(secret);
    const listed = (await owner.request('GET', '/api/v1/me/tokens')).json().tokens;
    expect(JSON.stringify(listed)).not.toContain(secret);
    const api = client(t.app, { bearer: secret });
    expect((await api.request('GET', '/api/v1/workspaces')).statusCode).toBe(200);
    // Bearer calls need no CSRF header: no browser sends them on its own.
    expect((await api.request('POST', '/api/v1/me/tokens', { name: 'second' })).statusCode).toBe(201);
    expect((await owner.request('DELETE', `/api/v1/me/tokens/${created.json().token.id}`)).statusCode).toBe(204);
    const revoked = await api.request('GET', '/api/v1/workspaces');
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.code).toBe('token_invalid');
    expect((await client(t.app, { bearer: 'chorus_pat_made_up' }).request('GET', '/api/v1/workspaces')).statusCode).toBe(401);
  });

  it('changes a password: old one stops working, other sessions end', async () => {
    const other = await login(OWNER.email, OWNER.password, '10.0.0.5');
    const otherSession = client(t.app, { cookie: sessionCookie(other) });
    const wrong = await owner.request('POST', '/api/v1/me/password', { currentPassword: 'nope', newPassword: 'a brand new password' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.field).toBe('currentPassword');
    const tooShort = await owner.request('POST', '/api/v1/me/password', { currentPassword: OWNER.password, newPassword: 'short' });
    expect(tooShort.statusCode).toBe(422);
    expect(tooShort.json().error.field).toBe('body.newPassword');
    const ok = await owner.request('POST', '/api/v1/me/password', { currentPassword: OWNER.password, newPassword: 'a brand new password' });
    expect(ok.statusCode).toBe(204);
    expect((await otherSession.request('GET', '/api/v1/auth/session')).statusCode).toBe(401);
    expect((await owner.request('GET', '/api/v1/auth/session')).statusCode).toBe(200);
    expect((await login(OWNER.email, OWNER.password, '10.0.0.6')).statusCode).toBe(401);
    expect((await login(OWNER.email, 'a brand new password', '10.0.0.6')).statusCode).toBe(200);
    const sessionsLeft = await t.database.db.select().from(sessions);
    expect(sessionsLeft.length).toBeGreaterThan(0);
  });

  it('never writes passwords, tokens or cookies to the logs', async () => {
    const joined = t.logLines.join('\n');
    expect(t.logLines.length).toBeGreaterThan(0);
    expect(joined).not.toContain(OWNER.password);
    expect(joined).not.toContain('a brand new password');
    expect(joined).not.toContain('chorus_pat_');
    expect(joined).not.toMatch(/chorus_session=[\w-]{20,}/);
  });
});
