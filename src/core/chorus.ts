import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database, Db } from './db.ts';
import type { JobEngine } from './jobs.ts';
import type { Connector, NetworkId } from '../connectors/connector.ts';
import type { Mailer } from '../integrations/email.ts';

/** The running instance's shared parts, handed to routes, jobs and commands. */
export interface Chorus {
  config: Config;
  database: Database;
  db: Db;
  logger: Logger;
  jobs: JobEngine;
  connectors: Connectors;
  /** Null when no SMTP server is configured: no email is sent. */
  mailer: Mailer | null;
}

/** The networks this instance can reach. Tests swap in connectors aimed at local peers. */
export interface Connectors {
  get(network: NetworkId): Connector | undefined;
  all(): Connector[];
}

export const connectorsFrom = (list: Connector[]): Connectors => ({
  get: (network) => list.find((c) => c.info.network === network),
  all: () => list,
});
