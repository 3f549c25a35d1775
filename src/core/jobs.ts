import { hostname } from 'node:os';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Database, Tx } from './db.ts';
import { WorkLoop } from './job-loop.ts';

/**
 * A kind of background work. Payloads are validated on the way in (send) and on the way out
 * (work), because a job can outlive the code that queued it.
 */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  handler: (data: z.infer<S>, job: RunningJob) => Promise<void>;
  /** Retries for failures; the publisher sets 0 where a blind retry could post twice. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
  /**
   * How singleton keys behave (pg-boss queue policies): 'stately' keeps at most one queued and one
   * running job per key, 'short' at most one queued, 'singleton' at most one running; 'standard'
   * ignores keys unless `singletonSeconds` is given.
   */
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
  /** Jobs of this kind one worker process runs side by side (default 4). */
  concurrency?: number;
  /** Standard five-field cron, in `cronTimezone` (UTC by default). */
  cron?: string;
  cronTimezone?: string;
}

export interface RunningJob {
  id: string;
  name: string;
  workerId: string;
  retryCount: number;
  logger: Logger;
}

export interface SendOptions {
  /** Run no earlier than this instant. */
  startAfter?: Date;
  /** Deduplicates by the job's policy (see JobDefinition.policy), or within `singletonSeconds`. */
  singletonKey?: string;
  singletonSeconds?: number;
  retryLimit?: number;
  id?: string;
}

/** Advisory lock key held while queues and schedules are created. */
const QUEUE_SETUP_LOCK = 7_262_687_002;

export const defineJob = <S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> => definition;

export class JobEngine {
  readonly workerId: string;
  private readonly boss: PgBoss;
  private readonly definitions = new Map<string, JobDefinition>();
  private started = false;
  private readonly loops: WorkLoop[] = [];

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
    private readonly options: { pollSeconds: number; workerId?: string; cronCheckSeconds?: number },
  ) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}`;
    this.boss = new PgBoss({
      db: { executeSql: (text, values) => database.executeSql(text, values) },
      schema: 'pgboss',
      // Crons are evaluated by whichever process gets there first; pg-boss debounces them across processes.
      cronMonitorIntervalSeconds: options.cronCheckSeconds ?? 30,
      cronWorkerIntervalSeconds: Math.max(1, options.cronCheckSeconds ?? 5),
    });
    this.boss.on('error', (error) => this.logger.error({ err: error }, 'job engine error'));
  }

  register(...definitions: JobDefinition[]): void {
    for (const definition of definitions) {
      if (this.started) throw new Error(`Register job ${definition.name} before the engine starts`);
      if (this.definitions.has(definition.name)) throw new Error(`Job ${definition.name} is registered twice`);
      this.definitions.set(definition.name, definition);
    }
  }

  /**
   * Creates queues and cron schedules. With `work`, this process also takes jobs; without it, it
   * only queues them (an API process when workers run elsewhere).
   */
  async start({ work }: { work: boolean }): Promise<void> {
    await this.boss.start();
    this.started = true;
    // pg-boss creates a table partition per queue; two processes doing it at once can deadlock
    // (seen with two workers starting together on a new database), so one process at a time does.
    await this.database.withExclusiveLock(QUEUE_SETUP_LOCK, async () => {
      for (const definition of this.definitions.values()) {
        await this.boss.createQueue(definition.name, {
          name: definition.name,
          policy: definition.policy ?? 'standard',
          retryLimit: definition.retryLimit ?? 3,
          retryDelay: definition.retryDelaySeconds ?? 5,
          retryBackoff: definition.retryBackoff ?? true,
          expireInSeconds: definition.expireInSeconds ?? 15 * 60,
        });
        if (definition.cron) {
          await this.boss.schedule(definition.name, definition.cron, {}, { tz: definition.cronTimezone ?? 'UTC' });
        }
      }
    });
    if (work) {
      for (const definition of this.definitions.values()) this.startWorker(definition);
    }
  }

  /**
   * One loop per job kind (./job-loop.ts): up to `concurrency` jobs side by side, topped up as they
   * finish; each failing job is failed on its own.
   */
  private startWorker(definition: JobDefinition): void {
    const options = { concurrency: definition.concurrency ?? 4, pollSeconds: this.options.pollSeconds, logger: this.logger };
    this.loops.push(new WorkLoop(this.boss, definition.name, options, (job) => this.runOne(definition, job)));
  }

  private async runOne(definition: JobDefinition, job: PgBoss.JobWithMetadata<unknown>): Promise<void> {
    const logger = this.logger.child({ job: definition.name, jobId: job.id, workerId: this.workerId });
    const parsed = definition.schema.safeParse(job.data);
    if (!parsed.success) {
      // A malformed payload will not get better on retry: fail it for good, with the reason.
      logger.error({ issues: parsed.error.issues }, 'job payload rejected');
      await this.boss.fail(definition.name, job.id, { error: 'invalid payload', issues: parsed.error.issues });
      return;
    }
    try {
      await definition.handler(parsed.data, { id: job.id, name: definition.name, workerId: this.workerId, retryCount: job.retryCount, logger });
    } catch (error) {
      logger.warn({ err: error, retryCount: job.retryCount }, 'job failed');
      // Marks this job failed (or due for retry); the rest of the batch completes normally.
      await this.boss.fail(definition.name, job.id, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  async send(name: string, data: unknown, options: SendOptions = {}, tx?: Tx): Promise<string | null> {
    const payload = this.payloadFor(name, data);
    return this.boss.send(name, payload, { ...sendOptions(options), ...(tx ? { db: transactionExecutor(tx) } : {}) });
  }

  /**
   * Queues a job to run now. Where its singleton key already holds one queued for later, that one
   * is brought forward instead: a policy keeping one queued job per key would turn a new one away.
   */
  async sendNow(name: string, data: unknown, singletonKey: string): Promise<void> {
    const payload = this.payloadFor(name, data);
    await this.database.executeSql(
      "UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND singleton_key = $2 AND state = 'created' AND start_after > now()",
      [name, singletonKey],
    );
    await this.boss.send(name, payload, { singletonKey });
  }

  /**
   * Queues many jobs of one kind in a single statement, each with its own options, validated as
   * `send` validates them. Jobs a singleton key turns away are skipped silently, as with `send`;
   * of two jobs in one call that share a key, either may be the one kept.
   */
  async sendMany(name: string, items: { data: unknown; options?: SendOptions }[], tx?: Tx): Promise<void> {
    if (items.length === 0) return;
    const jobs = items.map(({ data, options = {} }) => ({ name, data: this.payloadFor(name, data), ...sendOptions(options) }));
    await this.boss.insert(jobs, tx ? { db: transactionExecutor(tx) } : {});
  }

  private payloadFor(name: string, data: unknown): object {
    const definition = this.definitions.get(name);
    if (!definition) throw new Error(`Unknown job ${name}`);
    return definition.schema.parse(data) as object;
  }

  async getJob(name: string, id: string) {
    return this.boss.getJobById(name, id, { includeArchive: true });
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    // Jobs under way finish (up to 10 s) before the engine stops, as pg-boss's graceful stop did.
    await Promise.all(this.loops.splice(0).map((loop) => loop.stop(10_000)));
    await this.boss.stop({ graceful: true, wait: true, close: false, timeout: 10_000 });
  }
}

/** SendOptions as pg-boss takes them, leaving out what is not set. */
function sendOptions(options: SendOptions) {
  return {
    ...(options.startAfter ? { startAfter: options.startAfter } : {}),
    ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
    ...(options.singletonSeconds ? { singletonSeconds: options.singletonSeconds } : {}),
    ...(options.retryLimit !== undefined ? { retryLimit: options.retryLimit } : {}),
    ...(options.id ? { id: options.id } : {}),
  };
}

/**
 * Lets a job be queued inside the caller's transaction, so that "save the post" and "queue its
 * publish" commit or roll back together. Both Drizzle drivers keep their connection (a pg client
 * or a PGlite transaction) on the transaction's session, and both answer `query(text, values)`.
 *
 * A connection runs one query at a time. pg queues a second `query()` issued while one is under
 * way, but warns that pg@9 will refuse it, and the jobs of one transaction (several `send`s side by
 * side) would do exactly that: so queries sent through this executor wait for the one before
 * them on the same connection, whichever `send` they come from.
 */
function transactionExecutor(tx: Tx) {
  const client = (tx as unknown as { session: { client: TransactionClient } }).session.client;
  return {
    executeSql: (text: string, values: unknown[]) => {
      const previous = inFlight.get(client) ?? Promise.resolve();
      const run = previous.then(() => client.query(text, values)).then((result) => ({ rows: result.rows }));
      // The next query waits for this one to end, failed or not; its error goes to its own caller.
      inFlight.set(client, run.catch(() => undefined));
      return run;
    },
  };
}

interface TransactionClient {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** The last query sent through `transactionExecutor` on each connection. */
const inFlight = new WeakMap<TransactionClient, Promise<unknown>>();
