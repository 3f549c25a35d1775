/**
 * Compliance rules applied to a post: loads the workspace's enabled rules and checks every variant.
 * Used by the composer's live check, by scheduling (blocked -> refused, sensitive -> stricter
 * workflow), by the publisher right before sending, and by inbox replies.
 */
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { invalid } from '../core/errors.ts';
import { listProfiles } from '../profiles/service.ts';
import type { Queryable } from '../core/db.ts';
import { complianceRules } from './schema.ts';
import { checkText, type CheckableRule, type ComplianceResult, type ComplianceSubject } from './compliance-check.ts';

export type { ComplianceResult, ComplianceSubject, ComplianceViolation } from './compliance-check.ts';

/** The workspace's enabled rules, oldest first so violations come in a stable order. */
export async function loadEnabledRules(db: Queryable, workspaceId: string): Promise<CheckableRule[]> {
  return db
    .select()
    .from(complianceRules)
    .where(and(eq(complianceRules.workspaceId, workspaceId), eq(complianceRules.enabled, true)))
    .orderBy(asc(complianceRules.createdAt), asc(complianceRules.id));
}

export async function evaluateCompliance(db: Queryable, workspaceId: string, subject: ComplianceSubject): Promise<ComplianceResult> {
  const rules = await loadEnabledRules(db, workspaceId);
  if (rules.length === 0) return { violations: [], blocked: false, sensitive: false };
  return checkText(rules, subject);
}

export const draftCheckInput = z.object({
  text: z.string().max(20_000).default(''),
  tags: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
  campaignId: z.uuid().nullable().default(null),
  /** Each profile the post goes to, with its own text where it differs from the shared one. */
  variants: z.array(z.object({ profileId: z.uuid(), text: z.string().max(20_000).optional() })).min(1).max(50),
});

/** A draft as the composer holds it (shared text, per-profile overrides), checked against the rules. */
export async function checkDraft(db: Queryable, workspaceId: string, input: z.infer<typeof draftCheckInput>): Promise<ComplianceResult> {
  const profiles = new Map((await listProfiles(db, workspaceId)).map((p) => [p.id, p]));
  const variants = input.variants.map((v, i) => {
    const profile = profiles.get(v.profileId);
    if (!profile) throw invalid(`variants.${i}.profileId`, 'No such profile in this workspace.');
    return { profileId: profile.id, network: profile.network, text: v.text ?? input.text };
  });
  return evaluateCompliance(db, workspaceId, { tags: input.tags, campaignId: input.campaignId, variants });
}
