import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { BACKENDS } from '../helpers/db.ts';
import { memberWithRole, type Client, type TestApp } from '../helpers/app.ts';
import { createLogger } from '../../src/core/logger.ts';
import { publishVariant } from '../../src/publishing/publisher.ts';
import { postVariants, publishAttempts } from '../../src/publishing/schema.ts';
import { approvalsWorld } from './fixture.ts';
import type { Connector } from '../../src/connectors/connector.ts';
import { Transient } from '../../src/connectors/errors.ts';

const bannedRule = {
  name: 'No refund promises',
  description: 'Refunds are decided by support, case by case.',
  effect: 'block',
  config: { kind: 'banned_terms', terms: ['refund', 'money back'] },
};

describe.each(BACKENDS)('compliance rules over the API (%s)', (backend) => {
  let t: TestApp;
  let owner: Client;
  let workspaceId: string;
  let profileId: string;
  let network: Awaited<ReturnType<typeof approvalsWorld>>['network'];
  const url = () => `/api/v1/workspaces/${workspaceId}`;

  beforeAll(async () => {
    ({ t, owner, workspaceId, profileId, network } = await approvalsWorld(backend));
  });
  afterAll(() => t?.close());

  /** Removes every rule, so each test starts from a workspace without any. */
  async function clearRules() {
    for (const r of (await owner.request('GET', `${url()}/compliance-rules`)).json().rules) {
      expect((await owner.request('DELETE', `${url()}/compliance-rules/${r.id}`)).statusCode).toBe(204);
    }
  }

  it('lets owners and admins manage rules, audited with before and after; others may only read them', async () => {
    await clearRules();
    const admin = await memberWithRole(t.app, owner, workspaceId, 'admin');
    const publisher = await memberWithRole(t.app, owner, workspaceId, 'publisher');
    const analyst = await memberWithRole(t.app, owner, workspaceId, 'analyst');

    const created = await admin.api.request('POST', `${url()}/compliance-rules`, bannedRule);
    expect(created.statusCode, created.body).toBe(201);
    const rule = created.json().rule;
    expect(rule).toMatchObject({ name: 'No refund promises', kind: 'banned_terms', effect: 'block', enabled: true, scope: {} });

    expect((await publisher.api.request('POST', `${url()}/compliance-rules`, bannedRule)).statusCode).toBe(403);
    expect((await publisher.api.request('PUT', `${url()}/compliance-rules/${rule.id}`, bannedRule)).statusCode).toBe(403);
    expect((await publisher.api.request('DELETE', `${url()}/compliance-rules/${rule.id}`)).statusCode).toBe(403);
    const read = await analyst.api.request('GET', `${url()}/compliance-rules`);
    expect(read.statusCode).toBe(200);
    expect(read.json().rules.map((r: { id: string }) => r.id)).toEqual([rule.id]);

    const replaced = await owner.request('PUT', `${url()}/compliance-rules/${rule.id}`, { ...bannedRule, effect: 'sensitive', scope: { profileIds: [profileId], tags: ['promo'] } });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().rule).toMatchObject({ effect: 'sensitive', scope: { profileIds: [profileId], tags: ['promo'] } });

    expect((await owner.request('DELETE', `${url()}/compliance-rules/${rule.id}`)).statusCode).toBe(204);
    expect((await owner.request('DELETE', `${url()}/compliance-rules/${rule.id}`)).statusCode).toBe(404);

    const events = (await owner.request('GET', `${url()}/audit?targetId=${rule.id}`)).json().events;
    const byAction = Object.fromEntries(events.map((e: { action: string }) => [e.action, e]));
    expect(byAction['compliance_rule.created'].after).toMatchObject({ effect: 'block' });
    expect(byAction['compliance_rule.updated'].before).toMatchObject({ effect: 'block' });
    expect(byAction['compliance_rule.updated'].after).toMatchObject({ effect: 'sensitive' });
    expect(byAction['compliance_rule.deleted'].before).toMatchObject({ effect: 'sensitive' });
  });

  it('refuses invalid rules with 422 and the field at fault, saving nothing', async () => {
    await clearRules();
    const refused = async (body: unknown) => {
      const response = await owner.request('POST', `${url()}/compliance-rules`, body);
      expect(response.statusCode, response.body).toBe(422);
      return response.json().error;
    };
    const backtracking = await refused({ ...bannedRule, config: { kind: 'regex', pattern: '(\\w+)\\1' } });
    expect(backtracking.field).toBe('body.config.pattern');
    expect(backtracking.message).toMatch(/not supported/);
    expect((await refused({ ...bannedRule, config: { kind: 'regex', pattern: '(unclosed' } })).field).toBe('body.config.pattern');
    expect((await refused({ ...bannedRule, config: { kind: 'regex', pattern: 'ok', flags: 'g' } })).field).toBe('body.config.flags');
    expect((await refused({ ...bannedRule, config: { kind: 'banned_terms', terms: ['!!!'] } })).field).toMatch(/^body\.config\.terms/);
    expect((await refused({ ...bannedRule, config: { kind: 'link_domains', mode: 'deny', domains: ['not a domain'] } })).field).toMatch(/^body\.config\.domains/);
    expect((await refused({ ...bannedRule, config: { kind: 'max_hashtags', max: -1 } })).field).toBe('body.config.max');
    expect((await refused({ ...bannedRule, config: { kind: 'shouting' } })).field).toMatch(/^body\.config/);
    expect((await refused({ ...bannedRule, scope: { profileIds: ['00000000-0000-4000-8000-000000000000'] } })).field).toBe('scope.profileIds');
    expect((await owner.request('GET', `${url()}/compliance-rules`)).json().rules).toEqual([]);
  });

  it('stores link domains in their ASCII form', async () => {
    await clearRules();
    const created = await owner.request('POST', `${url()}/compliance-rules`, { ...bannedRule, config: { kind: 'link_domains', mode: 'deny', domains: ['https://Bücher.DE/path', '*.Example.com.'] } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().rule.config.domains).toEqual(['xn--bcher-kva.de', 'example.com']);
  });

  it('checks a draft per profile: the check endpoint and the composer check answer the same', async () => {
    await clearRules();
    await owner.request('POST', `${url()}/compliance-rules`, bannedRule);
    await owner.request('POST', `${url()}/compliance-rules`, {
      name: 'Sponsored posts say so',
      effect: 'sensitive',
      scope: { tags: ['sponsored'] },
      config: { kind: 'required_disclaimer', disclaimer: '#ad' },
    });
    const contributor = await memberWithRole(t.app, owner, workspaceId, 'contributor');
    const text = 'Full re\u200Bfund guaranteed! #adventure';

    const checked = await contributor.api.request('POST', `${url()}/compliance/check`, { text, tags: ['Sponsored'], variants: [{ profileId }] });
    expect(checked.statusCode, checked.body).toBe(200);
    const result = checked.json();
    expect(result).toMatchObject({ blocked: true, sensitive: true });
    expect(result.violations).toEqual([
      expect.objectContaining({ ruleName: 'No refund promises', kind: 'banned_terms', effect: 'block', match: 're\u200Bfund', profileId, description: bannedRule.description }),
      expect.objectContaining({ ruleName: 'Sponsored posts say so', kind: 'required_disclaimer', effect: 'sensitive', message: 'Must include “#ad”.' }),
    ]);

    // A tailored text for the profile is what counts; without the tag the disclaimer rule is out of scope.
    const tailored = await contributor.api.request('POST', `${url()}/compliance/check`, { text, variants: [{ profileId, text: 'All good here' }] });
    expect(tailored.json()).toEqual({ violations: [], blocked: false, sensitive: false });

    const compose = await contributor.api.request('POST', `${url()}/compose/check`, { text, profileIds: [profileId], tags: ['sponsored'] });
    expect(compose.statusCode, compose.body).toBe(200);
    expect(compose.json().results).toHaveLength(1);
    expect(compose.json().compliance).toEqual(result);

    const unknown = await contributor.api.request('POST', `${url()}/compliance/check`, { text, variants: [{ profileId: '00000000-0000-4000-8000-000000000000' }] });
    expect(unknown.statusCode).toBe(422);
    const analyst = await memberWithRole(t.app, owner, workspaceId, 'analyst');
    expect((await analyst.api.request('POST', `${url()}/compliance/check`, { text, variants: [{ profileId }] })).statusCode).toBe(403);
  });

  it('fails a scheduled variant that breaks a blocking rule at publish time, without calling the network', async () => {
    await clearRules();
    const author = await memberWithRole(t.app, owner, workspaceId, 'publisher');
    const created = await author.api.request('POST', `${url()}/posts`, { text: 'Money back, no questions asked', variants: [{ profileId }] });
    expect(created.statusCode, created.body).toBe(201);
    const scheduled = await author.api.request('POST', `${url()}/posts/${created.json().post.id}/schedule`, {});
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    const variantId: string = scheduled.json().variants[0].id;
    // The rule arrives after scheduling: the publisher is the last line.
    expect((await owner.request('POST', `${url()}/compliance-rules`, bannedRule)).statusCode).toBe(201);

    const [before] = await t.database.db.select().from(postVariants).where(eq(postVariants.id, variantId));
    await publishVariant(t.chorus, variantId, before!.version, { workerId: 'test', logger: createLogger('silent') });

    expect(network.received).toHaveLength(0);
    const [after] = await t.database.db.select().from(postVariants).where(eq(postVariants.id, variantId));
    expect(after!.status).toBe('failed');
    expect(after!.lastError).toContain('No refund promises');
    expect(after!.lastError).toContain('money back');
    expect(after!.lastError).toContain(bannedRule.description);
    const attempts = await t.database.db.select().from(publishAttempts).where(eq(publishAttempts.variantId, variantId));
    expect(attempts.map((a) => a.outcome)).toEqual(['failed']);
    const rows = await t.database.db.query.notifications.findMany();
    expect(rows.filter((n) => n.userId === author.userId).map((n) => [n.kind, n.body])).toEqual([['post.publish_failed', after!.lastError]]);
    expect(after!.lastError).toMatch(/^Not published: it breaks compliance rules\./);
  });

  it('says so when a blocked attempt resumes a post that was partly sent already', async () => {
    await clearRules();
    const connector = network.connector as unknown as { info: { checkpoints?: boolean }; publish: Connector['publish'] };
    const { publish } = connector;
    connector.info.checkpoints = true;
    // The first attempt puts one post of a thread out, records it, then meets a passing failure.
    connector.publish = async (_credentials, input) => {
      await input.onCheckpoint?.({ published: [{ id: '1', url: 'https://x.example/status/1' }] });
      throw new Transient('x', 'Service unavailable');
    };
    try {
      const created = await owner.request('POST', `${url()}/posts`, { text: 'Money back, no questions asked', variants: [{ profileId }] });
      const scheduled = await owner.request('POST', `${url()}/posts/${created.json().post.id}/schedule`, {});
      const variantId: string = scheduled.json().variants[0].id;
      const run = async () => {
        const [v] = await t.database.db.select().from(postVariants).where(eq(postVariants.id, variantId));
        await publishVariant(t.chorus, variantId, v!.version, { workerId: 'test', logger: createLogger('silent') });
        return (await t.database.db.select().from(postVariants).where(eq(postVariants.id, variantId)))[0]!;
      };
      expect((await run()).status).toBe('scheduled');
      expect((await owner.request('POST', `${url()}/compliance-rules`, bannedRule)).statusCode).toBe(201);
      const after = await run();
      expect(after.status).toBe('failed');
      expect(after.lastError).toMatch(/^Stopped before the rest was sent \(earlier parts may already be on the network\): it breaks compliance rules/);
    } finally {
      connector.publish = publish;
      delete connector.info.checkpoints;
    }
  });
});
