import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { Tx } from '../core/db.ts';
import { conflict, forbidden, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { roleCan } from '../workspaces/roles.ts';
import { isStepApprover, stillRequired, workspacePeople, type Person } from './approvers.ts';
import { announceStep, ownersOf, tellOwners, type ApprovalRequest } from './delivery.ts';
import { auditSnapshot, pendingBackToDraft, releaseApproved, roleOf } from './requests.ts';
import { approvalDecisions, approvalRequests, APPROVAL_DECISIONS } from './schema.ts';

export const decisionInput = z
  .object({
    decision: z.enum(APPROVAL_DECISIONS),
    comment: z.string().trim().max(2000).default(''),
  })
  .refine((d) => d.decision === 'approved' || d.comment.length > 0, { message: 'Say why: a comment is required to reject or request changes.', path: ['comment'] });
export type DecisionInput = z.infer<typeof decisionInput>;
export type Via = 'app' | 'email' | 'slack';

export async function lockRequest(tx: Tx, workspaceId: string, requestId: string): Promise<ApprovalRequest> {
  const [request] = await tx.select().from(approvalRequests).where(and(eq(approvalRequests.id, requestId), eq(approvalRequests.workspaceId, workspaceId))).for('update');
  if (!request) throw notFound('approval_request');
  return request;
}

/**
 * Why this person may not decide the request's current step now, or null if they may. Checked
 * at decision time, so someone removed, demoted or taken off a team since no longer can.
 */
export async function whyCannotDecide(
  tx: Tx,
  request: ApprovalRequest,
  userId: string | null,
  decision: DecisionInput['decision'] = 'approved',
  people?: Person[],
): Promise<string | null> {
  if (request.status !== 'pending') return 'This post is no longer waiting for approval.';
  if (!userId) return 'Only a person can decide.';
  const step = request.steps[request.currentStep]!;
  const person = (people ?? (await workspacePeople(tx, request.workspaceId))).find((p) => p.userId === userId);
  if (!isStepApprover(step, person)) return `You are not an approver of the step "${step.name}".`;
  if (decision === 'approved' && !request.allowSelfApproval && (await ownersOf(tx, request)).includes(userId)) {
    return 'You cannot approve your own post; this workflow needs someone else to.';
  }
  const [already] = await tx
    .select({ id: approvalDecisions.id })
    .from(approvalDecisions)
    .where(and(eq(approvalDecisions.requestId, request.id), eq(approvalDecisions.step, request.currentStep), eq(approvalDecisions.userId, userId)));
  if (already) return 'You have decided this step already.';
  return null;
}

export async function decide(chorus: Chorus, actor: Actor, workspaceId: string, requestId: string, input: DecisionInput, via: Via = 'app') {
  return chorus.db.transaction(async (tx) => decideInTx(chorus, tx, actor, await lockRequest(tx, workspaceId, requestId), input, via));
}

/**
 * Records one approver's decision on the current step. "any": the first approval completes the
 * step; "all": every named approver who still can must approve. Completing the last step
 * approves the request and releases its variants; a rejection or a request for changes ends it.
 */
export async function decideInTx(chorus: Chorus, tx: Tx, actor: Actor, request: ApprovalRequest, input: DecisionInput, via: Via): Promise<ApprovalRequest> {
  if (request.status !== 'pending') throw conflict('approval_decided', 'This post is no longer waiting for approval.');
  const refusal = await whyCannotDecide(tx, request, actor.userId, input.decision);
  if (refusal) throw refusal.includes('decided this step') ? conflict('approval_already_decided', refusal) : forbidden(refusal);
  const step = request.steps[request.currentStep]!;
  await tx.insert(approvalDecisions).values({
    requestId: request.id,
    step: request.currentStep,
    userId: actor.userId,
    userLabel: actor.label,
    decision: input.decision,
    comment: input.comment,
    via,
    contentHash: request.contentHash,
    createdAt: now(),
  });
  await recordAudit(tx, actor, {
    workspaceId: request.workspaceId,
    action: `approval.${input.decision}`,
    targetType: 'post',
    targetId: request.postId,
    after: auditSnapshot(request, { decision: input.decision, comment: input.comment, via }),
  });
  if (input.decision !== 'approved') {
    const [ended] = await tx.update(approvalRequests).set({ status: input.decision, decidedAt: now() }).where(eq(approvalRequests.id, request.id)).returning();
    await pendingBackToDraft(tx, ended!);
    const what = input.decision === 'rejected' ? 'was rejected' : 'needs changes';
    await tellOwners(chorus, tx, ended!, { kind: `approval.${input.decision}`, title: `Your post ${what}`, body: `${actor.label}: ${input.comment}` });
    return ended!;
  }
  if (step.rule === 'all') {
    const approvedBy = await tx
      .select({ userId: approvalDecisions.userId })
      .from(approvalDecisions)
      .where(and(eq(approvalDecisions.requestId, request.id), eq(approvalDecisions.step, request.currentStep), eq(approvalDecisions.decision, 'approved')));
    const done = new Set(approvedBy.map((d) => d.userId));
    if (stillRequired(step, await workspacePeople(tx, request.workspaceId)).some((id) => !done.has(id))) return request;
  }
  if (request.currentStep + 1 < request.steps.length) {
    const [next] = await tx.update(approvalRequests).set({ currentStep: request.currentStep + 1 }).where(eq(approvalRequests.id, request.id)).returning();
    await announceStep(chorus, tx, next!);
    return next!;
  }
  const [approved] = await tx.update(approvalRequests).set({ status: 'approved', decidedAt: now() }).where(eq(approvalRequests.id, request.id)).returning();
  const released = await releaseApproved(chorus, tx, approved!);
  await tellOwners(chorus, tx, approved!, { kind: 'approval.approved', title: 'Your post was approved', body: released.late.length ? 'Part of it missed its time; see the post.' : 'It is scheduled.' });
  await recordAudit(tx, actor, { workspaceId: request.workspaceId, action: 'approval.completed', targetType: 'post', targetId: request.postId, after: auditSnapshot(approved!, released) });
  return approved!;
}

/** The author (or anyone who could schedule it) takes a post back out of approval. */
export async function withdraw(chorus: Chorus, actor: Actor, workspaceId: string, requestId: string) {
  return chorus.db.transaction(async (tx) => {
    const request = await lockRequest(tx, workspaceId, requestId);
    if (request.status !== 'pending') throw conflict('approval_decided', 'This post is no longer waiting for approval.');
    const role = actor.userId ? await roleOf(tx, workspaceId, actor.userId) : undefined;
    const mine = actor.userId !== null && (await ownersOf(tx, request)).includes(actor.userId);
    if (!mine && !(role && roleCan(role, 'posts.schedule'))) throw forbidden('Only the author, or someone who may schedule posts, can withdraw it.');
    const [withdrawn] = await tx.update(approvalRequests).set({ status: 'withdrawn', decidedAt: now() }).where(eq(approvalRequests.id, request.id)).returning();
    await pendingBackToDraft(tx, withdrawn!);
    await recordAudit(tx, actor, { workspaceId, action: 'approval.withdrawn', targetType: 'post', targetId: request.postId, after: auditSnapshot(withdrawn!) });
    return withdrawn!;
  });
}

