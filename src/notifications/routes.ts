import { z } from 'zod';
import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from '../http/types.ts';
import { authOf } from '../http/access.ts';
import { listNotifications, markRead } from './service.ts';

export async function notificationRoutes(app: ApiApp, chorus: Chorus) {
  const tags = ['notifications'];
  app.get('/me/notifications', { config: { access: 'signed-in' }, schema: { tags, summary: 'Your notifications, newest first, with the unread count' } }, async (request) =>
    listNotifications(chorus.db, authOf(request).user.id),
  );
  app.post(
    '/me/notifications/read',
    { config: { access: 'signed-in' }, schema: { tags, summary: 'Mark notifications read', body: z.object({ ids: z.union([z.array(z.uuid()).max(500), z.literal('all')]) }) } },
    async (request, reply) => {
      await markRead(chorus.db, authOf(request).user.id, request.body.ids);
      return reply.status(204).send();
    },
  );
}
