import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Chorus } from '../core/chorus.ts';
import type { Tx } from '../core/db.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { postVariants } from '../publishing/schema.ts';
import { contentHash, contentText, currentContent } from './content.ts';
import { assessContent, openRequest } from './requests.ts';
import { approvalRequests } from './schema.ts';

/**
 * Called by a post edit, in its transaction, before publish jobs are queued again. Compares the
 * post with the content of its latest pending or approved request:
 * - pending: the approvers must see what will really go out, so the request is superseded by a
 *   new one for the new text (back to the first step);
 * - approved, and the workflow re-approves edits: the scheduled variants wait for approval again
 *   under a new request;
 * - approved, and it does not: the edit stands, and the audit log says it came after approval.
 */
export async function afterPostEdited(chorus: Chorus, tx: Tx, actor: Actor, workspaceId: string, postId: string): Promise<void> {
  const [request] = await tx
    .select()
    .from(approvalRequests)
    .where(and(eq(approvalRequests.postId, postId), inArray(approvalRequests.status, ['pending', 'approved'])))
    .orderBy(desc(approvalRequests.submittedAt))
    .limit(1)
    .for('update');
  if (!request) return;
  const stillThere = await tx.select({ id: postVariants.id }).from(postVariants).where(and(eq(postVariants.postId, postId), inArray(postVariants.id, request.content.variants.map((v) => v.variantId))));
  const after = await currentContent(tx, postId, stillThere.map((v) => v.id));
  const hash = contentHash(after);
  if (hash === request.contentHash) return;
  const before = { requestId: request.id, contentHash: request.contentHash, text: contentText(request.content), content: request.content };
  const afterAudit = { contentHash: hash, text: contentText(after), content: after };
  const previous = { id: request.workflowId, name: request.workflowName, steps: request.steps, reapproveOnEdit: request.reapproveOnEdit, allowSelfApproval: request.allowSelfApproval };
  // New text may trip a rule the old one did not: it is assessed afresh (a blocking rule refuses
  // the edit), and goes through the workflow it now calls for, never a laxer one than before.
  const assessed = await assessContent(tx, actor, workspaceId, after);
  const workflow = assessed.workflow ?? previous;
  const reasons = assessed.workflow ? assessed.reasons : request.reasons;
  const sensitive = assessed.sensitive || request.sensitive;

  if (request.status === 'pending') {
    await tx.update(approvalRequests).set({ status: 'superseded', decidedAt: now() }).where(eq(approvalRequests.id, request.id));
    await recordAudit(tx, actor, { workspaceId, action: 'approval.edited_while_pending', targetType: 'post', targetId: postId, before, after: afterAudit });
    if (after.variants.length === 0) return;
    await openRequest(chorus, tx, actor, { workspaceId, postId, workflow, reasons, sensitive, content: after, requestedAt: request.requestedAt, action: 'approval.resubmitted' });
    return;
  }

  await recordAudit(tx, actor, { workspaceId, action: 'approval.edited_after_approval', targetType: 'post', targetId: postId, before, after: { ...afterAudit, reapproval: request.reapproveOnEdit || (assessed.sensitive && !request.sensitive) } });
  // A workflow that lets edits stand still cannot let an edit make the post sensitive unseen.
  if (!request.reapproveOnEdit && !(assessed.sensitive && !request.sensitive)) return;
  const scheduled = await tx
    .update(postVariants)
    .set({ status: 'pending_approval', version: sql`${postVariants.version} + 1`, updatedAt: now() })
    .where(and(eq(postVariants.postId, postId), eq(postVariants.status, 'scheduled')))
    .returning();
  await tx.update(approvalRequests).set({ status: 'superseded' }).where(eq(approvalRequests.id, request.id));
  if (scheduled.length === 0) return; // nothing waits to go out; scheduling again asks for approval
  const content = await currentContent(tx, postId, scheduled.map((v) => v.id));
  const times = scheduled.map((v) => v.scheduledAt).filter((t): t is Date => t !== null);
  await openRequest(chorus, tx, actor, {
    workspaceId,
    postId,
    workflow,
    reasons: [...reasons.filter((r) => !r.startsWith('Edited after approval')), 'Edited after approval'],
    sensitive,
    content,
    requestedAt: times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null,
    action: 'approval.resubmitted',
  });
}
