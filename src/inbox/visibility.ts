import { and, eq, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../core/db.ts';
import { invalid, notFound } from '../core/errors.ts';
import { recordAudit, type Actor } from '../workspaces/audit.ts';
import type { WorkspaceRole } from '../workspaces/roles.ts';
import { teamMembers, teams } from '../workspaces/schema.ts';
import { socialProfiles } from '../profiles/schema.ts';
import { teamInboxProfiles } from './schema.ts';

/** Who is looking at the inbox: what they may see depends on their role and their teams. */
export interface Viewer {
  userId: string;
  /** The effective workspace role (organisation owners and admins count as owners). */
  role: WorkspaceRole;
}

export const teamProfilesInput = z.object({ profileIds: z.array(z.uuid()).max(500) });

const seesEverything = (viewer: Viewer) => viewer.role === 'owner' || viewer.role === 'admin';

/**
 * A condition on a profile id column: true when the viewer may see that profile's inbox. A profile
 * no team claims is open to everyone who may read the inbox; a claimed one only to its teams.
 */
export function visibleProfile(viewer: Viewer, profileId: SQLWrapper): SQL {
  if (seesEverything(viewer)) return sql`true`;
  return sql`(not exists (select 1 from ${teamInboxProfiles} where ${teamInboxProfiles.profileId} = ${profileId})
    or exists (select 1 from ${teamInboxProfiles} join ${teamMembers} on ${teamMembers.teamId} = ${teamInboxProfiles.teamId}
      where ${teamInboxProfiles.profileId} = ${profileId} and ${teamMembers.userId} = ${viewer.userId}))`;
}

/** Hidden inboxes answer "not found", like a profile that does not exist: their existence is not disclosed. */
export async function assertProfileVisible(db: Queryable, viewer: Viewer, profileId: string, what = 'profile'): Promise<void> {
  if (seesEverything(viewer)) return;
  const [row] = await db
    .select({ id: socialProfiles.id })
    .from(socialProfiles)
    .where(and(eq(socialProfiles.id, profileId), visibleProfile(viewer, socialProfiles.id)));
  if (!row) throw notFound(what);
}

async function findTeam(db: Queryable, workspaceId: string, teamId: string) {
  const [team] = await db.select().from(teams).where(and(eq(teams.id, teamId), eq(teams.workspaceId, workspaceId)));
  if (!team) throw notFound('team');
  return team;
}

export async function teamInboxProfileIds(db: Queryable, workspaceId: string, teamId: string): Promise<string[]> {
  await findTeam(db, workspaceId, teamId);
  const rows = await db.select({ profileId: teamInboxProfiles.profileId }).from(teamInboxProfiles).where(eq(teamInboxProfiles.teamId, teamId));
  return rows.map((r) => r.profileId).sort();
}

/** Replaces the set of profiles whose inbox a team holds. */
export async function setTeamInboxProfiles(db: Db, actor: Actor, workspaceId: string, teamId: string, profileIds: string[]): Promise<string[]> {
  const wanted = [...new Set(profileIds)].sort();
  return db.transaction(async (tx) => {
    await findTeam(tx, workspaceId, teamId);
    if (wanted.length > 0) {
      const found = await tx
        .select({ id: socialProfiles.id })
        .from(socialProfiles)
        .where(and(eq(socialProfiles.workspaceId, workspaceId), inArray(socialProfiles.id, wanted)));
      const missing = wanted.filter((id) => !found.some((f) => f.id === id));
      if (missing.length > 0) throw invalid('profileIds', `No such profile in this workspace: ${missing.join(', ')}.`);
    }
    const before = (await tx.select({ profileId: teamInboxProfiles.profileId }).from(teamInboxProfiles).where(eq(teamInboxProfiles.teamId, teamId))).map((r) => r.profileId).sort();
    await tx.delete(teamInboxProfiles).where(eq(teamInboxProfiles.teamId, teamId));
    if (wanted.length > 0) await tx.insert(teamInboxProfiles).values(wanted.map((profileId) => ({ teamId, profileId })));
    await recordAudit(tx, actor, { workspaceId, action: 'team.inbox_profiles_updated', targetType: 'team', targetId: teamId, before: { profileIds: before }, after: { profileIds: wanted } });
    return wanted;
  });
}
