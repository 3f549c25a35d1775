import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { authOf, workspaceAuthOf } from '../http/access.ts';
import { loadPost } from '../publishing/posts.ts';
import { schedulePost, scheduleInput } from '../publishing/scheduling.ts';
import { createWorkflow, deleteWorkflow, listWorkflows, orderInput, reorderWorkflows, updateWorkflow, workflowInput } from './workflows.ts';
import { decide, decisionInput, withdraw } from './decisions.ts';
import { bypassApproval, bypassInput } from './bypass.ts';
import { approvalQueue, queueQuery } from './queue.ts';
import { describeRequests, postApprovalCsv, postApprovalHistory } from './history.ts';
import { deleteSlackWebhook, hasSlackWebhook, saveSlackWebhook, slackWebhookInput } from './slack-webhooks.ts';

const postParams = workspaceParams.extend({ postId: z.uuid() });
const requestParams = workspaceParams.extend({ requestId: z.uuid() });
const workflowParams = workspaceParams.extend({ workflowId: z.uuid() });

export async function approvalRoutes(app: ApiApp, chorus: Chorus) {
  const { db } = chorus;
  const tags = ['approvals'];

  app.get('/workspaces/:workspaceId/approval-workflows', { config: { access: 'posts.read' }, schema: { tags, summary: 'Approval workflows, in the order they are tried', params: workspaceParams } }, async (request) => ({
    workflows: await listWorkflows(db, workspaceAuthOf(request).workspace.id),
  }));
  app.post(
    '/workspaces/:workspaceId/approval-workflows',
    { config: { access: 'approvals.manage' }, schema: { tags, summary: 'Create a workflow (tried after the existing ones)', params: workspaceParams, body: workflowInput } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return reply.status(201).send({ workflow: await createWorkflow(db, actor, workspace.id, request.body) });
    },
  );
  app.put(
    '/workspaces/:workspaceId/approval-workflows/order',
    { config: { access: 'approvals.manage' }, schema: { tags, summary: 'Set the order workflows are tried in (every workflow, once)', params: workspaceParams, body: orderInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return { workflows: await reorderWorkflows(db, actor, workspace.id, request.body.ids) };
    },
  );
  app.put(
    '/workspaces/:workspaceId/approval-workflows/:workflowId',
    { config: { access: 'approvals.manage' }, schema: { tags, summary: 'Replace a workflow (requests under way keep their steps)', params: workflowParams, body: workflowInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return { workflow: await updateWorkflow(db, actor, workspace.id, request.params.workflowId, request.body) };
    },
  );
  app.delete('/workspaces/:workspaceId/approval-workflows/:workflowId', { config: { access: 'approvals.manage' }, schema: { tags, summary: 'Delete a workflow', params: workflowParams } }, async (request, reply) => {
    const { workspace, actor } = workspaceAuthOf(request);
    await deleteWorkflow(db, actor, workspace.id, request.params.workflowId);
    return reply.status(204).send();
  });

  app.post(
    '/workspaces/:workspaceId/posts/:postId/submit',
    {
      config: { access: 'posts.draft' },
      schema: { tags, summary: 'Submit for approval with a time (or as soon as approved); schedules directly when no approval is needed', params: postParams, body: scheduleInput },
    },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return schedulePost(chorus, actor, workspace.id, request.params.postId, request.body);
    },
  );
  app.post(
    '/workspaces/:workspaceId/posts/:postId/bypass-approval',
    { config: { access: 'workspace.manage' }, schema: { tags, summary: 'Schedule without approval, with a recorded reason (owners and admins)', params: postParams, body: bypassInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await bypassApproval(chorus, actor, workspace.id, request.params.postId, request.body);
      return loadPost(db, chorus, workspace.id, request.params.postId);
    },
  );

  app.get('/workspaces/:workspaceId/approvals', { config: { access: 'posts.read' }, schema: { tags, summary: 'The approval queue: what waits for me, or every request', params: workspaceParams, querystring: queueQuery } }, async (request) => {
    const { workspace, user } = workspaceAuthOf(request);
    return { items: await approvalQueue(db, workspace.id, user.id, request.query) };
  });
  app.post(
    '/workspaces/:workspaceId/approvals/:requestId/decision',
    { config: { access: 'posts.read' }, schema: { tags, summary: 'Approve, reject or request changes (a comment is required for the last two)', params: requestParams, body: decisionInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      const decided = await decide(chorus, actor, workspace.id, request.params.requestId, request.body);
      return { request: (await describeRequests(db, [decided]))[0] };
    },
  );
  app.post('/workspaces/:workspaceId/approvals/:requestId/withdraw', { config: { access: 'posts.draft' }, schema: { tags, summary: 'Take a post back out of approval (back to draft)', params: requestParams } }, async (request) => {
    const { workspace, actor } = workspaceAuthOf(request);
    const withdrawn = await withdraw(chorus, actor, workspace.id, request.params.requestId);
    return { request: (await describeRequests(db, [withdrawn]))[0] };
  });

  app.get('/workspaces/:workspaceId/posts/:postId/approvals', { config: { access: 'posts.read' }, schema: { tags, summary: "A post's approval history with every decision", params: postParams } }, async (request) => ({
    requests: await postApprovalHistory(db, workspaceAuthOf(request).workspace.id, request.params.postId),
  }));
  app.get('/workspaces/:workspaceId/posts/:postId/approvals.csv', { config: { access: 'posts.read' }, schema: { tags, summary: "A post's approval history as CSV, one row per event", params: postParams } }, async (request, reply) => {
    const { workspace } = workspaceAuthOf(request);
    const csv = await postApprovalCsv(db, workspace.orgId, workspace.id, request.params.postId);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="approvals-${request.params.postId}.csv"`).send(csv);
  });

  app.get('/account/slack-webhook', { config: { access: 'signed-in' }, schema: { tags, summary: 'Whether approval requests also reach you in Slack' } }, async (request) => ({
    configured: await hasSlackWebhook(db, authOf(request).user.id),
  }));
  app.put('/account/slack-webhook', { config: { access: 'signed-in' }, schema: { tags, summary: 'Receive approval requests in Slack through your incoming webhook', body: slackWebhookInput } }, async (request, reply) => {
    const { user, actor } = authOf(request);
    await db.transaction((tx) => saveSlackWebhook(tx, actor, chorus.config.secretKey, user.id, request.body.url));
    return reply.status(204).send();
  });
  app.delete('/account/slack-webhook', { config: { access: 'signed-in' }, schema: { tags, summary: 'Stop receiving approval requests in Slack' } }, async (request, reply) => {
    const { user, actor } = authOf(request);
    await db.transaction((tx) => deleteSlackWebhook(tx, actor, user.id));
    return reply.status(204).send();
  });
}
