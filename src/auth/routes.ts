import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { authOf, SESSION_COOKIE } from '../http/access.ts';
import { createOwner, needsSetup, setupInput } from './setup.ts';
import { insertSession, login, loginInput, logout, type SessionInfo } from './sessions.ts';
import { acceptInvitation, acceptInvitationInput, changePassword, changePasswordInput } from './account.ts';
import { createApiToken, createTokenInput, listApiTokens, publicToken, revokeApiToken } from './tokens.ts';
import { publicUser, type User } from './users.ts';
import { listWorkspacesFor } from '../workspaces/service.ts';
import { permissionsOf } from '../workspaces/roles.ts';
import { sessions } from './schema.ts';
import { eq } from 'drizzle-orm';

export async function authRoutes(app: ApiApp, chorus: Chorus) {
  const { db, config } = chorus;
  const tags = ['auth'];

  const setCookie = (reply: FastifyReply, session: SessionInfo) =>
    reply.setCookie(SESSION_COOKIE, session.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.cookieSecure,
      expires: session.expiresAt,
    });

  const sessionBody = async (user: User, csrfToken: string | null) => ({
    user: publicUser(user),
    csrfToken,
    workspaces: (await listWorkspacesFor(db, user)).map((w) => ({ ...w, permissions: permissionsOf(w.role) })),
  });

  app.get('/setup', { config: { access: 'public' }, schema: { tags, summary: 'Whether the first owner still has to be created' } }, async () => ({
    needsSetup: await needsSetup(db),
  }));

  app.post(
    '/setup',
    { config: { access: 'public' }, schema: { tags, summary: 'Create the organisation and its owner (first run only)', body: setupInput } },
    async (request, reply) => {
      const owner = await createOwner(db, request.body, request.ip);
      const session = await insertSession(db, owner.id, config.sessionTtlHours, request.headers['user-agent']);
      setCookie(reply, session);
      return reply.status(201).send(await sessionBody(owner, session.csrfToken));
    },
  );

  app.post('/auth/login', { config: { access: 'public' }, schema: { tags, summary: 'Sign in with email and password', body: loginInput } }, async (request, reply) => {
    const { user, session } = await login(
      db,
      { ...request.body, ip: request.ip, userAgent: request.headers['user-agent'] },
      config.sessionTtlHours,
    );
    setCookie(reply, session);
    return sessionBody(user, session.csrfToken);
  });

  app.post('/auth/logout', { config: { access: 'signed-in' }, schema: { tags, summary: 'Sign out of this session' } }, async (request, reply) => {
    const auth = authOf(request);
    if (auth.sessionId) {
      const [session] = await db.select().from(sessions).where(eq(sessions.id, auth.sessionId));
      if (session) await logout(db, session, auth.user, request.ip);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/auth/session', { config: { access: 'signed-in' }, schema: { tags, summary: 'The signed-in user, their workspaces and permissions' } }, async (request) => {
    const auth = authOf(request);
    let csrfToken: string | null = null;
    if (auth.sessionId) {
      const [session] = await db.select({ csrfToken: sessions.csrfToken }).from(sessions).where(eq(sessions.id, auth.sessionId));
      csrfToken = session?.csrfToken ?? null;
    }
    return sessionBody(auth.user, csrfToken);
  });

  app.post(
    '/auth/invitations/accept',
    { config: { access: 'public' }, schema: { tags, summary: 'Set a password from an invitation link and sign in', body: acceptInvitationInput } },
    async (request, reply) => {
      const user = await acceptInvitation(db, request.body, request.ip);
      const session = await insertSession(db, user.id, config.sessionTtlHours, request.headers['user-agent']);
      setCookie(reply, session);
      return sessionBody(user, session.csrfToken);
    },
  );

  app.post(
    '/me/password',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Change your password (signs out your other sessions)', body: changePasswordInput } },
    async (request, reply) => {
      const auth = authOf(request);
      await changePassword(db, auth.actor, auth.user, auth.sessionId, request.body);
      return reply.status(204).send();
    },
  );

  app.get('/me/tokens', { config: { access: 'signed-in' }, schema: { tags, summary: 'Your API tokens (never their secrets)' } }, async (request) => ({
    tokens: (await listApiTokens(db, authOf(request).user.id)).map(publicToken),
  }));

  app.post(
    '/me/tokens',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Create an API token; its secret is shown once', body: createTokenInput } },
    async (request, reply) => {
      const auth = authOf(request);
      const { token, secret } = await createApiToken(db, auth.actor, auth.user, request.body);
      return reply.status(201).send({ token: publicToken(token), secret });
    },
  );

  app.delete(
    '/me/tokens/:tokenId',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Revoke an API token', params: z.object({ tokenId: z.uuid() }) } },
    async (request, reply) => {
      const auth = authOf(request);
      await revokeApiToken(db, auth.actor, auth.user.id, request.params.tokenId);
      return reply.status(204).send();
    },
  );
}
