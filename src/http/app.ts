import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Chorus } from '../core/chorus.ts';
import { newId } from '../core/crypto.ts';
import { makeAccessHook } from './access.ts';
import { errorHandler } from './errors.ts';
import { healthRoutes } from './health-routes.ts';
import { authRoutes } from '../auth/routes.ts';
import { workspaceRoutes } from '../workspaces/routes.ts';
import { memberRoutes } from '../workspaces/member-routes.ts';
import { auditRoutes } from '../workspaces/audit-routes.ts';
import { profileRoutes } from '../profiles/routes.ts';
import { publishingRoutes } from '../publishing/routes.ts';
import { composeRoutes } from '../publishing/compose-routes.ts';
import { linkRoutes, registerRedirect } from '../links/routes.ts';
import { mediaRoutes } from '../media/routes.ts';
import { notificationRoutes } from '../notifications/routes.ts';
import { inboxRoutes } from '../inbox/routes.ts';
import { complianceRoutes } from '../approvals/compliance-routes.ts';
import { registerPublicMedia } from '../media/public-url.ts';
import { approvalRoutes } from '../approvals/routes.ts';
import { registerApprovalLinks } from '../approvals/link-routes.ts';


export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface RouteInfo {
  method: string;
  url: string;
  access: string | undefined;
}

export async function buildApp(chorus: Chorus): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: chorus.logger as FastifyBaseLogger,
    bodyLimit: chorus.config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : newId();
    },
    // Fastify accepts a hop count too; its types only list the other forms.
    trustProxy: chorus.config.trustProxy as boolean,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.decorateRequest('auth', null);
  // The API speaks JSON only. Dropping the text/plain parser also means a cross-site "simple"
  // request (which browsers send without asking) can never reach a handler.
  app.removeContentTypeParser('text/plain');

  // Refuse to start with an API route that forgot to say who may call it.
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      if (!route.config?.access) throw new Error(`${method} ${route.url} declares no access rule`);
      routes.push({ method, url: route.url, access: route.config.access });
    }
  });
  app.decorate('apiRoutes', routes);

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Chorus API', version: '1', description: 'Manage social publishing, approvals, inbox and reports.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token (Settings → API tokens).' },
          session: { type: 'apiKey', in: 'cookie', name: 'chorus_session' },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  // Access is decided before the body is read, so that a caller without rights learns nothing
  // from validation errors and costs us no parsing.
  app.addHook('onRequest', makeAccessHook(chorus));
  await app.register(
    async (v1) => {
      const typed = v1.withTypeProvider<ZodTypeProvider>();
      await healthRoutes(typed, chorus);
      await authRoutes(typed, chorus);
      await workspaceRoutes(typed, chorus);
      await memberRoutes(typed, chorus);
      await auditRoutes(typed, chorus);
      await profileRoutes(typed, chorus);
      await publishingRoutes(typed, chorus);
      await composeRoutes(typed, chorus);
      await linkRoutes(typed, chorus);
      await mediaRoutes(typed, chorus);
      await notificationRoutes(typed, chorus);
      await inboxRoutes(typed, chorus);
      await approvalRoutes(typed, chorus);
      await complianceRoutes(typed, chorus);
    },
    { prefix: '/api/v1' },
  );

  registerRedirect(app, chorus);
  registerPublicMedia(app, chorus);
  await registerApprovalLinks(app, chorus);
  await registerWebApp(app);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    apiRoutes: RouteInfo[];
  }
}

/**
 * The web app's scripts and API calls are all same-origin; pictures and videos may come from the
 * networks (avatars, link-card images), so only those may be fetched from other https hosts.
 * Inline styles stay allowed: components set them, and they cannot run code.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "media-src 'self' blob: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the built React app, with client-side routes falling back to index.html. */
async function registerWebApp(app: FastifyInstance) {
  const built = existsSync(`${WEB_DIST}/index.html`);
  if (built) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path.startsWith('/api/') || request.method !== 'GET') {
      return reply.status(404).send({ error: { code: 'route_not_found', message: `No route ${request.method} ${path}.`, requestId: request.id } });
    }
    if (!built) {
      return reply.status(503).type('text/plain').send('The web app is not built. Run `npm run build` (npm start does it for you).');
    }
    return reply.header('cache-control', 'no-cache').header('content-security-policy', WEB_APP_CSP).sendFile('index.html');
  });
}
