import { and, asc, eq, max } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Queryable } from "../core/db.ts";
import { newId } from '../core/crypto.ts';
import { invalid, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { teams } from '../workspaces/schema.ts';
import { routingRules } from './schema.ts';
import type { ruleInput } from './routing.ts';

type RuleInput = z.infer<typeof ruleInput>;

export const listRules = (db: Db, workspaceId: string) =>
  db.select().from(routingRules).where(eq(routingRules.workspaceId, workspaceId)).orderBy(asc(routingRules.position));

async function assertTeam(db: Queryable, workspaceId: string, input: RuleInput) {
  if (!input.actions.teamId) return;
  const [team] = await db.select().from(teams).where(and(eq(teams.id, input.actions.teamId), eq(teams.workspaceId, workspaceId)));
  if (!team) throw invalid('actions.teamId', 'No such team in this workspace.');
}

export async function createRule(db: Db, actor: Actor, workspaceId: string, input: RuleInput) {
  return db.transaction(async (tx) => {
    await assertTeam(tx, workspaceId, input);
    const [last] = await tx.select({ position: max(routingRules.position) }).from(routingRules).where(eq(routingRules.workspaceId, workspaceId));
    const [rule] = await tx
      .insert(routingRules)
      .values({ id: newId(), workspaceId, position: (last?.position ?? 0) + 1, ...input, createdAt: now() })
      .returning();
    await recordAudit(tx, actor, { workspaceId, action: 'routing_rule.created', targetType: 'routing_rule', targetId: rule!.id, after: input });
    return rule!;
  });
}

export async function updateRule(db: Db, actor: Actor, workspaceId: string, ruleId: string, input: RuleInput) {
  return db.transaction(async (tx) => {
    await assertTeam(tx, workspaceId, input);
    const [before] = await tx.select().from(routingRules).where(and(eq(routingRules.id, ruleId), eq(routingRules.workspaceId, workspaceId))).for('update');
    if (!before) throw notFound('routing_rule');
    const [rule] = await tx.update(routingRules).set(input).where(eq(routingRules.id, ruleId)).returning();
    await recordAudit(tx, actor, { workspaceId, action: 'routing_rule.updated', targetType: 'routing_rule', targetId: ruleId, before, after: input });
    return rule!;
  });
}

export async function deleteRule(db: Db, actor: Actor, workspaceId: string, ruleId: string) {
  await db.transaction(async (tx) => {
    const [gone] = await tx.delete(routingRules).where(and(eq(routingRules.id, ruleId), eq(routingRules.workspaceId, workspaceId))).returning();
    if (!gone) throw notFound('routing_rule');
    await recordAudit(tx, actor, { workspaceId, action: 'routing_rule.deleted', targetType: 'routing_rule', targetId: ruleId, before: gone });
  });
}

/** Puts the rules in the given order (every rule of the workspace, once). */
export async function reorderRules(db: Db, actor: Actor, workspaceId: string, ids: string[]) {
  await db.transaction(async (tx) => {
    const current = await tx.select({ id: routingRules.id }).from(routingRules).where(eq(routingRules.workspaceId, workspaceId)).for('update');
    if (current.length !== ids.length || !current.every((r) => ids.includes(r.id))) throw invalid('ids', 'List every rule of the workspace exactly once.');
    for (const [index, id] of ids.entries()) await tx.update(routingRules).set({ position: index + 1 }).where(eq(routingRules.id, id));
    await recordAudit(tx, actor, { workspaceId, action: 'routing_rule.reordered', targetType: 'workspace', targetId: workspaceId, after: { ids } });
  });
}
