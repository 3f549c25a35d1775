import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { workspaceAuthOf } from '../http/access.ts';
import { findProfile } from '../profiles/service.ts';
import { addConversationNote, bulkInput, listConversations, listQuery, noteInput, openConversation, updateConversations, updateInput } from './service.ts';
import { replyInput, replyToConversation } from './reply.ts';
import { createRule, deleteRule, listRules, reorderRules, updateRule } from './rules.ts';
import { ruleInput } from './routing.ts';
import { syncProfile } from './sync.ts';
import { assertProfileVisible } from './visibility.ts';
import { inboxCareRoutes, viewerOf } from './care-routes.ts';

const conversationParams = workspaceParams.extend({ conversationId: z.uuid() });
const ruleParams = workspaceParams.extend({ ruleId: z.uuid() });

export async function inboxRoutes(app: ApiApp, chorus: Chorus) {
  const { db } = chorus;
  const tags = ['inbox'];
  await inboxCareRoutes(app, chorus);

  app.get(
    '/workspaces/:workspaceId/inbox',
    { config: { access: 'inbox.read' }, schema: { tags, summary: 'Conversations, newest activity first, with filters and full-text search', params: workspaceParams, querystring: listQuery } },
    async (request) => {
      const { workspace } = workspaceAuthOf(request);
      return listConversations(db, viewerOf(request), workspace.id, request.query);
    },
  );

  app.get(
    '/workspaces/:workspaceId/inbox/:conversationId',
    { config: { access: 'inbox.read' }, schema: { tags, summary: 'A conversation: messages, internal notes, service level, who else has it open, the author’s history', params: conversationParams } },
    async (request) => openConversation(db, viewerOf(request), workspaceAuthOf(request).workspace.id, request.params.conversationId),
  );

  app.patch(
    '/workspaces/:workspaceId/inbox/:conversationId',
    { config: { access: 'inbox.reply' }, schema: { tags, summary: 'Change status, assignee, priority or tags', params: conversationParams, body: updateInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      const [conversation] = await updateConversations(db, actor, viewerOf(request), workspace.id, [request.params.conversationId], request.body);
      return { conversation };
    },
  );

  app.post(
    '/workspaces/:workspaceId/inbox/bulk',
    { config: { access: 'inbox.reply' }, schema: { tags, summary: 'Assign, tag or close many conversations at once', params: workspaceParams, body: bulkInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return { updated: (await updateConversations(db, actor, viewerOf(request), workspace.id, request.body.ids, request.body.change)).length };
    },
  );

  app.post(
    '/workspaces/:workspaceId/inbox/:conversationId/notes',
    { config: { access: 'inbox.reply' }, schema: { tags, summary: 'Add an internal note (customers never see it)', params: conversationParams, body: noteInput } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return reply.status(201).send({ note: await addConversationNote(db, actor, viewerOf(request), workspace.id, request.params.conversationId, request.body.body) });
    },
  );

  app.post(
    '/workspaces/:workspaceId/inbox/:conversationId/reply',
    { config: { access: 'inbox.reply' }, schema: { tags, summary: 'Reply on the network to the exact message (or in the DM)', params: conversationParams, body: replyInput } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return reply.status(201).send({ message: await replyToConversation(chorus, actor, viewerOf(request), workspace.id, request.params.conversationId, request.body) });
    },
  );

  app.post(
    '/workspaces/:workspaceId/profiles/:profileId/sync',
    { config: { access: 'inbox.reply' }, schema: { tags, summary: "Fetch a profile's new mentions, comments and DMs now", params: workspaceParams.extend({ profileId: z.uuid() }) } },
    async (request) => {
      const { workspace } = workspaceAuthOf(request);
      await findProfile(db, workspace.id, request.params.profileId);
      await assertProfileVisible(db, viewerOf(request), request.params.profileId);
      return { result: await syncProfile(chorus, request.params.profileId, request.log) };
    },
  );

  app.get('/workspaces/:workspaceId/routing-rules', { config: { access: 'inbox.read' }, schema: { tags, summary: 'Routing rules, in the order they apply', params: workspaceParams } }, async (request) => ({
    rules: await listRules(db, workspaceAuthOf(request).workspace.id),
  }));
  app.post('/workspaces/:workspaceId/routing-rules', { config: { access: 'inbox.manage' }, schema: { tags, summary: 'Add a routing rule (applies last)', params: workspaceParams, body: ruleInput } }, async (request, reply) => {
    const { workspace, actor } = workspaceAuthOf(request);
    return reply.status(201).send({ rule: await createRule(db, actor, workspace.id, request.body) });
  });
  app.put('/workspaces/:workspaceId/routing-rules/:ruleId', { config: { access: 'inbox.manage' }, schema: { tags, summary: 'Replace a routing rule', params: ruleParams, body: ruleInput } }, async (request) => {
    const { workspace, actor } = workspaceAuthOf(request);
    return { rule: await updateRule(db, actor, workspace.id, request.params.ruleId, request.body) };
  });
  app.delete('/workspaces/:workspaceId/routing-rules/:ruleId', { config: { access: 'inbox.manage' }, schema: { tags, summary: 'Delete a routing rule', params: ruleParams } }, async (request, reply) => {
    const { workspace, actor } = workspaceAuthOf(request);
    await deleteRule(db, actor, workspace.id, request.params.ruleId);
    return reply.status(204).send();
  });
  app.put(
    '/workspaces/:workspaceId/routing-rules',
    { config: { access: 'inbox.manage' }, schema: { tags, summary: 'Reorder the routing rules', params: workspaceParams, body: z.object({ ids: z.array(z.uuid()).max(500) }) } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await reorderRules(db, actor, workspace.id, request.body.ids);
      return { rules: await listRules(db, workspace.id) };
    },
  );
}
