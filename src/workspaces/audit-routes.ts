import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { authOf, workspaceAuthOf } from '../http/access.ts';
import { listAudit } from './audit.ts';

const auditFilters = z.object({
  action: z.string().max(100).optional(),
  actorUserId: z.uuid().optional(),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(100).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export async function auditRoutes(app: ApiApp, chorus: Chorus) {
  const { db } = chorus;
  const tags = ['audit'];

  app.get(
    '/workspaces/:workspaceId/audit',
    {
      config: { access: 'audit.read' },
      schema: { tags, summary: "A workspace's audit log, newest first", params: workspaceParams, querystring: auditFilters },
    },
    async (request) => {
      const { workspace } = workspaceAuthOf(request);
      return listAudit(db, { ...request.query, orgId: workspace.orgId, workspaceId: workspace.id });
    },
  );

  app.get(
    '/audit',
    {
      config: { access: 'org-admin' },
      schema: {
        tags,
        summary: 'The whole organisation audit log (sign-ins and every workspace), newest first',
        querystring: auditFilters.extend({ workspaceId: z.uuid().optional(), scope: z.enum(['all', 'organization']).default('all') }),
      },
    },
    async (request) => {
      const { scope, workspaceId, ...filters } = request.query;
      return listAudit(db, {
        ...filters,
        orgId: authOf(request).user.orgId,
        workspaceId: scope === 'organization' ? null : workspaceId,
      });
    },
  );
}
