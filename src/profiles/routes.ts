import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { authOf, workspaceAuthOf } from '../http/access.ts';
import { AppError } from '../core/errors.ts';
import { accessWorkspace } from '../workspaces/service.ts';
import { roleCan } from '../workspaces/roles.ts';
import { checkProfile, connectError, connectOtherAccount, connectorOrThrow, disconnectProfile, findProfile, listProfiles, otherAccounts, publicProfile, saveConnection } from './service.ts';
import { finishAuthorization, listNetworkApps, networkAppInput, redirectUriFor, setNetworkApp, startAuthorization, startAuthorizationInput } from './oauth.ts';

const profileParams = workspaceParams.extend({ profileId: z.uuid() });

const appPasswordInput = z.object({
  network: z.string().min(1).max(30),
  /** The account's server (PDS), e.g. https://bsky.social. */
  serviceUrl: z.url(),
  identifier: z.string().trim().min(1).max(253),
  password: z.string().min(1).max(200),
});

export async function profileRoutes(app: ApiApp, chorus: Chorus) {
  const { db, config } = chorus;
  const tags = ['social profiles'];

  app.get('/networks', { config: { access: 'signed-in' }, schema: { tags, summary: 'Networks Chorus can connect to, with their capabilities and limits' } }, async () => ({
    networks: chorus.connectors.all().map((c) => ({ ...c.info, auth: c.auth.kind, redirectUri: redirectUriFor(chorus, c.info.network) })),
  }));

  app.get(
    '/workspaces/:workspaceId/profiles',
    { config: { access: 'profiles.read' }, schema: { tags, summary: "The workspace's connected social profiles and their health", params: workspaceParams } },
    async (request) => ({ profiles: (await listProfiles(db, workspaceAuthOf(request).workspace.id)).map(publicProfile) }),
  );

  app.post(
    '/workspaces/:workspaceId/profiles/app-password',
    {
      config: { access: 'profiles.manage' },
      schema: { tags, summary: 'Connect an account with a handle and app password (Bluesky, any PDS)', params: workspaceParams, body: appPasswordInput },
    },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      const connector = connectorOrThrow(chorus, request.body.network);
      if (connector.auth.kind !== 'app-password') {
        throw new AppError(400, 'not_app_password', `${connector.info.displayName} connects through its own sign-in page (OAuth).`, { field: 'network' });
      }
      const { serviceUrl, identifier, password } = request.body;
      const result = await connector.auth.connect({ serviceUrl, identifier, password }).catch(connectError);
      const profile = await saveConnection(db, actor, config.secretKey, workspace.id, result);
      return reply.status(201).send({ profile: publicProfile(profile) });
    },
  );

  app.post(
    '/workspaces/:workspaceId/profiles/oauth',
    {
      config: { access: 'profiles.manage' },
      schema: { tags, summary: "Start connecting an account through the network's consent page", params: workspaceParams, body: startAuthorizationInput },
    },
    async (request) => {
      const { workspace, user } = workspaceAuthOf(request);
      return startAuthorization(chorus, user, workspace.id, request.body);
    },
  );

  app.get(
    '/oauth/callback/:network',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Where networks send the user back; redirects to the web app',
        params: z.object({ network: z.string().max(30) }),
        querystring: z.object({ code: z.string().max(2000).optional(), state: z.string().max(500).optional(), error: z.string().max(200).optional(), error_description: z.string().max(1000).optional() }),
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const back = (params: Record<string, string>) => reply.redirect(`/settings/profiles?${new URLSearchParams(params)}`);
      const { code, state, error, error_description: description } = request.query;
      if (error || !code || !state) return back({ error: error ?? 'missing_code', message: description ?? 'The network did not approve the connection.' });
      try {
        const profile = await finishAuthorization(chorus, auth.user, auth.actor, request.params.network, { code, state });
        const { role } = await accessWorkspace(db, auth.user, profile.workspaceId);
        if (!roleCan(role, 'profiles.manage')) throw new AppError(403, 'forbidden', 'You may no longer connect profiles here.');
        return back({ connected: profile.id, workspace: profile.workspaceId });
      } catch (failure) {
        if (!(failure instanceof AppError)) throw failure;
        return back({ error: failure.code, message: failure.message });
      }
    },
  );

  app.post(
    '/workspaces/:workspaceId/profiles/:profileId/check',
    { config: { access: 'profiles.manage' }, schema: { tags, summary: 'Check a profile against its network now', params: profileParams } },
    async (request) => {
      const { workspace } = workspaceAuthOf(request);
      return { profile: publicProfile(await checkProfile(chorus, await findProfile(db, workspace.id, request.params.profileId))) };
    },
  );

  app.get(
    '/workspaces/:workspaceId/profiles/:profileId/other-accounts',
    { config: { access: 'profiles.manage' }, schema: { tags, summary: 'Other Pages or accounts the same sign-in can connect (Facebook, Instagram)', params: profileParams } },
    async (request) => {
      const { workspace } = workspaceAuthOf(request);
      return { accounts: await otherAccounts(chorus, await findProfile(db, workspace.id, request.params.profileId)) };
    },
  );

  app.post(
    '/workspaces/:workspaceId/profiles/:profileId/other-accounts',
    {
      config: { access: 'profiles.manage' },
      schema: { tags, summary: 'Connect another Page or account from the same sign-in', params: profileParams, body: z.object({ accountId: z.string().min(1).max(100) }) },
    },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      const profile = await connectOtherAccount(chorus, actor, await findProfile(db, workspace.id, request.params.profileId), request.body.accountId);
      return reply.status(201).send({ profile: publicProfile(profile) });
    },
  );

  app.delete(
    '/workspaces/:workspaceId/profiles/:profileId',
    { config: { access: 'profiles.manage' }, schema: { tags, summary: 'Disconnect a profile (credentials deleted; its published history stays)', params: profileParams } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await disconnectProfile(db, actor, config.secretKey, workspace.id, request.params.profileId);
      return reply.status(204).send();
    },
  );

  app.get('/settings/network-apps', { config: { access: 'org-admin' }, schema: { tags, summary: "The organisation's OAuth app credentials (secrets never shown)" } }, async (request) => ({
    apps: await listNetworkApps(db, authOf(request).user.orgId),
  }));

  app.put(
    '/settings/network-apps/:network',
    {
      config: { access: 'org-admin' },
      schema: { tags, summary: "Set the OAuth client Chorus uses for a network", params: z.object({ network: z.string().max(30) }), body: networkAppInput },
    },
    async (request, reply) => {
      await setNetworkApp(chorus, authOf(request).actor, request.params.network, request.body);
      return reply.status(204).send();
    },
  );
}
