import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import type { Queryable, Tx } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { AppError, conflict } from '../core/errors.ts';
import { addSeconds, now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { findUserById } from '../auth/users.ts';
import { workspaceMembers } from '../workspaces/schema.ts';
import { effectiveRole, type WorkspaceRole } from '../workspaces/roles.ts';
import { campaigns, postVariants } from '../publishing/schema.ts';
import { enqueuePublish } from '../publishing/scheduling.ts';
import { evaluateCompliance } from './compliance.ts';
import { chooseWorkflow, type WorkflowChoice } from './selection.ts';
import { listWorkflows } from './workflows.ts';
import { contentHash, contentText, covers, currentContent } from './content.ts';
import { announceStep, tellOwners, type ApprovalRequest } from './delivery.ts';
import { approvalRequests, type ApprovalContent } from './schema.ts';

export const DEADLINE_JOB = 'approvals.deadline';
/** A requested time this far in the past still counts as on time (approved a minute late). */
const LATE_TOLERANCE_SECONDS = 60;

export async function roleOf(db: Queryable, workspaceId: string, userId: string): Promise<WorkspaceRole | undefined> {
  const user = await findUserById(db, userId);
  if (!user || user.disabledAt) return undefined;
  const [member] = await db.select({ role: workspaceMembers.role }).from(workspaceMembers).where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
  return effectiveRole(user.orgRole, member?.role);
}

export async function pendingRequestOf(db: Queryable, postId: string): Promise<ApprovalRequest | undefined> {
  const [request] = await db.select().from(approvalRequests).where(and(eq(approvalRequests.postId, postId), eq(approvalRequests.status, 'pending'))).orderBy(desc(approvalRequests.submittedAt)).limit(1);
  return request;
}

/** The approved (or bypassed) request whose content is exactly what is about to go out, if any. */
export async function findCovering(db: Queryable, postId: string, content: ApprovalContent): Promise<ApprovalRequest | undefined> {
  const done = await db.select().from(approvalRequests).where(and(eq(approvalRequests.postId, postId), inArray(approvalRequests.status, ['approved', 'bypassed']))).orderBy(desc(approvalRequests.submittedAt));
  return done.find((r) => covers(r.content, content));
}

export interface GateTarget {
  id: string;
  profileId: string;
  network: string;
  handle: string;
}

/**
 * The approval check every scheduling path goes through, in its transaction, after the network
 * checks passed. Refuses content a blocking compliance rule forbids; sends content that needs
 * approval (and has none for exactly this text) for approval, leaving the variants pending with
 * their requested times and no publish job. 'schedule' means: go ahead.
 */
export async function gateScheduling(
  chorus: Chorus,
  tx: Tx,
  actor: Actor,
  args: { workspaceId: string; postId: string; targets: GateTarget[]; timeFor: (variant: { id: string; profileId: string }) => Promise<Date>; asap: boolean },
): Promise<'schedule' | 'pending'> {
  const { workspaceId, postId, targets } = args;
  const content = await currentContent(tx, postId, targets.map((t) => t.id));
  const { workflow, reasons, sensitive } = await assessContent(tx, actor, workspaceId, content);
  if (!workflow) return 'schedule';
  if (await findCovering(tx, postId, content)) return 'schedule';
  if (await pendingRequestOf(tx, postId)) {
    throw conflict('approval_pending', 'Part of this post is waiting for approval. Withdraw it first, or wait for the decision.');
  }
  const times = new Map<string, Date | null>();
  for (const t of targets) times.set(t.id, args.asap ? null : await args.timeFor(t));
  for (const [variantId, at] of times) {
    await tx
      .update(postVariants)
      .set({ status: 'pending_approval', scheduledAt: at, version: sql`${postVariants.version} + 1`, lastError: null, updatedAt: now() })
      .where(eq(postVariants.id, variantId));
  }
  const known = [...times.values()].filter((t): t is Date => t !== null);
  await openRequest(chorus, tx, actor, {
    workspaceId,
    postId,
    workflow,
    reasons,
    sensitive,
    content,
    requestedAt: known.length ? new Date(Math.min(...known.map((t) => t.getTime()))) : null,
  });
  return 'pending';
}

/**
 * What the compliance rules and the workflows make of some content: refused outright when a
 * blocking rule forbids it; otherwise the workflow it must go through (none: it may go out as it
 * is), why, and whether a rule marked it sensitive.
 */
export async function assessContent(tx: Tx, actor: Actor, workspaceId: string, content: ApprovalContent) {
  const compliance = await evaluateCompliance(tx, workspaceId, {
    tags: content.tags,
    campaignId: content.campaignId,
    variants: content.variants.map((v) => ({ variantId: v.variantId, profileId: v.profileId, network: v.network, text: v.text })),
  });
  if (compliance.blocked) {
    const violations = compliance.violations.filter((v) => v.effect === 'block');
    throw new AppError(422, 'compliance_blocked', `This post breaks ${violations.length === 1 ? 'a compliance rule' : 'compliance rules'}: ${violations.map((v) => v.message).join(' ')}`, { violations });
  }
  const [campaign] = content.campaignId ? await tx.select({ name: campaigns.name }).from(campaigns).where(eq(campaigns.id, content.campaignId)) : [];
  const { workflow, reasons } = chooseWorkflow(await listWorkflows(tx, workspaceId), {
    profileIds: content.variants.map((v) => v.profileId),
    networks: content.variants.map((v) => v.network),
    tags: content.tags,
    campaignId: content.campaignId,
    authorRole: actor.userId ? await roleOf(tx, workspaceId, actor.userId) : undefined,
    sensitive: compliance.sensitive,
    labels: { profiles: Object.fromEntries(content.variants.map((v) => [v.profileId, v.handle])), ...(campaign ? { campaign: campaign.name } : {}) },
  });
  const sensitiveReasons = compliance.violations.filter((v) => v.effect === 'sensitive').map((v) => `${v.ruleName}: ${v.message}`);
  return { workflow, reasons: [...reasons, ...sensitiveReasons], sensitive: compliance.sensitive };
}

/** Creates a pending request, audits the submission with its exact text, and tells the approvers. */
export async function openRequest(
  chorus: Chorus,
  tx: Tx,
  actor: Actor,
  r: { workspaceId: string; postId: string; workflow: WorkflowChoice; reasons: string[]; sensitive: boolean; content: ApprovalContent; requestedAt: Date | null; action?: string },
): Promise<ApprovalRequest> {
  const [request] = await tx
    .insert(approvalRequests)
    .values({
      id: newId(),
      workspaceId: r.workspaceId,
      postId: r.postId,
      workflowId: r.workflow.id,
      workflowName: r.workflow.name,
      steps: r.workflow.steps,
      allowSelfApproval: r.workflow.allowSelfApproval,
      reapproveOnEdit: r.workflow.reapproveOnEdit,
      status: 'pending',
      currentStep: 0,
      content: r.content,
      contentHash: contentHash(r.content),
      sensitive: r.sensitive,
      reasons: r.reasons,
      requestedAt: r.requestedAt,
      submittedBy: actor.userId,
      submittedAt: now(),
    })
    .returning();
  await recordAudit(tx, actor, {
    workspaceId: r.workspaceId,
    action: r.action ?? 'approval.submitted',
    targetType: 'post',
    targetId: r.postId,
    after: auditSnapshot(request!),
  });
  await announceStep(chorus, tx, request!);
  if (r.requestedAt) await chorus.jobs.send(DEADLINE_JOB, { requestId: request!.id }, { startAfter: r.requestedAt, singletonKey: request!.id }, tx);
  return request!;
}

/** What every approval audit entry carries, so "who approved exactly this text" has one answer. */
export const auditSnapshot = (request: ApprovalRequest, extra: Record<string, unknown> = {}) => ({
  requestId: request.id,
  workflowName: request.workflowName,
  step: request.currentStep,
  stepName: request.steps[request.currentStep]?.name ?? null,
  contentHash: request.contentHash,
  text: contentText(request.content),
  content: request.content,
  requestedAt: request.requestedAt?.toISOString() ?? null,
  ...extra,
});

/** Takes a request's waiting variants back to drafts. */
export async function pendingBackToDraft(tx: Tx, request: ApprovalRequest) {
  const ids = request.content.variants.map((v) => v.variantId);
  if (ids.length === 0) return [];
  return tx
    .update(postVariants)
    .set({ status: 'draft', scheduledAt: null, version: sql`${postVariants.version} + 1`, updatedAt: now() })
    .where(and(inArray(postVariants.id, ids), eq(postVariants.status, 'pending_approval')))
    .returning({ id: postVariants.id });
}

/**
 * Once approved, each waiting variant goes out at its requested time, or now if it asked for
 * "as soon as approved". One whose time has passed is not published late without a word: it
 * goes back to draft (the approval stays valid for the same text) and its author is told.
 */
export async function releaseApproved(chorus: Chorus, tx: Tx, request: ApprovalRequest) {
  const ids = request.content.variants.map((v) => v.variantId);
  const waiting = ids.length ? await tx.select().from(postVariants).where(and(inArray(postVariants.id, ids), eq(postVariants.status, 'pending_approval'))).for('update') : [];
  const cutoff = addSeconds(now(), -LATE_TOLERANCE_SECONDS);
  const scheduled: string[] = [];
  const late: string[] = [];
  for (const variant of waiting) {
    if (variant.scheduledAt && variant.scheduledAt < cutoff) {
      await tx.update(postVariants).set({ status: 'draft', scheduledAt: null, version: sql`${postVariants.version} + 1`, updatedAt: now() }).where(eq(postVariants.id, variant.id));
      late.push(variant.id);
      continue;
    }
    const [updated] = await tx
      .update(postVariants)
      .set({ status: 'scheduled', scheduledAt: variant.scheduledAt ?? now(), version: sql`${postVariants.version} + 1`, updatedAt: now() })
      .where(eq(postVariants.id, variant.id))
      .returning();
    await enqueuePublish(chorus, tx, updated!);
    scheduled.push(variant.id);
  }
  if (late.length) {
    const handles = request.content.variants.filter((v) => late.includes(v.variantId)).map((v) => v.handle);
    await tellOwners(chorus, tx, request, {
      kind: 'approval.approved_late',
      title: 'Your post was approved after its time',
      body: `It was approved after the time it was meant to go out, so it was not published late (${handles.join(', ')}). Pick a new time; it needs no new approval if the text stays the same.`,
    });
  }
  return { scheduled, late };
}
