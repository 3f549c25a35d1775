import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { client, createTestApp, setupOwner, type Client, type TestApp } from '../helpers/app.ts';
import { connectorsFrom } from '../../src/core/chorus.ts';
import { resetClock, setClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/core/logger.ts';
import type { Connector } from '../../src/connectors/connector.ts';
import { Rejected } from '../../src/connectors/errors.ts';
import { saveConnection } from '../../src/profiles/service.ts';
import { publishVariant } from '../../src/publishing/publisher.ts';
import { posts, postVariants } from '../../src/publishing/schema.ts';
import { nextOccurrence } from '../../src/publishing/repeat.ts';
import { workspaces } from '../../src/workspaces/schema.ts';

let refuseNext = false;
const network = {
  info: { network: 'x', displayName: 'X', apiVersion: '2', auth: 'oauth2', capabilities: ['publish.text'], limits: { text: { maxLength: 280, counting: 'utf16' }, media: { maxCount: 4, mixed: false, altTextMaxLength: 1000 } }, publishIdempotency: 'none' },
  auth: { kind: 'oauth2' },
  needsRefresh: () => false,
  async publish() {
    if (refuseNext) {
      refuseNext = false;
      throw new Rejected('x', 'Temporarily restricted');
    }
    return { posts: [{ id: String(Math.random()) }] };
  },
} as unknown as Connector;

describe('repeat rules', () => {
  it('keeps the wall-clock time across daylight saving and skips occurrences that fell behind', () => {
    const rule = { every: 'week', interval: 1 } as const;
    // 09:00 in Paris on Saturday 21 March 2026 (UTC+1); a week later clocks have moved (UTC+2).
    expect(nextOccurrence(rule, new Date('2026-03-21T08:00:00Z'), 'Europe/Paris', new Date('2026-03-21T09:00:00Z')).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(nextOccurrence(rule, new Date('2026-03-28T08:00:00Z'), 'Europe/Paris', new Date('2026-03-28T09:00:00Z')).toISOString()).toBe('2026-04-04T07:00:00.000Z');
    expect(nextOccurrence({ every: 'day', interval: 2 }, new Date('2026-01-01T10:00:00Z'), 'UTC', new Date('2026-01-06T00:00:00Z')).toISOString()).toBe('2026-01-07T10:00:00.000Z');
    expect(nextOccurrence({ every: 'month', interval: 1 }, new Date('2026-01-31T10:00:00Z'), 'UTC', new Date('2026-01-31T11:00:00Z')).toISOString()).toBe('2026-02-28T10:00:00.000Z');
  });
});

describe.each(BACKENDS)('recurring posts (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  const job = { workerId: 'test', logger: createLogger('silent') };
  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  /** Publishes whatever of the series is due at `when`, as the worker would then. */
  async function publishDue(when: Date) {
    setClock(() => when);
    const due = await t.database.db.select().from(postVariants).where(eq(postVariants.status, 'scheduled'));
    for (const v of due.filter((d) => d.scheduledAt! <= when)) await publishVariant(t.chorus, v.id, v.version, job);
  }

  beforeAll(async () => {
    t = await createTestApp(backend, { connectors: connectorsFrom([network]) });
    const setup = await setupOwner(t.app); // Europe/Paris
    workspaceId = setup.workspaceId;
    // An API token, not the session: the test moves the clock years ahead.
    owner = client(t.app, { bearer: (await setup.owner.request('POST', '/api/v1/me/tokens', { name: 'test' })).json().secret });
    const [workspace] = await t.database.db.select().from(workspaces);
    profileId = (
      await saveConnection(t.database.db, { userId: null, orgId: workspace!.orgId, label: 't' }, t.chorus.config.secretKey, workspaceId, {
        credentials: { network: 'x', accountId: '1', accessToken: 'token' },
        profile: { id: '1', handle: 'acme' },
      })
    ).id;
  });
  afterEach(() => resetClock());
  afterAll(() => t?.close());

  it('schedules each next occurrence once its predecessor settles, and stops at the count', async () => {
    setClock(() => new Date('2031-03-20T12:00:00Z'));
    const created = await owner.request('POST', ws('/posts'), { text: 'Tip of the week', repeat: { every: 'week', interval: 1, count: 3 }, variants: [{ profileId }] });
    expect(created.statusCode, created.body).toBe(201);
    await owner.request('POST', ws(`/posts/${created.json().post.id}/schedule`), { when: { localTime: '2031-03-22T09:00:00' } });
    await publishDue(new Date('2031-03-22T08:00:05Z'));
    refuseNext = true; // the second occurrence fails: the series still goes on
    await publishDue(new Date('2031-03-29T08:00:05Z')); // still winter time: summer time starts on 30 March 2031
    await publishDue(new Date('2031-04-05T07:00:05Z'));
    await publishDue(new Date('2031-04-12T07:00:05Z'));
    const series = await t.database.db
      .select({ occurrence: posts.occurrence, status: postVariants.status, at: postVariants.scheduledAt })
      .from(posts)
      .innerJoin(postVariants, eq(postVariants.postId, posts.id))
      .where(eq(posts.text, 'Tip of the week'))
      .orderBy(asc(posts.occurrence));
    expect(series.map((s) => [s.occurrence, s.status, s.at!.toISOString()])).toEqual([
      [1, 'published', '2031-03-22T08:00:00.000Z'],
      [2, 'failed', '2031-03-29T08:00:00.000Z'],
      [3, 'published', '2031-04-05T07:00:00.000Z'], // still 09:00 in Paris, now in summer time
    ]);
  });
});
