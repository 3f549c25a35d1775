import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, memberWithRole, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { resetClock, setClock } from '../../src/core/clock.ts';
import { connectFakeProfile, fakeInboxNetwork } from './fake-network.ts';

const MIN = 60_000;

/**
 * Service levels with a frozen clock: a workspace default (first response 60 min, resolution 4 h,
 * warned at 75 %) and a stricter Support target (10 min). Customers wrote 10, 30, 50 and 120
 * minutes before "now".
 */
describe.each(BACKENDS)('inbox service levels (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let supportTeam: string;
  const T0 = new Date(Math.floor(Date.now() / 1000) * 1000);
  const network = fakeInboxNetwork();
  const conv: Record<string, string> = {};
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;
  const list = async (query: string) => (await owner.request('GET', ws(`/inbox?${query}`))).json();
  const names = (page: { conversations: { id: string }[] }) => page.conversations.map((c) => Object.keys(conv).find((k) => conv[k] === c.id));

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([network.connector]) });
    ({ owner, workspaceId } = await setupOwner(t.app));
    setClock(() => T0);
    supportTeam = (await owner.request('POST', ws('/teams'), { name: 'Support' })).json().team.id;
    const profileId = await connectFakeProfile(t, workspaceId, 'acct', 'brand@social.example');
    for (const [name, minutesAgo] of [['fresh', 10], ['support', 30], ['waiting', 50], ['late', 120]] as const) {
      network.says('acct', { id: `m-${name}`, text: `${name} question`, from: name, at: new Date(T0.getTime() - minutesAgo * MIN) });
    }
    await owner.request('POST', ws(`/profiles/${profileId}/sync`));
    for (const c of (await list('')).conversations) conv[c.lastText.split(' ')[0]] = c.id;
    await owner.request('PATCH', ws(`/inbox/${conv.support}`), { assigneeTeamId: supportTeam });
  });
  afterAll(async () => {
    resetClock();
    await t?.close();
  });

  it('sets targets (owners and admins only, checked), and lists them', async () => {
    const analyst = await memberWithRole(t.app, owner, workspaceId, 'analyst');
    expect((await analyst.api.request('PUT', ws('/sla-targets'), { teamId: null, firstResponseMinutes: 60, resolutionMinutes: 240 })).statusCode).toBe(403);
    expect((await owner.request('PUT', ws('/sla-targets'), { teamId: null, firstResponseMinutes: 60, resolutionMinutes: 30 })).statusCode).toBe(422);
    expect((await owner.request('PUT', ws('/sla-targets'), { teamId: '00000000-0000-4000-8000-000000000000', firstResponseMinutes: 5, resolutionMinutes: null })).statusCode).toBe(422);
    // No target yet: no state.
    expect((await list('')).conversations.map((c: { sla: { state: string | null } }) => c.sla.state)).toEqual([null, null, null, null]);
    const set = await owner.request('PUT', ws('/sla-targets'), { teamId: null, firstResponseMinutes: 60, resolutionMinutes: 240, warnPercent: 75 });
    expect(set.statusCode, set.body).toBe(200);
    await owner.request('PUT', ws('/sla-targets'), { teamId: supportTeam, firstResponseMinutes: 10, resolutionMinutes: null, warnPercent: 50 });
    const targets = (await analyst.api.request('GET', ws('/sla-targets'))).json().targets;
    expect(targets.map((x: { teamId: string | null; firstResponseMinutes: number }) => [x.teamId, x.firstResponseMinutes])).toEqual([[null, 60], [supportTeam, 10]]);
    const audit = (await owner.request('GET', ws('/audit?action=sla_target.updated'))).json().events;
    expect(audit).toHaveLength(2);
  });

  it('gives each conversation its due times and state, the team target before the default', async () => {
    const page = await list('');
    const byName = Object.fromEntries(page.conversations.map((c: { id: string; sla: unknown }) => [Object.keys(conv).find((k) => conv[k] === c.id), c.sla]));
    expect(byName.fresh).toEqual({
      firstResponseDueAt: new Date(T0.getTime() + 50 * MIN).toISOString(),
      resolutionDueAt: new Date(T0.getTime() + 230 * MIN).toISOString(),
      state: 'ok',
      firstResponseSeconds: null,
      resolutionSeconds: null,
    });
    expect(byName.waiting.state).toBe('nearing'); // 50 of 60 minutes: past 75 %
    expect(byName.late.state).toBe('breached');
    expect(byName.support).toMatchObject({ state: 'breached', firstResponseDueAt: new Date(T0.getTime() - 20 * MIN).toISOString(), resolutionDueAt: null });
    expect(names(await list('sla=breached')).sort()).toEqual(['late', 'support']);
    expect(names(await list('sla=nearing'))).toEqual(['waiting']);
    // Pulled up: breached (longest waiting first), then nearing, then the rest.
    expect(names(await list('sort=sla'))).toEqual(['late', 'support', 'waiting', 'fresh']);
    const first = await list('sort=sla&limit=3');
    expect(first.nextBefore).toBe('offset:3');
    expect(names(await list(`sort=sla&limit=3&before=${first.nextBefore}`))).toEqual(['fresh']);
    expect((await owner.request('GET', ws('/inbox?sort=sla&before=nonsense'))).statusCode).toBe(422);
    const detail = (await owner.request('GET', ws(`/inbox/${conv.waiting}`))).json();
    expect(detail.conversation.sla.state).toBe('nearing');
  });

  it('measures first response and resolution, and reports them with percentiles', async () => {
    for (const name of ['fresh', 'waiting', 'support']) {
      const replied = await owner.request('POST', ws(`/inbox/${conv[name]}/reply`), { text: `On it, ${name}.` });
      expect(replied.statusCode, replied.body).toBe(201);
    }
    await owner.request('PATCH', ws(`/inbox/${conv.fresh}`), { status: 'closed' });
    const sla = async (name: string) => (await owner.request('GET', ws(`/inbox/${conv[name]}`))).json().conversation.sla;
    expect(await sla('fresh')).toMatchObject({ state: 'met', firstResponseSeconds: 600, resolutionSeconds: 600 });
    expect(await sla('waiting')).toMatchObject({ state: 'ok', firstResponseSeconds: 3000 }); // answered in time, resolution still running
    expect(await sla('support')).toMatchObject({ state: 'breached', firstResponseSeconds: 1800 }); // answered, but late
    const range = `from=${new Date(T0.getTime() - 24 * 60 * MIN).toISOString()}&to=${T0.toISOString()}`;
    const stats = (await owner.request('GET', ws(`/inbox/stats?${range}`))).json();
    expect(stats).toMatchObject({
      conversations: 4,
      responded: 3,
      resolved: 1,
      firstResponseSeconds: { median: 1800, p90: 2760 },
      resolutionSeconds: { median: 600, p90: 600 },
      firstResponseWithinTargetPercent: 50, // fresh and waiting met it; support was late, late is unanswered and past it
      resolutionWithinTargetPercent: 100,
      breachedOpen: 1,
    });
    const team = (await owner.request('GET', ws(`/inbox/stats?${range}&teamId=${supportTeam}`))).json();
    expect(team).toMatchObject({ conversations: 1, firstResponseWithinTargetPercent: 0, resolutionWithinTargetPercent: null });
    expect((await owner.request('GET', ws(`/inbox/stats?from=${T0.toISOString()}&to=${T0.toISOString()}`))).statusCode).toBe(422);
    // Three hours on, the unanswered one has missed its resolution target too, and "waiting" nears it.
    setClock(() => new Date(T0.getTime() + 180 * MIN));
    expect(names(await list('sla=nearing'))).toEqual(['waiting']);
    expect((await owner.request('PUT', ws('/sla-targets'), { teamId: null, firstResponseMinutes: null, resolutionMinutes: null })).json()).toEqual({ target: null });
    expect((await list('sla=breached')).conversations.map((c: { id: string }) => c.id)).toEqual([conv.support]);
  });
});
