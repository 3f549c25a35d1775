import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import { newId } from '../core/crypto.ts';
import { conflict, invalid, notFound } from '../core/errors.ts';
import { addSeconds, now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { workspaces } from '../workspaces/schema.ts';
import { posts, postVariants } from '../publishing/schema.ts';
import { resolveWhen, whenInput } from '../publishing/time.ts';
import { scheduleVariants } from '../publishing/scheduling.ts';
import { contentHash, currentContent } from './content.ts';
import { auditSnapshot, pendingBackToDraft, pendingRequestOf } from './requests.ts';
import { approvalRequests } from './schema.ts';

export const bypassInput = z.object({
  reason: z.string().trim().min(10, 'Give a reason of at least 10 characters: it is kept in the audit log.').max(1000),
  /** Leave out to keep the times asked for (or publish now when none is left). */
  when: whenInput.optional(),
});

const BYPASSABLE = ['draft', 'failed', 'needs_attention', 'scheduled'] as const;

/**
 * An owner or admin sends a post out without (or without waiting for) approval. The reason is
 * required and kept on the request and in the audit log; compliance rules that block still apply.
 */
export async function bypassApproval(chorus: Chorus, actor: Actor, workspaceId: string, postId: string, input: z.infer<typeof bypassInput>) {
  if (!/\p{L}{2,}/u.test(input.reason)) throw invalid('reason', 'Say in words why approval is bypassed.');
  await chorus.db.transaction(async (tx) => {
    const [post] = await tx.select().from(posts).where(and(eq(posts.id, postId), eq(posts.workspaceId, workspaceId))).for('update');
    if (!post) throw notFound('post');
    const [workspace] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    const at = input.when ? resolveWhen(input.when, workspace!.timezone) : null;
    if (at && at < addSeconds(now(), -60)) throw invalid('when', 'That time has passed. Pick a time in the future, or leave it out.');
    const pending = await pendingRequestOf(tx, postId);
    const requested = new Map<string, Date | null>();
    let request;
    if (pending) {
      const waiting = await tx.select().from(postVariants).where(and(eq(postVariants.postId, postId), eq(postVariants.status, 'pending_approval')));
      for (const v of waiting) requested.set(v.id, v.scheduledAt);
      [request] = await tx.update(approvalRequests).set({ status: 'bypassed', bypassReason: input.reason, decidedAt: now() }).where(eq(approvalRequests.id, pending.id)).returning();
      await pendingBackToDraft(tx, request!);
    } else {
      const open = await tx.select().from(postVariants).where(and(eq(postVariants.postId, postId), inArray(postVariants.status, [...BYPASSABLE])));
      if (open.length === 0) throw conflict('nothing_to_schedule', 'Nothing left to schedule: this post is published or publishing.');
      for (const v of open) requested.set(v.id, v.status === 'scheduled' ? v.scheduledAt : null);
      const content = await currentContent(tx, postId, open.map((v) => v.id));
      [request] = await tx
        .insert(approvalRequests)
        .values({
          id: newId(),
          workspaceId,
          postId,
          workflowId: null,
          workflowName: 'Approval bypassed',
          steps: [],
          allowSelfApproval: false,
          reapproveOnEdit: true,
          status: 'bypassed',
          content,
          contentHash: contentHash(content),
          reasons: [],
          requestedAt: at,
          submittedBy: actor.userId,
          submittedAt: now(),
          decidedAt: now(),
          bypassReason: input.reason,
        })
        .returning();
    }
    await recordAudit(tx, actor, { workspaceId, action: 'approval.bypassed', targetType: 'post', targetId: postId, after: auditSnapshot(request!, { reason: input.reason }) });
    // The bypassed request now covers exactly this content, so scheduling goes straight through.
    const timeFor = async (variant: { id: string }) => {
      const wanted = at ?? requested.get(variant.id) ?? null;
      return wanted && wanted > now() ? wanted : now();
    };
    await scheduleVariants(chorus, tx, actor, workspaceId, postId, [...requested.keys()], timeFor, 'post.scheduled');
  });
}
