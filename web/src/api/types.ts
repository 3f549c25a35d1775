import type { Permission, WorkspaceRole, OrgRole } from '../../../src/workspaces/roles.ts';

export type { Permission, WorkspaceRole, OrgRole };

export interface User {
  id: string;
  email: string;
  name: string;
  orgRole: OrgRole;
  hasPassword: boolean;
  disabled: boolean;
}

export interface Workspace {
  id: string;
  name: string;
  timezone: string;
  createdAt: string;
  role: WorkspaceRole;
  permissions: Permission[];
}

export interface Session {
  user: User;
  csrfToken: string | null;
  workspaces: Workspace[];
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: WorkspaceRole;
  joinedAt: string;
  pendingInvitation: boolean;
  teams: { id: string; name: string }[];
}

export interface Team {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  members: { userId: string; name: string; email: string }[];
}

export interface AuditEvent {
  id: number;
  workspaceId: string | null;
  actorUserId: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  requestId: string | null;
  createdAt: string;
}

export interface AuditPage {
  events: AuditEvent[];
  nextBefore: number | null;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}
