import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import { defineJob } from '../core/jobs.ts';
import { now } from '../core/clock.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { workspaces } from '../workspaces/schema.ts';
import { SYSTEM_ACTOR_LABEL } from '../profiles/service.ts';
import { stepApprovers, workspacePeople } from './approvers.ts';
import { deliverRequest, DELIVER_JOB, ownersOf, tellOwners } from './delivery.ts';
import { auditSnapshot, DEADLINE_JOB } from './requests.ts';
import { notify } from '../notifications/service.ts';
import { approvalRequests } from './schema.ts';

/** Sends one approver the request by email or Slack; retried, since mail servers and Slack blink. */
export const deliverJob = (chorus: Chorus) =>
  defineJob({
    name: DELIVER_JOB,
    schema: z.object({ requestId: z.uuid(), step: z.number().int().min(0), userId: z.uuid(), via: z.enum(['email', 'slack']) }),
    retryLimit: 5,
    retryDelaySeconds: 30,
    handler: async (target) => deliverRequest(chorus, target),
  });

/**
 * Runs at a request's requested time. A post still waiting for approval then is not published
 * late without a word: its author and approvers are told, once.
 */
export async function remindAtDeadline(chorus: Chorus, requestId: string): Promise<void> {
  await chorus.db.transaction(async (tx) => {
    const [request] = await tx.select().from(approvalRequests).where(eq(approvalRequests.id, requestId)).for('update');
    if (!request || request.status !== 'pending' || request.deadlineNotifiedAt || !request.requestedAt || request.requestedAt > now()) return;
    const [marked] = await tx.update(approvalRequests).set({ deadlineNotifiedAt: now() }).where(eq(approvalRequests.id, request.id)).returning();
    const [workspace] = await tx.select({ orgId: workspaces.orgId }).from(workspaces).where(eq(workspaces.id, request.workspaceId));
    const body = 'Its time has come and it is still waiting for approval, so it has not been published. Once approved, it needs a new time.';
    await tellOwners(chorus, tx, marked!, { kind: 'approval.deadline_passed', title: 'Your post missed its time while waiting for approval', body });
    const owners = await ownersOf(tx, request);
    const step = request.steps[request.currentStep]!;
    for (const person of stepApprovers(step, await workspacePeople(tx, request.workspaceId)).filter((p) => !owners.includes(p.userId))) {
      await notify(chorus, tx, { userId: person.userId, workspaceId: request.workspaceId, kind: 'approval.deadline_passed', title: 'A post waiting for your approval missed its time', body, link: `/w/${request.workspaceId}/approvals?request=${request.id}` });
    }
    await recordAudit(tx, { userId: null, orgId: workspace!.orgId, label: SYSTEM_ACTOR_LABEL }, { workspaceId: request.workspaceId, action: 'approval.deadline_passed', targetType: 'post', targetId: request.postId, after: auditSnapshot(marked!) });
  });
}

export const deadlineJob = (chorus: Chorus) =>
  defineJob({
    name: DEADLINE_JOB,
    schema: z.object({ requestId: z.uuid() }),
    retryLimit: 3,
    handler: async ({ requestId }) => remindAtDeadline(chorus, requestId),
  });
