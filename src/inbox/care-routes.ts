import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { workspaceAuthOf } from '../http/access.ts';
import { findConversation } from './service.ts';
import { createSavedReply, deleteSavedReply, listSavedReplies, renderSavedReply, savedReplyInput, TEMPLATE_VARIABLES, updateSavedReply } from './saved-replies.ts';
import { listSlaTargets, putSlaTarget, slaTargetInput } from './sla.ts';
import { inboxStats, statsQuery } from './stats.ts';
import { setTeamInboxProfiles, teamInboxProfileIds, teamProfilesInput, type Viewer } from './visibility.ts';
import { createView, deleteView, inboxCounts, listViews, viewInput } from './views.ts';
import { heartbeat, leave, presenceInput } from './presence.ts';

export const viewerOf = (request: FastifyRequest): Viewer => {
  const { user, role } = workspaceAuthOf(request);
  return { userId: user.id, role };
};

const conversationParams = workspaceParams.extend({ conversationId: z.uuid() });

/** Saved replies, service levels and figures, team visibility, saved views, presence. */
export async function inboxCareRoutes(app: ApiApp, chorus: Chorus) {
  const { db } = chorus;
  const tags = ['inbox'];
  const replyParams = workspaceParams.extend({ replyId: z.uuid() });

  app.get('/workspaces/:workspaceId/saved-replies', { config: { access: 'inbox.read' }, schema: { tags, summary: 'Saved replies, your teams’ first, and the variables they may use', params: workspaceParams } }, async (request) => {
    const { workspace, user } = workspaceAuthOf(request);
    return { savedReplies: await listSavedReplies(db, workspace.id, user.id), variables: TEMPLATE_VARIABLES };
  });
  app.post('/workspaces/:workspaceId/saved-replies', { config: { access: 'inbox.manage' }, schema: { tags, summary: 'Add a saved reply', params: workspaceParams, body: savedReplyInput } }, async (request, reply) => {
    const { workspace, actor } = workspaceAuthOf(request);
    return reply.status(201).send({ savedReply: await createSavedReply(db, actor, workspace.id, request.body) });
  });
  app.put('/workspaces/:workspaceId/saved-replies/:replyId', { config: { access: 'inbox.manage' }, schema: { tags, summary: 'Change a saved reply', params: replyParams, body: savedReplyInput } }, async (request) => {
    const { workspace, actor } = workspaceAuthOf(request);
    return { savedReply: await updateSavedReply(db, actor, workspace.id, request.params.replyId, request.body) };
  });
  app.delete('/workspaces/:workspaceId/saved-replies/:replyId', { config: { access: 'inbox.manage' }, schema: { tags, summary: 'Delete a saved reply', params: replyParams } }, async (request, reply) => {
    const { workspace, actor } = workspaceAuthOf(request);
    await deleteSavedReply(db, actor, workspace.id, request.params.replyId);
    return reply.status(204).send();
  });
  app.post(
    '/workspaces/:workspaceId/inbox/:conversationId/saved-replies/:replyId/render',
    { config: { access: 'inbox.read' }, schema: { tags, summary: 'A saved reply filled in for this conversation', params: conversationParams.extend({ replyId: z.uuid() }) } },
    async (request) => {
      const { workspace, user } = workspaceAuthOf(request);
      const conversation = await findConversation(db, viewerOf(request), workspace.id, request.params.conversationId);
      return { text: await renderSavedReply(db, workspace.id, request.params.replyId, conversation, user.id) };
    },
  );

  app.get('/workspaces/:workspaceId/sla-targets', { config: { access: 'inbox.read' }, schema: { tags, summary: 'Service-level targets: the workspace default and each team’s', params: workspaceParams } }, async (request) => ({
    targets: await listSlaTargets(db, workspaceAuthOf(request).workspace.id),
  }));
  app.put('/workspaces/:workspaceId/sla-targets', { config: { access: 'inbox.manage' }, schema: { tags, summary: 'Set a team’s target or the default (both minutes null removes it)', params: workspaceParams, body: slaTargetInput } }, async (request) => {
    const { workspace, actor } = workspaceAuthOf(request);
    return { target: await putSlaTarget(db, actor, workspace.id, request.body) };
  });
  app.get('/workspaces/:workspaceId/inbox/stats', { config: { access: 'inbox.read' }, schema: { tags, summary: 'Response and resolution times, and the share within target', params: workspaceParams, querystring: statsQuery } }, async (request) =>
    inboxStats(db, viewerOf(request), workspaceAuthOf(request).workspace.id, request.query),
  );

  const teamParams = workspaceParams.extend({ teamId: z.uuid() });
  app.get('/workspaces/:workspaceId/teams/:teamId/inbox-profiles', { config: { access: 'inbox.read' }, schema: { tags, summary: 'Profiles whose inbox this team holds', params: teamParams } }, async (request) => ({
    profileIds: await teamInboxProfileIds(db, workspaceAuthOf(request).workspace.id, request.params.teamId),
  }));
  app.put(
    '/workspaces/:workspaceId/teams/:teamId/inbox-profiles',
    { config: { access: 'inbox.manage' }, schema: { tags, summary: 'Give a team these profiles’ inboxes: only its members (and owners, admins) will see them', params: teamParams, body: teamProfilesInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return { profileIds: await setTeamInboxProfiles(db, actor, workspace.id, request.params.teamId, request.body.profileIds) };
    },
  );

  app.get('/workspaces/:workspaceId/inbox/views', { config: { access: 'inbox.read' }, schema: { tags, summary: 'Saved views: shared ones, then yours', params: workspaceParams } }, async (request) => {
    const { workspace, user } = workspaceAuthOf(request);
    return { views: await listViews(db, workspace.id, user.id) };
  });
  app.post('/workspaces/:workspaceId/inbox/views', { config: { access: 'inbox.read' }, schema: { tags, summary: 'Save a view (shared ones need inbox.manage)', params: workspaceParams, body: viewInput } }, async (request, reply) => {
    const { workspace, actor } = workspaceAuthOf(request);
    return reply.status(201).send({ view: await createView(db, actor, viewerOf(request), workspace.id, request.body) });
  });
  app.delete(
    '/workspaces/:workspaceId/inbox/views/:viewId',
    { config: { access: 'inbox.read' }, schema: { tags, summary: 'Delete a saved view', params: workspaceParams.extend({ viewId: z.uuid() }) } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await deleteView(db, actor, viewerOf(request), workspace.id, request.params.viewId);
      return reply.status(204).send();
    },
  );
  app.get('/workspaces/:workspaceId/inbox/counts', { config: { access: 'inbox.read' }, schema: { tags, summary: 'Waiting and unread conversations per built-in and saved view', params: workspaceParams } }, async (request) =>
    inboxCounts(db, viewerOf(request), workspaceAuthOf(request).workspace.id),
  );

  app.post(
    '/workspaces/:workspaceId/inbox/:conversationId/presence',
    { config: { access: 'inbox.read' }, schema: { tags, summary: 'I am viewing or replying to this conversation; who else is', params: conversationParams, body: presenceInput } },
    async (request) => {
      const { workspace, user } = workspaceAuthOf(request);
      await findConversation(db, viewerOf(request), workspace.id, request.params.conversationId);
      return { others: await heartbeat(db, request.params.conversationId, user.id, request.body.state) };
    },
  );
  app.delete('/workspaces/:workspaceId/inbox/:conversationId/presence', { config: { access: 'inbox.read' }, schema: { tags, summary: 'I left this conversation', params: conversationParams } }, async (request, reply) => {
    const { workspace, user } = workspaceAuthOf(request);
    await findConversation(db, viewerOf(request), workspace.id, request.params.conversationId);
    await leave(db, request.params.conversationId, user.id);
    return reply.status(204).send();
  });
}
