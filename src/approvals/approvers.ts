import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Queryable } from '../core/db.ts';
import { users } from '../auth/schema.ts';
import { teamMembers, teams, workspaceMembers, workspaces } from '../workspaces/schema.ts';
import { effectiveRole, type WorkspaceRole } from '../workspaces/roles.ts';
import { APPROVING_ROLES } from './selection.ts';
import type { WorkflowStep } from './schema.ts';

export interface Person {
  userId: string;
  name: string;
  email: string;
  role: WorkspaceRole;
  teamIds: string[];
}

/**
 * Everyone who can act in a workspace now, with their effective role (organisation owners and
 * admins run every workspace) and teams. Disabled users are left out.
 */
export async function workspacePeople(db: Queryable, workspaceId: string): Promise<Person[]> {
  const [workspace] = await db.select({ orgId: workspaces.orgId }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!workspace) return [];
  const rows = await db
    .select({ userId: users.id, name: users.name, email: users.email, orgRole: users.orgRole, memberRole: workspaceMembers.role })
    .from(users)
    .leftJoin(workspaceMembers, and(eq(workspaceMembers.userId, users.id), eq(workspaceMembers.workspaceId, workspaceId)))
    .where(and(eq(users.orgId, workspace.orgId), isNull(users.disabledAt), or(inArray(users.orgRole, ['owner', 'admin']), eq(workspaceMembers.workspaceId, workspaceId))));
  const memberships = await db
    .select({ teamId: teamMembers.teamId, userId: teamMembers.userId })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(eq(teams.workspaceId, workspaceId));
  return rows.flatMap((r) => {
    const role = effectiveRole(r.orgRole, r.memberRole ?? undefined);
    if (!role) return [];
    return [{ userId: r.userId, name: r.name, email: r.email, role, teamIds: memberships.filter((m) => m.userId === r.userId).map((m) => m.teamId) }];
  });
}

/**
 * Whether a person may decide a step now: they match it (named, by role or by team) and their
 * current role may approve at all, so a demoted or removed approver can no longer decide.
 */
export function isStepApprover(step: WorkflowStep, person: Person | undefined): boolean {
  if (!person || !APPROVING_ROLES.includes(person.role)) return false;
  const a = step.approvers;
  return Boolean(a.userIds?.includes(person.userId) || a.roles?.includes(person.role) || a.teamIds?.some((t) => person.teamIds.includes(t)));
}

export const stepApprovers = (step: WorkflowStep, people: Person[]) => people.filter((p) => isStepApprover(step, p));

/**
 * For an "all" step: the named approvers who can still decide. Someone removed or demoted since
 * the post was submitted no longer holds it up; at least one approval is always needed.
 */
export function stillRequired(step: WorkflowStep, people: Person[]): string[] {
  return (step.approvers.userIds ?? []).filter((id) => isStepApprover(step, people.find((p) => p.userId === id)));
}
