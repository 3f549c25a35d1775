import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Database, Db } from './db.ts';
import type { JobEngine } from './jobs.ts';

/** The running instance's shared parts, handed to routes, jobs and commands. */
export interface Chorus {
  config: Config;
  database: Database;
  db: Db;
  logger: Logger;
  jobs: JobEngine;
}
