import type { Chorus } from '../core/chorus.ts';
import type { ApiApp } from './types.ts';

export async function healthRoutes(app: ApiApp, chorus: Chorus) {
  app.get(
    '/health',
    { config: { access: 'public' }, schema: { tags: ['system'], summary: 'Liveness and database reachability' } },
    async (_request, reply) => {
      try {
        await chorus.database.executeSql('select 1');
        return { status: 'ok', database: chorus.database.kind };
      } catch {
        return reply.status(503).send({ status: 'unavailable', database: chorus.database.kind });
      }
    },
  );
}
