import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../core/db.ts';
import { invalid } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { conversations } from './schema.ts';
import { defaultSla, slaClocks, slaJoins, teamSla } from './sla.ts';
import { visibleProfile, type Viewer } from './visibility.ts';

export const statsQuery = z.object({
  /** Conversations whose first customer message falls in [from, to). */
  from: z.coerce.date(),
  to: z.coerce.date(),
  teamId: z.uuid().optional(),
});

const seconds = (end: SQL | typeof conversations.closedAt) => sql`extract(epoch from ${end} - ${conversations.firstInboundAt})`;
const percentile = (p: number, end: SQL | typeof conversations.closedAt) =>
  sql<number | null>`percentile_cont(${sql.raw(String(p))}) within group (order by ${seconds(end)})`.mapWith((v) => (v === null ? null : Math.round(Number(v))));
const count = (where: SQL) => sql<number>`count(*) filter (where ${where})`.mapWith(Number);

/**
 * Service-level figures for reports, computed in the database: how many conversations came in,
 * how fast they were answered and resolved (median, 90th percentile, in seconds), and the share
 * answered and resolved within target (of those with a target whose outcome is known: met, or
 * past the target, answered late or not yet).
 */
export async function inboxStats(db: Queryable, viewer: Viewer, workspaceId: string, q: z.infer<typeof statsQuery>) {
  if (q.to <= q.from) throw invalid('to', '`to` must be after `from`.');
  const clocks = slaClocks(now());
  const [row] = await db
    .select({
      conversations: sql<number>`count(*)`.mapWith(Number),
      responded: count(sql`${conversations.firstResponseAt} is not null`),
      resolved: count(sql`${conversations.closedAt} is not null`),
      firstResponseMedian: percentile(0.5, sql`${conversations.firstResponseAt}`),
      firstResponseP90: percentile(0.9, sql`${conversations.firstResponseAt}`),
      resolutionMedian: percentile(0.5, conversations.closedAt),
      resolutionP90: percentile(0.9, conversations.closedAt),
      firstResponseMet: count(sql`${clocks.firstResponse} = 'met'`),
      firstResponseJudged: count(sql`${clocks.firstResponse} in ('met', 'breached')`),
      resolutionMet: count(sql`${clocks.resolution} = 'met'`),
      resolutionJudged: count(sql`${clocks.resolution} in ('met', 'breached')`),
      breachedNow: count(sql`(${clocks.firstResponse} = 'breached' and ${conversations.firstResponseAt} is null) or (${clocks.resolution} = 'breached' and ${conversations.closedAt} is null)`),
    })
    .from(conversations)
    .leftJoin(teamSla, slaJoins.team)
    .leftJoin(defaultSla, slaJoins.default)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        visibleProfile(viewer, conversations.profileId),
        gte(conversations.firstInboundAt, q.from),
        lt(conversations.firstInboundAt, q.to),
        q.teamId ? eq(conversations.assigneeTeamId, q.teamId) : undefined,
      ),
    );
  const r = row!;
  const share = (met: number, judged: number) => (judged === 0 ? null : Math.round((1000 * met) / judged) / 10);
  return {
    from: q.from,
    to: q.to,
    teamId: q.teamId ?? null,
    conversations: r.conversations,
    responded: r.responded,
    resolved: r.resolved,
    firstResponseSeconds: { median: r.firstResponseMedian, p90: r.firstResponseP90 },
    resolutionSeconds: { median: r.resolutionMedian, p90: r.resolutionP90 },
    /** Null when no conversation had a target with a known outcome. */
    firstResponseWithinTargetPercent: share(r.firstResponseMet, r.firstResponseJudged),
    resolutionWithinTargetPercent: share(r.resolutionMet, r.resolutionJudged),
    /** Still waiting, and already past a target. */
    breachedOpen: r.breachedNow,
  };
}
