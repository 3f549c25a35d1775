import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { workspaceAuthOf } from '../http/access.ts';
import { addMember, addMemberInput, changeRole, changeRoleInput, listMembers, removeMember, renewInvitation } from './members.ts';
import { addTeamMember, createTeam, deleteTeam, listTeams, removeTeamMember, teamInput, updateTeam, updateTeamInput } from './teams.ts';

const memberParams = workspaceParams.extend({ userId: z.uuid() });
const teamParams = workspaceParams.extend({ teamId: z.uuid() });
const teamMemberParams = teamParams.extend({ userId: z.uuid() });

export async function memberRoutes(app: ApiApp, chorus: Chorus) {
  const { db, config } = chorus;
  const tags = ['members and teams'];

  app.get(
    '/workspaces/:workspaceId/members',
    { config: { access: 'members.read' }, schema: { tags, summary: 'Members, their roles and teams', params: workspaceParams } },
    async (request) => ({ members: await listMembers(db, workspaceAuthOf(request).workspace.id) }),
  );

  app.post(
    '/workspaces/:workspaceId/members',
    {
      config: { access: 'members.manage' },
      schema: {
        tags,
        summary: 'Add a member; someone new gets an invitation link (returned once)',
        params: workspaceParams,
        body: addMemberInput,
      },
    },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      const { invitationToken, ...member } = await addMember(db, actor, workspace.id, request.body);
      const invitationUrl = invitationToken ? `${config.publicUrl}/invite/${invitationToken}` : null;
      return reply.status(201).send({ member, invitationUrl });
    },
  );

  app.post(
    '/workspaces/:workspaceId/members/:userId/invitation',
    {
      config: { access: 'members.manage' },
      schema: { tags, summary: 'A new invitation link for someone who has not joined yet (earlier links stop working)', params: memberParams },
    },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      const token = await renewInvitation(db, actor, workspace.id, request.params.userId);
      return { invitationUrl: `${config.publicUrl}/invite/${token}` };
    },
  );

  app.patch(
    '/workspaces/:workspaceId/members/:userId',
    { config: { access: 'members.manage' }, schema: { tags, summary: "Change a member's role", params: memberParams, body: changeRoleInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return { member: await changeRole(db, actor, workspace.id, request.params.userId, request.body) };
    },
  );

  app.delete(
    '/workspaces/:workspaceId/members/:userId',
    { config: { access: 'members.manage' }, schema: { tags, summary: 'Remove a member from the workspace', params: memberParams } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await removeMember(db, actor, workspace.id, request.params.userId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/workspaces/:workspaceId/teams',
    { config: { access: 'teams.read' }, schema: { tags, summary: 'Teams and their members', params: workspaceParams } },
    async (request) => ({ teams: await listTeams(db, workspaceAuthOf(request).workspace.id) }),
  );

  app.post(
    '/workspaces/:workspaceId/teams',
    { config: { access: 'teams.manage' }, schema: { tags, summary: 'Create a team', params: workspaceParams, body: teamInput } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return reply.status(201).send({ team: await createTeam(db, actor, workspace.id, request.body) });
    },
  );

  app.patch(
    '/workspaces/:workspaceId/teams/:teamId',
    { config: { access: 'teams.manage' }, schema: { tags, summary: 'Rename or describe a team', params: teamParams, body: updateTeamInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return { team: await updateTeam(db, actor, workspace.id, request.params.teamId, request.body) };
    },
  );

  app.delete(
    '/workspaces/:workspaceId/teams/:teamId',
    { config: { access: 'teams.manage' }, schema: { tags, summary: 'Delete a team', params: teamParams } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await deleteTeam(db, actor, workspace.id, request.params.teamId);
      return reply.status(204).send();
    },
  );

  app.put(
    '/workspaces/:workspaceId/teams/:teamId/members/:userId',
    { config: { access: 'teams.manage' }, schema: { tags, summary: 'Put a member in a team', params: teamMemberParams } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await addTeamMember(db, actor, workspace.id, request.params.teamId, request.params.userId);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/workspaces/:workspaceId/teams/:teamId/members/:userId',
    { config: { access: 'teams.manage' }, schema: { tags, summary: 'Take a member out of a team', params: teamMemberParams } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await removeTeamMember(db, actor, workspace.id, request.params.teamId, request.params.userId);
      return reply.status(204).send();
    },
  );
}
