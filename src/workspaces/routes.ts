import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { authOf, workspaceAuthOf } from '../http/access.ts';
import { createWorkspace, createWorkspaceInput, listWorkspacesFor, publicWorkspace, updateWorkspace, updateWorkspaceInput } from './service.ts';
import { permissionsOf } from './roles.ts';

export async function workspaceRoutes(app: ApiApp, chorus: Chorus) {
  const { db } = chorus;
  const tags = ['workspaces'];

  app.get('/workspaces', { config: { access: 'signed-in' }, schema: { tags, summary: 'Workspaces you can open' } }, async (request) => ({
    workspaces: await listWorkspacesFor(db, authOf(request).user),
  }));

  app.post(
    '/workspaces',
    { config: { access: 'org-admin' }, schema: { tags, summary: 'Create a workspace (a brand or region)', body: createWorkspaceInput } },
    async (request, reply) => {
      const auth = authOf(request);
      const workspace = await createWorkspace(db, auth.actor, auth.user, request.body);
      return reply.status(201).send({ workspace: publicWorkspace(workspace, 'owner') });
    },
  );

  app.get(
    '/workspaces/:workspaceId',
    { config: { access: 'workspace.read' }, schema: { tags, summary: 'A workspace, with your role and permissions in it', params: workspaceParams } },
    async (request) => {
      const { workspace, role } = workspaceAuthOf(request);
      return { workspace: { ...publicWorkspace(workspace, role), permissions: permissionsOf(role) } };
    },
  );

  app.patch(
    '/workspaces/:workspaceId',
    {
      config: { access: 'workspace.manage' },
      schema: { tags, summary: 'Rename a workspace or change its time zone', params: workspaceParams, body: updateWorkspaceInput },
    },
    async (request) => {
      const { workspace, role, actor } = workspaceAuthOf(request);
      return { workspace: publicWorkspace(await updateWorkspace(db, actor, workspace, request.body), role) };
    },
  );
}
