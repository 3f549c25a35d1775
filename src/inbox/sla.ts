import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { newId } from '../core/crypto.ts';
import { invalid } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import { teams } from '../workspaces/schema.ts';
import { conversations, slaTargets } from './schema.ts';

export const SLA_STATES = ['ok', 'nearing', 'breached', 'met'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export const slaTargetInput = z
  .object({
    teamId: z.uuid().nullable(),
    firstResponseMinutes: z.number().int().min(1).max(525_600).nullable(),
    resolutionMinutes: z.number().int().min(1).max(525_600).nullable(),
    warnPercent: z.number().int().min(1).max(99).default(75),
  })
  .refine((v) => v.firstResponseMinutes === null || v.resolutionMinutes === null || v.resolutionMinutes >= v.firstResponseMinutes, {
    message: 'The resolution target cannot be shorter than the first-response target.',
    path: ['resolutionMinutes'],
  });

export const listSlaTargets = (db: Queryable, workspaceId: string) =>
  db.select().from(slaTargets).where(eq(slaTargets.workspaceId, workspaceId)).orderBy(sql`${slaTargets.teamId} nulls first`);

/** Sets a team's target, or the workspace default (teamId null). Both minutes null removes it. */
export async function putSlaTarget(db: Db, actor: Actor, workspaceId: string, input: z.infer<typeof slaTargetInput>) {
  return db.transaction(async (tx) => {
    if (input.teamId) {
      const [team] = await tx.select().from(teams).where(and(eq(teams.id, input.teamId), eq(teams.workspaceId, workspaceId)));
      if (!team) throw invalid('teamId', 'No such team in this workspace.');
    }
    const which = and(eq(slaTargets.workspaceId, workspaceId), input.teamId ? eq(slaTargets.teamId, input.teamId) : isNull(slaTargets.teamId));
    const [before] = await tx.select().from(slaTargets).where(which).for('update');
    let target = null;
    if (input.firstResponseMinutes === null && input.resolutionMinutes === null) {
      await tx.delete(slaTargets).where(which);
    } else if (before) {
      [target] = await tx.update(slaTargets).set(input).where(eq(slaTargets.id, before.id)).returning();
    } else {
      [target] = await tx.insert(slaTargets).values({ id: newId(), workspaceId, ...input }).returning();
    }
    await recordAudit(tx, actor, { workspaceId, action: 'sla_target.updated', targetType: 'team', targetId: input.teamId, before: before ?? null, after: target ?? null });
    return target ?? null;
  });
}

/**
 * The target that applies to a conversation: its team's, else the workspace default. Queries join
 * both (`teamSla`, `defaultSla` with `slaJoins`) and pick per row, so one query serves a whole page.
 */
export const teamSla = alias(slaTargets, 'team_sla');
export const defaultSla = alias(slaTargets, 'default_sla');
export const slaJoins = {
  team: and(eq(teamSla.workspaceId, conversations.workspaceId), eq(teamSla.teamId, conversations.assigneeTeamId)),
  default: and(eq(defaultSla.workspaceId, conversations.workspaceId), isNull(defaultSla.teamId)),
};

const pick = (column: 'first_response_minutes' | 'resolution_minutes' | 'warn_percent') =>
  sql`(case when ${teamSla.id} is not null then ${sql.identifier('team_sla')}.${sql.identifier(column)} else ${sql.identifier('default_sla')}.${sql.identifier(column)} end)`;

const minutes = (n: SQL) => sql`(${n} * interval '1 minute')`;

/** One clock's state: met/breached once done, else ok/nearing/breached against now. */
function clockState(targetMinutes: SQL, doneAt: SQL, at: SQL): SQL {
  const start = conversations.firstInboundAt;
  const due = sql`(${start} + ${minutes(targetMinutes)})`;
  const warnAt = sql`(${start} + ${minutes(sql`${targetMinutes} * ${pick('warn_percent')} / 100.0`)})`;
  return sql`(case when ${targetMinutes} is null or ${start} is null then null
    when ${doneAt} is not null then (case when ${doneAt} <= ${due} then 'met' else 'breached' end)
    when ${at} > ${due} then 'breached'
    when ${at} >= ${warnAt} then 'nearing'
    else 'ok' end)`;
}

const rank = (state: SQL) => sql`(case ${state} when 'breached' then 4 when 'nearing' then 3 when 'ok' then 2 when 'met' then 1 end)`;

/** Each clock on its own: met/breached once done, ok/nearing/breached while running. */
export function slaClocks(at: Date = now()) {
  const t = sql`${at.toISOString()}::timestamptz`;
  return {
    firstResponse: clockState(pick('first_response_minutes'), sql`${conversations.firstResponseAt}`, t),
    resolution: clockState(pick('resolution_minutes'), sql`${conversations.closedAt}`, t),
  };
}

/** How urgent a conversation is, 4 (breached) to 1 (met), null without a target: what `sort=sla` orders by. */
export function slaRank(at: Date = now()): SQL<number | null> {
  const clocks = slaClocks(at);
  return sql<number | null>`greatest(${rank(clocks.firstResponse)}, ${rank(clocks.resolution)})`;
}

/** The worse of the two clocks: a conversation is breached as soon as either target is missed. */
export function slaState(at: Date = now()): SQL<SlaState | null> {
  return sql<SlaState | null>`(case ${slaRank(at)} when 4 then 'breached' when 3 then 'nearing' when 2 then 'ok' when 1 then 'met' end)`;
}

/** The columns every conversation carries in the API under `sla`. */
export function slaColumns(at: Date = now()) {
  const start = conversations.firstInboundAt;
  return {
    firstResponseDueAt: sql<string | null>`(${start} + ${minutes(pick('first_response_minutes'))})`.mapWith(toDate),
    resolutionDueAt: sql<string | null>`(${start} + ${minutes(pick('resolution_minutes'))})`.mapWith(toDate),
    state: slaState(at),
    firstResponseSeconds: sql<number | null>`extract(epoch from ${conversations.firstResponseAt} - ${start})::float8`.mapWith(toNumber),
    resolutionSeconds: sql<number | null>`extract(epoch from ${conversations.closedAt} - ${start})::float8`.mapWith(toNumber),
  };
}

export interface Sla {
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  state: SlaState | null;
  firstResponseSeconds: number | null;
  resolutionSeconds: number | null;
}

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value).replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}

function toNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Math.round(Number(value));
}
