import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loadConfig, type Config } from './core/config.ts';
import { openDatabase, type Database } from './core/db.ts';
import { runMigrations } from './core/migrate.ts';
import { JobEngine, type JobDefinition } from './core/jobs.ts';
import { createLogger } from './core/logger.ts';
import { connectorsFrom, type Chorus, type Connectors } from './core/chorus.ts';
import { probeJob } from './core/probe.ts';
import { pruneAuthJob } from './auth/jobs.ts';
import { refreshTokensJob } from './profiles/jobs.ts';
import { publishJob, reconcileJob } from './publishing/jobs.ts';
import { emailJob } from './notifications/jobs.ts';
import { inboxSchedulerJob, syncProfileJob } from './inbox/jobs.ts';
import { startRealtimeInbox } from './inbox/realtime.ts';
import { deadlineJob, deliverJob } from './approvals/jobs.ts';
import { createMailer } from './integrations/email.ts';
import { defaultConnectors } from './connectors/registry.ts';
import { buildApp } from './http/app.ts';

/** Every kind of background job Chorus runs. A new domain adds its jobs here. */
export const allJobs = (chorus: Chorus): JobDefinition[] => [
  probeJob(chorus),
  pruneAuthJob(chorus),
  refreshTokensJob(chorus),
  publishJob(chorus),
  reconcileJob(chorus),
  emailJob(chorus),
  inboxSchedulerJob(chorus),
  syncProfileJob(chorus),
  deliverJob(chorus),
  deadlineJob(chorus),
];

export interface StartOptions {
  config?: Config;
  logger?: Logger;
  /** Take jobs in this process (serve does by default; an API-only process does not). */
  work: boolean;
  /** Serve HTTP. A worker process does not. */
  http: boolean;
  workerId?: string;
  /** The networks to reach; tests point them at local peers. */
  connectors?: Connectors;
}

export interface Instance {
  chorus: Chorus;
  app: FastifyInstance | null;
  url: string | null;
  stop(): Promise<void>;
}

export const openConfiguredDatabase = (config: Config): Promise<Database> =>
  config.databaseUrl
    ? openDatabase({ kind: 'postgres', url: config.databaseUrl })
    : openDatabase({ kind: 'pglite', dataDir: config.dataDir });

/** Opens the database, brings its schema up to date, starts jobs and (optionally) the web server. */
export async function startInstance(options: StartOptions): Promise<Instance> {
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openConfiguredDatabase(config);
  try {
    await runMigrations(database);
    const jobs = new JobEngine(database, logger, {
      pollSeconds: config.jobPollSeconds,
      ...(options.workerId ? { workerId: options.workerId } : {}),
    });
    const chorus: Chorus = { config, database, db: database.db, logger, jobs, connectors: options.connectors ?? connectorsFrom(defaultConnectors()),
      mailer: config.smtpUrl ? createMailer(config.smtpUrl, config.mailFrom) : null,
    };
    jobs.register(...allJobs(chorus));
    await jobs.start({ work: options.work });
    let app: FastifyInstance | null = null;
    let url: string | null = null;
    if (options.http) {
      app = await buildApp(chorus);
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address();
      url = typeof address === 'object' && address ? `http://localhost:${address.port}` : config.publicUrl;
    }
    // Streams only bring syncs forward, so they belong where syncs run; started last, so a failed
    // start leaves none open.
    const realtime = options.work && config.inboxRealtime ? startRealtimeInbox(chorus) : null;
    logger.info({ database: database.describe, url, work: options.work }, 'Chorus started');
    return {
      chorus,
      app,
      url,
      async stop() {
        await app?.close();
        await realtime?.stop();
        await jobs.stop();
        await database.close();
      },
    };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}
