/**
 * Compliance rules applied to a post: loads the workspace's enabled rules and checks every variant.
 * Used by the composer's live check, by scheduling (blocked -> refused, sensitive -> stricter
 * workflow), by the publisher right before sending, and by inbox replies.
 */
import { and, asc, eq } from 'drizzle-orm';
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
