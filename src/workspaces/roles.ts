/**
 * Who may do what in a workspace. The server checks these on every route; the web app reads the
 * same table (through the session endpoint) only to hide what the user could not do anyway.
 */
export const WORKSPACE_ROLES = ['owner', 'admin', 'approver', 'publisher', 'contributor', 'analyst'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

export const ORG_ROLES = ['owner', 'admin', 'member'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

const everyone = WORKSPACE_ROLES;
const managers = ['owner', 'admin'] as const;

export const PERMISSIONS = {
  'workspace.read': everyone,
  'workspace.manage': managers,
  'members.read': everyone,
  'members.manage': managers,
  'teams.read': everyone,
  'teams.manage': managers,
  'audit.read': managers,
  'profiles.read': everyone,
  'profiles.manage': managers,
  'posts.read': everyone,
  'posts.draft': ['owner', 'admin', 'approver', 'publisher', 'contributor'],
  'posts.schedule': ['owner', 'admin', 'publisher'],
  'approvals.decide': ['owner', 'admin', 'approver'],
  'approvals.manage': managers,
  'compliance.manage': managers,
  'reports.read': everyone,
  'inbox.read': everyone,
  'inbox.reply': ['owner', 'admin', 'approver', 'publisher', 'contributor'],
  'inbox.manage': managers,
} as const satisfies Record<string, readonly WorkspaceRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export const roleCan = (role: WorkspaceRole, permission: Permission): boolean =>
  (PERMISSIONS[permission] as readonly WorkspaceRole[]).includes(role);

export const permissionsOf = (role: WorkspaceRole): Permission[] =>
  (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => roleCan(role, permission));

/** Organisation owners and admins run every workspace of their organisation. */
export const effectiveRole = (orgRole: OrgRole, memberRole: WorkspaceRole | undefined): WorkspaceRole | undefined =>
  orgRole === 'owner' || orgRole === 'admin' ? 'owner' : memberRole;

export const ROLE_DESCRIPTIONS: Record<WorkspaceRole, string> = {
  owner: 'Everything, including members, settings and connected profiles.',
  admin: 'Everything, including members, settings and connected profiles.',
  approver: 'Reviews and approves posts; drafts posts.',
  publisher: 'Drafts, schedules and publishes posts.',
  contributor: 'Drafts posts for others to schedule.',
  analyst: 'Reads posts and reports; changes nothing.',
};
