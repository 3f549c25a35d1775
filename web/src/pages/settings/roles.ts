import type { WorkspaceRole } from '../../api/types.ts';

/**
 * What each workspace role may do, in the words the server's role table uses
 * (src/workspaces/roles.ts). Typed by the server's role list, so a role added or removed there
 * fails the type check here until this table follows. Kept in the web app so that the built app
 * depends only on files under web/.
 */
export const ROLE_DESCRIPTIONS: Record<WorkspaceRole, string> = {
  owner: 'Everything, including members, settings and connected profiles.',
  admin: 'Everything, including members, settings and connected profiles.',
  approver: 'Reviews and approves posts; drafts posts.',
  publisher: 'Drafts, schedules and publishes posts.',
  contributor: 'Drafts posts for others to schedule.',
  analyst: 'Reads posts and reports; changes nothing.',
};

/** From most to least powerful. */
export const WORKSPACE_ROLES = Object.keys(ROLE_DESCRIPTIONS) as WorkspaceRole[];
