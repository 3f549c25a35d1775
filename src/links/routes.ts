import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { workspaceParams } from '../http/types.ts';
import { workspaceAuthOf } from '../http/access.ts';
import { followLink, getLinkSettings, linkSettingsInput, linkStats, setLinkSettings } from './service.ts';

export async function linkRoutes(app: ApiApp, chorus: Chorus) {
  const { db } = chorus;
  const tags = ['links'];

  app.get('/workspaces/:workspaceId/link-settings', { config: { access: 'workspace.read' }, schema: { tags, summary: 'How links are shortened and tagged', params: workspaceParams } }, async (request) => ({
    settings: await getLinkSettings(db, workspaceAuthOf(request).workspace.id),
  }));

  app.put(
    '/workspaces/:workspaceId/link-settings',
    { config: { access: 'workspace.manage' }, schema: { tags, summary: 'Set link shortening and UTM defaults', params: workspaceParams, body: linkSettingsInput } },
    async (request) => {
      const { workspace, actor } = workspaceAuthOf(request);
      await db.transaction((tx) => setLinkSettings(tx, actor, workspace.id, request.body));
      return { settings: await getLinkSettings(db, workspace.id) };
    },
  );

  app.get(
    '/workspaces/:workspaceId/posts/:postId/links',
    { config: { access: 'posts.read' }, schema: { tags, summary: "A post's tracked links and their clicks", params: workspaceParams.extend({ postId: z.uuid() }) } },
    async (request) => ({ links: await linkStats(db, workspaceAuthOf(request).workspace.id, request.params.postId) }),
  );
}

/** The public short-link redirect. It must stay fast: one indexed lookup and one insert. */
export function registerRedirect(app: FastifyInstance, chorus: Chorus) {
  app.get<{ Params: { code: string } }>('/l/:code', async (request, reply) => {
    const target = await followLink(chorus.db, request.params.code, {
      ...(request.headers.referer ? { referrer: request.headers.referer } : {}),
      ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
    });
    if (!target) return reply.status(404).type('text/plain').send('This link does not exist.');
    // Not cached: every click must reach Chorus to be counted.
    return reply.header('cache-control', 'no-store').redirect(target, 302);
  });
}
