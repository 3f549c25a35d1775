import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { resetClock, setClock } from '../../src/core/clock.ts';
import type { Connector } from '../../src/connectors/connector.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { posts } from '../../src/publishing/schema.ts';
import { workspaces } from '../../src/workspaces/schema.ts';

const network = (name: string, maxLength: number) =>
  ({
    info: { network: name, displayName: name, apiVersion: '1', auth: 'oauth2', capabilities: ['publish.text'], limits: { text: { maxLength, counting: 'graphemes' }, media: { maxCount: 4, mixed: false, altTextMaxLength: 1000 } }, publishIdempotency: 'none' },
    auth: { kind: 'oauth2' },
    needsRefresh: () => false,
  }) as unknown as Connector;

describe.each(BACKENDS)('queue and CSV bulk scheduling (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  const profiles: Record<string, string> = {};
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;
  const postCount = async () => (await t.database.db.select({ n: count() }).from(posts))[0]!.n;

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([network('x', 280), network('bluesky', 300)]) });
    ({ owner, workspaceId } = await setupOwner(t.app)); // Europe/Paris
    const [workspace] = await t.database.db.select().from(workspaces);
    for (const [net, handle] of [['x', 'acme'], ['bluesky', 'acme.bsky.social']] as const) {
      const p = await saveConnection(t.database.db, { userId: null, orgId: workspace!.orgId, label: 't' }, t.chorus.config.secretKey, workspaceId, {
        credentials: { network: net, accountId: handle, accessToken: 'token' },
        profile: { id: handle, handle },
      });
      profiles[net] = p.id;
    }
  });
  afterAll(() => t?.close());
  afterEach(() => resetClock());

  it('fills each profile\'s next free slot, in the workspace zone, across a DST change', async () => {
    // Saturday 28 March 2026, 12:00 in Paris; clocks go forward that night.
    setClock(() => new Date('2026-03-28T11:00:00Z'));
    await owner.request('PUT', ws(`/profiles/${profiles.x}/slots`), { slots: [{ weekday: 6, time: '09:00' }, { weekday: 7, time: '09:00' }, { weekday: 7, time: '02:30' }] });
    await owner.request('PUT', ws(`/profiles/${profiles.bluesky}/slots`), { slots: [{ weekday: 1, time: '18:00' }] });
    const slots = await owner.request('GET', ws(`/profiles/${profiles.x}/slots`));
    expect(slots.json().slots, slots.body).toHaveLength(3);
    const times: Record<string, string>[] = [];
    for (let i = 0; i < 2; i++) {
      const created = await owner.request('POST', ws('/posts'), { text: `Queued ${i}`, variants: [{ profileId: profiles.x }, { profileId: profiles.bluesky }] });
      const queued = await owner.request('POST', ws(`/posts/${created.json().post.id}/queue`), {});
      expect(queued.statusCode, queued.body).toBe(200);
      times.push(Object.fromEntries(queued.json().variants.map((v: { network: string; scheduledAt: string }) => [v.network, v.scheduledAt])));
    }
    // Saturday 09:00 has passed; Sunday 02:30 does not exist (DST); Sunday 09:00 is now CEST (UTC+2).
    expect(times[0]).toEqual({ x: '2026-03-29T07:00:00.000Z', bluesky: '2026-03-30T16:00:00.000Z' });
    // The next ones take the following free slots: Saturday 4 April 09:00 CEST, Monday 6 April 18:00.
    expect(times[1]).toEqual({ x: '2026-04-04T07:00:00.000Z', bluesky: '2026-04-06T16:00:00.000Z' });
    const none = await owner.request('PUT', ws(`/profiles/${profiles.x}/slots`), { slots: [] });
    expect(none.statusCode).toBe(200);
    const created = await owner.request('POST', ws('/posts'), { text: 'No slot', variants: [{ profileId: profiles.x }] });
    const full = await owner.request('POST', ws(`/posts/${created.json().post.id}/queue`), {});
    expect(full.statusCode).toBe(409);
    expect(full.json().error.code).toBe('queue_full');
    expect((await owner.request('PUT', ws(`/profiles/${profiles.x}/slots`), { slots: [{ weekday: 8, time: '25:00' }] })).statusCode).toBe(422);
  });

  const csv = (rows: string[]) => ['profile,text,when,campaign,tags', ...rows].join('\n');

  it('checks every row first and imports nothing when one is wrong', async () => {
    await owner.request('POST', ws('/campaigns'), { name: 'Launch' });
    const before = await postCount();
    const file = csv([
      'acme,"Hello, world",2031-05-01 09:00,Launch,news;product',
      '@acme.bsky.social,' + 'y'.repeat(301) + ',2031-05-01 10:00,,',
      'nobody,Hi,2031-05-01 11:00,,',
      'acme,Past,2020-01-01 09:00,,',
      'acme,Bad time,tomorrow-ish,,',
      'acme,No such campaign,2031-05-02 09:00,Nope,',
    ]);
    const refused = await owner.request('POST', ws('/posts/import'), { csv: file });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('csv_rows_invalid');
    const rows = refused.json().error.report.rows;
    expect(rows.map((r: { line: number; ok: boolean }) => [r.line, r.ok])).toEqual([[2, true], [3, false], [4, false], [5, false], [6, false], [7, false]]);
    expect(rows[1].errors[0].column).toBe('text');
    expect(rows[2].errors[0]).toMatchObject({ column: 'profile' });
    expect(rows[3].errors[0].message).toContain('has passed');
    expect(rows[4].errors[0]).toMatchObject({ column: 'when' });
    expect(rows[5].errors[0]).toMatchObject({ column: 'campaign' });
    expect(await postCount()).toBe(before);
    const dry = await owner.request('POST', ws('/posts/import'), { csv: file, mode: 'valid_rows', dryRun: true });
    expect(dry.json()).toMatchObject({ imported: 0, invalid: 5 });
    expect(await postCount()).toBe(before);
    const partial = await owner.request('POST', ws('/posts/import'), { csv: file, mode: 'valid_rows' });
    expect(partial.statusCode).toBe(200);
    expect(partial.json()).toMatchObject({ imported: 1, invalid: 5 });
    const postId = partial.json().rows[0].postId;
    const post = (await owner.request('GET', ws(`/posts/${postId}`))).json();
    expect(post.post).toMatchObject({ text: 'Hello, world', tags: ['news', 'product'] });
    expect(post.variants[0]).toMatchObject({ status: 'scheduled', scheduledAt: '2031-05-01T07:00:00.000Z' });
  });

  it('refuses files that are not usable CSV with a clear error', async () => {
    const bad = await owner.request('POST', ws('/posts/import'), { csv: 'profile,text,when\n"unterminated,x,y' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('csv_invalid');
    const columns = await owner.request('POST', ws('/posts/import'), { csv: 'who,what\nacme,hi' });
    expect(columns.json().error).toMatchObject({ code: 'csv_columns' });
    expect(columns.json().error.message).toContain('profile, text, when');
  });
});
