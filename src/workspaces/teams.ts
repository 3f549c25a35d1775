import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from "../core/db.ts";
import { newId } from '../core/crypto.ts';
import { conflict, notFound } from '../core/errors.ts';
import { now } from '../core/clock.ts';
import { users } from '../auth/schema.ts';
import { recordAudit, type Actor } from './audit.ts';
import { teamMembers, teams, workspaceMembers } from './schema.ts';

export const teamInput = z.object({
  name: z.string().trim().min(1).max(80),
  description: z.string().trim().max(500).default(''),
});
export const updateTeamInput = z
  .object({ name: z.string().trim().min(1).max(80), description: z.string().trim().max(500) })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'Give at least one field to change.' });

export async function listTeams(db: Db, workspaceId: string) {
  const rows = await db.select().from(teams).where(eq(teams.workspaceId, workspaceId)).orderBy(asc(teams.name));
  const members = await db
    .select({ teamId: teamMembers.teamId, userId: users.id, name: users.name, email: users.email })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(eq(teams.workspaceId, workspaceId))
    .orderBy(asc(users.name));
  return rows.map((team) => ({
    id: team.id,
    name: team.name,
    description: team.description,
    createdAt: team.createdAt,
    members: members.filter((m) => m.teamId === team.id).map(({ teamId: _, ...m }) => m),
  }));
}

async function assertNameFree(db: Queryable, workspaceId: string, name: string, exceptId?: string) {
  const [clash] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.workspaceId, workspaceId), sql`lower(${teams.name}) = lower(${name})`))
    .limit(1);
  if (clash && clash.id !== exceptId) throw conflict('team_name_taken', 'A team with this name exists already.', 'name');
}

async function findTeam(db: Queryable, workspaceId: string, teamId: string) {
  const [team] = await db.select().from(teams).where(and(eq(teams.id, teamId), eq(teams.workspaceId, workspaceId))).limit(1);
  if (!team) throw notFound('team');
  return team;
}

export async function createTeam(db: Db, actor: Actor, workspaceId: string, input: z.infer<typeof teamInput>) {
  return db.transaction(async (tx) => {
    await assertNameFree(tx, workspaceId, input.name);
    const [team] = await tx
      .insert(teams)
      .values({ id: newId(), workspaceId, name: input.name, description: input.description, createdAt: now() })
      .returning();
    await recordAudit(tx, actor, { workspaceId, action: 'team.created', targetType: 'team', targetId: team!.id, after: input });
    return team!;
  });
}

export async function updateTeam(db: Db, actor: Actor, workspaceId: string, teamId: string, input: z.infer<typeof updateTeamInput>) {
  return db.transaction(async (tx) => {
    const before = await findTeam(tx, workspaceId, teamId);
    if (input.name) await assertNameFree(tx, workspaceId, input.name, teamId);
    const [team] = await tx.update(teams).set(input).where(eq(teams.id, teamId)).returning();
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'team.updated',
      targetType: 'team',
      targetId: teamId,
      before: { name: before.name, description: before.description },
      after: { name: team!.name, description: team!.description },
    });
    return team!;
  });
}

export async function deleteTeam(db: Db, actor: Actor, workspaceId: string, teamId: string) {
  await db.transaction(async (tx) => {
    const before = await findTeam(tx, workspaceId, teamId);
    await tx.delete(teams).where(eq(teams.id, teamId));
    await recordAudit(tx, actor, { workspaceId, action: 'team.deleted', targetType: 'team', targetId: teamId, before: { name: before.name } });
  });
}

export async function addTeamMember(db: Db, actor: Actor, workspaceId: string, teamId: string, userId: string) {
  await db.transaction(async (tx) => {
    const team = await findTeam(tx, workspaceId, teamId);
    const [member] = await tx
      .select()
      .from(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)));
    if (!member) throw notFound('member');
    const inserted = await tx.insert(teamMembers).values({ teamId, userId, createdAt: now() }).onConflictDoNothing().returning();
    if (inserted.length === 0) return; // already in the team: nothing changed, nothing to record
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'team.member_added',
      targetType: 'team',
      targetId: teamId,
      after: { team: team.name, userId },
    });
  });
}

export async function removeTeamMember(db: Db, actor: Actor, workspaceId: string, teamId: string, userId: string) {
  await db.transaction(async (tx) => {
    const team = await findTeam(tx, workspaceId, teamId);
    const removed = await tx
      .delete(teamMembers)
      .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)))
      .returning();
    if (removed.length === 0) throw notFound('team_member');
    await recordAudit(tx, actor, {
      workspaceId,
      action: 'team.member_removed',
      targetType: 'team',
      targetId: teamId,
      before: { team: team.name, userId },
    });
  });
}
