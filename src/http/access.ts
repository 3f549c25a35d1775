import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Chorus } from '../core/chorus.ts';
import { AppError, forbidden, notFound, unauthorized } from '../core/errors.ts';
import { safeEqual } from '../core/crypto.ts';
import { resolveSession } from '../auth/sessions.ts';
import { resolveApiToken } from '../auth/tokens.ts';
import type { User } from '../auth/users.ts';
import type { Actor } from '../workspaces/audit.ts';
import { accessWorkspace, type Workspace } from '../workspaces/service.ts';
import { PERMISSIONS, roleCan, type Permission, type WorkspaceRole } from '../workspaces/roles.ts';

/**
 * What a route requires. Every API route declares one (the app refuses to start otherwise):
 * - 'public': anyone;
 * - 'signed-in': any signed-in user;
 * - 'org-admin': organisation owners and admins;
 * - a permission: a member of the route's `:workspaceId` whose role grants it.
 */
export type Access = 'public' | 'signed-in' | 'org-admin' | Permission;

export interface RequestAuth {
  user: User;
  actor: Actor;
  via: 'session' | 'token';
  sessionId: string | null;
  workspace?: Workspace;
  role?: WorkspaceRole;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
}

export const SESSION_COOKIE = 'chorus_session';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isPermission = (access: Access): access is Permission => access in PERMISSIONS;

/** The signed-in user of a request whose route requires one. */
export function authOf(request: FastifyRequest): RequestAuth {
  if (!request.auth) throw unauthorized();
  return request.auth;
}

/** Like `authOf`, for workspace routes: the workspace and role are resolved already. */
export function workspaceAuthOf(request: FastifyRequest) {
  const auth = authOf(request);
  if (!auth.workspace || !auth.role) throw new Error('workspaceAuthOf used on a route without a workspace permission');
  return auth as RequestAuth & { workspace: Workspace; role: WorkspaceRole };
}

export function makeAccessHook(chorus: Chorus) {
  return async function checkAccess(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    request.auth = null;
    const access = request.routeOptions.config.access;
    if (!access) return; // not an API route (static files, docs)
    if (access === 'public') {
      // A stale cookie must not stop anyone from signing in or reading public endpoints.
      request.auth = await authenticate(chorus, request).catch(() => null);
      return;
    }
    const auth = await authenticate(chorus, request);
    if (!auth) throw unauthorized();
    request.auth = auth;
    if (access === 'signed-in') return;
    if (access === 'org-admin') {
      if (auth.user.orgRole === 'member') throw forbidden('Only organisation owners and admins can do this.');
      return;
    }
    const workspaceId = (request.params as { workspaceId?: string }).workspaceId;
    if (!workspaceId) throw new Error(`Route ${request.routeOptions.url} needs :workspaceId for ${access}`);
    if (!UUID.test(workspaceId)) throw notFound('workspace');
    const { workspace, role } = await accessWorkspace(chorus.db, auth.user, workspaceId);
    auth.workspace = workspace;
    auth.role = role;
    if (!roleCan(role, access)) throw forbidden(`Your role (${role}) does not allow this.`);
  };
}

/**
 * Works out who is calling: a bearer API token, or a session cookie. Cookie-authenticated writes
 * must echo the session's CSRF token in a header, which a cross-site form or script cannot read.
 */
async function authenticate(chorus: Chorus, request: FastifyRequest): Promise<RequestAuth | null> {
  const header = request.headers.authorization;
  const base = { ip: request.ip, requestId: String(request.id) };
  if (header) {
    const [scheme, secret] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !secret) {
      throw unauthorized('token_invalid', 'Send API tokens as "Authorization: Bearer <token>".');
    }
    const { user, token } = await resolveApiToken(chorus.db, secret);
    return {
      user,
      via: 'token',
      sessionId: null,
      actor: { ...base, userId: user.id, orgId: user.orgId, label: `${user.email} (API token "${token.name}")` },
    };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const { user, session } = await resolveSession(chorus.db, cookie, chorus.config.sessionTtlHours);
  if (UNSAFE_METHODS.has(request.method)) {
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
      throw new AppError(403, 'csrf_failed', 'This request is missing its CSRF token. Reload the page and try again.');
    }
  }
  return { user, via: 'session', sessionId: session.id, actor: { ...base, userId: user.id, orgId: user.orgId, label: user.email } };
}
