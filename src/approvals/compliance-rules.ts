/** The workspace's compliance rules: validated on the way in, every change audited. */
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { invalid, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { findProfile } from '../profiles/service.ts';
import { listCampaigns } from '../publishing/campaigns.ts';
import { COMPLIANCE_EFFECTS, complianceRules, type ComplianceRuleConfig } from './schema.ts';
import { patternProblem } from './compliance-regex.ts';
import { normaliseDomain } from './compliance-links.ts';

// A term or disclaimer needs at least one letter or digit: punctuation alone could never be matched as a word.
const wordy = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => /[\p{L}\p{N}]/u.test(s), 'Use at least one letter or digit.');

const domain = z
  .string()
  .max(253)
  .transform(normaliseDomain)
  .refine((d) => /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(d), 'Give a domain such as example.com.');

const regexConfig = z
  .object({ kind: z.literal('regex'), pattern: z.string().min(1), flags: z.string().max(3).optional() })
  .superRefine((config, ctx) => {
    const problem = patternProblem(config.pattern, config.flags);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
  });

export const ruleConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('banned_terms'), terms: z.array(wordy(200)).min(1).max(500) }),
  regexConfig,
  z.object({ kind: z.literal('required_disclaimer'), disclaimer: wordy(500) }),
  z.object({ kind: z.literal('link_domains'), mode: z.enum(['allow', 'deny']), domains: z.array(domain).min(1).max(500) }),
  z.object({ kind: z.literal('max_hashtags'), max: z.number().int().min(0).max(100) }),
]);

const list = <T extends z.ZodType>(item: T) => z.array(item).max(100).optional();

export const postScope = z.object({
  profileIds: list(z.uuid()),
  networks: list(z.string().trim().min(1).max(50)),
  tags: list(z.string().trim().min(1).max(50)),
  campaignIds: list(z.uuid()),
});

export const complianceRuleInput = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(''),
  effect: z.enum(COMPLIANCE_EFFECTS),
  enabled: z.boolean().default(true),
  scope: postScope.default({}),
  config: ruleConfig,
});
export type ComplianceRuleInput = z.infer<typeof complianceRuleInput>;

export const listComplianceRules = (db: Db, workspaceId: string) =>
  db.select().from(complianceRules).where(eq(complianceRules.workspaceId, workspaceId)).orderBy(asc(complianceRules.createdAt), asc(complianceRules.id));

/** Profiles and campaigns named in the scope must be this workspace's. */
async function assertScope(db: Db, workspaceId: string, input: ComplianceRuleInput) {
  for (const profileId of input.scope.profileIds ?? []) {
    await findProfile(db, workspaceId, profileId).catch(() => {
      throw invalid('scope.profileIds', 'No such profile in this workspace.');
    });
  }
  if (input.scope.campaignIds?.length) {
    const known = new Set((await listCampaigns(db, workspaceId)).map((c) => c.id));
    if (!input.scope.campaignIds.every((id) => known.has(id))) throw invalid('scope.campaignIds', 'No such campaign in this workspace.');
  }
}

const columns = (input: ComplianceRuleInput) => ({
  name: input.name,
  description: input.description,
  kind: input.config.kind,
  config: input.config as ComplianceRuleConfig,
  effect: input.effect,
  scope: input.scope,
  enabled: input.enabled,
});

export async function createComplianceRule(db: Db, actor: Actor, workspaceId: string, input: ComplianceRuleInput) {
  await assertScope(db, workspaceId, input);
  return db.transaction(async (tx) => {
    const at = now();
    const [rule] = await tx
      .insert(complianceRules)
      .values({ id: newId(), workspaceId, ...columns(input), createdAt: at, updatedAt: at })
      .returning();
    await recordAudit(tx, actor, { workspaceId, action: 'compliance_rule.created', targetType: 'compliance_rule', targetId: rule!.id, after: rule });
    return rule!;
  });
}

export async function updateComplianceRule(db: Db, actor: Actor, workspaceId: string, ruleId: string, input: ComplianceRuleInput) {
  await assertScope(db, workspaceId, input);
  return db.transaction(async (tx) => {
    const where = and(eq(complianceRules.id, ruleId), eq(complianceRules.workspaceId, workspaceId));
    const [before] = await tx.select().from(complianceRules).where(where).for('update');
    if (!before) throw notFound('compliance_rule');
    const [rule] = await tx
      .update(complianceRules)
      .set({ ...columns(input), updatedAt: now() })
      .where(where)
      .returning();
    await recordAudit(tx, actor, { workspaceId, action: 'compliance_rule.updated', targetType: 'compliance_rule', targetId: ruleId, before, after: rule });
    return rule!;
  });
}

export async function deleteComplianceRule(db: Db, actor: Actor, workspaceId: string, ruleId: string) {
  await db.transaction(async (tx) => {
    const [gone] = await tx
      .delete(complianceRules)
      .where(and(eq(complianceRules.id, ruleId), eq(complianceRules.workspaceId, workspaceId)))
      .returning();
    if (!gone) throw notFound('compliance_rule');
    await recordAudit(tx, actor, { workspaceId, action: 'compliance_rule.deleted', targetType: 'compliance_rule', targetId: ruleId, before: gone });
  });
}
