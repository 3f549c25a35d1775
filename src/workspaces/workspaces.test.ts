import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { BACKENDS } from '../../test/helpers/db.ts';
import { client, createTestApp, memberWithRole, sessionCookie, setupOwner, type Client, type TestApp } from '../../test/helpers/app.ts';
import { auditEvents } from './schema.ts';

describe.each(BACKENDS)('workspaces, members, teams and the audit log (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let ownerId: string;
  const auditCount = async () => (await t.database.db.select({ n: count() }).from(auditEvents))[0]!.n;
  const ws = (path = '') => `/api/v1/workspaces/${workspaceId}${path}`;

  beforeAll(async () => {
    t = await createTestApp(backend);
    ({ owner, workspaceId, userId: ownerId } = await setupOwner(t.app));
  });
  afterAll(() => t?.close());

  it('creates the first workspace in the chosen time zone and validates updates', async () => {
    const got = (await owner.request('GET', ws())).json().workspace;
    expect(got).toMatchObject({ timezone: 'Europe/Paris', role: 'owner' });
    const bad = await owner.request('PATCH', ws(), { timezone: 'Mars/Olympus' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.field).toBe('body.timezone');
    const empty = await owner.request('PATCH', ws(), {});
    expect(empty.statusCode).toBe(422);
    const ok = await owner.request('PATCH', ws(), { name: 'Acme Europe', timezone: 'America/New_York' });
    expect(ok.json().workspace).toMatchObject({ name: 'Acme Europe', timezone: 'America/New_York' });
  });

  it('refuses a second workspace with the same name, whatever the case', async () => {
    expect((await owner.request('POST', '/api/v1/workspaces', { name: 'Acme Asia' })).statusCode).toBe(201);
    const clash = await owner.request('POST', '/api/v1/workspaces', { name: 'ACME ASIA' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error).toMatchObject({ code: 'workspace_name_taken', field: 'name' });
  });

  it('invites a new person: an invitation link that works once', async () => {
    const added = await owner.request('POST', ws('/members'), { email: 'Pat@Example.com', name: 'Pat', role: 'publisher' });
    expect(added.statusCode).toBe(201);
    const url: string = added.json().invitationUrl;
    expect(url).toMatch(/\/invite\/[\w-]{20,}$/);
    const token = url.split('/invite/')[1];
    const members = (await owner.request('GET', ws('/members'))).json().members;
    expect(members.find((m: { email: string }) => m.email === 'pat@example.com')).toMatchObject({ role: 'publisher', pendingInvitation: true });
    // Cannot sign in before accepting.
    const early = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'pat@example.com', password: 'pat password 1' } });
    expect(early.statusCode).toBe(401);
    const accepted = await t.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: 'pat password 1' } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().workspaces).toHaveLength(1);
    expect(accepted.json().workspaces[0]).toMatchObject({ id: workspaceId, role: 'publisher' });
    expect(accepted.json().workspaces[0].permissions).toContain('posts.schedule');
    expect(accepted.json().workspaces[0].permissions).not.toContain('members.manage');
    const reused = await t.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: 'other password 1' } });
    expect(reused.statusCode).toBe(410);
    expect(reused.json().error.code).toBe('invitation_invalid');
    const session = client(t.app, { cookie: sessionCookie(accepted) });
    expect((await session.request('GET', '/api/v1/auth/session')).json().user.name).toBe('Pat');
  });

  it('renews a lost invitation: the new link works, the old one no longer does', async () => {
    const added = await owner.request('POST', ws('/members'), { email: 'robin@example.com', role: 'analyst' });
    const userId: string = added.json().member.userId;
    const lost = String(added.json().invitationUrl).split('/invite/')[1];
    const renewed = await owner.request('POST', ws(`/members/${userId}/invitation`));
    expect(renewed.statusCode).toBe(200);
    const fresh = String(renewed.json().invitationUrl).split('/invite/')[1];
    expect(fresh).not.toBe(lost);
    const accept = (token: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, password: 'robin password 1' } });
    expect((await accept(lost!)).statusCode).toBe(410);
    expect((await accept(fresh!)).statusCode).toBe(200);
    const again = await owner.request('POST', ws(`/members/${userId}/invitation`));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_joined');
    const audit = (await owner.request('GET', ws('/audit?action=member.invitation_renewed'))).json();
    expect(JSON.stringify(audit)).toContain('robin@example.com');
  });

  it('adds an existing colleague without a new invitation, and refuses duplicates', async () => {
    const other = await owner.request('POST', '/api/v1/workspaces', { name: 'Acme Latam' });
    const otherId = other.json().workspace.id;
    const first = await owner.request('POST', `/api/v1/workspaces/${otherId}/members`, { email: 'pat@example.com', role: 'analyst' });
    expect(first.statusCode).toBe(201);
    expect(first.json().invitationUrl).toBeNull();
    const before = await auditCount();
    const again = await owner.request('POST', `/api/v1/workspaces/${otherId}/members`, { email: 'PAT@example.com', role: 'admin' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_member');
    expect(await auditCount()).toBe(before); // a refused write leaves no trace in the log
  });

  it('changes roles with before/after in the audit log, and always keeps an owner', async () => {
    const member = await memberWithRole(t.app, owner, workspaceId, 'contributor');
    const changed = await owner.request('PATCH', ws(`/members/${member.userId}`), { role: 'approver' });
    expect(changed.statusCode).toBe(200);
    const log = (await owner.request('GET', ws('/audit?action=member.role_changed'))).json().events;
    expect(log[0]).toMatchObject({
      action: 'member.role_changed',
      targetId: member.userId,
      before: { role: 'contributor' },
      after: { role: 'approver' },
      actorLabel: 'owner@example.com',
      actorUserId: ownerId,
    });
    const lastOwner = await owner.request('PATCH', ws(`/members/${ownerId}`), { role: 'analyst' });
    expect(lastOwner.statusCode).toBe(409);
    expect(lastOwner.json().error.code).toBe('last_owner');
    expect((await owner.request('DELETE', ws(`/members/${ownerId}`))).json().error.code).toBe('last_owner');
    expect((await owner.request('DELETE', ws(`/members/${member.userId}`))).statusCode).toBe(204);
    expect((await member.api.request('GET', ws())).statusCode).toBe(404);
    expect((await owner.request('DELETE', ws(`/members/${member.userId}`))).statusCode).toBe(404);
  });

  it('manages teams and their members', async () => {
    const agent = await memberWithRole(t.app, owner, workspaceId, 'publisher');
    const created = await owner.request('POST', ws('/teams'), { name: 'Support', description: 'Customer care' });
    expect(created.statusCode).toBe(201);
    const teamId = created.json().team.id;
    expect((await owner.request('POST', ws('/teams'), { name: 'support' })).json().error.code).toBe('team_name_taken');
    expect((await owner.request('PUT', ws(`/teams/${teamId}/members/${agent.userId}`))).statusCode).toBe(204);
    expect((await owner.request('PUT', ws(`/teams/${teamId}/members/${agent.userId}`))).statusCode).toBe(204); // idempotent
    const outsider = '00000000-0000-4000-8000-000000000001';
    expect((await owner.request('PUT', ws(`/teams/${teamId}/members/${outsider}`))).json().error.code).toBe('member_not_found');
    const teams = (await agent.api.request('GET', ws('/teams'))).json().teams;
    expect(teams).toEqual([expect.objectContaining({ name: 'Support', members: [expect.objectContaining({ userId: agent.userId })] })]);
    const members = (await owner.request('GET', ws('/members'))).json().members;
    expect(members.find((m: { userId: string }) => m.userId === agent.userId).teams).toEqual([{ id: teamId, name: 'Support' }]);
    expect((await owner.request('PATCH', ws(`/teams/${teamId}`), { name: 'Customer Support' })).json().team.name).toBe('Customer Support');
    expect((await owner.request('DELETE', ws(`/teams/${teamId}/members/${agent.userId}`))).statusCode).toBe(204);
    expect((await owner.request('DELETE', ws(`/teams/${teamId}`))).statusCode).toBe(204);
    expect((await owner.request('GET', ws('/teams'))).json().teams).toEqual([]);
    const actions = (await owner.request('GET', ws('/audit?targetType=team&limit=200'))).json().events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['team.deleted', 'team.member_removed', 'team.updated', 'team.member_added', 'team.created']);
  });

  it('filters and pages the audit log; the organisation log has sign-ins', async () => {
    const page1 = (await owner.request('GET', ws('/audit?limit=3'))).json();
    expect(page1.events).toHaveLength(3);
    expect(page1.nextBefore).toBeTypeOf('number');
    const page2 = (await owner.request('GET', ws(`/audit?limit=3&before=${page1.nextBefore}`))).json();
    expect(page2.events[0].id).toBeLessThan(page1.events[2].id);
    const mine = (await owner.request('GET', ws(`/audit?actorUserId=${ownerId}&limit=200`))).json().events;
    expect(mine.every((e: { actorUserId: string }) => e.actorUserId === ownerId)).toBe(true);
    const future = (await owner.request('GET', ws(`/audit?from=${new Date(Date.now() + 3600_000).toISOString()}`))).json().events;
    expect(future).toEqual([]);
    const org = (await owner.request('GET', '/api/v1/audit?scope=organization&limit=200')).json().events;
    expect(org.map((e: { action: string }) => e.action)).toContain('user.invitation_accepted');
    expect(org.every((e: { workspaceId: string | null }) => e.workspaceId === null)).toBe(true);
    expect((await owner.request('GET', ws('/audit?from=not-a-date'))).statusCode).toBe(422);
  });
});
