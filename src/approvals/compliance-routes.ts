import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { workspaceAuthOf } from '../http/access.ts';
import { complianceRuleInput, createComplianceRule, deleteComplianceRule, listComplianceRules, updateComplianceRule } from './compliance-rules.ts';
import { checkDraft, draftCheckInput } from './compliance.ts';

const ruleParams = workspaceParams.extend({ ruleId: z.uuid() });

export async function complianceRoutes(app: ApiApp, chorus: Chorus) {
  const { db } = chorus;
  const tags = ['approvals'];

  app.get(
    '/workspaces/:workspaceId/compliance-rules',
    { config: { access: 'posts.read' }, schema: { tags, summary: 'Compliance rules: banned terms, patterns, disclaimers, link domains, hashtag limits', params: workspaceParams } },
    async (request) => ({ rules: await listComplianceRules(db, workspaceAuthOf(request).workspace.id) }),
  );

  app.post(
    '/workspaces/:workspaceId/compliance-rules',
    { config: { access: 'compliance.manage' }, schema: { tags, summary: 'Add a compliance rule', params: workspaceParams, body: complianceRuleInput } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return reply.status(201).send({ rule: await createComplianceRule(db, actor, workspace.id, request.body) });
    },
  );

  app.put(
    '/workspaces/:workspaceId/compliance-rules/:ruleId',
    { config: { access: 'compliance.manage' }, schema: { tags, summary: 'Replace a compliance rule', params: ruleParams, body: complianceRuleInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      return { rule: await updateComplianceRule(db, actor, workspace.id, request.params.ruleId, request.body) };
    },
  );

  app.delete(
    '/workspaces/:workspaceId/compliance-rules/:ruleId',
    { config: { access: 'compliance.manage' }, schema: { tags, summary: 'Delete a compliance rule', params: ruleParams } },
    async (request, reply) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await deleteComplianceRule(db, actor, workspace.id, request.params.ruleId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/workspaces/:workspaceId/compliance/check',
    { config: { access: 'posts.draft' }, schema: { tags, summary: 'Which compliance rules a draft breaks, per profile', params: workspaceParams, body: draftCheckInput } },
    async (request) => checkDraft(db, workspaceAuthOf(request).workspace.id, request.body),
  );
}
