import { asc, desc, eq, inArray } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import type { Queryable } from '../core/db.ts';
import { notFound } from '../core/errors.ts';
import { users } from '../auth/schema.ts';
import { listAudit } from '../workspaces/audit.ts';
import { posts } from '../publishing/schema.ts';
import { contentText } from './content.ts';
import { approvalDecisions, approvalRequests, type ApprovalContent } from './schema.ts';

type Request = typeof approvalRequests.$inferSelect;
type DecisionRow = typeof approvalDecisions.$inferSelect;

async function submitters(db: Queryable, requests: Request[]) {
  const ids = [...new Set(requests.map((r) => r.submittedBy).filter((id): id is string => Boolean(id)))];
  const rows = ids.length ? await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(inArray(users.id, ids)) : [];
  return (id: string | null) => rows.find((u) => u.id === id) ?? null;
}

export async function decisionsOf(db: Queryable, requestIds: string[]): Promise<DecisionRow[]> {
  if (requestIds.length === 0) return [];
  return db.select().from(approvalDecisions).where(inArray(approvalDecisions.requestId, requestIds)).orderBy(asc(approvalDecisions.createdAt), asc(approvalDecisions.id));
}

/** A request as the API shows it, with its decisions and who submitted it. */
export async function describeRequests(db: Queryable, requests: Request[]) {
  const submitter = await submitters(db, requests);
  const decisions = await decisionsOf(db, requests.map((r) => r.id));
  return requests.map((r) => ({
    id: r.id,
    postId: r.postId,
    status: r.status,
    workflowName: r.workflowName,
    currentStep: r.currentStep,
    steps: r.steps,
    stepName: r.status === 'pending' ? (r.steps[r.currentStep]?.name ?? null) : null,
    submittedBy: submitter(r.submittedBy),
    submittedAt: r.submittedAt,
    requestedAt: r.requestedAt,
    decidedAt: r.decidedAt,
    sensitive: r.sensitive,
    reasons: r.reasons,
    content: r.content,
    contentHash: r.contentHash,
    bypassReason: r.bypassReason,
    decisions: decisions.filter((d) => d.requestId === r.id).map(({ requestId: _, ...d }) => d),
  }));
}

/** The latest request of a post, for the post view; null when it never needed approval. */
export async function approvalSummary(db: Queryable, postId: string) {
  const [latest] = await db.select().from(approvalRequests).where(eq(approvalRequests.postId, postId)).orderBy(desc(approvalRequests.submittedAt)).limit(1);
  if (!latest) return null;
  const [view] = await describeRequests(db, [latest]);
  const { id, ...rest } = view!;
  return { requestId: id, ...rest };
}

async function assertPost(db: Queryable, workspaceId: string, postId: string) {
  const [post] = await db.select({ id: posts.id, workspaceId: posts.workspaceId }).from(posts).where(eq(posts.id, postId));
  if (!post || post.workspaceId !== workspaceId) throw notFound('post');
}

/** Every submission of a post, newest first, with its decisions. */
export async function postApprovalHistory(db: Queryable, workspaceId: string, postId: string) {
  await assertPost(db, workspaceId, postId);
  const requests = await db.select().from(approvalRequests).where(eq(approvalRequests.postId, postId)).orderBy(desc(approvalRequests.submittedAt));
  return describeRequests(db, requests);
}

const CSV_COLUMNS = ['time', 'request_id', 'event', 'person', 'step', 'decision', 'comment', 'via', 'content_hash', 'text'];

/**
 * A post's approval history as CSV, one row per event from the audit log (submissions,
 * decisions, edits after approval, bypasses, withdrawals, publications), each with the exact
 * text the event was about and its hash.
 */
export async function postApprovalCsv(db: Queryable, orgId: string, workspaceId: string, postId: string): Promise<string> {
  await assertPost(db, workspaceId, postId);
  const { events } = await listAudit(db, { orgId, workspaceId, targetType: 'post', targetId: postId, limit: 5000 });
  const rows = events
    .filter((e) => e.action.startsWith('approval.') || e.action === 'post.published')
    .reverse()
    .map((e) => {
      const after = (e.after ?? {}) as { requestId?: string; stepName?: string | null; step?: number; decision?: string; comment?: string; via?: string; contentHash?: string; content?: ApprovalContent; text?: string; reason?: string };
      return [
        e.createdAt.toISOString(),
        after.requestId ?? '',
        e.action,
        e.actorLabel,
        after.stepName ?? (after.step !== undefined ? String(after.step + 1) : ''),
        after.decision ?? '',
        after.comment ?? after.reason ?? '',
        after.via ?? '',
        after.contentHash ?? '',
        after.content ? contentText(after.content) : (after.text ?? ''),
      ];
    });
  return stringify([CSV_COLUMNS, ...rows]);
}
