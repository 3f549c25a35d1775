import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { loadConfig, type Config } from '../../src/core/config.ts';
import { JobEngine } from '../../src/core/jobs.ts';
import { createLogger } from '../../src/core/logger.ts';
import { connectorsFrom, type Chorus, type Connectors } from '../../src/core/chorus.ts';
import { allJobs } from '../../src/instance.ts';
import type { Mailer } from '../../src/integrations/email.ts';
import { createTestDatabase, type Backend, type TestDatabase } from './db.ts';
import { TEST_SECRET_KEY } from './processes.ts';

export interface TestApp {
  app: FastifyInstance;
  chorus: Chorus;
  database: TestDatabase;
  /** Every line the app logged, for tests that check what must never be logged. */
  logLines: string[];
  close(): Promise<void>;
}

/** A complete Chorus API on a fresh database, driven in-process with `app.inject`. */
export async function createTestApp(
  backend: Backend,
  options: { work?: boolean; connectors?: Connectors; config?: Partial<Config>; mailer?: Mailer } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(backend);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('info', sink);
  // The same key as `chorus` processes spawned by tests, so that they can read what this app sealed.
  const config = loadConfig({ CHORUS_SECRET_KEY: TEST_SECRET_KEY } as NodeJS.ProcessEnv, { dataDir: '/nonexistent', port: 0, ...options.config });
  const jobs = new JobEngine(database, logger, { pollSeconds: 0.5 });
  const chorus: Chorus = { config, database, db: database.db, logger, jobs, connectors: options.connectors ?? connectorsFrom([]), mailer: options.mailer ?? null };
  jobs.register(...allJobs(chorus));
  await jobs.start({ work: options.work ?? false });
  const app = await buildApp(chorus);
  await app.ready();
  return {
    app,
    chorus,
    database,
    logLines,
    async close() {
      await app.close();
      await jobs.stop();
      await database.close();
    },
  };
}

/** A signed-in browser-like client: session cookie plus the CSRF header on writes. */
export interface Client {
  cookie: string | null;
  csrfToken: string | null;
  bearer: string | null;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export function client(app: FastifyInstance, auth: { cookie?: string | null; csrfToken?: string | null; bearer?: string | null } = {}): Client {
  const self: Client = {
    cookie: auth.cookie ?? null,
    csrfToken: auth.csrfToken ?? null,
    bearer: auth.bearer ?? null,
    async request(method, url, body, headers = {}) {
      const all: Record<string, string> = { ...headers };
      if (self.cookie) all.cookie = self.cookie;
      if (self.bearer) all.authorization = `Bearer ${self.bearer}`;
      if (self.csrfToken && method !== 'GET') all['x-csrf-token'] = self.csrfToken;
      return app.inject({ method: method as 'GET', url, headers: all, ...(body !== undefined ? { payload: body as object } : {}) });
    },
  };
  return self;
}

export const OWNER = { email: 'owner@example.com', password: 'owner password 1', name: 'Olive Owner' };

/** Runs first-run setup and returns the owner's signed-in client and first workspace id. */
export async function setupOwner(app: FastifyInstance) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/setup',
    payload: { organizationName: 'Acme', name: OWNER.name, email: OWNER.email, password: OWNER.password, timezone: 'Europe/Paris' },
  });
  if (response.statusCode !== 201) throw new Error(`setup failed: ${response.body}`);
  const body = response.json();
  const cookie = sessionCookie(response);
  return { owner: client(app, { cookie, csrfToken: body.csrfToken }), workspaceId: body.workspaces[0].id as string, userId: body.user.id as string };
}

export function sessionCookie(response: LightMyRequestResponse): string {
  const set = response.cookies.find((c) => c.name === 'chorus_session');
  if (!set) throw new Error('no session cookie');
  return `chorus_session=${set.value}`;
}

/** Adds a member with the given role and returns a client holding an API token of theirs. */
export async function memberWithRole(app: FastifyInstance, owner: Client, workspaceId: string, role: string, email = `${role}-${Math.random().toString(36).slice(2)}@example.com`) {
  const added = await owner.request('POST', `/api/v1/workspaces/${workspaceId}/members`, { email, role });
  if (added.statusCode !== 201) throw new Error(`add member failed: ${added.body}`);
  const invitationToken = added.json().invitationUrl.split('/invite/')[1];
  const accepted = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/invitations/accept',
    payload: { token: invitationToken, password: 'member password 1' },
  });
  if (accepted.statusCode !== 200) throw new Error(`accept failed: ${accepted.body}`);
  const session = client(app, { cookie: sessionCookie(accepted), csrfToken: accepted.json().csrfToken });
  const token = await session.request('POST', '/api/v1/me/tokens', { name: 'test' });
  return { userId: added.json().member.userId as string, email, session, api: client(app, { bearer: token.json().secret }) };
}
