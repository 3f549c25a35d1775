import { and, asc, eq, inArray, max } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { invalid, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { teams, workspaceMembers } from '../workspaces/schema.ts';
import { WORKSPACE_ROLES } from '../workspaces/roles.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { campaigns } from '../publishing/schema.ts';
import { approvalWorkflows } from './schema.ts';
import { APPROVING_ROLES, type CandidateWorkflow } from './selection.ts';

const ids = z.array(z.uuid()).max(100);

const stepInput = z
  .object({
    name: z.string().trim().min(1).max(80),
    approvers: z.object({
      userIds: ids.optional(),
      roles: z.array(z.enum(APPROVING_ROLES as [string, ...string[]])).max(10).optional(),
      teamIds: ids.optional(),
    }),
    rule: z.enum(['any', 'all']),
  })
  .refine((s) => (s.approvers.userIds?.length ?? 0) + (s.approvers.roles?.length ?? 0) + (s.approvers.teamIds?.length ?? 0) > 0, {
    message: 'Each step needs at least one approver: a person, a role or a team.',
    path: ['approvers'],
  })
  // "Everyone with a role" changes as people come and go; "all must approve" needs a fixed list.
  .refine((s) => s.rule === 'any' || ((s.approvers.userIds?.length ?? 0) > 0 && !s.approvers.roles?.length && !s.approvers.teamIds?.length), {
    message: 'A step where all must approve names its approvers one by one (no roles or teams).',
    path: ['rule'],
  });

export const workflowInput = z.object({
  name: z.string().trim().min(1).max(80),
  enabled: z.boolean().default(true),
  conditions: z
    .object({
      profileIds: ids.optional(),
      networks: z.array(z.string().min(1).max(30)).max(20).optional(),
      tags: z.array(z.string().trim().min(1).max(50)).max(30).optional(),
      campaignIds: ids.optional(),
      authorRoles: z.array(z.enum(WORKSPACE_ROLES)).max(10).optional(),
      sensitive: z.boolean().optional(),
    })
    .strict()
    .default({}),
  steps: z.array(stepInput).min(1, 'A workflow needs at least one step.').max(10),
  reapproveOnEdit: z.boolean().default(true),
  allowSelfApproval: z.boolean().default(false),
});
export type WorkflowInput = z.infer<typeof workflowInput>;

export const orderInput = z.object({ ids: z.array(z.uuid()).max(200) });

export async function listWorkflows(db: Queryable, workspaceId: string): Promise<CandidateWorkflow[]> {
  return db.select().from(approvalWorkflows).where(eq(approvalWorkflows.workspaceId, workspaceId)).orderBy(asc(approvalWorkflows.position));
}

async function findWorkflow(db: Queryable, workspaceId: string, workflowId: string) {
  const [workflow] = await db.select().from(approvalWorkflows).where(and(eq(approvalWorkflows.id, workflowId), eq(approvalWorkflows.workspaceId, workspaceId))).for('update');
  if (!workflow) throw notFound('workflow');
  return workflow;
}

/** Every id a workflow names must belong to this workspace, or it would silently never match. */
async function assertReferences(db: Queryable, workspaceId: string, input: WorkflowInput) {
  const check = async (field: string, wanted: string[], found: () => Promise<{ id: string }[]>, message: string) => {
    const unique = [...new Set(wanted)];
    if (unique.length && (await found()).length !== unique.length) throw invalid(field, message);
  };
  const userIds = input.steps.flatMap((s) => s.approvers.userIds ?? []);
  const teamIds = input.steps.flatMap((s) => s.approvers.teamIds ?? []);
  const profileIds = input.conditions.profileIds ?? [];
  const campaignIds = input.conditions.campaignIds ?? [];
  await check('steps', userIds, () => db.select({ id: workspaceMembers.userId }).from(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, workspaceId), inArray(workspaceMembers.userId, [...new Set(userIds)]))), 'One of the named approvers is not a member of this workspace.');
  await check('steps', teamIds, () => db.select({ id: teams.id }).from(teams).where(and(eq(teams.workspaceId, workspaceId), inArray(teams.id, [...new Set(teamIds)]))), 'One of the teams is not part of this workspace.');
  await check('conditions.profileIds', profileIds, () => db.select({ id: socialProfiles.id }).from(socialProfiles).where(and(eq(socialProfiles.workspaceId, workspaceId), inArray(socialProfiles.id, [...new Set(profileIds)]))), 'One of the profiles is not part of this workspace.');
  await check('conditions.campaignIds', campaignIds, () => db.select({ id: campaigns.id }).from(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), inArray(campaigns.id, [...new Set(campaignIds)]))), 'One of the campaigns is not part of this workspace.');
}

export async function createWorkflow(db: Db, actor: Actor, workspaceId: string, input: WorkflowInput) {
  return db.transaction(async (tx) => {
    await assertReferences(tx, workspaceId, input);
    const [last] = await tx.select({ position: max(approvalWorkflows.position) }).from(approvalWorkflows).where(eq(approvalWorkflows.workspaceId, workspaceId));
    const [workflow] = await tx
      .insert(approvalWorkflows)
      .values({ id: newId(), workspaceId, position: (last?.position ?? -1) + 1, ...input, createdAt: now(), updatedAt: now() })
      .returning();
    await recordAudit(tx, actor, { workspaceId, action: 'approval_workflow.created', targetType: 'approval_workflow', targetId: workflow!.id, after: input });
    return workflow!;
  });
}

export async function updateWorkflow(db: Db, actor: Actor, workspaceId: string, workflowId: string, input: WorkflowInput) {
  return db.transaction(async (tx) => {
    const before = await findWorkflow(tx, workspaceId, workflowId);
    await assertReferences(tx, workspaceId, input);
    const [workflow] = await tx.update(approvalWorkflows).set({ ...input, updatedAt: now() }).where(eq(approvalWorkflows.id, workflowId)).returning();
    await recordAudit(tx, actor, { workspaceId, action: 'approval_workflow.updated', targetType: 'approval_workflow', targetId: workflowId, before, after: input });
    return workflow!;
  });
}

/** Requests already under way keep their own copy of the steps, so deleting never strands them. */
export async function deleteWorkflow(db: Db, actor: Actor, workspaceId: string, workflowId: string) {
  await db.transaction(async (tx) => {
    const before = await findWorkflow(tx, workspaceId, workflowId);
    await tx.delete(approvalWorkflows).where(eq(approvalWorkflows.id, workflowId));
    await recordAudit(tx, actor, { workspaceId, action: 'approval_workflow.deleted', targetType: 'approval_workflow', targetId: workflowId, before });
  });
}

/** Puts the workspace's workflows in the given order; every workflow must be listed once. */
export async function reorderWorkflows(db: Db, actor: Actor, workspaceId: string, order: string[]) {
  return db.transaction(async (tx) => {
    const existing = await tx.select({ id: approvalWorkflows.id }).from(approvalWorkflows).where(eq(approvalWorkflows.workspaceId, workspaceId)).for('update');
    const known = new Set(existing.map((w) => w.id));
    if (new Set(order).size !== order.length || order.length !== known.size || order.some((id) => !known.has(id))) {
      throw invalid('ids', 'List every workflow of this workspace exactly once.');
    }
    for (const [position, id] of order.entries()) {
      await tx.update(approvalWorkflows).set({ position, updatedAt: now() }).where(eq(approvalWorkflows.id, id));
    }
    await recordAudit(tx, actor, { workspaceId, action: 'approval_workflow.reordered', targetType: 'workspace', targetId: workspaceId, after: { ids: order } });
    return listWorkflows(tx, workspaceId);
  });
}
