import { and, desc, eq, inArray, ne, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../core/db.ts';
import { describeRequests } from './history.ts';
import { whyCannotDecide } from './decisions.ts';
import { workspacePeople } from './approvers.ts';
import { approvalRequests, APPROVAL_STATUSES } from './schema.ts';

export const queueQuery = z.object({
  /** mine: what waits for me (I can decide its current step now); all: every request. */
  scope: z.enum(['mine', 'all']).default('mine'),
  /** A status, or "decided" for every request no longer pending. */
  status: z.enum([...APPROVAL_STATUSES, 'decided']).default('pending'),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/** The approval queue, newest submissions first, each with whether the reader may decide it. */
export async function approvalQueue(db: Db, workspaceId: string, userId: string, q: z.infer<typeof queueQuery>) {
  const filters: SQL[] = [eq(approvalRequests.workspaceId, workspaceId)];
  if (q.status === 'decided') filters.push(ne(approvalRequests.status, 'pending'));
  else filters.push(eq(approvalRequests.status, q.status));
  if (q.scope === 'mine') filters.push(inArray(approvalRequests.status, ['pending']));
  const requests = await db
    .select()
    .from(approvalRequests)
    .where(and(...filters))
    .orderBy(desc(approvalRequests.submittedAt))
    .limit(q.scope === 'mine' ? 1000 : q.limit);
  // The same checks a decision makes, read-only, so the queue never offers what would be refused.
  const refusals = await db.transaction(async (tx) => {
    const people = await workspacePeople(tx, workspaceId);
    const answers: (string | null)[] = [];
    for (const r of requests) answers.push(await whyCannotDecide(tx, r, userId, 'approved', people));
    return answers;
  });
  const items = (await describeRequests(db, requests)).map((item, i) => ({ ...item, canDecide: refusals[i] === null, cannotDecideReason: refusals[i] ?? null }));
  return q.scope === 'mine' ? items.filter((i) => i.canDecide).slice(0, q.limit) : items;
}
